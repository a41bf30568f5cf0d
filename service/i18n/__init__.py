"""The language a request is answered in, and its messages.

English is the language of the source: a message is its English text, and the French
catalogue (`locales/fr/LC_MESSAGES/*.po`, gettext) maps it to French. The locale is held
per request (a context variable): the account's preference, else `Accept-Language`, else
English. Services translate with `gettext` where they build a sentence; templates with
`_()` and `{% trans %}`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from schema.enums import Language
from service.i18n.catalogue import translations

LOCALES = tuple(language.value for language in Language)
DEFAULT_LOCALE = Language.en.value
# Names as each language's speakers write them (the language picker).
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}

_current: ContextVar[str] = ContextVar("locale", default=DEFAULT_LOCALE)


def current() -> str:
    """The locale of the request being answered (`en` outside any request)."""
    return _current.get()


def activate(locale: str | None) -> None:
    """Answer the rest of this request in `locale` (ignored when it isn't offered)."""
    if locale in LOCALES:
        _current.set(locale)


@contextmanager
def use(locale: str | None) -> Iterator[str]:
    """Within the block, speak `locale` (e.g. an email in its recipient's language)."""
    token = _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    """`message` in the current locale (itself when the catalogue lacks it)."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the current locale."""
    return translations(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it here (translated where shown)."""
    return message


_ = gettext


def negotiate(accept_language: str | None) -> str:
    """The offered locale the browser prefers most (`Accept-Language`, q-values honoured)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _sep, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = tag.strip().lower().split("-")[0]
        if language in LOCALES and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else DEFAULT_LOCALE
