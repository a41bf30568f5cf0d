"""Opaque global ids: base64 of "Type:databaseId", as Relay clients expect."""

import base64
import binascii

from service.errors import ValidationFailed
from service.i18n import gettext as _


def encode_id(type_name: str, database_id: int) -> str:
    """The global id of row `database_id` of GraphQL type `type_name`."""
    return base64.b64encode(f"{type_name}:{database_id}".encode()).decode()


def decode_id(global_id: str, *, field: str = "id") -> tuple[str, int]:
    """(type name, database id) of a global id; anything else is a validation error."""
    try:
        type_name, _sep, raw = base64.b64decode(global_id, validate=True).decode().partition(":")
        database_id = int(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        type_name, database_id = "", 0
    if not type_name or database_id <= 0:
        raise ValidationFailed(
            _("%(id)r is not an id this API issued.") % {"id": global_id},
            code="invalid_id",
            field=field,
        )
    return type_name, database_id


def decode_id_of(global_id: str, expected: str, *, field: str = "id") -> int:
    """The database id of a global id that must name a `expected` object."""
    type_name, database_id = decode_id(global_id, field=field)
    if type_name != expected:
        raise ValidationFailed(
            _("%(id)r is the id of a %(type)s, not of a %(expected)s.")
            % {"id": global_id, "type": type_name, "expected": expected},
            code="invalid_id",
            field=field,
        )
    return database_id


def database_id(value: str, expected: str, *, field: str) -> int:
    """A database id given either as a plain integer or as a global id of `expected`."""
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    return decode_id_of(text, expected, field=field)
