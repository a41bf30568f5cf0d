"""GET /metrics: who reads it, and the figures moving as the service is used."""

import math
from decimal import Decimal
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncSession

from schema import ChangeRequest
from service.config import Settings
from service.decisions.queue import count_pending_decisions
from tests.factories import make_account, make_department, make_initiative, make_token

METRICS_TOKEN = "scrape-secret-0123456789abcdef"
PROMETHEUS_TEXT = "text/plain; version=1.0.0; charset=utf-8"


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url=None, metrics_token=METRICS_TOKEN)


@pytest.fixture
async def cdo(session: AsyncSession) -> dict[str, str]:
    account = await make_account(session, "cdo_office")
    return {"Authorization": f"Bearer {await make_token(session, account)}"}


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(anon: httpx.AsyncClient, headers: dict[str, str]) -> Samples:
    """Every sample of /metrics, read by Prometheus's own parser."""
    response = await anon.get("/metrics", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == PROMETHEUS_TEXT
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


class TestAccess:
    async def test_without_credentials_401(self, anon: httpx.AsyncClient) -> None:
        response = await anon.get("/metrics")
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "unauthorized"

    async def test_a_department_head_403(
        self, anon: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        it = await make_department(session, code="it")
        head = await make_account(session, "department_head", department_id=it.id)
        token = await make_token(session, head)
        response = await anon.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "forbidden"

    async def test_the_metrics_token_200(self, anon: httpx.AsyncClient) -> None:
        headers = {"Authorization": f"Bearer {METRICS_TOKEN}"}
        samples = await scrape(anon, headers)
        assert value(samples, "portfolio_pending_decisions") == 0

    async def test_a_wrong_metrics_token_401(self, anon: httpx.AsyncClient) -> None:
        response = await anon.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_token"

    async def test_a_cdo_office_token_200(
        self, anon: httpx.AsyncClient, cdo: dict[str, str]
    ) -> None:
        samples = await scrape(anon, cdo)
        assert ("portfolio_client_share", frozenset()) in samples

    async def test_a_cdo_office_session_200_and_a_viewer_session_403(
        self, secured_app: Any, session: AsyncSession
    ) -> None:
        for role, status in (("cdo_office", 200), ("viewer", 403)):
            account = await make_account(session, role, with_password=True)
            transport = httpx.ASGITransport(app=secured_app)
            async with httpx.AsyncClient(transport=transport, base_url="https://test") as http:
                body = {"email": account.email, "password": "correct-horse-1"}
                assert (await http.post("/api/v1/auth/login", json=body)).status_code == 200
                assert (await http.get("/metrics")).status_code == status

    async def test_not_under_the_api_nor_in_its_schema(
        self, anon: httpx.AsyncClient, cdo: dict[str, str]
    ) -> None:
        assert (await anon.get("/metrics", headers=cdo)).status_code == 200
        assert (await anon.get("/api/v1/metrics", headers=cdo)).status_code == 404
        schema = (await anon.get("/openapi.json")).json()
        assert "/metrics" not in schema["paths"]


class TestRequests:
    async def test_counted_by_route_template_and_status(
        self, anon: httpx.AsyncClient, cdo: dict[str, str], session: AsyncSession
    ) -> None:
        initiative = await make_initiative(session)
        route = "/api/v1/initiatives/{initiative_id}"
        before = await scrape(anon, cdo)
        for _ in range(2):
            response = await anon.get(f"/api/v1/initiatives/{initiative.id}", headers=cdo)
            assert response.status_code == 200
        missing = await anon.get("/api/v1/initiatives/999999999", headers=cdo)
        assert missing.status_code == 404
        after = await scrape(anon, cdo)

        def moved(name: str, **labels: str) -> float:
            return value(after, name, **labels) - value(before, name, **labels)

        assert moved("http_requests_total", method="GET", route=route, status="200") == 2
        assert moved("http_requests_total", method="GET", route=route, status="404") == 1
        assert moved("http_request_duration_seconds_count", method="GET", route=route) == 3
        # The scrape itself is counted like any request.
        assert moved("http_requests_total", method="GET", route="/metrics", status="200") == 1

    async def test_no_raw_path_as_a_label(
        self, anon: httpx.AsyncClient, cdo: dict[str, str], session: AsyncSession
    ) -> None:
        initiative = await make_initiative(session)
        await anon.get(f"/api/v1/initiatives/{initiative.id}", headers=cdo)
        assert (await anon.get("/no/such/page/12345")).status_code == 404
        samples = await scrape(anon, cdo)
        routes = {
            dict(labels)["route"]
            for name, labels in samples
            if name.startswith("http_request") and "route" in dict(labels)
        }
        assert "unmatched" in routes
        assert "/api/v1/initiatives/{initiative_id}" in routes
        raw = {str(initiative.id), "12345"}
        assert not [route for route in routes if raw & set(route.split("/"))]
        assert (
            value(samples, "http_requests_total", method="GET", route="unmatched", status="404")
            == 1
        )


class TestGraphQL:
    async def test_operations_by_name_and_type(
        self, anon: httpx.AsyncClient, cdo: dict[str, str]
    ) -> None:
        documents = [
            {"query": "query Ping { __typename }"},
            {"query": "query Ping { __typename }"},
            {"query": "{ __typename }"},
            {"query": "query A { __typename } query B { __typename }", "operationName": "B"},
        ]
        for document in documents:
            response = await anon.post("/graphql", json=document, headers=cdo)
            assert response.json() == {"data": {"__typename": "Query"}}
        samples = await scrape(anon, cdo)
        counted = {
            (dict(labels)["operation"], dict(labels)["type"]): count
            for (name, labels), count in samples.items()
            if name == "graphql_operations_total"
        }
        assert counted == {("Ping", "query"): 2, ("anonymous", "query"): 1, ("B", "query"): 1}


class TestGauges:
    async def test_portfolio_gauges_equal_the_rest_figures(
        self, anon: httpx.AsyncClient, cdo: dict[str, str], session: AsyncSession
    ) -> None:
        sales = await make_department(session, code="sales")
        await make_initiative(
            session, department_id=sales.id, orientation="client_facing", budget_planned=300
        )
        held = await make_initiative(session, department_id=sales.id, budget_planned=100)
        await make_initiative(session, department_id=sales.id, budget_planned=0)
        session.add(
            ChangeRequest(initiative_id=held.id, changes={"title": {"from": "a", "to": "b"}})
        )
        await session.flush()
        balance = (await anon.get("/api/v1/portfolio/balance", headers=cdo)).json()
        flags = (await anon.get("/api/v1/portfolio/flags", headers=cdo)).json()
        samples = await scrape(anon, cdo)
        assert Decimal(str(balance["client_share"])) == Decimal("0.75")
        assert value(samples, "portfolio_client_share") == 0.75
        gauges = {
            dict(labels)["code"]: count
            for (name, labels), count in samples.items()
            if name == "portfolio_flags"
        }
        assert gauges == flags["counts"]
        assert sum(gauges.values()) == len(flags["items"]) > 0
        assert value(samples, "portfolio_pending_decisions") == 1

    async def test_client_share_of_an_empty_portfolio_is_nan(self, anon: httpx.AsyncClient) -> None:
        samples = await scrape(anon, {"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert math.isnan(value(samples, "portfolio_client_share"))
        assert value(samples, "portfolio_pending_decisions") == 0

    async def test_database_pool_in_use_and_idle(
        self, anon: httpx.AsyncClient, engine: Any
    ) -> None:
        samples = await scrape(anon, {"Authorization": f"Bearer {METRICS_TOKEN}"})
        pool = engine.sync_engine.pool
        # The test's own transaction holds one connection while the scrape runs on it.
        assert value(samples, "db_pool_connections_in_use") == pool.checkedout() == 1
        assert value(samples, "db_pool_connections_idle") == pool.checkedin()


class TestTransfer:
    async def test_import_rows_by_sheet_and_duration(
        self, anon: httpx.AsyncClient, cdo: dict[str, str]
    ) -> None:
        departments = "code,name,head_email\nhr,Human Resources,\nit,IT,\n"
        files = {"file": ("departments.csv", departments.encode())}
        dry = await anon.post("/api/v1/import?dry_run=true", files=files, headers=cdo)
        assert dry.status_code == 200
        response = await anon.post("/api/v1/import", files=files, headers=cdo)
        assert response.status_code == 200
        samples = await scrape(anon, cdo)
        assert value(samples, "import_rows_total", sheet="departments") == 2
        assert value(samples, "import_rows_total", sheet="people") == 0
        assert value(samples, "import_duration_seconds_count") == 1

    async def test_export_duration_by_format(
        self, anon: httpx.AsyncClient, cdo: dict[str, str]
    ) -> None:
        for query in ("format=csv&entity=departments", "format=zip", "format=csv&entity=kpis"):
            response = await anon.get(f"/api/v1/export?{query}", headers=cdo)
            assert response.status_code == 200
        samples = await scrape(anon, cdo)
        assert value(samples, "export_duration_seconds_count", format="csv") == 2
        assert value(samples, "export_duration_seconds_count", format="zip") == 1
        assert value(samples, "export_duration_seconds_count", format="xlsx") == 0


async def test_pending_decisions_are_the_decisions_menus_count(
    anon: httpx.AsyncClient, cdo: dict[str, str], session: AsyncSession
) -> None:
    # A proposal nobody asked to approve yet waits for the CDO office as much as a request.
    held = await make_initiative(session)
    await make_initiative(session, status="proposed")
    asked = await make_initiative(session, status="proposed")
    for initiative, changes in (
        (held, {"title": {"from": "a", "to": "b"}}),
        (asked, {"status": {"from": "proposed", "to": "approved"}}),
    ):
        session.add(ChangeRequest(initiative_id=initiative.id, changes=changes))
    await session.flush()
    samples = await scrape(anon, cdo)
    assert value(samples, "portfolio_pending_decisions") == 3
    assert await count_pending_decisions(session) == 3
