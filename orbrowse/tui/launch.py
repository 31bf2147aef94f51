"""Run the browser app for settings the command line prepared (``orbrowse``, ``--demo``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from orbrowse.api.partfile import install_signal_cleanup
from orbrowse.config import Settings
from orbrowse.debug_log import DebugLog
from orbrowse.deletion_log import DeletionLog
from orbrowse.preview.detect import Graphics, ImagesMode, choose, detect
from orbrowse.tui.app import build_app
from orbrowse.tui.hangup import HANGUP


def run_app(
    settings: Settings,
    *,
    debug_log: DebugLog | None = None,
    deletion_log: DeletionLog | None = None,
) -> int:
    """Run the app in this terminal until it exits; its exit code."""
    observer = debug_log.record if debug_log is not None else None
    graphics = terminal_graphics(settings.images, os.environ)
    app = build_app(settings, observer=observer, deletion_log=deletion_log, graphics=graphics)
    if debug_log is not None:
        # Once, when it stops: the requests go on, unrecorded (a full disk, …).
        debug_log.on_stop = lambda error: app.notify(
            error[0].upper() + error[1:],
            title="Debug log stopped",
            severity="warning",
            markup=False,
            timeout=10,
        )
    install_signal_cleanup()  # SIGTERM/SIGHUP: no download part file left behind
    HANGUP.install()  # SIGHUP during a deletion: finish the requests in flight first
    result = app.run()
    if app.return_code:
        return app.return_code
    return result if isinstance(result, int) else 0


def terminal_graphics(mode: ImagesMode, env: Mapping[str, str]) -> Graphics:
    """The image protocol: the controlling terminal is asked (in ``auto``) and its cell size
    read before Textual starts reading from it."""
    if sys.platform != "win32" and sys.stdin.isatty() and sys.stdout.isatty():
        try:
            fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
        except OSError:
            return choose(mode, env, lambda: None)
        try:
            return detect(mode, env, fd)
        finally:
            os.close(fd)
    return choose(mode, env, lambda: None)
