"""time_limit: stops a regular expression that would not end, and leaves any outer SIGALRM
timer (pytest-timeout's) as it found it."""

from __future__ import annotations

import re
import signal
import threading
import time

import pytest

from orbrowse.listing.time_limit import TooSlow, time_limit

NEVER_ENDS = re.compile(r"(a+)+b$")
LONG_NAME = "long/" + "a" * 300 + ".txt"


def test_a_regular_expression_that_would_not_end_is_stopped_at_the_limit() -> None:
    handler = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    with pytest.raises(TooSlow), time_limit(0.2):
        NEVER_ENDS.search(LONG_NAME)
    assert time.monotonic() - started < 5
    assert signal.getsignal(signal.SIGALRM) is handler


def test_quick_work_ends_untouched_and_an_outer_timer_keeps_its_time() -> None:
    outer = signal.getitimer(signal.ITIMER_REAL)  # pytest-timeout's, set back at the end
    previous = signal.signal(signal.SIGALRM, lambda *_: None)
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        with time_limit(0.5):
            assert NEVER_ENDS.search("aab")
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25 < left <= 30
        # Due before the limit: left alone (seconds apart, so a busy machine cannot let it
        # fire before it is read back).
        signal.setitimer(signal.ITIMER_REAL, 5)
        with time_limit(10.0):
            pass
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 5
    finally:
        signal.signal(signal.SIGALRM, previous)
        signal.setitimer(signal.ITIMER_REAL, *outer)


def test_off_the_main_thread_it_refuses_rather_than_leave_the_block_unbounded() -> None:
    # No signal handler runs off the main thread: the limit would silently not hold there.
    refused: list[RuntimeError] = []

    def bounded() -> None:
        try:
            with time_limit(0.2):
                pass
        except RuntimeError as error:
            refused.append(error)

    thread = threading.Thread(target=bounded)
    thread.start()
    thread.join(30)
    assert not thread.is_alive()
    assert refused and "main thread" in str(refused[0])
