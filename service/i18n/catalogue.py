"""The gettext catalogues, read from their `.po` files once per process.

A locale's folder may hold several `.po` files; their messages are merged (a message
defined twice is refused by tests/i18n). Nothing is compiled ahead: the `.po` text is the
only copy, turned into a `.mo` image in memory.
"""

import functools
import gettext as stdlib_gettext
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locales"
DOMAIN_DIR = "LC_MESSAGES"


def catalogue_files(locale: str) -> list[Path]:
    """The `.po` files of `locale`, in name order."""
    return sorted((LOCALE_DIR / locale / DOMAIN_DIR).glob("*.po"))


def read_catalogue(locale: str) -> Catalog:
    """Every message of `locale`'s `.po` files, merged into one catalogue."""
    merged = Catalog(locale=locale)
    for path in catalogue_files(locale):
        with path.open("rb") as handle:
            part = read_po(handle, locale=locale)
        # The plural rule the files are written for (`Plural-Forms`), not Babel's own: for
        # French, CLDR now has three forms where gettext catalogues have two.
        merged.mime_headers = part.mime_headers
        for message in part:
            if message.id and message.string and not message.fuzzy:
                merged[message.id] = message
    return merged


@functools.cache
def translations(locale: str) -> stdlib_gettext.NullTranslations:
    """`locale`'s translations (the source text itself for English or an unknown locale)."""
    files = catalogue_files(locale)
    if not files:
        return stdlib_gettext.NullTranslations()
    image = io.BytesIO()
    write_mo(image, read_catalogue(locale))
    image.seek(0)
    return stdlib_gettext.GNUTranslations(image)
