"""Text cells a spreadsheet program would run as a formula, written so it doesn't (CSV only).

The OWASP rule: a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
gets an apostrophe in front, which spreadsheet programs show as text. To make the way back
exact, text that already starts with apostrophes followed by one of those characters gets
one more; the import takes exactly one apostrophe off such a cell, so an export imports
back unchanged. Numbers are never text cells here: -5 stays -5.

XLSX cells are typed (a text cell is never a formula), so workbooks need neither.
"""

TRIGGERS = frozenset("=+-@\t\r")


def _risky(value: str) -> bool:
    return value.lstrip("'")[:1] in TRIGGERS


def neutralise(value: str) -> str:
    """The text as a CSV export writes it: with a leading apostrophe when it could run."""
    return "'" + value if _risky(value) else value


def restore(cell: str) -> str:
    """The text a neutralised CSV cell stands for (other cells unchanged)."""
    if cell.startswith("'") and _risky(cell[1:]):
        return cell[1:]
    return cell
