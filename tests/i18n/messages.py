"""The messages the code asks for, extracted as `pybabel extract -F babel.cfg` would."""

import functools
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = DEFAULT_KEYWORDS | {"N_": None}


@functools.cache
def extracted() -> dict[str, list[str]]:
    """Every message id (a plural's singular and plural both) -> where it is asked for."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, list[str]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        for text in message if isinstance(message, tuple) else (message,):
            if text:
                found.setdefault(text, []).append(f"{filename}:{line}")
    return found
