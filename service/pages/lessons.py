"""The lessons library page: search what done and stopped initiatives taught."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from service.deps import SessionDep
from service.pages.deps import PageActor
from service.pages.render import render
from service.pages.views import lessons as view

router = APIRouter()


@router.get("/lessons", summary="Lessons library")
async def lessons_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    q: str = "",
    department: str = "",
    cursor: str = "",
) -> HTMLResponse:
    """Search the lessons of done and stopped initiatives, in French or English."""
    data = await view.search_page(session, q, department, cursor)
    return render(
        request, "lessons/index.html", {"d": data}, status_code=422 if data.error else 200
    )
