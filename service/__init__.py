"""cdo-portfolio: the running service (REST, GraphQL, pages, CLI)."""
