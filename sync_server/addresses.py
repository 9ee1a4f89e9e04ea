"""Which address a request comes from: the peer, or what a trusted proxy says it forwards.

``X-Forwarded-For`` is anyone's to write, so it is read only when the peer is one of the
configured proxies (``VIVIDVERSE_TRUSTED_PROXIES``, none by default), and then from the
right: the first address that is not itself a trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.requests import Request

from sync_server.settings import IPNetwork


def client_address(request: Request, trusted: Sequence[IPNetwork]) -> str:
    """The address ``request`` comes from, for throttling and logs."""
    peer = request.client.host if request.client else "unknown"
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop if _is_ip(hop) else peer
    return peer


def _is_trusted(address: str, trusted: Sequence[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return len(text) <= 64
