"""Every table column reaches every surface unless its declaration says otherwise."""

from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa
from graphql import GraphQLObjectType, build_schema, get_named_type, is_leaf_type
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from service.departments.payloads import DepartmentPublic
from service.fields import Declared, Surface, camel
from service.fields.entities import DECLARED, INITIATIVE
from service.graphql.compiled.fields import ENTITIES, Leaf, declared_columns
from service.initiatives.payloads import CheckInPublic, InitiativePublic
from service.kpis.payloads import KpiPublic, MeasurementPublic
from service.org.payloads import PersonPublic
from service.transfer import columns as sheets
from service.transfer import export, export_sql, headers
from service.transfer.export_sql import SHEET_SQL

SDL = build_schema((Path(__file__).parents[2] / "schema" / "portfolio.graphql").read_text())
REST: dict[str, type[BaseModel]] = {
    "department": DepartmentPublic,
    "person": PersonPublic,
    "initiative": InitiativePublic,
    "kpi": KpiPublic,
    "kpi_measurement": MeasurementPublic,
    "progress_update": CheckInPublic,
}
GRAPHQL = {
    "department": "Department",
    "person": "Person",
    "initiative": "Initiative",
    "kpi": "Kpi",
    "kpi_measurement": "KpiMeasurement",
    "progress_update": "ProgressUpdate",
}
SHEETS = {entity.table: entity for entity in sheets.ENTITIES}
TABLES = sorted(DECLARED)


def rest_gaps(declared: Declared) -> set[str]:
    """Names the REST shape lacks or has beyond the declaration."""
    return set(REST[declared.table.name].model_fields) ^ declared.names("rest")


def graphql_gaps(declared: Declared) -> set[str]:
    """Leaf fields the published GraphQL type lacks or has beyond the declaration."""
    graphql_type = SDL.get_type(GRAPHQL[declared.table.name])
    assert isinstance(graphql_type, GraphQLObjectType)
    leaves = {
        name
        for name, f in graphql_type.fields.items()
        if is_leaf_type(get_named_type(f.type)) and name != "id"  # `id`: the global Node id
    }
    return leaves ^ {camel(name) for name in declared.names("graphql")}


def compiled_gaps(declared: Declared) -> set[str]:
    """Declared GraphQL columns the compiled field map does not read from their column."""
    fields = ENTITIES[GRAPHQL[declared.table.name]].fields
    wanted = declared_columns(declared)
    return {name for name, leaf in wanted.items() if fields.get(name) != leaf}


def sheet_gaps(declared: Declared) -> set[str]:
    """Columns the sheet lacks (or writes under another name) and targets it has beyond."""
    written = {c.target: c.name for c in SHEETS[declared.table.name].columns if c.target}
    shown = dict((column.name, name) for name, column in declared.shown("sheet"))
    return {t for t in written.keys() | shown.keys() if written.get(t) != shown.get(t)}


def export_gaps(declared: Declared, selected: set[str]) -> set[str]:
    """Sheet names the export's sheet or its query (`selected`) does not write."""
    exported = {name for name, _ in export.BY_NAME[SHEETS[declared.table.name].name].columns}
    return {name for name, _ in declared.shown("sheet")} - (exported & selected)


async def selected(session: AsyncSession, declared: Declared) -> set[str]:
    """The names the export's query for the entity's sheet returns."""
    query = sa.text(SHEET_SQL[SHEETS[declared.table.name].name])
    return set((await session.execute(query)).keys())


CHECKS = [rest_gaps, graphql_gaps, compiled_gaps, sheet_gaps]


@pytest.mark.parametrize("table", TABLES)
def test_declaration_names_only_columns(table: str) -> None:
    assert DECLARED[table].unknown() == set()


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("table", TABLES)
def test_every_surface_shows_what_is_declared(table: str, check: object) -> None:
    assert check(DECLARED[table]) == set()  # type: ignore[operator]


