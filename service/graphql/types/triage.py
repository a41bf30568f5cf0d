"""Flag triage as GraphQL: acknowledge, assign and snooze a raised flag.

The flag's triage fields are on `Flag` (service/graphql/types/analytics.py); the mutations
call the same service functions as REST, with the same rules and refusals.
"""

from datetime import date
from typing import Annotated, Any

import strawberry
from pydantic import BaseModel, ValidationError

from service.errors import ValidationFailed
from service.graphql.ids import database_id
from service.graphql.types.analytics import Flag, FlagCode
from service.i18n import gettext as _
from service.portfolio.payloads import FlagCode as Code
from service.triage import service
from service.triage.payloads import AcknowledgeIn, AssignIn, FlagKey, SnoozeIn
from service.validation_words import sentence


@strawberry.input(description="Which flag: its code and its subject.")
class FlagKeyInput:
    code: FlagCode = strawberry.field(description="The flag code.")
    entity_type: str = strawberry.field(
        description="portfolio, department, initiative, kpi or irritant."
    )
    entity_id: int = strawberry.field(description="The subject's database id (0: portfolio).")


def _key(flag: FlagKeyInput) -> FlagKey:
    if flag.entity_type not in ("portfolio", "department", "initiative", "kpi", "irritant"):
        raise ValidationFailed(
            _("flag.entityType: '%(type)s' is not a flag subject.") % {"type": flag.entity_type},
            field="flag.entityType",
        )
    return FlagKey(Code(flag.code.value), flag.entity_type, flag.entity_id)  # type: ignore[arg-type]


def _payload(model: type[BaseModel], values: dict[str, Any]) -> Any:
    try:
        return model(**values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        raise ValidationFailed(sentence(error, raw=True), field=field) from exc


FLAG = Annotated[FlagKeyInput, strawberry.argument(description="The raised flag.")]


@strawberry.type
class TriageMutation:
    @strawberry.mutation(description="Acknowledge a flag with a note; it stays counted.")
    async def acknowledge_flag(
        self,
        info: strawberry.Info,
        flag: FLAG,
        note: Annotated[str, strawberry.argument(description="Why, or what is done.")],
    ) -> Flag:
        data = _payload(AcknowledgeIn, {"note": note})
        return Flag.from_public(await info.context.call(service.acknowledge, _key(flag), data))

    @strawberry.mutation(description="Assign a flag to an active person, who then should act.")
    async def assign_flag(
        self,
        info: strawberry.Info,
        flag: FLAG,
        person_id: Annotated[strawberry.ID, strawberry.argument(description="The person.")],
    ) -> Flag:
        person = database_id(person_id, "Person", field="personId")
        data = _payload(AssignIn, {"person_id": person})
        return Flag.from_public(await info.context.call(service.assign, _key(flag), data))

    @strawberry.mutation(description="Keep a flag out of the to-act-on list until a day.")
    async def snooze_flag(
        self,
        info: strawberry.Info,
        flag: FLAG,
        until: Annotated[date, strawberry.argument(description="After today.")],
        note: Annotated[str, strawberry.argument(description="Why it waits.")] = "",
    ) -> Flag:
        data = _payload(SnoozeIn, {"until": until, "note": note})
        return Flag.from_public(await info.context.call(service.snooze, _key(flag), data))
