"""Every text column and every text a request carries has a maximum length."""

import importlib
import typing
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

import schema
from schema.text import LONG_TEXT_MAX
from service import migrate
from service.errors import ValidationFailed
from service.problems import database_error
from tests.dbutil import scratch_database

PAYLOAD_MODULES = (
    "service.audit.payloads",
    "service.auth.payloads",
    "service.departments.payloads",
    "service.initiatives.payloads",
    "service.kpis.payloads",
    "service.org.payloads",
    "service.portfolio.payloads",
    "service.transfer.payloads",
)


def test_every_text_column_has_a_maximum_length() -> None:
    unbounded = [
        f"{table.name}.{column.name}"
        for table in schema.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, sa.String) and column.type.length is None
    ]
    assert unbounded == []


def _holds_str(annotation: Any) -> bool:
    if annotation is str:
        return True
    return any(_holds_str(arg) for arg in typing.get_args(annotation))


def _request_text_fields() -> list[tuple[type[BaseModel], str]]:
    """(model, field) of every text field of the request payloads (bodies and filters)."""
    found = []
    for name in PAYLOAD_MODULES:
        module = importlib.import_module(name)
        for model in vars(module).values():
            if not (isinstance(model, type) and issubclass(model, BaseModel)):
                continue
            is_request = model.model_config.get("extra") == "forbid" or model.__name__.endswith(
                ("Filter", "Filters")
            )
            if model.__module__ != name or not is_request:
                continue
            found += [
                (model, f) for f, info in model.model_fields.items() if _holds_str(info.annotation)
            ]
    return found


def _errors_of(model: type[BaseModel], field: str, value: str) -> list[str]:
    try:
        model.model_validate({field: value})
    except ValidationError as exc:
        return [e["type"] for e in exc.errors() if e["loc"][:1] == (field,)]
    return []


def test_every_text_a_request_carries_is_bounded_and_nul_free() -> None:
    fields = _request_text_fields()
    names = {f"{model.__name__}.{field}" for model, field in fields}
    assert {"CheckInCreate.summary", "LoginRequest.email", "InitiativeFilter.q"} <= names
    unbounded = [
        f"{model.__name__}.{field}"
        for model, field in fields
        if "string_too_long" not in _errors_of(model, field, "x" * (LONG_TEXT_MAX + 1))
    ]
    nul_accepted = [
        f"{model.__name__}.{field}"
        for model, field in fields
        if not _errors_of(model, field, "a\x00b@example.com")
    ]
    assert (unbounded, nul_accepted) == ([], [])


async def test_a_text_too_long_for_its_column_is_a_validation_error(
    session: AsyncSession,
) -> None:
    # Behind the payloads, the database refuses it too: 422, never 503.
    with pytest.raises(DBAPIError) as caught:
        await session.execute(
            sa.text("INSERT INTO department (code, name) VALUES ('x', repeat('n', 201))")
        )
    translated = database_error(caught.value)
    assert isinstance(translated, ValidationFailed)
    assert (translated.status, translated.code, translated.detail) == (
        422,
        "too_long",
        "A text is too long: value too long for type character varying(200)",
    )


def test_the_migration_refuses_texts_over_the_new_limits(database_url: str) -> None:
    with scratch_database(database_url, "limits") as url:
        migrate.upgrade(url, "0004")
        admin = url.replace("+psycopg", "")
        with psycopg.connect(admin, autocommit=True) as connection:
            _long_rows(connection)
        with pytest.raises(Exception, match="shorten these texts first") as refused:
            migrate.upgrade(url)
        assert str(refused.value).endswith(
            "initiative.description: 1 row(s) longer than 10000 characters;"
            " progress_update.summary: 2 row(s) longer than 4000 characters"
        )
        with psycopg.connect(admin, autocommit=True) as connection:
            kinds = connection.execute(
                "SELECT data_type FROM information_schema.columns"
                " WHERE table_name = 'progress_update' AND column_name = 'summary'"
            ).fetchall()
            version = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        assert (kinds, version) == ([("text",)], [("0004",)])


def _long_rows(connection: psycopg.Connection[Any]) -> None:
    department = connection.execute(
        "INSERT INTO department (code, name) VALUES ('ops', 'Ops') RETURNING id"
    ).fetchone()
    person = connection.execute(
        "INSERT INTO person (name, email, title, department_id)"
        " VALUES ('Ada', 'ada@example.com', '', %s) RETURNING id",
        department,
    ).fetchone()
    assert department is not None and person is not None
    initiative = connection.execute(
        "INSERT INTO initiative (code, title, description, department_id, owner_id, status,"
        " orientation, client_share, origin, user_need, target_users, hypothesis,"
        " lessons_learned, budget_planned) VALUES ('INI-1', 'T', repeat('d', 10001), %s, %s,"
        " 'proposed', 'internal', 0, 'user_need', '', '', '', '', 0) RETURNING id",
        (department[0], person[0]),
    ).fetchone()
    assert initiative is not None
    for day in ("2026-01-01", "2026-01-02"):
        connection.execute(
            "INSERT INTO progress_update (initiative_id, reported_on, percent_complete, health,"
            " spent_to_date, summary, blockers, next_steps)"
            " VALUES (%s, %s, 1, 'green', 0, repeat('s', 4001), '', '')",
            (initiative[0], day),
        )
