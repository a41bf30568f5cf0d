"""Wire shapes of webhooks: endpoints (the secret only in the creation answer), deliveries."""

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from schema.text import Name, NoNul
from schema.webhook import URL_MAX, WebhookEventType


def http_url(value: str) -> str:
    """An absolute http(s) URL with a host; anything else is refused."""
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in value):
        raise ValueError("must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        port = parts.port  # raises on a malformed port
    except ValueError as bad:
        raise ValueError(f"is not a URL ({bad})") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError("must be an http:// or https:// URL")
    if not parts.hostname:
        raise ValueError("must name a host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("must not carry a user name or password")
    del port
    # The scheme in lower case (`HTTPS://` works, and the database checks `https://`).
    return parts.scheme + value[len(parts.scheme) :]


Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=URL_MAX),
    NoNul,
    AfterValidator(http_url),
]
EventTypes = Annotated[list[WebhookEventType], Field(min_length=1, max_length=50)]


def _unique(types: list[WebhookEventType]) -> list[WebhookEventType]:
    return sorted(set(types))


class EndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url = Field(description="Where events are posted: http:// or https://.")
    event_types: Annotated[EventTypes, AfterValidator(_unique)] = Field(
        description="The event types this endpoint receives (at least one)."
    )
    description: Name = ""
    active: bool = True


class EndpointUpdate(BaseModel):
    """Fields to change; unset fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    url: Url | None = None
    event_types: Annotated[EventTypes, AfterValidator(_unique)] | None = None
    description: Name | None = None
    active: bool | None = None


class EndpointPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    event_types: list[str]
    description: str
    active: bool
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    version: int


class EndpointCreated(EndpointPublic):
    """The new endpoint with its signing secret: shown this once, never again."""

    secret: str = Field(description="`whsec_<base64>`: verify each delivery's signature with it.")


class DeliveryPublic(BaseModel):
    """One event sent (or to be sent) to one endpoint, with its last attempt."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    endpoint_id: int
    event_id: int
    webhook_id: str = Field(description="The `webhook-id` header the receiver sees.")
    event_type: str
    payload: dict[str, Any]
    status: str = Field(description="pending, delivered or failed.")
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    failed_at: datetime | None
    created_at: datetime
