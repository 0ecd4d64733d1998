"""Which network addresses the service may call on a user's behalf.

A webhook is an address a user chose; without a check it would let any user make the
service call the cloud's metadata service or other internal endpoints. The operator
lists the forbidden networks ([notifier] denied_networks); the API refuses such
actions when they are created and the notifier refuses them again when it connects
(after resolving the name, so DNS cannot point an accepted name somewhere forbidden).
"""

from __future__ import annotations

import concurrent.futures
import ipaddress
import socket
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class DeniedDestination(ValueError):
    """A destination in a network the operator forbids."""


def parse_networks(cidrs: Iterable[str]) -> list[Network]:
    """The networks of the option's CIDR strings."""
    return [ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip()]


_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_UNSPECIFIED_V4 = ipaddress.IPv4Address(0)


def reached(address: Address) -> list[Address]:
    """Every address a connection to ``address`` may end up at: the address itself and
    any IPv4 address embedded in it (IPv4-mapped, IPv4-compatible, NAT64, 6to4,
    Teredo); the unspecified address ``::`` reaches what ``0.0.0.0`` reaches."""
    if isinstance(address, ipaddress.IPv4Address):
        return [address]
    found: list[Address] = [address]
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address.is_unspecified:
        found.append(_UNSPECIFIED_V4)
    elif address in _COMPATIBLE and not address.is_loopback:
        found.append(low32)
    if any(address in prefix for prefix in _NAT64):
        found.append(low32)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    return found


def _denied_by(address: Address, networks: list[Network]) -> Network | None:
    for candidate in reached(address):
        for network in networks:
            if candidate.version == network.version and candidate in network:
                return network
    return None


def resolve(host: str, port: int) -> list[Address]:
    """The addresses a host name (or literal) stands for; [] when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0])
                              for info in infos))


def check_addresses(host: str, addresses: list[Address], networks: list[Network]) -> None:
    """Raise DeniedDestination when any address of ``host`` is in a denied network."""
    for address in addresses:
        network = _denied_by(address, networks)
        if network is not None:
            shown = host if str(address) == host else f"{host} ({address})"
            raise DeniedDestination(f"{shown} is in the denied network {network}")


_RESOLVERS = concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="resolve")


def check_host(host: str | None, port: int, networks: list[Network],
               timeout: float = 2.0) -> list[Address]:
    """Resolve ``host`` (waiting at most ``timeout`` seconds) and check it; return its
    addresses. A name that does not resolve (in time) passes: it may exist by the time
    it is used, and is checked again then."""
    if not host or not networks:
        return []
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            addresses = _RESOLVERS.submit(resolve, host, port).result(timeout)
        except concurrent.futures.TimeoutError:
            return []
    check_addresses(host, addresses, networks)
    return addresses
