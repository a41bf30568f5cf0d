"""Sheet names and column headers in each language: one mapping for export, templates, import.

A sheet or column is known by its English name (service.transfer.columns); its header in
another language is the catalogue's translation of its entry in NAMES. Files are written in
the language asked for; a file read may name its sheets and columns in any language
offered, in any case, with spaces for `_` and with or without accents (`Budget prévu`,
`budget_prevu` and `budget_planned` are one column).
"""

import functools
import re
import unicodedata
from collections.abc import Iterable

from service.i18n import DEFAULT_LOCALE, LOCALES, N_
from service.i18n.catalogue import translations

# Each sheet and column by its English name -> its catalogue entry (the French header).
# The entries are their own messages, apart from the pages' words: a file format does not
# change when a page's wording does.
NAMES: dict[str, str] = {
    "departments": N_("sheet:departments"),
    "people": N_("sheet:people"),
    "kpis": N_("sheet:kpis"),
    "initiatives": N_("sheet:initiatives"),
    "measurements": N_("sheet:measurements"),
    "checkins": N_("sheet:checkins"),
    "irritants": N_("sheet:irritants"),
    "flags": N_("sheet:flags"),
    "balance": N_("sheet:balance"),
    "code": N_("column:code"),
    "name": N_("column:name"),
    "head_email": N_("column:head_email"),
    "email": N_("column:email"),
    "title": N_("column:title"),
    "department_code": N_("column:department_code"),
    "manager_email": N_("column:manager_email"),
    "is_active": N_("column:is_active"),
    "definition": N_("column:definition"),
    "unit": N_("column:unit"),
    "direction": N_("column:direction"),
    "perspective": N_("column:perspective"),
    "baseline_value": N_("column:baseline_value"),
    "baseline_date": N_("column:baseline_date"),
    "target_value": N_("column:target_value"),
    "target_date": N_("column:target_date"),
    "cadence": N_("column:cadence"),
    "department_codes": N_("column:department_codes"),
    "driver_codes": N_("column:driver_codes"),
    "description": N_("column:description"),
    "owner_email": N_("column:owner_email"),
    "sponsor_email": N_("column:sponsor_email"),
    "status": N_("column:status"),
    "orientation": N_("column:orientation"),
    "client_share": N_("column:client_share"),
    "origin": N_("column:origin"),
    "user_need": N_("column:user_need"),
    "target_users": N_("column:target_users"),
    "is_experiment": N_("column:is_experiment"),
    "hypothesis": N_("column:hypothesis"),
    "lessons_learned": N_("column:lessons_learned"),
    "start_date": N_("column:start_date"),
    "budget_planned": N_("column:budget_planned"),
    "kpi_links": N_("column:kpi_links"),
    "kpi_rationales": N_("column:kpi_rationales"),
    "enables": N_("column:enables"),
    "depends_on": N_("column:depends_on"),
    "kpi_code": N_("column:kpi_code"),
    "measured_on": N_("column:measured_on"),
    "value": N_("column:value"),
    "source": N_("column:source"),
    "recorded_by_email": N_("column:recorded_by_email"),
    "initiative_code": N_("column:initiative_code"),
    "reported_on": N_("column:reported_on"),
    "author_email": N_("column:author_email"),
    "percent_complete": N_("column:percent_complete"),
    "health": N_("column:health"),
    "confidence": N_("column:confidence"),
    "spent_to_date": N_("column:spent_to_date"),
    "summary": N_("column:summary"),
    "blockers": N_("column:blockers"),
    "next_steps": N_("column:next_steps"),
    "process": N_("column:process"),
    "severity": N_("column:severity"),
    "status_reason": N_("column:status_reason"),
    "raised_by_email": N_("column:raised_by_email"),
    "raised_at": N_("column:raised_at"),
    "votes": N_("column:votes"),
    "initiative_codes": N_("column:initiative_codes"),
    "entity_type": N_("column:entity_type"),
    "entity_code": N_("column:entity_code"),
    "message": N_("column:message"),
    "scope": N_("column:scope"),
    "internal_share": N_("column:internal_share"),
    "total_weight": N_("column:total_weight"),
    "initiative_count": N_("column:initiative_count"),
    "band_min": N_("column:band_min"),
    "band_max": N_("column:band_max"),
    "within_band": N_("column:within_band"),
}


def header(name: str, locale: str | None = None) -> str:
    """The header of column (or sheet) `name` in `locale` (its English name when None)."""
    entry = NAMES.get(name)
    if entry is None or (locale or DEFAULT_LOCALE) == DEFAULT_LOCALE:
        return name
    translated = translations(locale or DEFAULT_LOCALE).gettext(entry)
    return name if translated == entry else translated


def headers(names: Iterable[str], locale: str | None = None) -> list[str]:
    """The headers of `names`, in order, in `locale`."""
    return [header(name, locale) for name in names]


def fold(text: str) -> str:
    """A header as files are compared: lower case, `_` for spaces and dashes, no accents."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s-]+", "_", bare)


@functools.cache
def _keys(names: tuple[str, ...]) -> dict[str, str]:
    return {fold(header(name, locale)): name for name in names for locale in LOCALES}


def key_of(written: str, names: Iterable[str]) -> str | None:
    """The name among `names` whose header, in any language, is `written`; None if none."""
    return _keys(tuple(names)).get(fold(written))


def each_language(names: Iterable[str]) -> dict[str, str]:
    """Every language's header of `names`, folded -> the name."""
    return dict(_keys(tuple(names)))
