"""Demo data: the curated Northbridge Home company and a synthetic generator for scale."""
