"""The root field of deletions, wrapping the deletions service (every reader, BI included)."""

from datetime import datetime
from typing import Annotated

import strawberry

from service.deletions import service as deletions
from service.graphql.connections import AFTER, FIRST, PageInfo, page_size
from service.graphql.types.deletions import DeletionConnection, DeletionEdge, DeletionNode

First = Annotated[int | None, strawberry.argument(description=FIRST)]
After = Annotated[str | None, strawberry.argument(description=AFTER)]
SinceArg = Annotated[
    datetime,
    strawberry.argument(description="Deleted at or after this instant (inclusive)."),
]
EntityTypes = Annotated[
    list[str] | None,
    strawberry.argument(description="Only these entity types, e.g. `initiative`."),
]


@strawberry.type(description="Deletions: the rows an incremental copy must drop.")
class DeletionQuery:
    @strawberry.field(
        description="Rows deleted since `since`, oldest first (kept DELETIONS_RETENTION_DAYS)."
    )
    async def deletions(
        self,
        info: strawberry.Info,
        since: SinceArg,
        entity_types: EntityTypes = None,
        first: First = None,
        after: After = None,
    ) -> DeletionConnection:
        ctx = info.context
        retention = ctx.request.app.state.settings.deletions_retention_days
        fields = ("since", "entityTypes")
        since = deletions.check_query(since, entity_types, retention, fields=fields)
        size, key = page_size(first), deletions.decode_cursor(after, field="after")
        rows = await ctx.read(
            deletions.list_deletions,
            ctx.actor,
            since=since,
            entity_types=entity_types,
            limit=size,
            after=key,
        )
        items, next_cursor = deletions.page_of(rows, size)
        edges = [
            DeletionEdge(cursor=deletions.encode_cursor(row), node=DeletionNode.from_row(row))
            for row in items
        ]
        page_info = PageInfo(
            has_next_page=next_cursor is not None,
            has_previous_page=key is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        nodes = [edge.node for edge in edges]
        return DeletionConnection(edges=edges, nodes=nodes, page_info=page_info)
