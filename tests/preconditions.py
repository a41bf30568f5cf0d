"""If-Match for tests that change a resource: the ETag it has right now."""

import httpx


async def if_match(client: httpx.AsyncClient, url: str) -> dict[str, str]:
    """The If-Match header naming the current version of the resource at `url`
    (`"1"` when it has none, e.g. it does not exist)."""
    response = await client.get(url)
    return {"If-Match": response.headers.get("etag", '"1"')}
