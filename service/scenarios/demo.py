"""The demo company's saved scenario: fund the thrust behind the promises.

Stops two client-facing promises (the generative-AI shopping assistant, the loyalty app)
and puts two internal enablers to work (approves the internal-mobility portal, starts
warehouse scanning), so the "What if" page opens on a scenario that pulls marketing's
client-facing share back toward the band.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from schema import Scenario
from service.actor import SYSTEM
from service.scenarios import evaluation
from service.scenarios import service as scenarios
from service.scenarios.payloads import ScenarioCreate, ScenarioMove

NAME = "Fund the thrust"
DESCRIPTION = (
    "Stop two client-facing promises that have no internal work behind them and put the"
    " budget into two internal enablers."
)
# (initiative code, move fields)
MOVES: list[tuple[str, dict[str, str]]] = [
    (
        "INI-018",
        {
            "status": "stopped",
            "lessons_learned": "Stopped before launch: no product data clean enough to answer"
            " shoppers, and no agent behind the assistant.",
        },
    ),
    (
        "INI-009",
        {
            "status": "stopped",
            "lessons_learned": "Members used the card, not the app: the points belong in the"
            " web shop account.",
        },
    ),
    ("INI-003", {"status": "approved"}),
    ("INI-020", {"status": "in_progress"}),
]


async def seed_scenario(session: AsyncSession) -> Scenario:
    """Save the demo's scenario on the demo company (as the system, the CDO office)."""
    ids = await evaluation.ids_by_code(session, [code for code, _ in MOVES])
    moves = [ScenarioMove.model_validate({"initiative_id": ids[code]} | m) for code, m in MOVES]
    data = ScenarioCreate(name=NAME, description=DESCRIPTION, moves=moves)
    return await scenarios.save_scenario(session, SYSTEM, data)
