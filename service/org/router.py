"""REST handlers for people and the reporting line."""

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from service.deps import ActorDep, IfMatchDep, PageDep, SessionDep, set_etag
from service.fields.rest import PageWriter, json_response
from service.org import service
from service.org.payloads import (
    PersonChain,
    PersonCreate,
    PersonFilters,
    PersonPublic,
    PersonUpdate,
)
from service.pagination import Page, page_of

router = APIRouter(prefix="/people", tags=["people"])


# Lists are written from the rows, without a model object per person.
PERSON = PageWriter(PersonPublic)


def _page(rows: Sequence[Any], limit: int) -> Response:
    return json_response(PERSON.page(*page_of(rows, limit)))


@router.get("", summary="List people", response_model=Page[PersonPublic])
async def list_people(
    session: SessionDep, page: PageDep, filters: Annotated[PersonFilters, Query()]
) -> Response:
    """People in id order, filtered and keyset-paginated."""
    rows = await service.list_people_rows(
        session, filters=filters, limit=page.limit, cursor=page.cursor
    )
    return _page(rows, page.limit)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a person")
async def create_person(session: SessionDep, actor: ActorDep, data: PersonCreate) -> PersonPublic:
    """Create a person; the email must be unique, the department and manager must exist."""
    return PersonPublic.model_validate(await service.create_person(session, actor, data))


@router.get("/{person_id}", summary="Get a person")
async def get_person(session: SessionDep, response: Response, person_id: int) -> PersonPublic:
    """One person by id, with its ETag."""
    person = await service.get_person(session, person_id)
    set_etag(response, person.version)
    return PersonPublic.model_validate(person)


@router.patch("/{person_id}", summary="Update a person")
async def update_person(
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    person_id: int,
    data: PersonUpdate,
    expected_version: IfMatchDep,
) -> PersonPublic:
    """Change the given fields of a person (If-Match); a new manager must not close a cycle."""
    person = await service.update_person(
        session, actor, person_id, data, expected_version=expected_version
    )
    set_etag(response, person.version)
    return PersonPublic.model_validate(person)


@router.delete("/{person_id}", status_code=204, summary="Delete a person")
async def delete_person(
    session: SessionDep, actor: ActorDep, person_id: int, expected_version: IfMatchDep
) -> Response:
    """Delete a person who manages no one and owns no initiative (If-Match)."""
    await service.delete_person(session, actor, person_id, expected_version=expected_version)
    return Response(status_code=204)


@router.get(
    "/{person_id}/reports",
    summary="List a person's direct reports",
    response_model=Page[PersonPublic],
)
async def list_reports(
    session: SessionDep,
    page: PageDep,
    person_id: int,
    updated_since: datetime | None = Query(None, description="Changed at or after."),
) -> Response:
    """The people whose direct manager is this person, keyset-paginated."""
    rows = await service.list_report_rows(
        session, person_id, limit=page.limit, cursor=page.cursor, updated_since=updated_since
    )
    return _page(rows, page.limit)


@router.get("/{person_id}/chain", summary="Get a person's chain of managers")
async def get_chain(session: SessionDep, person_id: int) -> PersonChain:
    """The managers from the direct manager up to the top, nearest first."""
    managers = await service.manager_chain(session, person_id)
    return PersonChain(items=[PersonPublic.model_validate(p) for p in managers])
