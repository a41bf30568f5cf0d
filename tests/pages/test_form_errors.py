"""Errors as plain sentences naming the field by its label: next to the field, in a summary
that links to it and takes focus, and as the REST problem's `detail`."""

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from schema.enums import Orientation
from service.initiatives.payloads import InitiativeCreate
from service.validation_words import sentence
from tests.pages.conftest import Browser, World


class _Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=5)
    orientation: Orientation = Orientation.internal
    budget_planned: Decimal = Field(default=Decimal("0"), ge=0, decimal_places=2)
    percent_complete: int = Field(default=0, le=100)
    start_date: date | None = None
    is_experiment: bool = False
    tags: list[str] = Field(default_factory=list, max_length=2)


def _errors(values: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as raised:
        _Sample.model_validate(values)
    return [dict(e) for e in raised.value.errors()]


CASES = [
    ({}, "Title is required."),
    ({"title": ""}, "Title is required."),
    ({"title": "toolong"}, "Title must be at most 5 characters."),
    ({"title": "a", "orientation": "x"}, "Orientation must be client-facing, internal or hybrid."),
    ({"title": "a", "budget_planned": "-1"}, "Budget must be a number of at least 0."),
    ({"title": "a", "budget_planned": "lots"}, "Budget must be a number."),
    ({"title": "a", "budget_planned": "1.234"}, "Budget must have at most 2 decimal places."),
    (
        {"title": "a", "percent_complete": "101"},
        "Percent complete must be a number of at most 100.",
    ),
    ({"title": "a", "percent_complete": "x"}, "Percent complete must be a whole number."),
    ({"title": "a", "start_date": "soon"}, "Start date must be a date (YYYY-MM-DD)."),
    ({"title": "a", "is_experiment": "maybe"}, "Experiment must be yes or no."),
    ({"title": "a", "tags": ["a", "b", "c"]}, "Tags must have at most 2 items."),
    ({"title": "a", "colour": "red"}, "Colour is not a known field."),
]


@pytest.mark.parametrize(("values", "expected"), CASES)
def test_each_kind_of_error_is_a_sentence_naming_the_field(
    values: dict[str, Any], expected: str
) -> None:
    assert sentence(_errors(values)[0]) == expected


def test_api_clients_read_the_values_they_send() -> None:
    error = _errors({"title": "a", "orientation": "x"})[0]
    assert sentence(error, raw=True) == "Orientation must be client_facing, internal or hybrid."


def test_a_payload_check_reads_the_same_way() -> None:
    with pytest.raises(ValidationError) as raised:
        InitiativeCreate.model_validate({"title": "  "})
    blank = next(e for e in raised.value.errors() if e["loc"] == ("title",))
    assert sentence(dict(blank)) == "Title is required."


def _new(world: World, **changes: str) -> dict[str, str]:
    return {
        "code": "INI-060",
        "title": "One recruiting pipeline",
        "orientation": "internal",
        "origin": "user_need",
        "user_need": "Recruiters re-key every CV into three tools.",
        "department_id": str(world.marketing.id),
        "owner_id": str(world.cmo.id),
        "budget_planned": "250",
        "status": "proposed",
    } | changes


async def test_the_initiative_form_names_and_links_each_field(head: Browser, world: World) -> None:
    form = _new(world, title="", orientation="sideways", budget_planned="-5")
    response = await head.post("/initiatives/new", form)
    assert response.status_code == 422
    page = response.text
    summary = page.split("data-error-summary>")[1].split("</div>")[0]
    assert page.count("data-error-summary") == 1
    assert 'class="flash flash-error error-summary" role="alert" tabindex="-1"' in page
    assert '<h2 id="error-summary-title">Please correct 3 fields:</h2>' in summary
    assert '<li><a href="#f-title">Title is required.</a></li>' in summary
    assert (
        '<li><a href="#f-orientation">Orientation must be client-facing, internal or hybrid.</a>'
        in summary
    )
    assert '<li><a href="#f-budget_planned">Budget must be a number of at least 0.</a>' in summary
    # Next to each field, which points at its message.
    assert '<p class="error" id="e-title">Title is required.</p>' in page
    assert 'id="f-title" name="title"' in page
    title = page.split('id="f-title" name="title"')[1].split(">")[0]
    assert 'aria-describedby="e-title" aria-invalid="true"' in title
    assert 'id="f-orientation" name="orientation"' in page
    assert 'id="f-budget_planned" name="budget_planned"' in page


async def test_the_checkin_form_speaks_plainly(head: Browser, world: World) -> None:
    form = {"percent_complete": "", "health": "", "summary": "ok", "confidence": "11"}
    response = await head.post(f"/initiatives/{world.shop.id}/checkins/new", form)
    assert response.status_code == 422
    page = response.text
    assert '<a href="#f-health">Health must be green, amber or red.</a>' in page
    assert '<p class="error" id="e-confidence">Confidence must be a number of at most 10.</p>' in (
        page
    )


async def test_the_measurement_form_speaks_plainly(head: Browser, world: World) -> None:
    response = await head.post(
        f"/kpis/{world.nps.id}/measurements", {"measured_on": "31/12/2026", "value": "high"}
    )
    assert response.status_code == 422
    page = response.text
    assert '<a href="#f-measured_on">Date must be a date (YYYY-MM-DD).</a>' in page
    assert '<a href="#f-value">Value must be a number.</a>' in page


async def test_the_rest_detail_is_the_same_sentence(
    client: httpx.AsyncClient, world: World
) -> None:
    body = {
        "code": "INI-061",
        "title": "Pipeline",
        "orientation": "sideways",
        "department_id": world.marketing.id,
        "owner_id": world.cmo.id,
    }
    response = await client.post("/api/v1/initiatives", json=body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert problem["field"] == "orientation"
    assert problem["detail"] == "Orientation must be client_facing, internal or hybrid."
    assert problem["errors"] == [
        {
            "field": "orientation",
            "message": "Orientation must be client_facing, internal or hybrid.",
        }
    ]
