"""Pacing by the server's rate limit: what ``X-RateLimit-*`` and ``Retry-After`` say.

One :class:`RateLimiter` per key (a client and the clients it makes for other workspaces
share it). Every attempt waits for its turn (:meth:`RateLimiter.wait`) and every answer is
shown to it (:meth:`RateLimiter.observe`):

- a 429 (or any answer with ``X-RateLimit-Remaining: 0``) holds every request until the
  moment ``X-RateLimit-Reset`` names (epoch milliseconds), or else until ``Retry-After``;
- after a 429, requests are spaced ``1 / X-RateLimit-Limit`` seconds apart for a while, the
  rate the limit refills at, so the bucket is used as it refills instead of being hit,
  refused and waited out a whole second at a time.

Without those headers nothing waits: the retry policy's back-off applies as before.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping

from orbrowse.api.errors import parse_retry_after

PACE_FOR = 10.0
"""Seconds after the last 429 (or the end of the hold it asked for) during which requests
stay spaced at the limit's rate."""
MAX_HOLD = 60.0
"""A reset further away than this is not trusted (a clock far off, a hostile header)."""
PACED_RETRIES = 3
"""Attempts of one request that rely on the server's hint alone; later retries of that
request also wait the retry policy's back-off (a hint that keeps failing is not trusted)."""


class RateLimiter:
    """Holds and spaces requests as the server's rate-limit headers ask."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._clock = clock
        self._wall_clock = wall_clock
        self._resume_at = 0.0
        self._interval = 0.0
        self._pace_until = 0.0
        self._next_slot = 0.0
        self._hinted = False
        """Whether the last 429 said when to come back."""

    @property
    def holding(self) -> bool:
        """Whether requests are held now (a 429 or ``X-RateLimit-Remaining: 0`` said wait)."""
        return self._clock() < self._resume_at

    async def wait(self) -> None:
        """Wait until a request may go."""
        while True:
            now = self._clock()
            if now < self._resume_at:
                await asyncio.sleep(self._resume_at - now)
                continue
            if now >= self._pace_until or self._interval <= 0:
                return
            slot = max(now, self._next_slot)
            self._next_slot = slot + self._interval
            if slot > now:
                await asyncio.sleep(slot - now)
            return

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Learn from one answer's status and headers."""
        limited = status == 429
        remaining = _number(headers.get("x-ratelimit-remaining"))
        if not limited and remaining != 0:
            return
        now = self._clock()
        until = self._reset_at(headers, now)
        if until is None and limited:
            retry_after = parse_retry_after(headers)
            until = None if retry_after is None else now + min(retry_after, MAX_HOLD)
        if limited:
            self._hinted = until is not None
        if until is not None and until > self._resume_at:
            self._resume_at = until
            self._next_slot = max(self._next_slot, until)
        limit = _number(headers.get("x-ratelimit-limit"))
        if limited and limit is not None and limit > 0:
            self._interval = 1.0 / limit
            # Counted from the end of the hold: a burst at the reset would be refused again.
            self._pace_until = max(now, self._resume_at) + PACE_FOR

    def retry_delay(self, policy_delay: float, attempt: int) -> float:
        """The extra wait before retrying a 429 after ``attempt`` attempts: none while the
        server says when to come back (:meth:`wait` waits for that), else the policy's."""
        return 0.0 if self._hinted and attempt < PACED_RETRIES else policy_delay

    def _reset_at(self, headers: Mapping[str, str], now: float) -> float | None:
        reset = _number(headers.get("x-ratelimit-reset"))
        if reset is None:
            return None
        seconds = reset / 1000 - self._wall_clock()
        if not 0 <= seconds <= MAX_HOLD:
            return now if -MAX_HOLD <= seconds < 0 else None
        return now + seconds


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number else None  # NaN is no number
