"""Wire shapes of audit events."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    actor_account_id: int | None
    actor_label: str
    action: str
    entity_type: str
    entity_id: int
    parent_type: str | None
    parent_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
