"""The signed-in account's API tokens: create (shown once) and revoke."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service.auth import tokens
from service.deps import SessionDep
from service.i18n import gettext as _
from service.pages.deps import PageActor, PageForm
from service.pages.forms import Flash, FormState, redirect
from service.pages.render import render
from service.pages.views import admin as view

router = APIRouter()


@router.get("/tokens", summary="My API tokens")
async def token_list(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    """The account's tokens and the form to create one."""
    rows = await view.my_tokens(session, actor)
    return render(request, "tokens/list.html", {"tokens": rows, "form": FormState()})


@router.post("/tokens", summary="Create an API token")
async def create_token(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm
) -> Response:
    """Create a token; the next page shows it once."""
    state = FormState()
    plaintext = await view.create_token(session, actor, form, state)
    if plaintext is None:
        rows = await view.my_tokens(session, actor)
        context = {"tokens": rows, "form": state}
        return render(request, "tokens/list.html", context, status_code=422)
    flash = Flash(_("Token created. Copy it now: it will not be shown again."), secret=plaintext)
    return redirect(request, "/tokens", flash)


@router.post("/tokens/{token_id}/revoke", summary="Revoke an API token")
async def revoke_token(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm, token_id: int
) -> Response:
    """Revoke one of the account's tokens: it stops working at once."""
    token = await tokens.revoke_token(session, actor, token_id)
    return redirect(
        request, "/tokens", Flash(_("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    )
