"""Problems and GraphQL errors in the request's language: French `title` and `detail`, the
same `code` and `field` as in English (clients key on those)."""

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth.helpers import bearer
from tests.factories import make_account, make_initiative, make_token
from tests.initiatives.helpers import API, initiative_body
from tests.preconditions import if_match

FRENCH = {"Accept-Language": "fr"}
ENGLISH = {"Accept-Language": "en"}
MISSING = 987654


def _keys(response: httpx.Response) -> tuple[int, str, str | None]:
    body = response.json()
    return response.status_code, body["code"], body.get("field")


def _said(response: httpx.Response) -> tuple[str, str]:
    body = response.json()
    return body["title"], body["detail"]


async def test_a_missing_initiative_is_introuvable(client: httpx.AsyncClient) -> None:
    english = await client.get(f"{API}/{MISSING}")
    french = await client.get(f"{API}/{MISSING}", headers=FRENCH)
    assert _keys(french) == _keys(english) == (404, "initiative_not_found", None)
    assert _said(english) == ("Not found", f"Initiative {MISSING} does not exist.")
    assert _said(french) == ("Introuvable", f"L'initiative {MISSING} n'existe pas.")
    assert french.headers["content-language"] == "fr"


async def test_an_unknown_route_is_introuvable_too(client: httpx.AsyncClient) -> None:
    french = await client.get("/api/v1/nothing-here", headers=FRENCH)
    assert _keys(french) == (404, "not_found", None)
    assert _said(french) == ("Introuvable", "Introuvable")


async def test_an_empty_title_is_said_in_french_on_its_field(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    body = await initiative_body(session, title="")
    english = await client.post(API, json=body)
    french = await client.post(API, json=body, headers=FRENCH)
    assert _keys(french) == _keys(english) == (422, "validation_error", "title")
    assert _said(english) == ("Invalid input", "Title is required.")
    assert _said(french) == ("Saisie invalide", "Titre est obligatoire.")
    assert french.json()["errors"] == [{"field": "title", "message": "Titre est obligatoire."}]


async def test_a_refused_status_change_is_explained_in_french(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session, status="done")
    url = f"{API}/{initiative.id}"
    await session.commit()  # keep the row when a refused request rolls back
    change = {"status": "in_progress"}
    english = await client.patch(url, json=change, headers=await if_match(client, url))
    french = await client.patch(url, json=change, headers=FRENCH | await if_match(client, url))
    assert _keys(french) == _keys(english) == (409, "invalid_transition", "status")
    assert _said(english) == (
        "Status change refused",
        "An initiative cannot go from done to in_progress; allowed from done: none.",
    )
    assert _said(french) == (
        "Changement de statut refusé",
        "Une initiative ne peut pas passer de « terminée » à « en cours » ; possibles depuis"
        " « terminée » : aucun.",
    )
    extra = {"from_status": "done", "to_status": "in_progress", "allowed": []}
    assert {key: french.json()[key] for key in extra} == extra


CHECK_IN = """
mutation($input: RecordProgressUpdateInput!) {
  recordProgressUpdate(input: $input) { databaseId }
}
"""


async def _graphql_error(client: httpx.AsyncClient, headers: dict[str, str], given: Any) -> Any:
    response = await client.post(
        "/graphql", json={"query": CHECK_IN, "variables": {"input": given}}, headers=headers
    )
    body = response.json()
    assert (response.status_code, body["data"]) == (200, None)
    (error,) = body["errors"]
    return error["message"], error["extensions"]


async def test_a_graphql_mutation_error_is_said_in_french(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    initiative = await make_initiative(session, code="INI-0700", status="done")
    given = {
        "initiativeId": str(initiative.id),
        "percentComplete": 10,
        "health": "green",
        "summary": "Late news.",
    }
    await session.commit()  # keep the row when the refused mutation rolls back
    english, english_extensions = await _graphql_error(client, ENGLISH, given)
    french, french_extensions = await _graphql_error(client, FRENCH, given)
    assert french_extensions == english_extensions == {"code": "initiative_closed", "status": 409}
    assert english == "Initiative INI-0700 is done; it takes no more check-ins."
    assert french == (
        "L'initiative INI-0700 est « terminée » ; elle ne prend plus de points d'avancement."
    )


async def test_a_french_account_is_answered_in_french_whatever_its_browser_asks(
    anon: httpx.AsyncClient, session: AsyncSession
) -> None:
    french_account = await make_account(session, "viewer", locale="fr")
    english_account = await make_account(session, "viewer")
    french_token = bearer(await make_token(session, french_account))
    english_token = bearer(await make_token(session, english_account))
    await session.commit()  # keep the accounts when a refused request rolls back
    url = f"{API}/{MISSING}"
    unasked = await anon.get(url, headers=french_token)
    asked_english = await anon.get(url, headers=french_token | ENGLISH)
    english = await anon.get(url, headers=english_token)
    french = ("Introuvable", f"L'initiative {MISSING} n'existe pas.")
    assert _said(unasked) == _said(asked_english) == french
    assert _keys(unasked) == _keys(asked_english) == _keys(english)
    assert _said(english) == ("Not found", f"Initiative {MISSING} does not exist.")
