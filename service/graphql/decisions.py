"""The root fields of change requests: the list BI and the CDO office page through, and
the decision, both through the decisions service."""

from typing import Annotated

import sqlalchemy as sa
import strawberry
from pydantic import ValidationError

from service.decisions import service as decisions
from service.decisions.payloads import ChangeRequestFilter, DecisionIn
from service.errors import ValidationFailed
from service.graphql.connections import AFTER, FIRST, Connection, root_page
from service.graphql.ids import database_id
from service.graphql.types.decisions import (
    ChangeRequestDecision,
    ChangeRequestNode,
    ChangeRequestStatus,
    WaiverInput,
    change_request,
    waiver_values,
)
from service.validation_words import sentence

First = Annotated[int | None, strawberry.argument(description=FIRST)]
After = Annotated[str | None, strawberry.argument(description=AFTER)]


@strawberry.type(description="Change requests: what the CDO office has decided or will decide.")
class DecisionQuery:
    @strawberry.field(description="Change requests in id order, by status and initiative.")
    async def change_requests(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        status: Annotated[
            ChangeRequestStatus | None, strawberry.argument(description="Only this status.")
        ] = None,
        initiative_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this initiative's.")
        ] = None,
    ) -> Connection[ChangeRequestNode]:
        ctx = info.context
        initiative = (
            None
            if initiative_id is None
            else database_id(initiative_id, "Initiative", field="initiativeId")
        )
        filters = ChangeRequestFilter(
            status=None if status is None else status.value, initiative_id=initiative
        )
        base = sa.select(change_request).where(*decisions.matching(filters))
        convert = ChangeRequestNode.from_row
        return await root_page(
            ctx.rows, ctx.scalar, base, change_request.c.id, convert, first, after
        )


@strawberry.type(description="The CDO office's decisions.")
class DecisionMutation:
    @strawberry.mutation(
        description="Approve (the changes apply, approval checks included) or reject a pending"
        " change request (CDO office)."
    )
    async def decide_change_request(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Global or database id.")],
        decision: Annotated[
            ChangeRequestDecision, strawberry.argument(description="approve or reject.")
        ],
        comment: Annotated[str, strawberry.argument(description="Why.")] = "",
        waivers: Annotated[
            list[WaiverInput] | None,
            strawberry.argument(description="Approving: a reason per waived failing check."),
        ] = None,
    ) -> ChangeRequestNode:
        request_id = database_id(id, "ChangeRequest", field="id")
        values = {"decision": decision.value, "comment": comment, "waivers": waiver_values(waivers)}
        try:
            data = DecisionIn(**values)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(part) for part in error["loc"])
            raise ValidationFailed(sentence(error, raw=True), field=field) from exc
        row = await info.context.call(decisions.decide_change_request, request_id, data)
        return ChangeRequestNode.from_row(row)
