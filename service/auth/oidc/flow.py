"""The two legs of a single sign-on: send the browser to the provider, and take its answer.

`begin` makes a fresh attempt (state, nonce, PKCE verifier) for the browser to carry in a
signed cookie; `complete` checks the answer against it, trades the code for a verified ID
token and returns the account it signs in as. Neither knows about HTTP frameworks.
"""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from schema import Account
from service.auth.oidc import attempt as attempts
from service.auth.oidc import config, provider
from service.auth.oidc import service as oidc_service
from service.auth.oidc.errors import SignInRefused
from service.config import Settings
from service.errors import NotFound
from service.i18n import gettext as _

ERROR_TEXT_MAX = 200  # characters of the provider's own error text shown


@dataclass(frozen=True)
class Answer:
    """What the provider sent the browser back with (the callback's query)."""

    state: str | None = None
    code: str | None = None
    error: str | None = None
    error_description: str | None = None


def require_enabled(settings: Settings) -> None:
    """NotFound while single sign-on is not configured."""
    if not config.enabled(settings):
        raise NotFound(_("Single sign-on is not set up here."), code="sso_not_configured")


async def begin(settings: Settings, next_url: str, redirect_url: str) -> tuple[str, str]:
    """The provider's sign-in address for a new attempt, and the attempt's cookie value."""
    require_enabled(settings)
    attempt = attempts.new_attempt(next_url)
    url = await provider.authorization_url(settings, attempt, redirect_url)
    return url, attempts.seal(attempt, settings.secret_key or "")


def _checked_attempt(settings: Settings, cookie: str | None, answer: Answer) -> attempts.Attempt:
    attempt = attempts.unseal(cookie, settings.secret_key or "")
    if attempt is None:
        raise SignInRefused(
            _(
                "This sign-in took too long or was not started in this browser. Please sign in"
                " again."
            ),
            code="sso_attempt_expired",
        )
    if not attempts.same_state(attempt, answer.state):
        raise SignInRefused(
            _(
                "The answer from the identity provider does not belong to this sign-in. Please"
                " sign in again."
            ),
            code="sso_state_mismatch",
        )
    if answer.error or not answer.code:
        said = (answer.error_description or answer.error or "no code")[:ERROR_TEXT_MAX]
        raise SignInRefused(
            _("The identity provider did not sign you in: %(reason)s.") % {"reason": said},
            code="sso_provider_error",
        )
    return attempt


async def complete(
    session: AsyncSession, settings: Settings, cookie: str | None, answer: Answer, redirect_url: str
) -> tuple[Account, str]:
    """The account the provider's answer signs in as, and where to go next; SignInRefused
    (nothing written) when the answer, its ID token or the person cannot sign in."""
    require_enabled(settings)
    attempt = _checked_attempt(settings, cookie, answer)
    issuer, claims = await provider.exchange_code(
        settings, attempt, answer.code or "", redirect_url
    )
    async with session.begin_nested():  # a refusal undoes every write of this sign-in
        account = await oidc_service.sign_in(session, settings, issuer, claims)
    return account, attempt.next_url
