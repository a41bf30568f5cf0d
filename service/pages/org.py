"""The reporting line as a tree, and each person's roll-up page."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from service.deps import SessionDep
from service.pages.deps import PageActor
from service.pages.render import render
from service.pages.views import org as view

router = APIRouter()


@router.get("/org", summary="Reporting line")
async def org_tree(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    open_id: Annotated[int | None, Query(alias="open", description="Open down to them.")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Part of a name or email.")] = None,
) -> HTMLResponse:
    """The top of the reporting line, opened down to a person and to the signed-in person."""
    q = (q or "").strip().replace("\x00", "") or None
    tree = await view.org_tree(session, actor, open_id=open_id, q=q)
    context = {"t": tree, "band": tree.band, "q": q or "", "share_class": view.share_class}
    return render(request, "org/tree.html", context)


@router.get("/org/branch/{person_id}", summary="A person's direct reports (fragment)")
async def org_branch(
    request: Request, session: SessionDep, actor: PageActor, person_id: int
) -> HTMLResponse:
    """The direct reports of a person as tree items, for the org page to open in place."""
    nodes, band = await view.branch(session, person_id)
    context = {"nodes": nodes, "band": band, "share_class": view.share_class}
    return render(request, "org/_branch.html", context)


@router.get("/people/{person_id}", summary="A person's roll-up")
async def person_page(
    request: Request, session: SessionDep, actor: PageActor, person_id: int
) -> HTMLResponse:
    """The initiatives, balance and flags of a person's reporting line."""
    data = await view.person_page(session, person_id)
    context = {"d": data, "p": data.portfolio, "share_class": view.share_class}
    return render(request, "org/person.html", context)
