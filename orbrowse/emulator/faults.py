"""Fault injection for the emulator: latency, random failures, rate limits, dropped connections.

A :class:`Faults` object is shared between the server thread and the test that owns it; every
setting may be changed while the server runs. The app applies them in this order:
a hold (:meth:`Faults.hold`: requests wait until :meth:`Faults.release`, so a test acts
while a request is certainly in flight), then scripted one-off faults
(:meth:`Faults.fail_next`, :meth:`Faults.drop_next`), then the rate limit, then the random
429s, failures and drops, then the real handler.

Latency is a deadline on the answer: whatever answers a request (the handler, a fault, a
429) sends nothing before the request's arrival plus ``latency_ms``, and works meanwhile. So
a request acts on the store when it arrives (a DELETE deletes then) and its answer comes a
latency later; a handler slower than the latency adds only what it takes beyond it.

A *drop* lets the handler run (so a dropped DELETE still deletes, as on a real network), sends
the response headers with their ``Content-Length`` and part of the body, then closes the
connection: httpx raises ``RemoteProtocolError``.
"""

from __future__ import annotations

import asyncio
import math
import random
import threading
import time
from collections import deque
from dataclasses import InitVar, dataclass, field, fields


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the emulator saw it (header names are lower-case)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    received_at: float = field(default_factory=time.monotonic)
    """``time.monotonic()`` when the request's bytes were read from the socket (before any
    latency; :mod:`orbrowse.emulator.arrival`)."""


@dataclass(slots=True)
class ScriptedFault:
    """A one-off fault waiting for a matching request."""

    kind: str  # "fail" or "drop"
    status: int
    method: str | None
    path_contains: str | None
    remaining: int
    retry_after: float | None = None
    message: str | None = None
    body: bytes | None = None
    content_type: str | None = None
    headers: dict[str, str] | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path_contains is None or self.path_contains in path


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The token bucket's answer for one request."""

    allowed: bool
    limit: int
    remaining: int
    reset_ms: int
    retry_after: int


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


