"""Form helpers: post-redirect-get with a flash message, and errors next to their field.

A flash message travels in a short-lived signed cookie (no server-side state), is shown
by the next page and cleared by it.
"""

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError

from service.errors import DomainError
from service.validation_words import sentence

FLASH_COOKIE = "cdo_flash"
FLASH_MAX_AGE = 120

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Flash:
    """A one-time message for the next page; `secret` is shown once (a new API token)."""

    message: str
    kind: str = "success"
    secret: str | None = None


@dataclass
class FormState:
    """What a form shows: the submitted values, errors by field, and a general error."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.error)


def _sign(payload: str, secret: str) -> str:
    mac = hmac.new(secret.encode(), f"flash|{payload}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def redirect(request: Request, url: str, flash: Flash | None = None) -> RedirectResponse:
    """A 303 to `url` (the GET after a POST), carrying an optional flash message."""
    response = RedirectResponse(url, status_code=303)
    if flash is not None:
        body = {"m": flash.message, "k": flash.kind, "s": flash.secret}
        payload = base64.urlsafe_b64encode(json.dumps(body).encode()).decode().rstrip("=")
        value = f"{payload}.{_sign(payload, request.app.state.settings.secret_key)}"
        response.set_cookie(
            FLASH_COOKIE,
            value,
            max_age=FLASH_MAX_AGE,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
    return response


def read_flash(request: Request) -> Flash | None:
    """The flash message the previous response left, if it is genuine."""
    value = request.cookies.get(FLASH_COOKIE)
    if not value:
        return None
    payload, _, signature = value.partition(".")
    if not hmac.compare_digest(signature, _sign(payload, request.app.state.settings.secret_key)):
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return Flash(message=str(body["m"]), kind=str(body["k"]), secret=body.get("s"))
    except (ValueError, KeyError, TypeError):
        return None


def clear_flash(response: Response) -> None:
    """Forget the flash message once a page has shown it."""
    response.delete_cookie(FLASH_COOKIE, httponly=True, samesite="strict")


def safe_next(target: str | None, default: str = "/") -> str:
    """`target` when it is a path on this site, else `default` (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    return default if parts.scheme or parts.netloc else target


def clean(values: dict[str, str], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """Trimmed form values; the `optional` fields left blank are dropped (meaning unset)."""
    cleaned: dict[str, Any] = {}
    for name, raw in values.items():
        value = raw.strip()
        if name in optional and value == "":
            continue
        cleaned[name] = value
    return cleaned


def parse(
    model: type[M],
    values: dict[str, Any],
    state: FormState,
    labels: Mapping[str, str] | None = None,
) -> M | None:
    """`values` validated as `model`; None with `state.errors` filled when they are not,
    each a sentence naming the field by its label (`labels` names this form's own)."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            loc = error.get("loc") or ("form",)
            state.errors.setdefault(str(loc[0]), sentence(dict(error), labels))
        return None


def refuse(state: FormState, exc: DomainError, fields: set[str] | None = None) -> None:
    """Put a service's refusal next to its field, or above the form when it names none."""
    if exc.field and (fields is None or exc.field in fields):
        state.errors[exc.field] = exc.detail
    else:
        state.error = exc.detail
