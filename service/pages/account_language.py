"""The language picker: the signed-in account chooses English, French, or its browser's."""

from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from service import i18n
from service.auth import accounts
from service.auth.payloads import MyAccountUpdate
from service.deps import SessionDep, credential_cache
from service.errors import ValidationFailed
from service.i18n import gettext as _
from service.pages.deps import PageActor, PageForm
from service.pages.forms import Flash, redirect, safe_next

router = APIRouter()


def back(request: Request) -> str:
    """The page the form was posted from (its `Referer`, when on this site), else `/`."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or referer.scheme not in ("http", "https"):
        return "/"
    return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""))


@router.post("/account/language", summary="Choose my language")
async def choose_language(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm
) -> Response:
    """Save the language (blank: the browser's) and go back, saying so in the new language."""
    try:
        data = MyAccountUpdate.model_validate({"locale": form.get("locale") or None})
    except ValidationError:
        message = _("Choose English, French, or the browser's language.")
        raise ValidationFailed(message, code="invalid_locale", field="locale") from None
    await accounts.update_own_account(session, actor, data, credential_cache(request))
    spoken = data.locale or i18n.negotiate(request.headers.get("accept-language"))
    with i18n.use(spoken):
        return redirect(request, back(request), Flash(_("Language saved.")))
