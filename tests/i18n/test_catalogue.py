"""The French catalogue answers every message the code and the templates ask for."""

import re

from babel.messages.pofile import read_po

from service.i18n.catalogue import catalogue_files
from tests.i18n.messages import extracted

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def french() -> dict[str, tuple[str, str]]:
    """French message id -> (translation, file); a plural's forms joined by a newline."""
    found: dict[str, tuple[str, str]] = {}
    for path in catalogue_files("fr"):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="fr"):
                if not message.id:
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                text = message.string
                forms = text if isinstance(text, tuple) else (text,)
                for index, msgid in enumerate(ids):
                    form = forms[min(index, len(forms) - 1)] if not message.fuzzy else ""
                    assert msgid not in found, f"{msgid!r} is in {found[msgid][1]} and {path.name}"
                    found[msgid] = (form or "", path.name)
    return found


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def test_every_message_asked_for_has_a_french_translation() -> None:
    catalogue = french()
    missing = {
        msgid: where[0]
        for msgid, where in extracted().items()
        if not catalogue.get(msgid, ("", ""))[0]
    }
    assert missing == {}


def test_the_catalogue_holds_no_message_nobody_asks_for() -> None:
    asked = extracted()
    assert sorted(msgid for msgid in french() if msgid not in asked) == []


def test_translations_keep_every_placeholder() -> None:
    wrong = {
        msgid: text
        for msgid, (text, _file) in french().items()
        if text and placeholders(msgid) != placeholders(text)
    }
    assert wrong == {}
