"""Headlines as safe HTML: everything escaped, the hits alone wrapped in <mark>."""

import html

from service.lessons.queries import START, STOP


def marked(headline: str) -> str:
    """`headline` (hits between START and STOP) as HTML: escaped, hits in <mark>."""
    escaped = html.escape(headline, quote=True)
    return escaped.replace(START, "<mark>").replace(STOP, "</mark>")


def best(*headlines: str | None) -> str:
    """The headline with the most hits (the first on a tie), as HTML."""
    found = [h or "" for h in headlines]
    chosen = max(found, key=lambda h: h.count(START)) if found else ""
    return marked(chosen)
