"""SIGHUP during a browser deletion: the SSH session closed, the deletion still ends cleanly.

Without a deletion running, SIGHUP does what it did before (the download part files are
removed, then the process dies of the signal). While one runs, the terminal is swapped for
``/dev/null`` (output) and a silent pipe (input) so Textual neither blocks nor spins on a
dead terminal, every running :class:`~orbrowse.bulk.BulkDelete` is told to send no more, the
requests in flight finish, the files never sent are recorded in the plan as not attempted,
and then the process dies of SIGHUP. ``orbrowse rm --resume`` or the browser finishes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Iterator
from types import FrameType
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # the engine is imported with the first deletion, not at start-up
    from orbrowse.bulk import BulkDelete
    from orbrowse.closing import ClosedOnExit

REASON: Final = "the terminal closed (SIGHUP)"


class Hangup:
    """The deletions running now, and what SIGHUP does to them."""

    def __init__(self) -> None:
        self.jobs: dict[BulkDelete, ClosedOnExit | None] = {}
        self.hung_up = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._previous: object = signal.SIG_DFL

    def install(self) -> None:
        """Take SIGHUP (call after the other SIGHUP handlers: this one chains to them); where
        the platform has none (Windows), nothing."""
        sighup = getattr(signal, "SIGHUP", None)
        if sighup is None:
            return
        self._previous = signal.getsignal(sighup)
        signal.signal(sighup, self._on_signal)

    def _on_signal(self, number: int, frame: FrameType | None) -> None:
        if not self.jobs or self._loop is None:
            self._die(number, frame)
            return
        self.hung_up = True
        _detach_terminal()
        self._loop.call_soon_threadsafe(self._stop_all)

    def _stop_all(self) -> None:
        for job in self.jobs:
            job.stop(REASON)

    @contextlib.contextmanager
    def running(self, job: BulkDelete, record: ClosedOnExit | None = None) -> Iterator[None]:
        """While the block runs, SIGHUP stops ``job``; after it, closes ``record`` and dies."""
        self._loop = asyncio.get_running_loop()
        self.jobs[job] = record
        if self.hung_up:
            job.stop(REASON)
        try:
            yield
        finally:
            self.jobs.pop(job, None)
            if self.hung_up:
                if record is not None:
                    record.close()
                if not self.jobs:
                    self._die(signal.SIGHUP, None)

    def _die(self, number: int, frame: FrameType | None) -> None:
        previous = self._previous
        if callable(previous):
            previous(number, frame)
            return
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)


def _detach_terminal() -> None:
    with contextlib.suppress(OSError):
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        os.close(quiet)
        silent, _keep_open = os.pipe()  # never readable: the input thread just waits
        os.dup2(silent, 0)
        os.close(silent)


HANGUP = Hangup()
"""The process's one registry (the browser installs it in :func:`orbrowse.tui.launch.run_app`)."""
