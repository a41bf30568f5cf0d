"""Every sheet and column header follows from its name, with French from the header catalogue."""

from pathlib import Path

import pytest

from service.transfer import export, headers
from service.transfer.irritant_columns import IMPORTED

NAMES = sorted(
    {sheet.name for sheet in export.SHEETS}
    | {name for sheet in export.SHEETS for name, _ in sheet.columns}
    | {name for entity in IMPORTED for name in entity.names}
)


def test_every_header_has_its_french_in_the_header_catalogue() -> None:
    french = headers.translated("fr")
    assert [name for name in NAMES if not french.get(name)] == []


def test_the_header_catalogue_holds_no_header_no_sheet_shows() -> None:
    assert sorted(set(headers.translated("fr")) - set(NAMES)) == []


def test_a_header_is_its_name_in_english_and_its_catalogue_entry_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "headers.fr.po").write_text(
        'msgid "budget_planned"\nmsgstr "budget_prévu"\n\nmsgid "risk_appetite"\n'
        'msgstr "appétit_risque"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(headers, "CATALOGUES", tmp_path)
    headers.translated.cache_clear()
    try:
        names = ["budget_planned", "risk_appetite", "title"]
        assert (headers.headers(names), headers.headers(names, "fr")) == (
            names,
            ["budget_prévu", "appétit_risque", "title"],
        )
    finally:
        headers.translated.cache_clear()
