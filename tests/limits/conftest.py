"""Limit tests reuse the page tests' small company and signed-in browsers."""

from tests.graphql.conftest import graphql
from tests.pages.conftest import cdo, sign_in, world

__all__ = ["cdo", "graphql", "sign_in", "world"]
