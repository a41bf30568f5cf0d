"""Deletions for BI: tombstones of deleted rows, read incrementally, purged after retention."""
