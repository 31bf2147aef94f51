"""Pacing by the rate-limit headers: holds until the reset, spaces requests at the limit."""

from __future__ import annotations

import pytest

from orbrowse.api import pacing
from orbrowse.api.pacing import RateLimiter


class Clocks:
    """A monotonic and a wall clock that only move when the limiter sleeps."""

    def __init__(self) -> None:
        self.mono = 50.0
        self.wall = 1_800_000_000.0
        self.slept: list[float] = []

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.wall += seconds

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.advance(seconds)


@pytest.fixture
def clocks(monkeypatch: pytest.MonkeyPatch) -> Clocks:
    fake = Clocks()
    monkeypatch.setattr(pacing.asyncio, "sleep", fake.sleep)
    return fake


def limiter_for(clocks: Clocks) -> RateLimiter:
    return RateLimiter(clock=lambda: clocks.mono, wall_clock=lambda: clocks.wall)


def limited(clocks: Clocks, *, reset_in: float, limit: int = 50) -> dict[str, str]:
    return {
        "retry-after": "1",
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": str(int((clocks.wall + reset_in) * 1000)),
    }


async def test_nothing_waits_without_rate_limit_headers(clocks: Clocks) -> None:
    limiter = limiter_for(clocks)
    limiter.observe(200, {})
    limiter.observe(503, {"retry-after": "1"})
    for _ in range(5):
        await limiter.wait()
    assert clocks.slept == []
    assert limiter.retry_delay(0.7, 1) == 0.7


async def test_a_429_holds_until_the_reset_not_a_whole_second(clocks: Clocks) -> None:
    limiter = limiter_for(clocks)
    limiter.observe(429, limited(clocks, reset_in=0.02))
    assert limiter.retry_delay(1.1, 1) == 0.0  # the policy's whole second is not slept
    await limiter.wait()
    assert clocks.slept == [pytest.approx(0.02, abs=0.002)]


async def test_after_a_429_requests_are_spaced_at_the_limits_rate(clocks: Clocks) -> None:
    limiter = limiter_for(clocks)
    limiter.observe(429, limited(clocks, reset_in=0.0))
    started = clocks.mono
    for _ in range(10):
        await limiter.wait()
    # 50 a second: one every 20 ms (the first one at once).
    assert clocks.mono - started == pytest.approx(9 * 0.02, abs=0.001)
    clocks.advance(pacing.PACE_FOR + 1)
    clocks.slept.clear()
    for _ in range(5):
        await limiter.wait()
    assert clocks.slept == []  # long after the last 429, no more spacing


async def test_retry_after_alone_is_honoured_to_the_fraction(clocks: Clocks) -> None:
    limiter = limiter_for(clocks)
    limiter.observe(429, {"retry-after": "0.25"})
    assert limiter.retry_delay(1.0, 1) == 0.0
    await limiter.wait()
    assert clocks.slept == [0.25]


async def test_bad_or_far_resets_are_not_trusted(clocks: Clocks) -> None:
    limiter = limiter_for(clocks)
    hostile = limited(clocks, reset_in=10_000)
    hostile.pop("retry-after")
    limiter.observe(429, hostile)
    limiter.observe(429, {"x-ratelimit-reset": "soon", "x-ratelimit-limit": "nan"})
    assert limiter.retry_delay(0.5, 1) == 0.5  # no hint: the policy's back-off
    await limiter.wait()
    assert clocks.slept == []


async def test_a_hint_that_keeps_failing_falls_back_to_the_policy(clocks: Clocks) -> None:
    limiter = limiter_for(clocks)
    limiter.observe(429, limited(clocks, reset_in=0.01))
    assert limiter.retry_delay(0.8, 1) == 0.0
    assert limiter.retry_delay(0.8, pacing.PACED_RETRIES) == 0.8


async def test_requests_stay_spaced_after_a_hold_longer_than_the_pacing_window(
    clocks: Clocks,
) -> None:
    limiter = limiter_for(clocks)
    hold = pacing.PACE_FOR + 5  # the limit refills later than the pacing window lasts
    limiter.observe(429, limited(clocks, reset_in=hold))
    started = clocks.mono
    for _ in range(10):
        await limiter.wait()
    # Everyone waits for the reset, then goes one every 20 ms: no burst into the refilled bucket.
    assert clocks.mono - started == pytest.approx(hold + 9 * 0.02, abs=0.002)
