"""SIGINT from outside while the browser runs (``kill -INT``): it ends as a Ctrl+C typed at
start-up does ("orbrowse: interrupted", exit code 130), the terminal given back first.

Once Textual has the terminal a typed Ctrl+C is a key (the app's quit), so SIGINT comes only
from another process. Left to asyncio's runner it cancelled the app's task wherever it was:
while Textual mounted, that ended in Textual's error screen and a traceback. Here the signal
asks the app to exit, and not at once: after the callbacks already queued, or a widget
mounting then (the header's title) meets a screen already taken down (``NoMatches``, the
same error screen). The caller raises :class:`KeyboardInterrupt` once the app has restored
the terminal.

A second SIGINT before the app has ended ends the process there and then, as asyncio's own
runner does with a second Ctrl+C: the event loop may be stuck (a hang in Python code or in C)
and never run the first one's callback. The terminal is set back as Textual's driver sets it
back, "orbrowse: interrupted" is written, the download part files are removed and the
process exits with 130.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import TYPE_CHECKING, Any, Final, NoReturn

from orbrowse.api.partfile import remove_live_parts
from orbrowse.commands.exit_codes import ExitCode

if TYPE_CHECKING:
    from textual.app import App

RESET: Final = (
    b"\x1b[?2026l"  # a synchronised frame left open ends
    b"\x1b[?2004l\x1b[?7h\x1b[?2048l"  # bracketed paste off, line wrap on, in-band resize off
    b"\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?1016l"  # mouse reports off
    b"\x1b[<u"  # the kitty keyboard mode popped (before leaving the alternate screen)
    b"\x1b[?1049l\x1b[?25h\x1b[?1004l"  # main screen, cursor shown, focus reports off
)
"""What Textual's Linux driver writes when it stops (``stop_application_mode``): the modes
it set at start, set back."""

MESSAGE: Final = b"orbrowse: interrupted\n"

WATCHED: Final = os.name == "posix"
"""Whether a thread watches for SIGINT (:func:`_watching`), else the Python handler acts."""


class Interrupted:
    """Whether a SIGINT came while the block ran."""

    def __init__(self) -> None:
        self.seen = False


@contextlib.contextmanager
def sigint_exits(loop: asyncio.AbstractEventLoop, app: App[Any]) -> Iterator[Interrupted]:
    """While the block runs ``app`` on ``loop``, SIGINT makes it exit with code 130; a second
    SIGINT ends the process at once (:func:`_end_now`)."""
    interrupted = Interrupted()
    terminal = _Terminal()
    count = 0

    def on_sigint() -> None:
        interrupted.seen = True
        app.call_after_refresh(app.exit, return_code=ExitCode.INTERRUPTED)

    def counted() -> None:
        nonlocal count
        count += 1
        if count > 1:
            _end_now(terminal)
        with contextlib.suppress(RuntimeError):  # the loop is closed: the run is over
            loop.call_soon_threadsafe(on_sigint)

    with contextlib.ExitStack() as hooks:
        with contextlib.suppress(ValueError):  # not the main thread: Textual's Ctrl+C key only
            hooks.enter_context(_hooked(counted))
        yield interrupted


@contextlib.contextmanager
def _hooked(on_sigint: Callable[[], None]) -> Iterator[None]:
    """While the block runs, ``on_sigint`` is called once for each SIGINT."""
    with _watching(on_sigint) as watched:
        previous = signal.signal(signal.SIGINT, _ignore if watched else lambda *_: on_sigint())
        try:
            yield
        finally:
            if previous is not None:  # None: a handler not set from Python
                signal.signal(signal.SIGINT, previous)


def _ignore(number: int, frame: FrameType | None) -> None:
    """The Python handler of a watched SIGINT: the watcher thread has acted on it already."""


@contextlib.contextmanager
def _watching(on_sigint: Callable[[], None]) -> Iterator[bool]:
    """While the block runs, a thread calls ``on_sigint`` for each SIGINT; ``False`` where
    this cannot be (then the caller's Python handler must).

    A Python signal handler runs in the main thread between two bytecodes, so not while the
    main thread is stuck in C (a blocking call that retries on EINTR, a C library's lock). The
    C part of the handler runs whatever the main thread does and writes the signal's number
    to the wakeup fd (``signal.set_wakeup_fd``, which asyncio takes only for
    ``add_signal_handler``, not used here): this thread, blocked reading it, wakes and can act
    as long as the stuck code does not hold the GIL. Windows' proactor loop holds the wakeup
    fd to wake on Ctrl+C, and nothing is tested there: the Python handler acts instead.
    """
    if not WATCHED:
        yield False
        return
    reader, writer = socket.socketpair()
    writer.setblocking(False)  # set_wakeup_fd writes from a signal handler: it never blocks
    try:
        previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    except ValueError:  # not the main thread
        reader.close()
        writer.close()
        raise
    watcher = threading.Thread(
        target=_watch, args=(reader, on_sigint), name="orbrowse-sigint", daemon=True
    )
    watcher.start()
    try:
        yield True
    finally:
        signal.set_wakeup_fd(previous)
        writer.close()  # the watcher reads the end and stops
        watcher.join(timeout=5)
        reader.close()


def _watch(reader: socket.socket, on_sigint: Callable[[], None]) -> None:
    while True:
        try:
            numbers = reader.recv(512)
        except OSError:
            return
        if not numbers:
            return
        for number in numbers:  # other handled signals write theirs (SIGWINCH, SIGTERM…)
            if number == signal.SIGINT:
                on_sigint()


class _Terminal:
    """The terminal's settings before Textual took it, to be set back by :func:`_end_now`."""

    def __init__(self) -> None:
        self.input = -1
        self.output = -1
        self.attributes: list[Any] | None = None
        stdin, stderr = sys.__stdin__, sys.__stderr__
        if sys.platform == "win32" or stdin is None or stderr is None:
            return
        import termios

        with contextlib.suppress(OSError, ValueError, termios.error):
            if os.isatty(stderr.fileno()):  # where Textual writes
                self.output = stderr.fileno()
            if os.isatty(stdin.fileno()):
                self.input = stdin.fileno()
                self.attributes = termios.tcgetattr(self.input)

    def restore(self) -> None:
        if self.output >= 0:
            with contextlib.suppress(OSError):
                os.write(self.output, RESET)
        if sys.platform != "win32" and self.attributes is not None:
            import termios

            with contextlib.suppress(OSError, termios.error):
                termios.tcsetattr(self.input, termios.TCSANOW, self.attributes)
                termios.tcflush(self.input, termios.TCIFLUSH)  # mouse reports typed meanwhile


def _end_now(terminal: _Terminal) -> NoReturn:
    """End the process now from any thread, the event loop possibly stuck: the terminal set
    back, the message written, the part files removed, exit code 130. Only ``os`` calls
    (Python's buffered streams may be locked by the stuck thread), then ``os._exit``."""
    terminal.restore()
    remove_live_parts()
    with contextlib.suppress(OSError):
        os.write(2, MESSAGE)
    os._exit(ExitCode.INTERRUPTED)
