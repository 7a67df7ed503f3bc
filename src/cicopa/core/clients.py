"""Who is at the other end of a request: the client's address, through the reverse proxies we trust."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address of the client: the peer (REMOTE_ADDR), unless the peer is one of CICOPA_TRUSTED_PROXIES.

    Then X-Forwarded-For is read from the right, since each proxy appends the address it got the request
    from and anything to the left of what our own proxies wrote came from the client and may be forged:
    the first address that is not a trusted proxy is the client. An entry that is not an address stops
    the search at the peer (a proxy that writes something else is not understood, and must not let a
    client choose its address); if every hop is a trusted proxy, the first one is the client.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.CICOPA_TRUSTED_PROXIES))
    try:
        if not networks or not _is_trusted(ipaddress.ip_address(peer), networks):
            return peer
    except ValueError:
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            address = ipaddress.ip_address(hop)
        except ValueError:
            return peer
        if not _is_trusted(address, networks):
            return str(address)
    return str(ipaddress.ip_address(hops[0])) if hops else peer
