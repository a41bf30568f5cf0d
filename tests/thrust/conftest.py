"""The pages' sign-in fixture, for the page tests of the thrust."""

from tests.pages.conftest import sign_in

__all__ = ["sign_in"]
