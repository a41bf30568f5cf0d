"""The root field of the audit trail, wrapping the audit service (CDO office only)."""

from datetime import datetime
from typing import Annotated, Any

import strawberry

from service.audit import service as audit
from service.graphql.connections import (
    AFTER,
    FIRST,
    Connection,
    after_id,
    make_connection,
    page_size,
)
from service.graphql.types.audit import AuditEventNode

First = Annotated[int | None, strawberry.argument(description=FIRST)]
After = Annotated[str | None, strawberry.argument(description=AFTER)]


@strawberry.type(description="The audit trail: every write, by whom, before and after.")
class AuditQuery:
    @strawberry.field(
        description="Every recorded write in the order it happened, filtered (CDO office only)."
    )
    async def audit_events(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        entity_type: Annotated[
            str | None, strawberry.argument(description="Only this entity type, e.g. `initiative`.")
        ] = None,
        entity_id: Annotated[
            int | None, strawberry.argument(description="Only this entity's database id.")
        ] = None,
        actor_account_id: Annotated[
            int | None, strawberry.argument(description="Only writes of this account.")
        ] = None,
        occurred_from: Annotated[
            datetime | None, strawberry.argument(description="Occurred at or after (inclusive).")
        ] = None,
        occurred_to: Annotated[
            datetime | None, strawberry.argument(description="Occurred before (exclusive).")
        ] = None,
    ) -> Connection[AuditEventNode]:
        ctx = info.context
        size, after_key = page_size(first), after_id(after)
        filters: dict[str, Any] = {
            "entity_type": entity_type,
            "entity_id": entity_id,
            "actor_account_id": actor_account_id,
            "occurred_from": occurred_from,
            "occurred_to": occurred_to,
        }
        rows = await ctx.read(audit.list_events, ctx.actor, limit=size, cursor=after, **filters)
        nodes = [AuditEventNode.from_row(row) for row in rows]

        def count() -> Any:
            return ctx.read(audit.count_events, ctx.actor, **filters)

        return make_connection(nodes, size, after_key, count)
