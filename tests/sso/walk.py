"""Walking the provider's sign-in over HTTP, as a browser would: the development login
form (any password), the consent form, and back to the app's callback."""

import re
from urllib.parse import urljoin

import httpx

FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')
MAX_STEPS = 12


async def through_provider(provider: httpx.AsyncClient, url: str, login: str) -> str:
    """Sign in at the provider as `login` from its authorization `url`; returns the address
    the provider sends the browser back to (the app's callback, not followed)."""
    response = await provider.get(url)
    for _ in range(MAX_STEPS):
        if response.is_redirect:
            target = urljoin(str(response.url), response.headers["location"])
            if not target.startswith(str(provider.base_url).rstrip("/")):
                return target
            response = await provider.get(target)
            continue
        match = FORM_ACTION.search(response.text)
        assert match is not None, f"no form on the provider's page: {response.text[:300]}"
        action = urljoin(str(response.url), match.group(1))
        if 'name="login"' in response.text:
            form = {"prompt": "login", "login": login, "password": "any"}
        else:
            form = {"prompt": "consent"}
        response = await provider.post(action, data=form)
    raise AssertionError("the provider never sent the browser back")
