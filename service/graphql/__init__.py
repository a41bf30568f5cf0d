"""GraphQL surface: one graph across domains for BI tools and integrations."""
