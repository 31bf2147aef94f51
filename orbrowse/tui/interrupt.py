"""SIGINT from outside while the browser runs (``kill -INT``): it ends as a Ctrl+C typed at
start-up does ("orbrowse: interrupted", exit code 130), the terminal given back first.

Once Textual has the terminal a typed Ctrl+C is a key (the app's quit), so SIGINT comes only
from another process. Left to asyncio's runner it cancelled the app's task wherever it was:
while Textual mounted, that ended in Textual's error screen and a traceback. Here the signal
asks the app to exit, and not at once: after the callbacks already queued, or a widget
mounting then (the header's title) meets a screen already taken down (``NoMatches``, the
same error screen). The caller raises :class:`KeyboardInterrupt` once the app has restored
the terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from orbrowse.commands.exit_codes import ExitCode

if TYPE_CHECKING:
    from textual.app import App


class Interrupted:
    """Whether a SIGINT came while the block ran."""

    def __init__(self) -> None:
        self.seen = False


@contextlib.contextmanager
def sigint_exits(loop: asyncio.AbstractEventLoop, app: App[Any]) -> Iterator[Interrupted]:
    """While the block runs ``app`` on ``loop``, SIGINT makes it exit with code 130."""
    interrupted = Interrupted()

    def on_sigint() -> None:
        interrupted.seen = True
        app.call_after_refresh(app.exit, return_code=ExitCode.INTERRUPTED)

    loop.add_signal_handler(signal.SIGINT, on_sigint)
    try:
        yield interrupted
    finally:
        loop.remove_signal_handler(signal.SIGINT)
