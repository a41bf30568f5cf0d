"""Flag triage: what to act on first, and who acknowledged, took or snoozed a flag."""
