"""The data model: every table, and the `metadata` Alembic compares against."""

from sqlmodel import SQLModel

from schema.account import Account, AccountSession, ApiToken, InstallationSecret
from schema.audit import AuditEvent, IdempotencyKey, LoginAttempt
from schema.decision import ApprovalWaiver, ChangeRequest
from schema.deletion import Deletion
from schema.department import Department
from schema.flag_triage import FlagTriage
from schema.initiative import Initiative, InitiativeKpi, InitiativeLink
from schema.irritant import InitiativeIrritant, Irritant, IrritantVote
from schema.kpi import Kpi, KpiDepartment, KpiDriver, KpiMeasurement
from schema.lesson import InitiativeLesson
from schema.notification import NotificationPreference, NotificationSent
from schema.person import Person
from schema.portfolio import DepartmentStatusTotal, PortfolioSetting, PortfolioSnapshot
from schema.progress import ProgressUpdate
from schema.scenario import Scenario
from schema.webhook import WebhookDelivery, WebhookEndpoint, WebhookEvent

metadata = SQLModel.metadata

__all__ = [
    "Account",
    "AccountSession",
    "ApiToken",
    "ApprovalWaiver",
    "AuditEvent",
    "ChangeRequest",
    "Deletion",
    "Department",
    "DepartmentStatusTotal",
    "FlagTriage",
    "IdempotencyKey",
    "Initiative",
    "InitiativeIrritant",
    "InitiativeKpi",
    "InitiativeLesson",
    "InitiativeLink",
    "InstallationSecret",
    "Irritant",
    "IrritantVote",
    "Kpi",
    "KpiDepartment",
    "KpiDriver",
    "KpiMeasurement",
    "LoginAttempt",
    "NotificationPreference",
    "NotificationSent",
    "Person",
    "PortfolioSetting",
    "PortfolioSnapshot",
    "ProgressUpdate",
    "Scenario",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "metadata",
]
