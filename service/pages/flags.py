"""The flags page."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from service.deps import SessionDep
from service.pages.deps import PageActor
from service.pages.render import render
from service.pages.views import admin as view
from service.pages.views.dashboard import flag_link

router = APIRouter()


@router.get("/flags", summary="Flags")
async def flags(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    """Every flag raised now, filtered by code, severity and department."""
    data = await view.flags_page(session, view.FlagFilters.of(request.query_params))
    return render(request, "flags/list.html", {"d": data, "flag_link": flag_link})
