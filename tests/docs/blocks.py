"""The fenced code blocks of a markdown file, as its reader sees them."""

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_FENCE = re.compile(r"^```([\w-]*)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    """One fenced block: its language tag, its text and the line it starts on."""

    language: str
    text: str
    line: int

    @property
    def name(self) -> str:
        return f"{self.language}@{self.line}"


def blocks(path: Path, language: str | None = None) -> list[Block]:
    """Every fenced block of `path` (of `language` only, when given), in order."""
    text = path.read_text(encoding="utf-8")
    found = [Block(m[1], m[2], text.count("\n", 0, m.start()) + 1) for m in _FENCE.finditer(text)]
    return [b for b in found if language is None or b.language == language]
