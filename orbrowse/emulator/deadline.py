"""Waiting until a moment of ``time.monotonic()``, as closely as the machine wakes a thread
(0.09–0.12 ms late here, as ``time.sleep`` is: ``benchmarks/bench_emulator.py timers``): the
emulated latency's deadlines.

The event loops' own timers count whole milliseconds (asyncio rounds epoll's timeout up to the
next one; uvloop's clock is libuv's, in milliseconds), so an answer held with ``asyncio.sleep``
left later than the latency asked for, and answers due in the same millisecond left together
(``bench_emulator.py timers``; ``trace_deletes.py``'s "deadline to answer let go"). On Linux
one timerfd per event loop, armed for the earliest deadline waiting, wakes the loop at that
moment instead (through libc). Elsewhere, or when the timerfd cannot be made, it is
``asyncio.sleep`` as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import heapq
import itertools
import os
import sys
import time
import weakref

_CLOCK_MONOTONIC = 1  # time.monotonic()'s clock on Linux
_TFD_NONBLOCK = os.O_NONBLOCK
_TFD_CLOEXEC = 0o2000000
_TFD_TIMER_ABSTIME = 1


class _Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


class _Itimerspec(ctypes.Structure):
    _fields_ = [("it_interval", _Timespec), ("it_value", _Timespec)]


class _LibcTimerFd:
    """``timerfd_create`` and ``timerfd_settime`` from libc (``os`` has them from Python 3.13
    only)."""

    def __init__(self) -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self._create = libc.timerfd_create
        self._create.argtypes = [ctypes.c_int, ctypes.c_int]
        self._create.restype = ctypes.c_int
        self._settime = libc.timerfd_settime
        self._settime.argtypes = [
            ctypes.c_int,
            ctypes.c_int,
            ctypes.POINTER(_Itimerspec),
            ctypes.c_void_p,
        ]
        self._settime.restype = ctypes.c_int

    def create(self) -> int:
        fd = int(self._create(_CLOCK_MONOTONIC, _TFD_NONBLOCK | _TFD_CLOEXEC))
        if fd < 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error))
        return fd

    def arm(self, fd: int, when: float) -> None:
        seconds = int(when)
        value = _Timespec(seconds, int((when - seconds) * 1e9))
        spec = _Itimerspec(_Timespec(0, 0), value)
        if self._settime(fd, _TFD_TIMER_ABSTIME, ctypes.byref(spec), None) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error))


def _timerfd_calls() -> _LibcTimerFd | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return _LibcTimerFd()
    except (OSError, AttributeError):  # no libc found, or one without timerfd
        return None


class _Deadlines:
    """One event loop's timerfd and the waits on it, the earliest deadline first."""

    def __init__(self, loop: asyncio.AbstractEventLoop, calls: _LibcTimerFd) -> None:
        self._calls = calls
        self._fd = calls.create()
        # Closed with this object, which lives as long as its loop: it holds no reference to
        # the loop (only the loop's reader callback holds it), so the loop can be collected.
        weakref.finalize(self, os.close, self._fd)
        self._waiting: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()  # equal deadlines: first come, first woken
        self._armed_for: float | None = None
        loop.add_reader(self._fd, self._fired)

    async def wait_until(self, deadline: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (deadline, next(self._order), future))
        if self._armed_for is None or deadline < self._armed_for:
            self._arm(deadline)
        await future

    def _arm(self, deadline: float) -> None:
        self._calls.arm(self._fd, deadline)
        self._armed_for = deadline

    def _fired(self) -> None:
        # The count of expiries, read so the fd is quiet again (none: re-armed since it fired).
        with contextlib.suppress(BlockingIOError):
            os.read(self._fd, 8)
        now = time.monotonic()
        waiting = self._waiting
        while waiting and waiting[0][0] <= now:
            future = heapq.heappop(waiting)[2]
            if not future.done():  # cancelled: the request's task is gone
                future.set_result(None)
        self._armed_for = None
        if waiting:
            self._arm(waiting[0][0])


_CALLS = _timerfd_calls()
_per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Deadlines | None] = (
    weakref.WeakKeyDictionary()
)


def _deadlines(loop: asyncio.AbstractEventLoop) -> _Deadlines | None:
    try:
        return _per_loop[loop]
    except KeyError:
        pass
    deadlines = None
    if _CALLS is not None:
        try:
            deadlines = _Deadlines(loop, _CALLS)
        except (OSError, NotImplementedError):  # out of fds; a loop without add_reader
            deadlines = None
    _per_loop[loop] = deadlines
    return deadlines


async def wait_until(deadline: float) -> None:
    """Return at ``deadline`` (``time.monotonic()``), never before it."""
    if deadline <= time.monotonic():
        return
    deadlines = _deadlines(asyncio.get_running_loop())
    if deadlines is not None:
        await deadlines.wait_until(deadline)
    # Also after the timerfd: a clock that disagreed would show here, never as an early answer.
    await sleep_until(deadline)


async def sleep_until(deadline: float) -> None:
    """The same with the loop's own timers (late by up to a millisecond and more)."""
    # The clock, not the loop's: uvloop's loop.time() counts whole milliseconds.
    while (left := deadline - time.monotonic()) > 0:  # noqa: ASYNC110 (a clock)
        await asyncio.sleep(left)
