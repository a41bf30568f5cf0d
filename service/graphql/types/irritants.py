"""Irritants as GraphQL: the type, its connection by votes or recency, the irritants of an
initiative (batched per request), and the raise and vote mutations.

The shapes follow service/irritants/payloads.py; resolvers call the same service functions
as REST, so the filters, the order and the rules are the same on both surfaces.
"""

import inspect
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from pydantic import BaseModel, ValidationError

from schema import enums
from service.errors import ValidationFailed
from service.graphql.connections import AFTER, FIRST, PageInfo, page_size
from service.graphql.ids import database_id
from service.graphql.loaders import Loader
from service.graphql.types.common import Severity
from service.irritants import queries, service
from service.irritants.payloads import IrritantCreate, IrritantFilter, IrritantPublic, IrritantSort
from service.validation_words import sentence


@strawberry.enum(
    description="open, addressed (a linked initiative is done) or closed (with a reason)."
)
class IrritantStatus(StrEnum):
    open = enums.IrritantStatus.open.value
    addressed = enums.IrritantStatus.addressed.value
    closed = enums.IrritantStatus.closed.value


@strawberry.enum(description="Most votes or most recent first.")
class IrritantOrder(StrEnum):
    votes = IrritantSort.votes.value
    recent = IrritantSort.recent.value


if TYPE_CHECKING:
    from service.graphql.types.initiatives import InitiativeNode
    from service.graphql.types.org import DepartmentNode

InitiativeRef = Annotated["InitiativeNode", strawberry.lazy("service.graphql.types.initiatives")]
DepartmentRef = Annotated["DepartmentNode", strawberry.lazy("service.graphql.types.org")]


@strawberry.type(name="Irritant", description="An employee's pain point, with its votes.")
class IrritantType:
    database_id: int = strawberry.field(description="The irritant's id (REST uses it).")
    title: str = strawberry.field(description="What hurts, in a line.")
    description: str = strawberry.field(description="More detail.")
    department_id: int = strawberry.field(description="Database id of its department.")
    process: str = strawberry.field(description="The process it hurts.")
    severity: Severity = strawberry.field(description="low, medium or high.")
    status: IrritantStatus = strawberry.field(description="open, addressed or closed.")
    status_reason: str = strawberry.field(description="Why it was last closed or reopened.")
    raised_by: int | None = strawberry.field(description="Account id of who raised it.")
    raised_at: datetime = strawberry.field(description="When it was raised.")
    votes: int = strawberry.field(description="Accounts that voted for it (raiser included).")
    initiative_ids: list[int] = strawberry.field(
        description="Database ids of the initiatives that address it."
    )
    created_at: datetime = strawberry.field(description="When the row was created.")
    updated_at: datetime = strawberry.field(description="When the row last changed.")
    version: int = strawberry.field(description="Optimistic-concurrency version.")

    @classmethod
    def of(cls, irritant: IrritantPublic) -> "IrritantType":
        values = irritant.model_dump(exclude={"id"})
        return cls(database_id=irritant.id, **values)

    @strawberry.field(graphql_type=DepartmentRef, description="Its department.")
    def department(self, info: strawberry.Info) -> Any:
        return info.context.loaders.department.load(self.department_id)

    @strawberry.field(
        graphql_type=list[InitiativeRef], description="The initiatives that address it."
    )
    async def initiatives(self, info: strawberry.Info) -> Any:
        loads = [info.context.loaders.initiative.load(i) for i in self.initiative_ids]
        return [await _value(found) for found in loads]


async def _value(found: Any) -> Any:
    """A loader's answer: known already, or awaited with the rest of its batch."""
    return await found if inspect.isawaitable(found) else found


@strawberry.type(description="One irritant of a page, with its cursor.")
class IrritantEdge:
    cursor: str = strawberry.field(description="Opaque keyset cursor after this row.")
    node: IrritantType = strawberry.field(description="The irritant.")


@strawberry.type(description="A page of irritants, most votes (or most recent) first.")
class IrritantConnection:
    edges: list[IrritantEdge] = strawberry.field(description="The rows with their cursors.")
    nodes: list[IrritantType] = strawberry.field(description="The rows of the page.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more rows follow.")


