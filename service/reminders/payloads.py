"""Wire shapes of an account's email preferences."""

from pydantic import BaseModel, ConfigDict


class NotificationPreferencePublic(BaseModel):
    """Which emails the signed-in account receives."""

    model_config = ConfigDict(from_attributes=True)

    reminders: bool
    digest: bool


class NotificationPreferenceUpdate(BaseModel):
    """Opt in or out of check-in reminders and/or the weekly digest (omitted: unchanged)."""

    model_config = ConfigDict(extra="forbid")

    reminders: bool | None = None
    digest: bool | None = None
