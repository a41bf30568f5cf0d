"""Templates show no text that bypasses the catalogue.

Text between tags, text attributes (title, alt, placeholder, aria-label) and phrases passed
to macros as string literals must go through `_()`, `ngettext()` or `{% trans %}`; anything
else would stay English on a French page.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from service.pages.render import templates

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "frontend_templates"
TEXT_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "label"}
# Letters that make up words (symbols, numbers and entities are language-neutral).
WORDS = re.compile(r"[^\W\d_]{2,}")
# A string literal inside {{ }} or {% %} that reads as a phrase: "Budget planned", "at stake now".
PHRASE = re.compile(r"^[A-Z][a-z]+|[a-z]+ [a-z]+ [a-z]+")
TRANSLATING = {"_", "gettext", "ngettext"}
# Attributes written by a macro outside any tag (`aria-invalid="true"`) are not text.
ATTRIBUTE = re.compile(r'^[a-z-]+="')
HOLE = " \x01 "  # a gap the HTML parser reads as an attribute name inside a tag


class VisibleText(HTMLParser):
    """Collects text a reader sees: data outside script/style, and text attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        for name, value in attrs:
            if name in TEXT_ATTRIBUTES and value:
                self.found.append(value)
            if tag == "input" and name == "value" and value and ("type", "submit") in attrs:
                self.found.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.found.append(data)


def untranslated(name: str) -> list[str]:
    """The English a template would show on a French page."""
    source = (TEMPLATE_DIR / name).read_text(encoding="utf-8")
    plain: list[str] = []  # the template with every Jinja part replaced by a hole
    phrases: list[str] = []
    in_trans = False
    previous: list[str] = []  # the tokens so far, whitespace left out
    calls: list[bool] = []  # for each open parenthesis: whether it calls a translation
    for _line, kind, value in templates.env.lex(source):
        plain.append(value if kind == "data" and not in_trans else HOLE)
        if kind == "whitespace":
            continue
        if kind == "name" and previous[-1:] == ["block_begin"]:
            in_trans = value in {"trans", "pluralize"} or (in_trans and value != "endtrans")
        if value == "(" and kind == "operator":
            calls.append(previous[-1:] in [[name] for name in TRANSLATING])
        elif value == ")" and kind == "operator" and calls:
            calls.pop()
        if kind == "string" and PHRASE.search(value[1:-1]) and not (calls and calls[-1]):
            phrases.append(value[1:-1])
        previous.append(value if kind in {"name", "operator"} else kind)
    if name.endswith(".txt"):
        return [t.strip() for t in "".join(plain).split(HOLE) if WORDS.search(t)] + phrases
    parser = VisibleText()
    parser.feed("".join(plain))
    return [
        piece.strip()
        for text in parser.found
        for piece in text.split(HOLE)
        if WORDS.search(piece) and not ATTRIBUTE.match(piece.strip())
    ] + phrases


TEMPLATES = sorted(
    str(path.relative_to(TEMPLATE_DIR))
    for pattern in ("*.html", "*.txt")
    for path in TEMPLATE_DIR.rglob(pattern)
)


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_text_goes_through_the_catalogue(name: str) -> None:
    assert untranslated(name) == []
