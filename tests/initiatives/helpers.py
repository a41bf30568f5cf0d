"""Request bodies and small helpers shared by the initiative tests."""

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_department, make_person

API = "/api/v1/initiatives"


async def initiative_body(session: AsyncSession, **fields: Any) -> dict[str, Any]:
    """A valid create body whose department and owner exist."""
    department = await make_department(session)
    owner = await make_person(session, department_id=department.id)
    return {
        "code": "INI-042",
        "title": "Supply-chain traceability",
        "department_id": department.id,
        "owner_id": owner.id,
        "orientation": "internal",
    } | fields


def id_of(row: Any) -> int:
    """The id of a flushed row (never None once flushed)."""
    assert isinstance(row.id, int)
    return row.id


LESSONS = "Users preferred the existing paper form; test the need first."


def problem(response: httpx.Response) -> tuple[int, str, str | None]:
    """(status, code, field) of a problem+json response."""
    body = response.json()
    return response.status_code, body["code"], body.get("field")
