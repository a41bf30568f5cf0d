"""The initiative list, the initiative page, and the forms that create and change one."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service.auth import policy
from service.auth.policy import Permission
from service.deps import SessionDep
from service.i18n import gettext as _
from service.initiatives import browse
from service.pages.deps import PageActor, PageForm
from service.pages.forms import Flash, FormState, redirect
from service.pages.render import render
from service.pages.views import initiative_forms as forms
from service.pages.views import initiatives as view
from service.pages.views import irritants as irritants_view
from service.pages.views import lessons as lessons_view
from service.pages.views import thrust as thrust_view
from service.pages.views.dashboard import flag_link

router = APIRouter()


@router.get("/initiatives", summary="Initiative list")
async def initiative_list(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    """Initiatives filtered, sorted and paged."""
    params = view.ListParams.of(request.query_params, request.query_params.getlist("status"))
    data = await view.initiative_list(session, params)
    context = {"d": data, "flag_codes": view.INITIATIVE_FLAGS, "sorts": browse.SORTS}
    return render(request, "initiatives/list.html", context)


@router.get("/initiatives/new", summary="New initiative form")
async def new_initiative(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    """The form for a new initiative: the user need first, then the solution."""
    policy.require(actor, Permission.edit_initiative, department_id=actor.department_id)
    state = FormState(values={"department_id": actor.department_id, "owner_id": actor.person_id})
    context = await forms.form_context(session, actor, state)
    return render(request, "initiatives/form.html", context | {"editing": None})


@router.post("/initiatives/new", summary="Create an initiative")
async def create_initiative(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm
) -> Response:
    """Create the initiative, or show the form again with its errors."""
    policy.require(actor, Permission.edit_initiative, department_id=actor.department_id)
    state = FormState()
    initiative_id = await forms.submit_create(session, actor, form, state)
    if initiative_id is None:
        context = await forms.form_context(session, actor, state)
        return render(
            request, "initiatives/form.html", context | {"editing": None}, status_code=422
        )
    flash = Flash(_("Initiative %(code)s created.") % {"code": form.get("code", "")})
    return redirect(request, f"/initiatives/{initiative_id}", flash)


async def render_page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    initiative_id: int,
    *,
    kpi_form: FormState | None = None,
    link_form: FormState | None = None,
) -> HTMLResponse:
    """The initiative page; with a form that failed, its errors (422)."""
    data = await view.initiative_page(
        session, actor, initiative_id, kpi_form=kpi_form, link_form=link_form
    )
    context = {"d": data, "i": data.initiative, "flag_link": flag_link}
    context["lessons"] = await lessons_view.for_initiative(session, data.initiative)
    context["thrust"] = await thrust_view.for_initiative(session, initiative_id)
    context["irritants"] = await irritants_view.for_initiative(session, actor, data.initiative)
    status_code = 422 if kpi_form is not None or link_form is not None else 200
    return render(request, "initiatives/detail.html", context, status_code=status_code)


@router.get("/initiatives/{initiative_id}", summary="Initiative page")
async def initiative_page(
    request: Request, session: SessionDep, actor: PageActor, initiative_id: int
) -> HTMLResponse:
    """Every field, KPIs, links, check-in timeline, flags and history of an initiative."""
    return await render_page(request, session, actor, initiative_id)


@router.get("/initiatives/{initiative_id}/edit", summary="Edit initiative form")
async def edit_initiative(
    request: Request, session: SessionDep, actor: PageActor, initiative_id: int
) -> HTMLResponse:
    """The edit form, holding the version it was opened at."""
    row = await view.initiative_row(session, initiative_id)
    forms.require_edit(actor, row)
    context = await forms.form_context(session, actor, FormState(values=forms.values_of(row)))
    return render(request, "initiatives/form.html", context | {"editing": row})


@router.post("/initiatives/{initiative_id}/edit", summary="Save an initiative")
async def save_initiative(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm, initiative_id: int
) -> Response:
    """Save the edit, or show the form again with its errors (a stale edit says so)."""
    row = await view.initiative_row(session, initiative_id)
    forms.require_edit(actor, row)
    state = FormState()
    message = await forms.submit_edit(session, actor, initiative_id, form, state)
    if message is None:
        row = await view.initiative_row(session, initiative_id)
        context = await forms.form_context(session, actor, state)
        return render(request, "initiatives/form.html", context | {"editing": row}, status_code=422)
    return redirect(request, f"/initiatives/{initiative_id}", Flash(message))


@router.get("/initiatives/{initiative_id}/status", summary="Status change form")
async def status_form(
    request: Request, session: SessionDep, actor: PageActor, initiative_id: int, to: str = ""
) -> HTMLResponse:
    """Confirm a status change; stopping asks what the attempt taught."""
    row = await view.initiative_row(session, initiative_id)
    forms.require_edit(actor, row)
    state = FormState(values={"status": to, "version": row.version})
    return render(request, "initiatives/status.html", {"i": row, "form": state, **view.moves(row)})


@router.post("/initiatives/{initiative_id}/status", summary="Change an initiative's status")
async def change_status(
    request: Request, session: SessionDep, actor: PageActor, form: PageForm, initiative_id: int
) -> Response:
    """Move the initiative along its lifecycle, or show why it cannot."""
    row = await view.initiative_row(session, initiative_id)
    forms.require_edit(actor, row)
    state = FormState()
    message = await forms.submit_status(session, actor, initiative_id, form, state)
    if message is None:
        row = await view.initiative_row(session, initiative_id)
        context = {"i": row, "form": state, **view.moves(row)}
        return render(request, "initiatives/status.html", context, status_code=422)
    return redirect(request, f"/initiatives/{initiative_id}", Flash(message))
