"""The first count of a workbook's rows and cells, on its raw XML while it is unpacked."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from service.transfer import readers
from service.transfer.limits import ImportLimits, LimitExceeded, Meter
from service.transfer.workbook_scan import CELL_START, ROW_START, ElementCounter

SHEET = (
    b'<?xml version="1.0"?><x:worksheet xmlns:x="urn:x"><x:sheetData>'
    b'<x:row r="1"><x:c r="A1"/><x:c r="B1"/></x:row><x:rowBreaks/>'
    b'<row r="2"><c r="A2"><v>1</v></c><col/></row><row/><cols/></x:sheetData></x:worksheet>'
)


def counted(chunks: list[bytes]) -> tuple[int, int]:
    rows, cells = ElementCounter(ROW_START), ElementCounter(CELL_START)
    for chunk in chunks:
        rows.feed(chunk)
        cells.feed(chunk)
    return rows.close(), cells.close()


def test_counts_rows_and_cells_with_or_without_a_prefix() -> None:
    assert counted([SHEET]) == (3, 3)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 16, 64])
def test_an_element_split_across_chunks_counts_once(size: int) -> None:
    chunks = [SHEET[at : at + size] for at in range(0, len(SHEET), size)]
    assert counted(chunks) == (3, 3)


def _workbook(rows: int, width: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("departments")
    sheet.append(["code", "name", *[f"extra{n}" for n in range(width - 2)]])
    for n in range(rows):
        sheet.append([f"d{n}", "D", *["x"] * (width - 2)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_over_the_cells_limit_is_refused_before_parsing() -> None:
    meter = Meter(ImportLimits(max_cells=100))
    with pytest.raises(LimitExceeded) as refused:
        readers.read_file(_workbook(20, 5), "book.xlsx", meter)  # 105 cells
    assert (refused.value.limit, refused.value.problem.sheet, meter.cells) == (
        "IMPORT_MAX_CELLS",
        "departments",
        0,
    )


def test_an_entity_bomb_in_a_sheet_is_refused_as_damaged() -> None:
    data = io.BytesIO(_workbook(1, 2))
    out = io.BytesIO()
    # Each entity repeats the one before ten times: 10^8 characters once expanded.
    entities = [b'<!ENTITY e0 "aaaaaaaaaa">'] + [
        f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">'.encode() for n in range(1, 8)
    ]
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE w [' + b"".join(entities) + b"]>"
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e7;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    with zipfile.ZipFile(data) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, bomb if info.filename.startswith("xl/worksheets/") else content)
    sheets, problems = readers.read_file(out.getvalue(), "book.xlsx", Meter(ImportLimits()))
    assert (sheets, [p.code for p in problems]) == ([], ["unreadable_file"])
