"""/docs: Swagger UI for the REST API, from files the app serves itself (no CDN, no
inline script, so it works offline and under the pages' Content-Security-Policy)."""

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

VENDOR = "/static/vendor/swagger_ui"
PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} - Swagger UI</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="{vendor}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
  <script src="{vendor}/swagger-ui-bundle.js"></script>
  <script src="/static/api-docs.js"></script>
</body>
</html>
"""


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI on this API's OpenAPI document."""
    app = request.app
    html = PAGE.format(
        title=escape(app.title), vendor=VENDOR, openapi_url=escape(app.openapi_url or "")
    )
    return HTMLResponse(html)
