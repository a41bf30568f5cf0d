"""Who the client is behind trusted proxies (TRUSTED_PROXIES), for every surface.

`X-Forwarded-For` is believed only when the direct peer is a trusted proxy; otherwise
anyone could name any address and slip past the sign-in limits. The same setting tells
uvicorn whose `X-Forwarded-Proto` to believe, so the cookie's `Secure` flag follows it.
"""

import ipaddress
from functools import lru_cache
from typing import Any

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class InvalidProxySetting(ValueError):
    """TRUSTED_PROXIES names something that is not an address or a network."""


@lru_cache(maxsize=8)
def trusted_networks(setting: str) -> tuple[Network, ...] | None:
    """The networks of TRUSTED_PROXIES (comma-separated); None for '*' (any peer)."""
    entries = [entry.strip() for entry in setting.split(",") if entry.strip()]
    if "*" in entries:
        return None
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise InvalidProxySetting(
                f"TRUSTED_PROXIES: '{entry}' is not an IP address or network (CIDR)."
            ) from None
    return tuple(networks)


def _trusted(address: str, networks: tuple[Network, ...] | None) -> bool:
    if networks is None:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address_of(peer: str | None, forwarded_for: str | None, setting: str) -> str | None:
    """The client: the peer, or, when the peer is a trusted proxy, the nearest address in
    `X-Forwarded-For` that is not itself a trusted proxy."""
    networks = trusted_networks(setting)
    if peer is None or not forwarded_for or not _trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop
    return hops[0] if hops else peer


def client_address(request: HTTPConnection) -> str | None:
    """The address the request comes from, as the sign-in limits count it."""
    peer = request.client.host if request.client else None
    setting = request.app.state.settings.trusted_proxies
    return client_address_of(peer, request.headers.get("x-forwarded-for"), setting)


def uvicorn_options(setting: str) -> dict[str, Any]:
    """uvicorn's proxy options for TRUSTED_PROXIES: trust no one unless it is set."""
    networks = trusted_networks(setting)
    if networks == ():
        return {"proxy_headers": False, "forwarded_allow_ips": []}
    allowed = ["*"] if networks is None else [str(network) for network in networks]
    return {"proxy_headers": True, "forwarded_allow_ips": allowed}
