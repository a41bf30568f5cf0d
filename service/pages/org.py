"""The reporting line as a tree, and each person's roll-up page."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from service.deps import SessionDep
from service.pages.deps import PageActor
from service.pages.render import render
from service.pages.views import org as view

router = APIRouter()


@router.get("/org", summary="Reporting line")
async def org_tree(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    """Everyone, with the count and client-facing share of their line's active initiatives."""
    roots, band = await view.org_tree(session)
    context = {"roots": roots, "band": band, "share_class": view.share_class}
    return render(request, "org/tree.html", context)


@router.get("/people/{person_id}", summary="A person's roll-up")
async def person_page(
    request: Request, session: SessionDep, actor: PageActor, person_id: int
) -> HTMLResponse:
    """The initiatives, balance and flags of a person's reporting line."""
    data = await view.person_page(session, person_id)
    context = {"d": data, "p": data.portfolio, "share_class": view.share_class}
    return render(request, "org/person.html", context)
