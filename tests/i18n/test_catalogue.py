"""The French catalogue answers every message the code and the templates ask for."""

import re

from babel.messages.pofile import read_po

from service.i18n.catalogue import catalogue_files
from tests.i18n.messages import extracted

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def entries() -> list[tuple[str, str, str]]:
    """(message id, French, file) of every .po file; a plural's forms one entry each."""
    found: list[tuple[str, str, str]] = []
    for path in catalogue_files("fr"):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="fr"):
                if not message.id:
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                forms = message.string if isinstance(message.string, tuple) else (message.string,)
                for index, msgid in enumerate(ids):
                    form = "" if message.fuzzy else forms[min(index, len(forms) - 1)]
                    found.append((msgid, form or "", path.name))
    return found


def french() -> dict[str, tuple[str, str]]:
    """French message id -> (translation, file)."""
    return {msgid: (text, file) for msgid, text, file in entries()}


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


def test_no_message_is_defined_twice() -> None:
    files: dict[str, list[str]] = {}
    for msgid, _text, file in entries():
        files.setdefault(msgid, []).append(file)
    assert {msgid: where for msgid, where in files.items() if len(where) > 1} == {}
