"""Why a single sign-on was refused: shown to the person as a page, never as a 500."""

from service.errors import DomainError
from service.i18n import N_


class SignInRefused(DomainError):
    """The provider's answer, or the person it names, cannot sign in here."""

    code = "sso_refused"
    status = 403
    title = N_("Sign-in refused")


class ProviderUnavailable(DomainError):
    """The identity provider could not be reached or answered nonsense."""

    code = "sso_provider_unavailable"
    status = 502
    title = N_("The sign-in service is unavailable")
