"""Import limits: bytes unpacked, rows per sheet and cells, counted while the file is read."""

import asyncio
import io
import struct
import threading
import zipfile
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncSession

from service.transfer import readers
from service.transfer.archives import CHUNK
from service.transfer.csvfile import Read
from service.transfer.limits import ImportLimits, LimitExceeded, Meter
from service.transfer.payloads import ImportProblem
from tests.transfer.helpers import counts, problem, problems_of

UNPACKED = (
    "The file unpacks to more than 1 MB; the import limit is 1 MB unpacked"
    " (IMPORT_MAX_UNPACKED_BYTES)."
)
ROWS = (
    "The departments sheet has more than 50 rows; the import limit is 50 rows per sheet"
    " (IMPORT_MAX_ROWS). Split it into several files."
)
CELLS = (
    "The file holds more than 10 cells; the import limit is 10 cells (IMPORT_MAX_CELLS)."
    " Split it into several files."
)
LYING = (
    "'departments.csv' in the zip cannot be unpacked: the file is damaged (its content does"
    " not match its header) or encrypted."
)


def bomb(inflated: int, declared: int | None = None) -> bytes:
    """A zip whose departments.csv inflates to `inflated` bytes; its directory may declare
    `declared` bytes instead (a header that lies)."""
    buffer = io.BytesIO()
    info = zipfile.ZipInfo("departments.csv")
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w") as archive, archive.open(info, "w") as member:
        member.write(b"code,name\n")
        member.write(b"a" * (inflated - 10))
    data = bytearray(buffer.getvalue())
    if declared is not None:
        directory = data.rfind(b"PK\x01\x02")
        struct.pack_into("<I", data, directory + 24, declared)  # the uncompressed size
    return bytes(data)


def departments_workbook(rows: int, *, sparse_to: int | None = None, width: int = 2) -> bytes:
    """A workbook whose departments sheet holds `rows` rows after the header, each `width`
    cells wide; with `sparse_to`, one more cell far down at that row."""
    book = Workbook(write_only=sparse_to is None)
    if sparse_to is None:
        sheet = book.create_sheet("departments")
        sheet.append(["code", "name"])
        for n in range(rows):
            sheet.append([f"d{n}", "x" * (width - 1)])
    else:
        sheet = book.active
        sheet.title = "departments"
        sheet.append(["code", "name"])
        sheet.cell(row=sparse_to, column=1, value="far")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(data: bytes, filename: str, meter: Meter) -> Read:
    return readers.read_file(data, filename, meter)


def refusal(data: bytes, filename: str, meter: Meter) -> ImportProblem:
    with pytest.raises(LimitExceeded) as refused:
        read(data, filename, meter)
    return refused.value.problem


def limited(app: Any, **limits: int) -> None:
    app.state.settings = app.state.settings.model_copy(
        update={f"import_max_{name}": value for name, value in limits.items()}
    )


async def upload(client: httpx.AsyncClient, name: str, content: bytes) -> httpx.Response:
    return await client.post("/api/v1/import", files={"file": (name, content)})


def refused_body(status: int, code: str, title: str, message: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": f"about:blank#{code}",
        "title": title,
        "status": status,
        "detail": message,
        "code": code,
        "instance": "/api/v1/import",
        "dry_run": False,
    } | extra


class TestUnpackedBytes:
    def test_a_zip_bomb_stops_unpacking_at_the_limit(self) -> None:
        meter = Meter(ImportLimits(max_unpacked_bytes=1_000_000))
        found = refusal(bomb(8_000_000), "bomb.zip", meter)
        assert found.model_dump() == problem(None, None, None, UNPACKED, "unpacked_too_large")
        assert 1_000_000 < meter.unpacked <= 1_000_000 + CHUNK

    def test_a_zip_whose_header_understates_its_content_stops_at_the_declared_size(
        self,
    ) -> None:
        meter = Meter(ImportLimits(max_unpacked_bytes=1_000_000))
        sheets, problems = read(bomb(8_000_000, declared=100), "bomb.zip", meter)
        assert (sheets, [p.model_dump() for p in problems]) == (
            [],
            [problem(None, None, None, LYING, "unreadable_file")],
        )
        assert meter.unpacked <= 100

    def test_the_xml_inside_a_workbook_counts(self) -> None:
        meter = Meter(ImportLimits(max_unpacked_bytes=1_000_000))
        found = refusal(departments_workbook(100, width=20_000), "book.xlsx", meter)
        assert found.model_dump() == problem(None, None, None, UNPACKED, "unpacked_too_large")
        assert meter.cells == 0  # refused before a row was parsed

    async def test_rest_answers_413_naming_the_limit(
        self, app: Any, client: httpx.AsyncClient
    ) -> None:
        limited(app, unpacked_bytes=1_000_000)
        response = await upload(client, "bomb.zip", bomb(8_000_000))
        assert response.status_code == 413
        assert response.json() == refused_body(
            413,
            "file_too_large",
            "File too large",
            UNPACKED,
            limit={"name": "IMPORT_MAX_UNPACKED_BYTES", "value": 1_000_000},
            problems=[problem(None, None, None, UNPACKED, "unpacked_too_large")],
        )

    async def test_rest_answers_422_to_a_header_that_lies(self, client: httpx.AsyncClient) -> None:
        response = await upload(client, "bomb.zip", bomb(8_000_000, declared=100))
        assert response.status_code == 422
        assert response.json()["problems"] == [problem(None, None, None, LYING, "unreadable_file")]


