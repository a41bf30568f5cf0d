"""Check-in reminders to initiative owners and the weekly digest for the CDO office."""
