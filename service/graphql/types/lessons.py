"""The lessons library in GraphQL: `lessons(q:)`, ranked pages of matching lessons."""

from datetime import datetime
from typing import Annotated, Any

import strawberry

from service.graphql.connections import PageInfo
from service.graphql.ids import database_id
from service.graphql.types.common import InitiativeStatus
from service.graphql.types.initiatives import InitiativeNode
from service.lessons import service as lessons
from service.lessons.payloads import LessonHit as LessonHitPublic


@strawberry.type(description="A done or stopped initiative whose lessons match the search.")
class LessonHit:
    initiative_id: int = strawberry.field(description="Database id of the initiative.")
    code: str = strawberry.field(description="Code of the initiative.")
    title: str = strawberry.field(description="Title of the initiative.")
    status: InitiativeStatus = strawberry.field(description="done or stopped.")
    department_id: int = strawberry.field(description="Database id of the lead department.")
    department_code: str = strawberry.field(description="Code of the lead department.")
    department_name: str = strawberry.field(description="Name of the lead department.")
    closed_at: datetime | None = strawberry.field(
        description="When it moved to done or stopped; null when unknown."
    )
    lessons_learned: str = strawberry.field(description="The lessons, as written.")
    rank: float = strawberry.field(description="Relevance (ts_rank_cd); higher first.")
    title_html: str = strawberry.field(
        description="The title as HTML: every character escaped, the hits in <mark>."
    )
    lessons_html: str = strawberry.field(
        description="The passage of the lessons around the hits as HTML (escaped, hits in <mark>)."
    )

    @strawberry.field(graphql_type=InitiativeNode, description="The initiative.")
    def initiative(self, info: strawberry.Info) -> Any:
        return info.context.loaders.initiative.load(self.initiative_id)

    @classmethod
    def from_public(cls, hit: LessonHitPublic) -> "LessonHit":
        values = hit.model_dump()
        return cls(**values | {"status": InitiativeStatus(hit.status.value)})


@strawberry.type(description="One hit, with the cursor that points after it.")
class LessonHitEdge:
    cursor: str = strawberry.field(description="Opaque cursor of this hit (rank and id).")
    node: LessonHit = strawberry.field(description="The hit.")


@strawberry.type(description="A page of hits, best first; pages follow with `after`.")
class LessonConnection:
    edges: list[LessonHitEdge] = strawberry.field(description="The hits, each with its cursor.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more hits follow.")

    @strawberry.field(description="The hits of the page, without cursors.")
    def nodes(self) -> list[LessonHit]:
        return [edge.node for edge in self.edges]


def _connection(hits: list[LessonHitPublic], next_cursor: str | None, after: str | None) -> Any:
    edges = [
        LessonHitEdge(
            cursor=lessons.encode_cursor(h.rank, h.initiative_id), node=LessonHit.from_public(h)
        )
        for h in hits
    ]
    page_info = PageInfo(
        has_next_page=next_cursor is not None,
        has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return LessonConnection(edges=edges, page_info=page_info)


@strawberry.type(description="The lessons library.")
class LessonQuery:
    @strawberry.field(
        description="Lessons of done and stopped initiatives matching `q` in French or"
        ' English, best first (web search syntax: "a phrase", or, -word).'
    )
    async def lessons(
        self,
        info: strawberry.Info,
        q: Annotated[str, strawberry.argument(description="What to look for (1..200).")],
        first: Annotated[
            int | None, strawberry.argument(description="Hits per page (default 20, 1..100).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="`endCursor` of the previous page.")
        ] = None,
        department_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this department's.")
        ] = None,
    ) -> LessonConnection:
        department = (
            None
            if department_id is None
            else database_id(department_id, "Department", field="departmentId")
        )
        size = lessons.page_size(first, field="first")
        hits, next_cursor = await info.context.read(
            lessons.search_lessons,
            q,
            department_id=department,
            limit=size,
            cursor=after,
            cursor_field="after",
        )
        return _connection(hits, next_cursor, after)
