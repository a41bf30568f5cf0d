"""A GraphQL request's parameters (query, operationName, variables, extensions) from a
plain GET's query string or a JSON POST's body; None when it is neither."""

import json
from collections.abc import Mapping
from typing import Any

JSON = "application/json"


def from_query(query: Mapping[str, str]) -> dict[str, Any] | None:
    """A GET's parameters: `variables` and `extensions` are JSON texts."""
    if "query" not in query and "extensions" not in query:
        return None
    params: dict[str, Any] = dict(query)
    try:
        for name in ("variables", "extensions"):
            if name in params:
                params[name] = json.loads(params[name])
    except ValueError:
        return None
    return params


def is_json(content_type: str) -> bool:
    """Whether a POST's Content-Type is JSON (parameters, if any, ignored)."""
    return content_type.split(";")[0].strip() == JSON


def from_body(body: bytes) -> dict[str, Any] | None:
    """A JSON POST's parameters: its body, when it is a JSON object."""
    try:
        params = json.loads(body)
    except ValueError:
        return None
    return params if isinstance(params, dict) else None
