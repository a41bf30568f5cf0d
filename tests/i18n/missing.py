"""What still lacks French under some paths: `python -m tests.i18n.missing service/kpis ...`.

Prints the messages asked for there without a French translation, then the template text
that bypasses the catalogue (the two checks tests/i18n runs over the whole tree).
"""

import sys

from tests.i18n.messages import extracted
from tests.i18n.test_catalogue import french
from tests.i18n.test_templates_text import TEMPLATES, untranslated


def main(paths: list[str]) -> int:
    catalogue = french()
    problems = 0
    for msgid, where in sorted(extracted().items()):
        here = any(w.startswith(p) for w in where for p in paths)
        if here and not catalogue.get(msgid, ("",))[0]:
            print(f"no French: {msgid!r} ({where[0]})")
            problems += 1
    for name in TEMPLATES:
        if any(f"frontend_templates/{name}".startswith(p) for p in paths):
            for text in untranslated(name):
                print(f"bare text in {name}: {text!r}")
                problems += 1
    print(f"{problems} to do")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
