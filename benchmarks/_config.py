"""What a benchmark run is asked for: full or quick, and how many interleaved runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    quick: bool
    runs: int

    def scale(self, full: int, quick: int) -> int:
        return quick if self.quick else full


def interleaved(runs: int, *bodies: Callable[[], None]) -> None:
    """Run each body ``runs`` times, alternating the order each round (ABBA...) so that
    machine noise and warm-up hit every implementation alike."""
    for number in range(runs):
        order = bodies if number % 2 == 0 else tuple(reversed(bodies))
        for body in order:
            body()


def timed(body: Callable[[], object]) -> float:
    started = time.perf_counter()
    body()
    return time.perf_counter() - started