@pytest.mark.parametrize("table", TABLES)
async def test_the_export_writes_what_is_declared(table: str, session: AsyncSession) -> None:
    declared = DECLARED[table]
    assert export_gaps(declared, await selected(session, declared)) == set()


def _with_new_column(declared: Declared) -> Declared:
    """The declaration over a scratch copy of its table with one more column."""
    table = declared.table.to_metadata(sa.MetaData())
    table.append_column(sa.Column("risk_appetite", sa.Text, nullable=False, server_default=""))
    return replace(declared, table=table)


def _grown_sheet(grown: Declared) -> sheets.Entity:
    """The initiatives sheet as it follows from `grown`, built the way the real one is."""
    initiatives = next(sheet for sheet in sheets.SHEETS if sheet.name == "initiatives")
    return replace(initiatives, declared=grown).entity()


def test_a_new_column_is_missing_from_rest_and_graphql_until_declared() -> None:
    grown = _with_new_column(INITIATIVE)
    assert rest_gaps(grown) == {"risk_appetite"}
    assert graphql_gaps(grown) == {"riskAppetite"}
    # The compiled GraphQL map reads it from the declaration without another edit.
    assert declared_columns(grown)["riskAppetite"] == Leaf("{t}.risk_appetite")


async def test_a_new_column_reaches_the_sheet_its_headers_and_the_export_with_no_other_edit(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    grown = _with_new_column(INITIATIVE)
    sheet = _grown_sheet(grown)
    # A column of the sheet, after the table's columns and before the lists, read as text.
    assert sheet.names[sheet.names.index("budget_planned") + 1] == "risk_appetite"
    assert sheet.names[-4:] == ["kpi_links", "kpi_rationales", "enables", "depends_on"]
    column = sheet.by_name["risk_appetite"]
    assert (column.target, column.required, column.default, column.kind) == (
        "risk_appetite",
        False,
        "",
        "text",
    )
    assert column.read(" Prudent ", False) == " Prudent "
    # Its header is its name; its French is one entry in the header catalogue; an import
    # reads it under either.
    assert headers.headers(sheet.names, "fr")[-5] == "risk_appetite"
    monkeypatch.setitem(headers.translated("fr"), "risk_appetite", "appétit_risque")
    assert headers.header("risk_appetite", "fr") == "appétit_risque"
    assert headers.key_of("Appétit risque", sheet.names) == "risk_appetite"
    # The export's query selects it, in sheet order.
    await session.execute(
        sa.text("ALTER TABLE initiative ADD COLUMN risk_appetite text NOT NULL DEFAULT ''")
    )
    query = sa.text(export_sql.sheet_sql(sheet, export_sql.LISTS["initiatives"]))
    assert list((await session.execute(query)).keys()) == sheet.names


def test_a_new_column_listed_as_internal_or_hidden_is_not_missing() -> None:
    grown = _with_new_column(INITIATIVE)
    internal = replace(grown, internal=grown.internal | {"risk_appetite"})
    assert [check(internal) for check in (rest_gaps, graphql_gaps, sheet_gaps)] == [set()] * 3
    sheet = grown.sheet
    hidden = replace(grown, sheet=Surface(sheet.hidden | {"risk_appetite"}, sheet.renamed))
    assert (sheet_gaps(hidden), rest_gaps(hidden)) == (set(), {"risk_appetite"})


def test_a_rename_is_checked_against_the_sheet() -> None:
    renamed = dict(INITIATIVE.sheet.renamed) | {"owner_id": "owner_code"}
    wrong = replace(INITIATIVE, sheet=replace(INITIATIVE.sheet, renamed=renamed))
    assert sheet_gaps(wrong) == {"owner_id"}


def test_kinds_come_from_column_types() -> None:
    kinds = {name: leaf.kind for name, leaf in declared_columns(INITIATIVE).items()}
    assert (kinds["budgetPlanned"], kinds["startDate"], kinds["updatedAt"], kinds["code"]) == (
        "decimal",
        "date",
        "datetime",
        "plain",
    )
