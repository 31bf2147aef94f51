"""A connected socket to one of a host's addresses: Happy Eyeballs (RFC 8305), as anyio's.

With several addresses (IPv6 and IPv4), the next is tried :data:`HAPPY_EYEBALLS` seconds
after the last one started, or at once when that one failed, so an address that drops packets
does not use up the connect timeout. Every socket but the one returned is closed, cancelled or
not: asyncio's own race (``create_connection``'s ``happy_eyeballs_delay``) loses the socket
that won when it is cancelled in the loop's next steps, as a speculative request is.
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import socket
from typing import Any

HAPPY_EYEBALLS = 0.25
"""Seconds before the next of a name's addresses is tried while one has not connected
(anyio's delay, RFC 8305's recommended value)."""

AddressInfo = tuple[Any, ...]
"""One of ``getaddrinfo``'s answers: family, type, proto, canonical name, address."""


async def open_socket(host: str, port: int) -> socket.socket:
    """A non-blocking socket connected to ``host`` (``OSError`` when no address answers)."""
    numeric = _numeric(host, port)
    if numeric is not None:  # as asyncio does: no resolver thread for an address
        return await _connected(numeric)
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not infos:
        raise OSError(f"getaddrinfo({host!r}) gave no address")
    if len(infos) == 1:
        return await _connected(infos[0])
    return await _race(_interleaved(infos))


def _numeric(host: str, port: int) -> AddressInfo | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.version == 4:
        return (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (host, port))
    if "%" in host:  # a scope the resolver turns into its number
        return None
    return (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (host, port, 0, 0))


def _interleaved(infos: list[AddressInfo]) -> list[AddressInfo]:
    """The addresses alternating by family, the first family first (RFC 8305, 4)."""
    families: dict[int, list[AddressInfo]] = {}
    for info in infos:
        families.setdefault(info[0], []).append(info)
    rounds = itertools.zip_longest(*families.values())
    return [info for round_ in rounds for info in round_ if info is not None]


async def _race(infos: list[AddressInfo]) -> socket.socket:
    started: list[asyncio.Task[socket.socket]] = []
    pending: set[asyncio.Task[socket.socket]] = set()
    errors: list[BaseException] = []
    winner: asyncio.Task[socket.socket] | None = None
    try:
        for info in [*infos, None]:
            if info is not None:
                started.append(asyncio.ensure_future(_connected(info)))
                pending.add(started[-1])
            # Wait for one to end, at most HAPPY_EYEBALLS while addresses are left.
            while pending:
                delay = None if info is None else HAPPY_EYEBALLS
                done, pending = await asyncio.wait(
                    pending, timeout=delay, return_when=asyncio.FIRST_COMPLETED
                )
                for task in done:
                    error = task.exception()
                    if error is None and winner is None:
                        winner = task
                    elif error is not None:
                        errors.append(error)
                if winner is not None:
                    return winner.result()
                if not done or info is not None:
                    break  # the delay went by, or one failed: the next address now
        messages = {str(error) for error in errors}
        if len(messages) == 1:
            raise errors[0]
        raise OSError(f"Multiple exceptions: {', '.join(sorted(messages))}")
    finally:
        for task in started:
            if task is not winner:
                task.cancel()
                task.add_done_callback(_close)


def _close(task: asyncio.Task[socket.socket]) -> None:
    if not task.cancelled() and task.exception() is None:
        task.result().close()


async def _connected(info: AddressInfo) -> socket.socket:
    family, kind, proto, _, address = info
    sock = socket.socket(family, kind, proto)
    try:
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, address)
    except BaseException:
        sock.close()
        raise
    return sock