@dataclass(kw_only=True, eq=False)
class Faults:
    """Mutable, thread-safe fault settings plus a log of the requests received.

    The settings are the fields: each may be changed while the server runs, and
    :meth:`clear` puts every one back to its default.
    """

    latency_ms: float = 0.0
    """No answer leaves before the request's arrival plus this (the module docstring)."""
    fail_rate: float = 0.0
    rate_limit_rps: float | None = None
    drop_rate: float = 0.0
    failure_retry_after: float = 1.0
    """``Retry-After`` seconds sent with a random 503."""
    rate_limited_rate: float = 0.0
    """Share of requests answered 429 at random (apart from the token bucket)."""
    rate_limited_retry_after: float = 1.0
    """``Retry-After`` seconds sent with a random 429."""
    seed: InitVar[int | None] = None
    max_requests: InitVar[int] = 100_000
    """How many of the newest requests the log keeps (0: none), so a long load test stays
    bounded."""

    def __post_init__(self, seed: int | None, max_requests: int) -> None:
        self._lock = threading.Lock()
        self.random = random.Random(seed)
        self._scripted: list[ScriptedFault] = []
        self._requests: deque[RecordedRequest] = deque(maxlen=max_requests)
        self._buckets: dict[str, _Bucket] = {}
        self._holding = False
        self._hold_path: str | None = None
        self._hold_after = 0
        self._held = 0

    # holding requests ------------------------------------------------------------------------

    def hold(self, *, path_contains: str | None = None, after: int = 0) -> None:
        """Keep every request that arrives from now on (or each whose path holds
        ``path_contains``) waiting, its body unread, until :meth:`release`; the first
        ``after`` of them go on (a test holds the second page before the first is asked for)."""
        with self._lock:
            self._holding = True
            self._hold_path = path_contains
            self._hold_after = after

    def release(self) -> None:
        """Let the held requests, and those that arrive from now on, go on."""
        with self._lock:
            self._holding = False

    @property
    def held(self) -> int:
        """How many requests are waiting in the hold now."""
        with self._lock:
            return self._held

    async def wait_while_held(self, path: str) -> None:
        """The request's side of :meth:`hold`."""
        with self._lock:
            if not self._holding or (self._hold_path is not None and self._hold_path not in path):
                return
            if self._hold_after > 0:
                self._hold_after -= 1
                return
            self._held += 1
        try:
            # Released from the test's thread, where an asyncio.Event of this loop cannot be set.
            while self._holding:  # noqa: ASYNC110
                await asyncio.sleep(0.005)
        finally:
            with self._lock:
                self._held -= 1

    # scripted faults -----------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        count: int = 1,
        retry_after: float | None = None,
        message: str | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next ``count`` matching requests with ``status`` instead of handling them.

        Without ``body`` the answer is the documented error envelope (``message`` or the
        status's usual text); with it, ``body`` is sent as is (``content_type`` defaults to
        ``application/json``), so a test can send malformed JSON or an HTML page.
        ``retry_after`` adds a ``Retry-After`` header (whole seconds, or a decimal);
        ``headers`` adds any others (e.g. a ``Location`` for a scripted redirect).
        """
        self._script(
            ScriptedFault(
                kind="fail",
                status=status,
                method=method,
                path_contains=path_contains,
                remaining=count,
                retry_after=retry_after,
                message=message,
                body=body,
                content_type=content_type,
                headers=headers,
            )
        )

    def drop_next(
        self, *, method: str | None = None, path_contains: str | None = None, count: int = 1
    ) -> None:
        """Drop the connection mid-response for the next ``count`` matching requests."""
        self._script(
            ScriptedFault(
                kind="drop",
                status=0,
                method=method,
                path_contains=path_contains,
                remaining=count,
            )
        )

    def _script(self, fault: ScriptedFault) -> None:
        if fault.remaining < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._scripted.append(fault)

    def take_scripted(self, method: str, path: str) -> ScriptedFault | None:
        """The first pending fault matching this request, consuming one use of it."""
        with self._lock:
            for fault in self._scripted:
                if fault.matches(method, path):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._scripted.remove(fault)
                    return fault
        return None

    @property
    def pending(self) -> int:
        """How many scripted fault uses are still waiting."""
        with self._lock:
            return sum(fault.remaining for fault in self._scripted)

    # rate limit ------------------------------------------------------------------------------

    def check_rate(self, key: str, now: float | None = None) -> RateDecision | None:
        """Take a token from ``key``'s bucket; ``None`` when no rate limit is set.

        The bucket holds ``max(1, rps)`` tokens and refills at ``rps`` per second.
        """
        rps = self.rate_limit_rps
        if rps is None or rps <= 0:
            return None
        moment = time.monotonic() if now is None else now
        capacity = max(1.0, rps)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(tokens=capacity, updated=moment)
            bucket.tokens = min(capacity, bucket.tokens + (moment - bucket.updated) * rps)
            bucket.updated = moment
            allowed = bucket.tokens >= 1.0
            if allowed:
                bucket.tokens -= 1.0
            wait = 0.0 if bucket.tokens >= 1.0 else (1.0 - bucket.tokens) / rps
            remaining = int(bucket.tokens)
        return RateDecision(
            allowed=allowed,
            limit=math.ceil(capacity),
            remaining=remaining,
            reset_ms=int((time.time() + wait) * 1000),
            retry_after=max(1, math.ceil(wait)) if not allowed else 0,
        )

    # random faults ---------------------------------------------------------------------------

    def random_failure(self) -> int | None:
        """500 or 503 with probability ``fail_rate``, else ``None``."""
        rate = self.fail_rate
        if rate <= 0:
            return None
        with self._lock:
            if self.random.random() >= rate:
                return None
            return self.random.choice((500, 503))

    def _chance(self, rate: float) -> bool:
        """True with probability ``rate`` (never drawing a number when it is 0)."""
        if rate <= 0:
            return False
        with self._lock:
            return self.random.random() < rate

    def random_rate_limited(self) -> bool:
        """Whether to answer this request 429, with probability ``rate_limited_rate``."""
        return self._chance(self.rate_limited_rate)

    def random_drop(self) -> bool:
        return self._chance(self.drop_rate)

    # request log -----------------------------------------------------------------------------

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the requests received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        """Reset to no faults, forget pending scripted faults, buckets and the request log."""
        with self._lock:
            for setting in fields(self):
                setattr(self, setting.name, setting.default)
            self._holding = False
            self._hold_path = None
            self._hold_after = 0
            self._scripted.clear()
            self._requests.clear()
            self._buckets.clear()
