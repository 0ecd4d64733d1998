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


def _denied_by(address: Address, networks: list[Network]) -> Network | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for network in networks:
        if address.version == network.version and address in network:
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
