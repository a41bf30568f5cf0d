"""Every page a role reaches answers in French for a French-preferring browser.

The crawl starts at the dashboard, follows the site's links (one page per kind of address)
and checks each page: it answers, says `lang="fr"`, and shows none of the English sentences
the catalogue translates (a sentence translated once at import time, or built around the
catalogue, would stay English here).
"""

import re
from html import unescape

import pytest

from tests.i18n.test_catalogue import french
from tests.pages.conftest import Browser, SignIn, World, sign_in, world

__all__ = ["sign_in", "world"]  # the signed-in clients of tests/pages

FRENCH = {"Accept-Language": "fr"}
LINK = re.compile(r'href="(/[^"#?]*)')
SKIP = ("/static/", "/api/", "/graphql", "/docs", "/openapi", "/logout")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|<")
TAG = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)


def kind(path: str) -> str:
    """`/initiatives/12/edit` -> `/initiatives/#/edit`: one page per kind is enough."""
    return re.sub(r"/\d+", "/#", path)


def english_sentences() -> set[str]:
    """Whole English sentences the catalogue gives a different French for."""
    return {
        msgid
        for msgid, (text, _file) in french().items()
        if text and text != msgid and len(msgid) >= 20 and not PLACEHOLDER.search(msgid)
    }


async def crawl(browser: Browser, limit: int = 60) -> dict[str, str]:
    """Path -> visible text of every kind of page reachable from the dashboard."""
    queue, seen, pages = ["/"], {kind("/")}, {}
    while queue and len(pages) < limit:
        path = queue.pop(0)
        response = await browser.get(path, headers=FRENCH)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        assert response.headers["content-language"] == "fr", path
        html = response.text
        assert '<html lang="fr">' in html, path
        pages[path] = " ".join(unescape(TAG.sub(" ", html)).split())
        for link in LINK.findall(html):
            if not link.startswith(SKIP) and kind(link) not in seen:
                seen.add(kind(link))
                queue.append(link)
    return pages


@pytest.mark.parametrize("role", ["cdo_office", "department_head", "contributor"])
async def test_every_page_reached_is_in_french(sign_in: SignIn, world: World, role: str) -> None:
    scope = {"department_id": world.marketing.id} if role == "department_head" else {}
    browser = await sign_in(role, person_id=world.cmo.id, **scope)
    pages = await crawl(browser)
    assert len(pages) >= 15, sorted(pages)
    sentences = english_sentences()
    left = {path: sorted(s for s in sentences if s in text) for path, text in pages.items()}
    assert {path: found for path, found in left.items() if found} == {}
