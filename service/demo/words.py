"""Vocabulary for the synthetic company: plausible titles, needs and check-in texts."""

import random

FIRST_NAMES = (
    "Alex", "Amina", "Anna", "Bruno", "Camille", "Chen", "Clara", "David", "Elena", "Emma",
    "Farid", "Fatou", "Felix", "Greta", "Hugo", "Ines", "Jan", "Julia", "Karim", "Lars",
    "Lea", "Lucia", "Marc", "Maria", "Mehdi", "Mia", "Nadia", "Noah", "Nora", "Olga",
    "Omar", "Paul", "Priya", "Rachid", "Ravi", "Sara", "Sofia", "Tomas", "Yasmine", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Almeida", "Amrani", "Benali", "Berg", "Bianchi", "Blanc", "Colin", "Costa", "Diallo",
    "Dupont", "Eriksson", "Faure", "Ferraro", "Fournier", "Garnier", "Grant", "Haddad",
    "Hoffmann", "Horvat", "Ivanova", "Kaci", "Keller", "Kowalski", "Lambert", "Laurent",
    "Leroy", "Martin", "Mensah", "Moreau", "Novak", "Okafor", "Ortega", "Patel", "Perrin",
    "Petrova", "Renard", "Roche", "Romero", "Sato", "Sharma", "Silva", "Vidal", "Weber",
)  # fmt: skip
TITLES = (
    "Chief Executive Officer", "Executive Director", "Director", "Senior Manager",
    "Manager", "Team Lead", "Senior Specialist", "Specialist",
)  # fmt: skip
KPI_SUBJECTS = (
    "Net Promoter Score", "Conversion rate", "Churn rate", "Stock-out rate",
    "Order cycle time", "Re-keying hours", "Cost to serve", "Forecast accuracy",
    "Agent tooling satisfaction", "Internal mobility rate", "Close duration",
    "First-contact resolution", "On-time delivery", "Employee engagement",
)  # fmt: skip
AUDIENCES = (
    "Store staff", "Online customers", "Trade customers", "Contact-centre agents",
    "Warehouse teams", "Finance controllers", "Buyers", "HR business partners",
    "Sales representatives", "Suppliers", "Loyalty members", "Delivery drivers",
)  # fmt: skip
_VERBS = (
    "Automate", "Digitise", "Simplify", "Unify", "Modernise", "Track", "Forecast",
    "Personalise", "Streamline", "Self-serve",
)  # fmt: skip
_OBJECTS = (
    "supplier invoice matching", "stock replenishment", "customer returns", "order tracking",
    "budget forecasting", "contract approvals", "delivery planning", "product content",
    "loyalty offers", "shift scheduling", "quality claims", "price updates",
    "customer onboarding", "document validation", "field sales visits",
)  # fmt: skip
_PAINS = (
    "re-key the same data into several applications",
    "wait days for an answer that exists somewhere",
    "work from spreadsheets that disagree",
    "learn about problems from customer complaints",
    "lose time switching between screens",
    "chase approvals by e-mail",
)  # fmt: skip
_PROGRESS = {
    "green": ("On track: pilot users adopted the new flow.", "Milestone delivered on time.",
              "Rolled out to a second site.", "Usage grew since the last check-in."),
    "amber": ("Some delay: integration took longer than planned.",
              "Adoption slower than expected in two sites.",
              "Scope under review with the sponsor."),
    "red": ("Blocked: the dependency is late.", "Budget overrun under review.",
            "Key people left the team."),
}  # fmt: skip
_BLOCKERS = (
    "Waiting for data access.", "Vendor delivery late.", "No decision on scope.",
    "Team short of one developer.", "Dependency on another initiative.",
)  # fmt: skip
_NEXT = (
    "Extend to the next sites.", "Review results with the sponsor.", "Train the users.",
    "Measure the KPI impact.", "Close the remaining defects.",
)  # fmt: skip


def title(rng: random.Random) -> str:
    """An initiative title such as 'Automate quality claims for suppliers'."""
    return f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS)} for {rng.choice(AUDIENCES).lower()}"


def need(rng: random.Random) -> str:
    """The user need behind an initiative."""
    return f"{rng.choice(AUDIENCES)} {rng.choice(_PAINS)}."


def sentence(rng: random.Random) -> str:
    """A description sentence."""
    return f"removes the need to {rng.choice(_PAINS)} and measures the effect on shared KPIs."


def hypothesis(rng: random.Random, initiative_title: str) -> str:
    """An experiment hypothesis."""
    return f"{initiative_title} improves the linked KPI by {rng.randint(5, 20)}% in 3 months."


def lesson(rng: random.Random) -> str:
    """What a stopped initiative taught."""
    return f"Stopped: users still {rng.choice(_PAINS)}; the need was checked too late."


def progress(rng: random.Random, health: str) -> str:
    """A check-in summary matching its health."""
    return rng.choice(_PROGRESS[health])


def blocker(rng: random.Random) -> str:
    """A blocker."""
    return rng.choice(_BLOCKERS)


def next_step(rng: random.Random) -> str:
    """A next step."""
    return rng.choice(_NEXT)