class TestRows:
    def test_a_workbook_sheet_stops_at_the_row_limit(self) -> None:
        meter = Meter(ImportLimits(max_rows=50))
        found = refusal(departments_workbook(60), "book.xlsx", meter)
        assert found.model_dump() == problem("departments", None, None, ROWS, "too_many_rows")
        assert meter.cells == 0  # refused on the sheet's raw XML: no row was parsed

    def test_a_sheet_at_the_limit_is_read_whole(self) -> None:
        meter = Meter(ImportLimits(max_rows=50))
        sheets, problems = read(departments_workbook(50), "book.xlsx", meter)
        assert (problems, [len(sheet.rows) for sheet in sheets]) == ([], [50])
        assert meter.cells == 50 * 2

    def test_rows_a_sheet_skips_count_too(self) -> None:
        meter = Meter(ImportLimits(max_rows=50))
        found = refusal(departments_workbook(0, sparse_to=5000), "book.xlsx", meter)
        assert found.model_dump() == problem("departments", None, None, ROWS, "too_many_rows")

    def test_a_csv_stops_at_the_row_limit(self) -> None:
        data = ("code,name\n" + "".join(f"d{n},D\n" for n in range(60))).encode()
        found = refusal(data, "departments.csv", Meter(ImportLimits(max_rows=50)))
        assert found.model_dump() == problem("departments", None, None, ROWS, "too_many_rows")

    async def test_rest_answers_422_naming_the_limit_and_the_sheet(
        self, app: Any, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        limited(app, rows=50)
        response = await upload(client, "book.xlsx", departments_workbook(60))
        assert response.status_code == 422
        assert response.json() == refused_body(
            422,
            "import_too_large",
            "File over an import limit",
            ROWS,
            limit={"name": "IMPORT_MAX_ROWS", "value": 50},
            problems=[problem("departments", None, None, ROWS, "too_many_rows")],
        )
        assert (await counts(session))["department"] == 0

    async def test_a_sheet_at_the_limit_imports(
        self, app: Any, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        limited(app, rows=50)
        response = await upload(client, "book.xlsx", departments_workbook(50))
        assert response.status_code == 200
        assert (await counts(session))["department"] == 50


class TestCells:
    async def test_a_file_over_the_cells_limit_is_refused(self, session: AsyncSession) -> None:
        data = "code,name\nhr,HR\nit,IT\nops,Ops\nfin,Finance\nlaw,Legal\nmkt,Marketing\n"
        assert await problems_of(
            session, data, "departments.csv", limits=ImportLimits(max_cells=10)
        ) == [problem("departments", None, None, CELLS, "too_many_cells")]

    def test_a_line_of_separators_is_refused_before_it_is_split(self) -> None:
        data = b"code,name\n" + b"," * 1_000_000
        meter = Meter(ImportLimits(max_cells=10))
        found = refusal(data, "departments.csv", meter)
        assert found.model_dump() == problem(None, None, None, CELLS, "too_many_cells")
        assert meter.cells == 0

    async def test_rest_answers_422_naming_the_limit(
        self, app: Any, client: httpx.AsyncClient
    ) -> None:
        limited(app, cells=10)
        response = await upload(client, "book.xlsx", departments_workbook(6))
        assert response.status_code == 422
        assert response.json()["limit"] == {"name": "IMPORT_MAX_CELLS", "value": 10}
        assert response.json()["problems"] == [
            problem("departments", None, None, CELLS, "too_many_cells")
        ]


async def test_the_file_is_read_in_a_worker_thread_while_the_server_answers(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    reading, release = threading.Event(), threading.Event()
    threads: list[threading.Thread] = []
    read_file = readers.read_file

    def held_read(*args: Any) -> Read:
        threads.append(threading.current_thread())
        reading.set()
        release.wait(timeout=30)  # held until /healthz has answered
        return read_file(*args)

    monkeypatch.setattr(readers, "read_file", held_read)
    data = b"code,name\nhr,HR\n"
    importing = asyncio.create_task(upload(client, "departments.csv", data))
    assert await asyncio.to_thread(reading.wait, 30)
    health = await client.get("/healthz")
    assert (health.status_code, importing.done()) == (200, False)
    release.set()
    assert (await importing).status_code == 200
    assert threads[0] is not threading.main_thread()
