"""Change requests and approval waivers: the CDO office's decisions."""

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, cast

import sqlalchemy as sa
import strawberry
from strawberry.scalars import JSON

import schema
from schema.decision import ApprovalCheck as ApprovalCheckCode
from schema.decision import ChangeRequestStatus as RequestStatus
from service.graphql.connections import any_of
from service.graphql.loaders import Loader, many
from service.graphql.types.common import Node, enum_of

if TYPE_CHECKING:
    from service.graphql.types.initiatives import InitiativeNode

Initiative = Annotated["InitiativeNode", strawberry.lazy("service.graphql.types.initiatives")]

if TYPE_CHECKING:  # the GraphQL enums are copies of these domain enums
    ChangeRequestStatus = RequestStatus
    ApprovalCheck = ApprovalCheckCode
else:
    ChangeRequestStatus = enum_of(
        "ChangeRequestStatus",
        [member.value for member in RequestStatus],
        "Where a change request stands: pending, approved, rejected or withdrawn.",
    )
    ApprovalCheck = enum_of(
        "ApprovalCheck",
        [member.value for member in ApprovalCheckCode],
        "An approval check, named by the flag code of the same rule.",
    )


@strawberry.enum(description="What the CDO office decides on a change request.")
class ChangeRequestDecision(Enum):
    approve = "approve"
    reject = "reject"


@strawberry.type(
    name="ChangeRequest",
    description="A department head's governed change, waiting for (or decided by) the CDO office.",
)
class ChangeRequestNode(Node):
    initiative_id: int = strawberry.field(description="Database id of the initiative.")
    requested_by: int | None = strawberry.field(description="Database id of the asking account.")
    changes: JSON = strawberry.field(
        description='`{field: {"from": old, "to": new}}`, values as REST shows them.'
    )
    status: ChangeRequestStatus = strawberry.field(description="Where the request stands.")
    decided_by: int | None = strawberry.field(description="Database id of the deciding account.")
    comment: str = strawberry.field(description="The decision's comment.")
    created_at: datetime = strawberry.field(description="When it was asked for.")
    decided_at: datetime | None = strawberry.field(description="When it was decided or withdrawn.")

    @classmethod
    def from_row(cls, row: Any) -> "ChangeRequestNode":
        """The node of a change_request row."""
        return cls(
            database_id=row.id,
            initiative_id=row.initiative_id,
            requested_by=row.requested_by,
            changes=row.changes,
            status=row.status,
            decided_by=row.decided_by,
            comment=row.comment,
            created_at=row.created_at,
            decided_at=row.decided_at,
        )

    @strawberry.field(graphql_type=Initiative, description="The initiative it changes.")
    def initiative(self, info: strawberry.Info) -> Any:
        return info.context.loaders.initiative.load(self.initiative_id)


@strawberry.type(name="ApprovalWaiver", description="An approval check the CDO office waived.")
class WaiverNode:
    database_id: int = strawberry.field(description="The waiver's id in the database.")
    check: ApprovalCheck = strawberry.field(description="The waived check.")
    reason: str = strawberry.field(description="Why the CDO office approved anyway.")
    granted_by: int | None = strawberry.field(description="Database id of the granting account.")
    change_request_id: int | None = strawberry.field(
        description="Database id of the change request it was granted on, if any."
    )
    created_at: datetime = strawberry.field(description="When it was granted.")

    @classmethod
    def from_row(cls, row: Any) -> "WaiverNode":
        """The node of an approval_waiver row."""
        return cls(
            database_id=row.id,
            check=row.check,
            reason=row.reason,
            granted_by=row.granted_by,
            change_request_id=row.change_request_id,
            created_at=row.created_at,
        )


@strawberry.input(description="Approve although a check fails, for a reason.")
class WaiverInput:
    check: ApprovalCheck = strawberry.field(description="The failing check.")
    reason: str = strawberry.field(description="Why the CDO office approves anyway.")


def waiver_values(waivers: Sequence[WaiverInput] | None) -> list[dict[str, str]]:
    """The waivers as the REST payloads take them."""
    return [{"check": w.check.value, "reason": w.reason} for w in waivers or ()]


change_request = cast(sa.Table, schema.ChangeRequest.__table__)  # type: ignore[attr-defined]
approval_waiver = cast(sa.Table, schema.ApprovalWaiver.__table__)  # type: ignore[attr-defined]
Rows = Callable[[Any], Awaitable[Sequence[Any]]]


class DecisionLoaders:
    """Per initiative: its pending change requests and its waivers, one SELECT each."""

    def __init__(self, rows: Rows) -> None:
        self._rows = rows
        self.pending_changes: Loader[int, list[ChangeRequestNode]] = Loader(self._pending, list)
        self.waivers: Loader[int, list[WaiverNode]] = Loader(self._waivers, list)

    async def _pending(self, keys: list[int]) -> dict[int, list[ChangeRequestNode]]:
        c = change_request.c
        stmt = (
            sa.select(change_request)
            .where(c.status == RequestStatus.pending, any_of(c.initiative_id, keys))
            .order_by(c.id)
        )
        rows = await self._rows(stmt)
        return many((ChangeRequestNode.from_row(r) for r in rows), lambda n: n.initiative_id)

    async def _waivers(self, keys: list[int]) -> dict[int, list[WaiverNode]]:
        c = approval_waiver.c
        stmt = sa.select(approval_waiver).where(any_of(c.initiative_id, keys)).order_by(c.id)
        rows = await self._rows(stmt)
        grouped = many(rows, lambda r: r.initiative_id)
        return {key: [WaiverNode.from_row(r) for r in group] for key, group in grouped.items()}
