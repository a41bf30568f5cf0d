"""Hand-written GraphQL types, one module per domain."""
