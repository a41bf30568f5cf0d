"""GraphiQL at /graphql in a browser, from files the app serves itself (no CDN, no
inline script, so it works offline and under the pages' Content-Security-Policy)."""

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from strawberry.fastapi import GraphQLRouter

VENDOR = "/static/vendor"
GRAPHIQL_HTML = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>GraphiQL · CDO portfolio</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="{VENDOR}/graphiql/graphiql.min.css">
  <link rel="stylesheet" href="/static/graphiql-ide.css">
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="{VENDOR}/react/react.production.min.js"></script>
  <script src="{VENDOR}/react/react-dom.production.min.js"></script>
  <script src="{VENDOR}/graphiql/graphiql.min.js"></script>
  <script src="/static/graphiql-ide.js"></script>
</body>
</html>
"""


UNREADABLE = {
    "description": "Not a GraphQL request: no query, another content type, or broken JSON.",
    "content": {"text/plain": {"schema": {"type": "string"}}},
}


class GraphiQLRouter(GraphQLRouter[Any, None]):
    """Strawberry's router with GraphiQL served from the app's own static files.

    Under the policy, GraphiQL's settings and shortcuts dialogs get their scroll lock
    refused (a style element their dialog library adds); the page never scrolls, so
    nothing changes but a console line.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What the OpenAPI document would otherwise leave out: a GET without a query answers
        # the GraphiQL page, and a request GraphQL cannot read (no query, another content
        # type, broken JSON) gets a 400 with a plain-text reason.
        for route in self.routes:
            if not isinstance(route, APIRoute):
                continue
            if route.methods == {"GET"}:
                ok = route.responses.setdefault(200, {})
                ok.setdefault("content", {})["text/html"] = {"schema": {"type": "string"}}
            route.responses.setdefault(400, UNREADABLE)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """The GraphiQL page."""
        return HTMLResponse(GRAPHIQL_HTML)
