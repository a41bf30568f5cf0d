"""The demo company as data: CSV files in the import's columns, shipped in `service/demo/data/`.

`manifest.toml` names the day the files' dates are written against (`reference_day`).
Loading moves every date to the loading day, so the demo looks the same whichever day it
is loaded: the columns the manifest lists under `shift_by_days` (check-ins: recent activity
read against today) move by the days between the two; every other date column moves by the
whole months between the two months, a month's last day staying its last day (start and
target dates, month-end measurements and KPI dates keep their place in the monthly history).
"""

import csv
import io
import tomllib
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from service.transfer.columns import ENTITIES, Entity

ARCHIVE_NAME = "northbridge-home.zip"


@dataclass(frozen=True)
class Manifest:
    """What the data files say about themselves."""

    reference_day: date
    # "sheet.column" names of the dates that move by days (the others move by months).
    shift_by_days: frozenset[str]


def _data() -> Traversable:
    return resources.files("service.demo").joinpath("data")


@cache
def manifest() -> Manifest:
    """The data's manifest: its reference day and the columns that move by days."""
    content = tomllib.loads(_data().joinpath("manifest.toml").read_text(encoding="utf-8"))
    return Manifest(content["reference_day"], frozenset(content.get("shift_by_days", ())))


@cache
def sheet_text(name: str) -> str:
    """The CSV text of sheet `name` as shipped, dates as of the reference day."""
    return _data().joinpath(f"{name}.csv").read_text(encoding="utf-8")


def rows(name: str) -> list[dict[str, str]]:
    """The rows of sheet `name` as shipped, by column name."""
    return list(csv.DictReader(io.StringIO(sheet_text(name))))


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months; a month's last day stays its last day, others clamp."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month_end = _last_day(year, month + 1)
    if day == _last_day(day.year, day.month):
        return month_end
    return date(year, month + 1, min(day.day, month_end.day))


def _last_day(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier`'s month to `later`'s month."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def shifted(entity: Entity, text: str, today: date) -> str:
    """The CSV `text` of `entity` with every date moved from the reference day to `today`."""
    return moved(entity, text, manifest().reference_day, today)


def moved(entity: Entity, text: str, since: date, today: date) -> str:
    """The CSV `text` of `entity`, dated as of `since`, with every date moved to `today`."""
    days = today - since
    months = months_between(since, today)
    by_days = {
        column.name
        for column in entity.columns
        if column.kind == "date" and f"{entity.name}.{column.name}" in manifest().shift_by_days
    }
    by_months = {c.name for c in entity.columns if c.kind == "date"} - by_days
    reader = csv.DictReader(io.StringIO(text))
    out = io.StringIO()
    writer = csv.DictWriter(out, list(reader.fieldnames or ()), lineterminator="\n")
    writer.writeheader()
    for row in reader:
        for name in by_days & row.keys():
            if row[name]:
                row[name] = (date.fromisoformat(row[name]) + days).isoformat()
        for name in by_months & row.keys():
            if row[name]:
                row[name] = add_months(date.fromisoformat(row[name]), months).isoformat()
        writer.writerow(row)
    return out.getvalue()


def archive(today: date) -> bytes:
    """A zip of the demo's CSV files, dates as of `today`: what the import reads."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for entity in ENTITIES:
            zipped.writestr(f"{entity.name}.csv", shifted(entity, sheet_text(entity.name), today))
    return buffer.getvalue()


def department_names() -> list[tuple[str, str]]:
    """(code, name) of the demo departments, in file order."""
    return [(row["code"], row["name"]) for row in rows("departments")]


def person_emails() -> frozenset[str]:
    """The e-mail addresses of the demo people."""
    return frozenset(row["email"] for row in rows("people"))
