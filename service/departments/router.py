"""REST handlers for departments."""

from datetime import datetime

from fastapi import APIRouter, Query, Response, status

from service.departments import service
from service.departments.payloads import DepartmentCreate, DepartmentPublic, DepartmentUpdate
from service.deps import ActorDep, IfMatchDep, PageDep, SessionDep, set_etag
from service.fields.rest import PageWriter, json_response
from service.pagination import Page, page_of

router = APIRouter(prefix="/departments", tags=["departments"])

# The list is written from the rows, without a model object per department.
DEPARTMENT = PageWriter(DepartmentPublic)


@router.get("", summary="List departments", response_model=Page[DepartmentPublic])
async def list_departments(
    session: SessionDep, page: PageDep, updated_since: datetime | None = Query(None)
) -> Response:
    """Departments in id order, keyset-paginated."""
    rows = await service.list_department_rows(
        session, limit=page.limit, cursor=page.cursor, updated_since=updated_since
    )
    return json_response(DEPARTMENT.page(*page_of(rows, page.limit)))


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a department")
async def create_department(
    session: SessionDep, actor: ActorDep, data: DepartmentCreate
) -> DepartmentPublic:
    """Create a department; its code must be unique."""
    return DepartmentPublic.model_validate(await service.create_department(session, actor, data))


@router.get("/{department_id}", summary="Get a department")
async def get_department(
    session: SessionDep, response: Response, department_id: int
) -> DepartmentPublic:
    """One department by id, with its ETag."""
    department = await service.get_department(session, department_id)
    set_etag(response, department.version)
    return DepartmentPublic.model_validate(department)


@router.patch("/{department_id}", summary="Update a department")
async def update_department(
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    department_id: int,
    data: DepartmentUpdate,
    expected_version: IfMatchDep,
) -> DepartmentPublic:
    """Change the given fields of a department (If-Match: the ETag you read)."""
    department = await service.update_department(
        session, actor, department_id, data, expected_version=expected_version
    )
    set_etag(response, department.version)
    return DepartmentPublic.model_validate(department)


@router.delete("/{department_id}", status_code=204, summary="Delete a department")
async def delete_department(
    session: SessionDep, actor: ActorDep, department_id: int, expected_version: IfMatchDep
) -> Response:
    """Delete a department nothing refers to (If-Match: the ETag you read)."""
    await service.delete_department(
        session, actor, department_id, expected_version=expected_version
    )
    return Response(status_code=204)
