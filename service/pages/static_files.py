"""The pages' static files, and the vendored plotly.js basic bundle, gzipped (no CDN)."""

import gzip
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

router = APIRouter()

# The pages' own files, inside the installed `service.pages` package.
STATIC_DIR = Path(__file__).resolve().parent / "static"
# plotly.js-basic-dist-min (bar, scatter, pie): the version of plotly.js the `plotly`
# package builds its figures for (see static/vendor/README.txt).
PLOTLY_VERSION = "4.1.1"
PLOTLY_JS = STATIC_DIR / "vendor" / "plotly" / "plotly-basic.min.js"
PLOTLY_PATH = "/static/vendor/plotly/plotly-basic.min.js"
PLOTLY_URL = f"{PLOTLY_PATH}?v={PLOTLY_VERSION}"
CACHE = "public, max-age=31536000, immutable"


@lru_cache(maxsize=1)
def _bundle() -> tuple[bytes, bytes]:
    """The bundle as is and gzipped (read and compressed once per process)."""
    raw = PLOTLY_JS.read_bytes()
    return raw, gzip.compress(raw, compresslevel=6, mtime=0)


@router.get(PLOTLY_PATH, include_in_schema=False)
def plotly_bundle(request: Request) -> Response:
    """plotly.js, gzipped when the browser accepts it; cached for a year (versioned URL)."""
    raw, packed = _bundle()
    headers = {"Cache-Control": CACHE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(packed, media_type="text/javascript", headers=headers)
    return Response(raw, media_type="text/javascript", headers=headers)
