"""The digest posted to a Slack or Teams incoming webhook as `{"text": ...}`."""

import httpx

TIMEOUT_SECONDS = 15.0


class ChatPostFailed(Exception):
    """The webhook did not accept the message."""


async def post_text(url: str, text: str) -> None:
    """POST the message; ChatPostFailed (without the URL, which is a secret) on failure."""
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
            response = await client.post(url, json={"text": text})
    except httpx.HTTPError as failed:
        raise ChatPostFailed(
            f"the chat webhook could not be reached ({type(failed).__name__})"
        ) from None
    if response.status_code >= 300:
        raise ChatPostFailed(f"the chat webhook answered {response.status_code}")
