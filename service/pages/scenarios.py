"""The "What if" page: evaluate moves before deciding, save, compare and apply scenarios."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service.deps import SessionDep
from service.i18n import gettext as _
from service.pages.deps import PageActor, PageForm
from service.pages.forms import Flash, redirect
from service.pages.render import render
from service.pages.views import scenarios as view
from service.scenarios import service as scenarios

router = APIRouter()


def _page(
    request: Request, actor: PageActor, page: view.Builder, status: int = 200
) -> HTMLResponse:
    context = {"d": page, "may_save": view.may_save(actor), "department_rows": view.department_rows}
    return render(request, "scenarios/index.html", context, status_code=status)


@router.get("/scenarios", summary="What if")
async def scenarios_page(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    """The scenario builder, the saved scenarios and the comparison form."""
    return _page(request, actor, await view.builder(session))


@router.post("/scenarios", summary="Evaluate or save a scenario")
async def post_scenario(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm
) -> Response:
    """Evaluate the moves (`evaluate`) or save them under a name (`save`)."""
    if form.get("action") != "save":
        page = await view.evaluate_form(session, form)
        return _page(request, actor, page, 422 if page.form.failed else 200)
    saved, page_or_none = await view.save_form(session, actor, form)
    if page_or_none is not None:
        return _page(request, actor, page_or_none, 422)
    return redirect(request, f"/scenarios/{saved}", Flash(_("Scenario saved.")))


@router.get("/scenarios/compare", summary="Compare two scenarios")
async def compare_page(
    request: Request, session: SessionDep, actor: PageActor, a: int, b: int
) -> HTMLResponse:
    """Two saved scenarios side by side, against today's portfolio."""
    compared = await scenarios.compare_scenarios(session, a, b)
    context = {"c": compared, "department_rows": view.department_rows}
    return render(request, "scenarios/compare.html", context)


@router.get("/scenarios/{scenario_id}", summary="A saved scenario")
async def scenario_page(
    request: Request, session: SessionDep, actor: PageActor, scenario_id: int
) -> HTMLResponse:
    """A saved scenario's moves and what they would do to the portfolio today."""
    context = await view.detail(session, scenario_id)
    context |= {"may_apply": view.may_apply(actor), "department_rows": view.department_rows}
    return render(request, "scenarios/detail.html", context)


@router.post("/scenarios/{scenario_id}/apply", summary="Apply a scenario")
async def apply_scenario(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm, scenario_id: int
) -> Response:
    """Make the moves real (CDO office), all or nothing."""
    refused = await view.apply(session, actor, scenario_id)
    if refused is not None:
        return redirect(request, f"/scenarios/{scenario_id}", Flash(refused, kind="error"))
    return redirect(request, "/", Flash(_("Scenario applied: the portfolio now shows it.")))


@router.post("/scenarios/{scenario_id}/delete", summary="Delete a scenario")
async def delete_scenario(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm, scenario_id: int
) -> Response:
    """Delete a saved scenario."""
    await scenarios.delete_scenario(session, actor, scenario_id)
    return redirect(request, "/scenarios", Flash(_("Scenario deleted.")))
