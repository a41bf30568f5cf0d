"""Bulk loads at COPY speed: figure triggers off, one set-based recompute, then a check."""
