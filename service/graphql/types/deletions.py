"""Deletion tombstones as GraphQL types: what a BI copy must drop, in keyset pages."""

from datetime import datetime
from typing import Any

import strawberry

from service.graphql.connections import PageInfo


@strawberry.type(name="Deletion", description="A deleted row: drop it from a copy.")
class DeletionNode:
    entity_type: str = strawberry.field(
        description="The table the row was in, e.g. `initiative`, `progress_update`."
    )
    entity_id: int = strawberry.field(description="The deleted row's `databaseId`.")
    deleted_at: datetime = strawberry.field(
        description="When it was deleted (the time its transaction began)."
    )

    @classmethod
    def from_row(cls, row: Any) -> "DeletionNode":
        """The node of a deletion row."""
        return cls(entity_type=row.entity_type, entity_id=row.entity_id, deleted_at=row.deleted_at)


@strawberry.type(description="One deletion with the cursor that points after it.")
class DeletionEdge:
    cursor: str = strawberry.field(description="Opaque keyset cursor of this deletion.")
    node: DeletionNode = strawberry.field(description="The deletion.")


@strawberry.type(description="A page of deletions in (deletedAt, id) order, keyset cursors.")
class DeletionConnection:
    edges: list[DeletionEdge] = strawberry.field(
        description="The deletions of the page, each with its cursor."
    )
    nodes: list[DeletionNode] = strawberry.field(description="The deletions of the page.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more rows follow.")
