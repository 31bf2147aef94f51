"""When each request reached the emulator's socket: uvicorn's protocols, stamping arrivals.

The emulated latency is a deadline counted from a request's arrival. Stamped in the ASGI app
instead, a request that came in a burst (a client with 8 deletes in flight) was stamped only
after the requests before it had been handled, one after another on the server's one loop: its
answer left up to that much later than the latency, the emulator's CPU added to the network's.
Here the stamp is taken as the request's bytes are read from the socket, before any is parsed
or handled, and handed to the app in the scope's ``state`` (ASGI's per-request copy of the
connection's state).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from orbrowse.emulator.coalesce import CoalescingWrites

ARRIVED = "orbrowse.arrived"
"""The key in ``scope["state"]``: ``time.monotonic()`` when the request's first bytes were read
(httptools) or when its head was complete (h11, which makes the scope only then)."""


def arrived_at(scope: dict[str, Any] | Any) -> float:
    """The request's arrival as stamped by these protocols; now, under another server."""
    state = scope.get("state")
    stamp = state.get(ARRIVED) if isinstance(state, dict) else None
    return stamp if isinstance(stamp, float) else time.monotonic()


class _Stamping(asyncio.Protocol):
    """Stamps each read's time into this connection's own copy of the state."""

    app_state: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # This connection's own copy: the scope's state is copied from it per request, and
        # the stamp must not leak into other connections' requests.
        self.app_state = dict(self.app_state)

    def data_received(self, data: bytes) -> None:
        self.app_state[ARRIVED] = time.monotonic()
        super().data_received(data)


class StampedHttpTools(_Stamping, CoalescingWrites, HttpToolsProtocol):
    """uvicorn's httptools protocol; each request's scope carries its arrival, and a small
    answer leaves in one write (:mod:`orbrowse.emulator.coalesce`)."""


class StampedH11(_Stamping, CoalescingWrites, H11Protocol):
    """uvicorn's h11 protocol; each request's scope carries its arrival, and a small answer
    leaves in one write."""
