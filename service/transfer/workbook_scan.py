"""A first count of a workbook's rows and cells, on its raw XML, while it is unpacked.

A sheet over IMPORT_MAX_ROWS or a workbook over IMPORT_MAX_CELLS is refused before any
XML parser builds its rows: at once, and without leaving hundreds of thousands of parsed
elements for the garbage collector. The reader still counts every row it reads (gaps
included, so never fewer than the elements counted here): that count stays the rule,
this one only refuses sooner.
"""

import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

from defusedxml.ElementTree import fromstring

from service.transfer.limits import Meter
from service.transfer.sheets import entity_named

# The start of a row (`<row ...>`) or cell (`<c ...>`) element, with or without a prefix.
ROW_START = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?row[\s/>]")
CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?c[\s/>]")
LONGEST_START = 40  # bytes: no element start above is longer
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

Unpack = Callable[[zipfile.ZipInfo], Iterable[bytes]]


class ElementCounter:
    """Counts element starts in XML given a chunk at a time (a start may span two chunks)."""

    def __init__(self, pattern: re.Pattern[bytes]) -> None:
        self.pattern = pattern
        self.count = 0
        self._rest = b""

    def feed(self, chunk: bytes) -> None:
        """Count the starts that cannot reach past `chunk`; keep the end for the next one."""
        data = self._rest + chunk
        cut = max(0, len(data) - LONGEST_START)
        # Starts before `cut` end inside `data`; the others are counted with the next chunk.
        self.count += len(self.pattern.findall(data)) - len(self.pattern.findall(data, cut))
        self._rest = data[cut:]

    def close(self) -> int:
        """The count, once the last chunk was fed."""
        self.count += len(self.pattern.findall(self._rest))
        self._rest = b""
        return self.count


def sheet_titles(archive: zipfile.ZipFile, unpack: Unpack) -> dict[str, str]:
    """Each worksheet's member name in the archive -> the title of its sheet; nothing when
    the workbook's index is missing or damaged (the reader then says what is wrong)."""
    if WORKBOOK_RELS not in archive.namelist():
        return {}
    try:
        return _titles(archive, unpack)
    except Exception:  # the XML parser raises many kinds, entities refused included
        return {}


def _titles(archive: zipfile.ZipFile, unpack: Unpack) -> dict[str, str]:
    targets = {}
    for relation in fromstring(b"".join(unpack(archive.getinfo(WORKBOOK_RELS)))):
        target = relation.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[relation.get("Id")] = str(PurePosixPath(path))
    titles = {}
    for element in fromstring(b"".join(unpack(archive.getinfo(WORKBOOK)))).iter():
        if element.tag.endswith("}sheet") and element.get(RELATIONSHIP_ID) in targets:
            titles[targets[element.get(RELATIONSHIP_ID)]] = element.get("name", "").strip()
    return titles


def count_workbook(archive: zipfile.ZipFile, unpack: Unpack, meter: Meter) -> None:
    """Unpack every member (counted by `meter`); refuse a sheet over the rows limit or a
    workbook over the cells limit as soon as its XML says so."""
    titles = sheet_titles(archive, unpack)
    cells = 0
    for info in archive.infolist():
        if info.filename in (WORKBOOK, WORKBOOK_RELS):
            continue  # unpacked (and counted) by sheet_titles
        title = titles.get(info.filename)
        entity = entity_named(title) if title is not None else None
        if entity is None:  # not a sheet the import reads
            for _ in unpack(info):
                pass
            continue
        rows, row_cells = ElementCounter(ROW_START), ElementCounter(CELL_START)
        for chunk in unpack(info):
            rows.feed(chunk)
            row_cells.feed(chunk)
        meter.row(entity.name, rows.close() - 1, 0)  # the first row is the header
        cells += row_cells.close()
        if cells > meter.limits.max_cells:
            raise meter.too_many_cells(entity.name)
