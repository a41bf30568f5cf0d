"""The impact of approving a selection of waiting decisions: the scenario evaluation of
their moves, the balance before and after, overall and per department."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import urlencode

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from schema import Initiative
from service.errors import DomainError
from service.i18n import gettext as _
from service.pages.views import options
from service.scenarios import evaluation
from service.scenarios.payloads import ScenarioEvaluation, ScenarioMove
from service.validation_words import sentence

# The fields of a change request a scenario move can overlay (an owner moves no figure).
MOVED = ("status", "orientation", "client_share", "budget_planned", "department_id")


def _ids(values: Iterable[str]) -> frozenset[int]:
    return frozenset(int(v) for v in values if v.isdigit() and len(v) < 19)


@dataclass(frozen=True)
class Selection:
    """The proposals (initiative ids) and change requests (ids) ticked for the impact."""

    proposals: frozenset[int] = field(default_factory=frozenset)
    requests: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def of(cls, proposals: Iterable[str], requests: Iterable[str]) -> "Selection":
        """Read leniently from the query string: anything but an id is ignored."""
        return cls(_ids(proposals), _ids(requests))

    def __bool__(self) -> bool:
        return bool(self.proposals or self.requests)

    def url(self) -> str:
        """The Decisions page showing this selection's impact."""
        pairs = [("proposal", i) for i in sorted(self.proposals)]
        pairs += [("request", i) for i in sorted(self.requests)]
        return "/decisions" + (f"?{urlencode(pairs)}#impact" if pairs else "")


class Selected(Protocol):
    """A waiting decision as the impact reads it."""

    kind: str

    @property
    def initiative(self) -> Initiative: ...

    @property
    def waiting(self) -> Any: ...


@dataclass(frozen=True)
class ShareChange:
    """One department's client-facing share before and after."""

    name: str
    before: Decimal | None
    after: Decimal | None
    count_before: int
    count_after: int

    @property
    def moved(self) -> bool:
        return self.before != self.after or self.count_before != self.count_after


@dataclass(frozen=True)
class Impact:
    evaluation: ScenarioEvaluation
    departments: list[ShareChange]
    moves: int

    @property
    def flags_before(self) -> int:
        return sum(self.evaluation.before.flag_counts.values())

    @property
    def flags_after(self) -> int:
        return sum(self.evaluation.after.flag_counts.values())


def moves_of(items: Sequence[Selected]) -> list[dict[str, Any]]:
    """One move per initiative: a proposal approved, a request's changes (in order)."""
    moves: dict[int, dict[str, Any]] = {}
    for item in items:
        initiative_id = item.initiative.id
        assert initiative_id is not None
        move = moves.setdefault(initiative_id, {"initiative_id": initiative_id})
        if item.kind == "proposal":
            move["status"] = "approved"
            continue
        changes: Mapping[str, Any] = item.waiting.request.changes
        move |= {name: change["to"] for name, change in changes.items() if name in MOVED}
    return [move for move in moves.values() if len(move) > 1]


async def impact_of(
    session: AsyncSession, items: Sequence[Selected]
) -> tuple[Impact | None, str | None]:
    """The portfolio today and with the items approved; (None, why) when it cannot be
    evaluated, (None, None) when nothing is selected."""
    if not items:
        return None, None
    try:
        moves = [ScenarioMove.model_validate(move) for move in moves_of(items)]
        result = await evaluation.evaluate(session, moves)
    except (DomainError, ValidationError) as exc:
        detail = exc.detail if isinstance(exc, DomainError) else sentence(exc.errors()[0])
        return None, _("The impact cannot be computed: %(detail)s") % {"detail": detail}
    names: dict[str, str] = {d.code: d.name for d in await options.departments(session)}
    before = {d.department_code: d for d in result.before.balance.departments}
    after = {d.department_code: d for d in result.after.balance.departments}
    rows = [
        ShareChange(
            names.get(code) or code,
            before[code].client_share if code in before else None,
            after[code].client_share if code in after else None,
            before[code].initiative_count if code in before else 0,
            after[code].initiative_count if code in after else 0,
        )
        for code in sorted(before.keys() | after.keys(), key=lambda c: (names.get(c) or c).lower())
    ]
    return Impact(result, rows, len(moves)), None
