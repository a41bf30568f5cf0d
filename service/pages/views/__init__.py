"""What each page shows, composed from the domain services (no SQL of their own)."""
