"""Scenarios in GraphQL: `scenario(moves:)` evaluates moves as POST /scenarios/evaluate does."""

from decimal import Decimal
from typing import Annotated, Any

import strawberry
from pydantic import ValidationError

from service.errors import ValidationFailed
from service.graphql.ids import database_id
from service.graphql.types.analytics import FlagCode, FlagCount, PortfolioBalance, flag_counts
from service.graphql.types.common import InitiativeStatus, Orientation, Severity
from service.graphql.types.inputs import set_fields
from service.scenarios import evaluation
from service.scenarios.payloads import ScenarioEvaluate
from service.validation_words import sentence

U = strawberry.UNSET
REFERENCES = {"initiative_id": "Initiative", "department_id": "Department"}


@strawberry.input(description="One initiative as the scenario would change it.")
class ScenarioMoveInput:
    initiative_id: strawberry.ID = strawberry.field(
        description="Global id or database id of the initiative."
    )
    status: InitiativeStatus | None = strawberry.field(default=U, description="New status.")
    budget_planned: Decimal | None = strawberry.field(default=U, description="New budget.")
    orientation: Orientation | None = strawberry.field(default=U, description="New orientation.")
    client_share: Decimal | None = strawberry.field(default=U, description="Hybrid only, 0..1.")
    department_id: strawberry.ID | None = strawberry.field(
        default=U, description="Global id or database id of the new lead department."
    )
    lessons_learned: str | None = strawberry.field(
        default=U, description="Required to stop an initiative that records none."
    )


@strawberry.type(description="The portfolio figures on one side of a scenario.")
class ScenarioFigures:
    balance: PortfolioBalance = strawberry.field(description="Budget-weighted balance.")
    alignment_score: float | None = strawberry.field(
        description="Budget share of active initiatives linked to a shared KPI."
    )
    flag_counts: list[FlagCount] = strawberry.field(description="Flags raised, per code.")

    @classmethod
    def from_public(cls, side: Any) -> "ScenarioFigures":
        score = side.alignment_score
        return cls(
            balance=PortfolioBalance.from_public(side.balance),
            alignment_score=None if score is None else float(score),
            flag_counts=flag_counts(side.flag_counts),
        )


@strawberry.type(description="A flag raised on one side of a scenario and not on the other.")
class ScenarioFlagChange:
    code: FlagCode = strawberry.field(description="The flag code.")
    severity: Severity = strawberry.field(description="High, medium or low.")
    entity_type: str = strawberry.field(description="portfolio, department, initiative or kpi.")
    entity_id: int | None = strawberry.field(description="Database id of the entity.")
    entity_code: str | None = strawberry.field(description="Code of the entity.")
    name: str | None = strawberry.field(description="Name or title of the entity.")
    department_code: str | None = strawberry.field(description="Department concerned.")


@strawberry.type(description="The portfolio today and as the moves would leave it.")
class ScenarioEvaluation:
    before: ScenarioFigures = strawberry.field(description="Today's figures.")
    after: ScenarioFigures = strawberry.field(description="The figures after the moves.")
    appearing: list[ScenarioFlagChange] = strawberry.field(description="Flags the moves raise.")
    disappearing: list[ScenarioFlagChange] = strawberry.field(description="Flags the moves clear.")

    @classmethod
    def from_public(cls, result: Any) -> "ScenarioEvaluation":
        def changes(flags: list[Any]) -> list[ScenarioFlagChange]:
            return [
                ScenarioFlagChange(
                    **flag.model_dump(exclude={"code", "severity"}),
                    code=FlagCode(flag.code),
                    severity=Severity(flag.severity),
                )
                for flag in flags
            ]

        return cls(
            before=ScenarioFigures.from_public(result.before),
            after=ScenarioFigures.from_public(result.after),
            appearing=changes(result.appearing),
            disappearing=changes(result.disappearing),
        )


def _move(index: int, data: ScenarioMoveInput) -> dict[str, Any]:
    values = set_fields(data)
    for name, kind in REFERENCES.items():
        if values.get(name) is not None:
            values[name] = database_id(values[name], kind, field=f"moves.{index}.{name}")
    return {name: getattr(value, "value", value) for name, value in values.items()}


def scenario_payload(moves: list[ScenarioMoveInput]) -> ScenarioEvaluate:
    """The REST payload of the moves; its validation errors name the move and field."""
    values = [_move(index, move) for index, move in enumerate(moves)]
    try:
        return ScenarioEvaluate(moves=values)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        raise ValidationFailed(sentence(error, raw=True), field=field) from exc


Moves = Annotated[
    list[ScenarioMoveInput],
    strawberry.argument(description="At most 500 moves, one per initiative."),
]


@strawberry.type(description="What-if evaluations of the portfolio.")
class ScenarioQuery:
    @strawberry.field(description="The portfolio today and as the moves would leave it.")
    async def scenario(self, info: strawberry.Info, moves: Moves) -> ScenarioEvaluation:
        payload = scenario_payload(moves)
        result = await info.context.read(evaluation.evaluate, payload.moves)
        return ScenarioEvaluation.from_public(result)
