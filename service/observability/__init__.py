"""Observability: metrics, structured logs and traces."""