async def initiative_irritants(root: Any, info: strawberry.Info) -> list[IrritantType]:
    """Initiative.irritants: the irritants it addresses, most votes first."""
    return await irritants_of(info, root.database_id)


def irritants_of(info: strawberry.Info, initiative_id: int) -> Any:
    """The irritants an initiative addresses, batched with every other initiative asked."""
    context = info.context
    loader = getattr(context, "irritants_by_initiative", None)
    if loader is None:

        async def fetch(keys: list[int]) -> dict[int, list[IrritantPublic]]:
            return await context.read(queries.irritants_of, keys)

        loader = Loader(fetch, list)
        context.irritants_by_initiative = loader

    async def convert() -> list[IrritantType]:
        rows = await _value(loader.load(initiative_id))
        return [IrritantType.of(row) for row in rows]

    return convert()


async def _page(
    info: strawberry.Info, filters: IrritantFilter, first: int | None, after: str | None
) -> IrritantConnection:
    size = page_size(first)
    items, next_cursor = await info.context.read(
        queries.list_irritants, filters, limit=max(size, 1), cursor=after
    )
    nodes = [IrritantType.of(item) for item in items[:size]]
    edges = [
        IrritantEdge(cursor=queries.encode_cursor(filters.sort, item), node=node)
        for item, node in zip(items, nodes, strict=False)
    ]
    page_info = PageInfo(
        has_next_page=next_cursor is not None and size > 0,
        has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return IrritantConnection(edges=edges, nodes=nodes, page_info=page_info)


def _payload(model: type[BaseModel], values: dict[str, Any]) -> Any:
    try:
        return model(**values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        raise ValidationFailed(sentence(error, raw=True), field=field) from exc


@strawberry.type
class IrritantQuery:
    @strawberry.field(description="Irritants by status and department, most votes first.")
    async def irritants(
        self,
        info: strawberry.Info,
        status: Annotated[
            IrritantStatus | None, strawberry.argument(description="Only this status.")
        ] = None,
        department_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this department (global or database id)."),
        ] = None,
        sort: Annotated[
            IrritantOrder, strawberry.argument(description="Most votes (default) or most recent.")
        ] = IrritantOrder.votes,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> IrritantConnection:
        department = (
            None
            if department_id is None
            else database_id(department_id, "Department", field="departmentId")
        )
        filters = _payload(
            IrritantFilter,
            {
                "status": None if status is None else status.value,
                "department_id": department,
                "sort": sort.value,
            },
        )
        return await _page(info, filters, first, after)


@strawberry.input(description="A new irritant: a title and a department are enough.")
class RaiseIrritantInput:
    title: str = strawberry.field(description="What hurts, in a line.")
    department_id: strawberry.ID = strawberry.field(description="Global or database id.")
    description: str = strawberry.field(default="", description="More detail.")
    process: str = strawberry.field(default="", description="The process it hurts.")
    severity: Severity | None = strawberry.field(default=None, description="Default medium.")


@strawberry.type
class IrritantMutation:
    @strawberry.mutation(description="Raise an irritant; your vote counts.")
    async def raise_irritant(
        self,
        info: strawberry.Info,
        input: Annotated[
            RaiseIrritantInput, strawberry.argument(description="Title, department, one line.")
        ],
    ) -> IrritantType:
        values: dict[str, Any] = {
            "title": input.title,
            "department_id": database_id(input.department_id, "Department", field="departmentId"),
            "description": input.description,
            "process": input.process,
        }
        if input.severity is not None:
            values["severity"] = input.severity.value
        row = await info.context.call(service.raise_irritant, _payload(IrritantCreate, values))
        return IrritantType.of(row)

    @strawberry.mutation(description='Vote for an irritant ("me too"); twice counts once.')
    async def vote_irritant(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The irritant's id.")],
    ) -> IrritantType:
        row = await info.context.call(service.vote, database_id(id, "Irritant", field="id"))
        return IrritantType.of(row)
