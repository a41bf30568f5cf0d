"""The audit trail: one recorded write, as the trail and the history fields return it."""

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from service.graphql.types.common import Node


@strawberry.type(
    name="AuditEvent",
    description="One recorded write: who did what to which entity, with the values changed.",
)
class AuditEventNode(Node):
    occurred_at: datetime = strawberry.field(
        description="When the write happened (the time its transaction began)."
    )
    actor_account_id: int | None = strawberry.field(
        description="Database id of the account that wrote (null for the system)."
    )
    actor_label: str = strawberry.field(
        description="Who wrote, as recorded: the account's e-mail, or `system`."
    )
    action: str = strawberry.field(
        description="What was done: `create`, `update`, `transition`, `delete`, `replace`."
    )
    entity_type: str = strawberry.field(
        description="What was written, e.g. `initiative`, `progress_update`, `kpi_measurement`."
    )
    entity_id: int = strawberry.field(description="Database id of the entity written.")
    parent_type: str | None = strawberry.field(
        description="The entity it belongs to (a check-in's `initiative`), if any."
    )
    parent_id: int | None = strawberry.field(description="Database id of that parent.")
    before: JSON | None = strawberry.field(
        description="Before: the changed fields, the whole row of a deletion, null on creation."
    )
    after: JSON | None = strawberry.field(
        description="After: the changed fields, the whole row of a creation, null on deletion."
    )
    request_id: str | None = strawberry.field(
        description="The request that wrote it (`X-Request-ID`), to correlate with logs."
    )

    @classmethod
    def from_row(cls, row: Any) -> "AuditEventNode":
        """The node of an audit_event row."""
        return cls(
            database_id=row.id,
            occurred_at=row.occurred_at,
            actor_account_id=row.actor_account_id,
            actor_label=row.actor_label,
            action=row.action,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            parent_type=row.parent_type,
            parent_id=row.parent_id,
            before=row.before,
            after=row.after,
            request_id=row.request_id,
        )
