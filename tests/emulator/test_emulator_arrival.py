"""A request's arrival, from which its latency counts, is when its bytes were read, not when
the emulator got round to handling it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from orbrowse.emulator.faults import Faults, RecordedRequest
from orbrowse.emulator.server import RunningEmulator, start_emulator
from tests.conftest import fixture_store

BLOCK_LIMIT = 30.0
"""The most the slow request holds the server's loop (it is let go once the test has sent
the others: a bound for a broken test, not a timing)."""


class SlowFaults(Faults):
    """Faults whose fault layer holds the loop on ``/slow`` and notes when each request is
    handled: the server's work between reading a request and answering it, made visible."""

    def __post_init__(self, seed: int | None, max_requests: int) -> None:
        super().__post_init__(seed, max_requests)
        self.blocking = threading.Event()
        self.unblock = threading.Event()
        self.handled_at: dict[str, float] = {}

    def record(self, request: RecordedRequest) -> None:
        self.handled_at[request.path] = time.monotonic()
        if request.path.endswith("/slow"):
            self.blocking.set()
            self.unblock.wait(BLOCK_LIMIT)  # the whole loop waits, as behind a slow handler
        super().record(request)


@pytest.fixture(name="slow")
def fixture_slow(request: pytest.FixtureRequest) -> Iterator[RunningEmulator]:
    with start_emulator(store=fixture_store(), faults=SlowFaults(), http=request.param) as running:
        yield running


def _send(sock: socket.socket, path: str) -> None:
    sock.sendall(f"GET /api/v1/{path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())


def _answer(sock: socket.socket) -> None:
    received = b""
    while b"\r\n\r\n" not in received:
        received += sock.recv(65536)
    head, _, body = received.partition(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
    while len(body) < length:
        body += sock.recv(65536)


@pytest.mark.parametrize("slow", ["httptools", "h11"], indirect=True)
def test_requests_read_together_are_stamped_before_any_is_handled(
    slow: RunningEmulator,
) -> None:
    faults = slow.faults
    assert isinstance(faults, SlowFaults)
    sockets = [socket.create_connection((slow.host, slow.port)) for _ in range(3)]
    for sock in sockets:  # each accepted and read from: answered once
        _send(sock, "warm")
        _answer(sock)
    _send(sockets[0], "slow")
    assert faults.blocking.wait(5)
    # Both arrive while the loop is held: the server reads them in one turn after it.
    _send(sockets[1], "first")
    _send(sockets[2], "second")
    faults.unblock.set()  # both are in the server's socket buffers (loopback) by now
    deadline = time.monotonic() + 5
    while len(faults.requests) < 6 and time.monotonic() < deadline:
        time.sleep(0.01)
    arrived = {r.path.rsplit("/", 1)[1]: r.received_at for r in faults.requests[3:]}
    handled = {path.rsplit("/", 1)[1]: at for path, at in faults.handled_at.items()}
    for sock in sockets:
        sock.close()
    assert set(arrived) == {"slow", "first", "second"}
    # The second was read before the first was handled: stamped in the fault layer, it would
    # be stamped after the first's handling.
    assert arrived["second"] <= handled["first"]
    assert arrived["first"] <= handled["first"] and arrived["second"] <= handled["second"]
