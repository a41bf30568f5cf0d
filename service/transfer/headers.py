"""Sheet names and column headers in each language: one rule for export, templates, import.

A sheet or column is known by its English name (service.transfer.columns), which is its
header in English. Its header in another language is its entry in that language's header
catalogue, `headers.<locale>.po` next to this module (the name itself when it has none), so a
new column needs no code here: only its translation there. The headers are their own
catalogue, apart from the pages' words: a file format does not change when a page's wording
does. Files are written in the language asked for; a file read may name its sheets and
columns in any language offered, in any case, with spaces for `_` and with or without
accents (`Budget prévu`, `budget_prevu` and `budget_planned` are one column).
"""

import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from babel.messages.pofile import read_po

from service.i18n import DEFAULT_LOCALE, LOCALES

CATALOGUES = Path(__file__).parent  # headers.<locale>.po


@functools.cache
def translated(locale: str) -> dict[str, str]:
    """`locale`'s headers by English name (empty for English or a locale without a file)."""
    path = CATALOGUES / f"headers.{locale}.po"
    if locale == DEFAULT_LOCALE or not path.exists():
        return {}
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    return {
        m.id: m.string
        for m in catalogue
        if isinstance(m.id, str) and isinstance(m.string, str) and m.id and m.string and not m.fuzzy
    }


def header(name: str, locale: str | None = None) -> str:
    """The header of column (or sheet) `name` in `locale` (its English name when None)."""
    return translated(locale or DEFAULT_LOCALE).get(name, name)


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
