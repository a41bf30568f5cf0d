"""The pages' static files, and the vendored plotly.js basic bundle, gzipped (no CDN)."""

import gzip
import hashlib
from functools import cache, lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Scope

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
# An unversioned URL is checked with the server (its ETag) before each use.
REVALIDATE = "no-cache"


@cache
def static_url(name: str) -> str:
    """`/static/<name>?v=<digest of its content>`: a changed file gets a new URL, so the
    year-long cache never serves an old copy."""
    digest = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"


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


class _CachedFiles(StaticFiles):
    """Files whose versioned URLs (`static_url`: `?v=` the content's digest) are cached for
    a year."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            query = scope.get("query_string", b"").split(b"&")
            versioned = any(part.startswith(b"v=") for part in query)
            response.headers["Cache-Control"] = CACHE if versioned else REVALIDATE
        return response


def files() -> ASGIApp:
    """/static: the pages' files, gzipped for browsers that accept it (CSS and scripts
    are text), with their cache policy."""
    return GZipMiddleware(_CachedFiles(directory=STATIC_DIR), minimum_size=1024, compresslevel=6)
