"""Accounts, API tokens, sign-in and the authorization policy."""
