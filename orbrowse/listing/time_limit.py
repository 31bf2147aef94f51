"""A time limit on work done on the main thread that may not end: a regular expression can
take exponential time on a long name (``re:(a+)+b$`` on a server's name of 300 a's), and
the browser's filter runs it as you type. CPython's ``re`` checks for signals while it
matches, so a SIGALRM timer stops it (measured: ``(a+)+b$`` stopped 0.2 s in, as asked)."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType


class TooSlow(Exception):
    """The block ran past its time limit and was stopped there."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`TooSlow` in the block once it has run ``seconds``.

    A SIGALRM timer already set (pytest-timeout's) is set again afterwards for what is left
    of it; one due sooner than ``seconds`` is left alone, the block then unbounded, as it is
    without SIGALRM (Windows). Off the main thread, where no signal handler runs, it raises
    :class:`RuntimeError` rather than leave the block unbounded without a word.
    """
    if not hasattr(signal, "setitimer"):
        yield
        return
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("time_limit works on the main thread only (SIGALRM is handled there)")
    outer, interval = signal.getitimer(signal.ITIMER_REAL)
    if 0 < outer <= seconds:
        yield
        return
    running = True

    def expired(number: int, frame: FrameType | None) -> None:
        if running:  # not once the block is over (a signal already on its way)
            raise TooSlow

    previous = signal.signal(signal.SIGALRM, expired)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        running = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
        if outer:
            left = outer - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), interval)
