"""The published schema: committed SDL, descriptions everywhere, the CLI that prints it."""

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
)
from typer.testing import CliRunner

from service.cli import app as cli
from service.graphql.compiled.sdl import core_schema
from service.graphql.schema import print_sdl, schema

PUBLISHED = Path(__file__).resolve().parents[2] / "schema" / "portfolio.graphql"


def test_published_sdl_matches_the_code() -> None:
    assert PUBLISHED.read_text() == print_sdl(), (
        "schema/portfolio.graphql drifted: run `cdo-portfolio graphql-schema > "
        "schema/portfolio.graphql` and review the change."
    )


def test_cli_prints_the_sdl() -> None:
    result = CliRunner().invoke(cli, ["graphql-schema"])
    assert result.exit_code == 0
    assert result.output == print_sdl()


def test_every_type_field_and_argument_is_described() -> None:
    missing: list[str] = []
    for name, type_ in core_schema(schema).type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not type_.description:
            missing.append(name)
        if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
            continue
        assert isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType)
        for field_name, field in type_.fields.items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
            for arg_name, arg in getattr(field, "args", {}).items():
                if not arg.description:
                    missing.append(f"{name}.{field_name}({arg_name})")
    assert missing == []
