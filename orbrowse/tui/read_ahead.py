"""How big the next page is and how far ahead of the cursor to fetch: from the cursor's
measured speed and the measured round trip of a page.

Cursor pagination allows one page in flight at a time, so the listing delivers at most
``page size / round trip`` rows a second. Pages therefore grow (up to the API's 1,000) while
the cursor moves faster than that, and the margin of loaded rows kept below the cursor covers
the rows it passes during two round trips. An idle cursor keeps the configured page size, so
the first page (and the first paint) stays small.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

MAX_PAGE = 1000
WINDOW = 1.0
"""Seconds of cursor movement the speed is measured over."""
MIN_SPAN = 0.1
"""A burst shorter than this is measured as if it took this long (two quick presses are not
a speed of thousands of rows a second)."""
PAGE_HEADROOM = 3.0
"""Pages deliver this many times the cursor's speed."""
MARGIN_ROUND_TRIPS = 2.0
"""Rows kept below the cursor: what it passes in this many round trips."""
BURST = 1000.0
"""Rows a second a held key can move the cursor before its speed is measured (PageDown at
30 a second on a 36-row page): even an idle cursor keeps what it passes in one round trip."""


class ReadAhead:
    """Page size and fetch margin for one listing."""

    def __init__(
        self,
        *,
        base_page: int,
        base_margin: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_page = base_page
        self.base_margin = base_margin
        self._clock = clock
        self._moves: deque[tuple[float, int]] = deque()
        self.round_trip: float | None = None
        """Seconds one page takes, request to body (the latest measured)."""

    def cursor_at(self, row: int) -> None:
        """The cursor (or a move waiting for rows) is at ``row`` now."""
        now = self._clock()
        self._moves.append((now, row))
        self._forget(now)

    def page_took(self, seconds: float) -> None:
        self.round_trip = seconds

    @property
    def speed(self) -> float:
        """Rows a second the cursor moved forward over the last WINDOW seconds."""
        now = self._clock()
        self._forget(now)
        if len(self._moves) < 2:
            return 0.0
        first_time, first_row = self._moves[0]
        last_time, last_row = self._moves[-1]
        return max(0, last_row - first_row) / max(last_time - first_time, MIN_SPAN)

    def page_size(self) -> int:
        """The size for the next request: the configured one, larger while the cursor runs."""
        wanted = self.speed * (self.round_trip or 0.0) * PAGE_HEADROOM
        rounded = math.ceil(wanted / 100) * 100
        return max(self.base_page, min(MAX_PAGE, rounded))

    def margin(self) -> int:
        """Loaded rows to keep below the cursor before asking for more."""
        round_trip = self.round_trip or 0.0
        ahead = self.speed * round_trip * MARGIN_ROUND_TRIPS
        burst = BURST * round_trip
        return max(self.base_margin, math.ceil(max(ahead, burst)) + self.page_size())

    def _forget(self, now: float) -> None:
        moves = self._moves
        while moves and moves[0][0] < now - WINDOW:
            moves.popleft()
