"""Rule tests reuse the page tests' small company and signed-in browsers."""

from tests.pages.conftest import cdo, sign_in, world

__all__ = ["cdo", "sign_in", "world"]
