"""The data model: every table, and the `metadata` Alembic compares against."""

from sqlmodel import SQLModel

from schema.department import Department
from schema.initiative import Initiative, InitiativeKpi, InitiativeLink
from schema.kpi import Kpi, KpiDepartment, KpiDriver, KpiMeasurement
from schema.person import Person
from schema.portfolio import PortfolioSetting, PortfolioSnapshot
from schema.progress import ProgressUpdate

metadata = SQLModel.metadata

__all__ = [
    "Department",
    "Initiative",
    "InitiativeKpi",
    "InitiativeLink",
    "Kpi",
    "KpiDepartment",
    "KpiDriver",
    "KpiMeasurement",
    "Person",
    "PortfolioSetting",
    "PortfolioSnapshot",
    "ProgressUpdate",
    "metadata",
]
