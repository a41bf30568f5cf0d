"""Single sign-on with any OpenID Connect provider (authorization code flow with PKCE)."""
