"""The data model: every table, and the `metadata` Alembic compares against."""

from sqlmodel import SQLModel

from schema.account import Account, AccountSession, ApiToken, InstallationSecret
from schema.audit import AuditEvent, IdempotencyKey, LoginAttempt
from schema.decision import ApprovalWaiver, ChangeRequest
from schema.department import Department
from schema.initiative import Initiative, InitiativeKpi, InitiativeLink
from schema.kpi import Kpi, KpiDepartment, KpiDriver, KpiMeasurement
from schema.person import Person
from schema.portfolio import DepartmentStatusTotal, PortfolioSetting, PortfolioSnapshot
from schema.progress import ProgressUpdate
from schema.scenario import Scenario

metadata = SQLModel.metadata

__all__ = [
    "Account",
    "AccountSession",
    "ApiToken",
    "ApprovalWaiver",
    "AuditEvent",
    "ChangeRequest",
    "Department",
    "DepartmentStatusTotal",
    "IdempotencyKey",
    "Initiative",
    "InitiativeKpi",
    "InitiativeLink",
    "InstallationSecret",
    "Kpi",
    "KpiDepartment",
    "KpiDriver",
    "KpiMeasurement",
    "LoginAttempt",
    "Person",
    "PortfolioSetting",
    "PortfolioSnapshot",
    "ProgressUpdate",
    "Scenario",
    "metadata",
]
