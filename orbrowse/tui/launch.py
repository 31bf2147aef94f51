"""Run the browser app for settings the command line prepared (``orbrowse``, ``--demo``)."""

from __future__ import annotations

from orbrowse.api.client import RequestObserver
from orbrowse.api.partfile import install_signal_cleanup
from orbrowse.config import Settings
from orbrowse.deletion_log import DeletionLog
from orbrowse.tui.app import build_app
from orbrowse.tui.hangup import HANGUP


def run_app(
    settings: Settings,
    *,
    observer: RequestObserver | None = None,
    deletion_log: DeletionLog | None = None,
) -> int:
    """Run the app in this terminal until it exits; its exit code."""
    app = build_app(settings, observer=observer, deletion_log=deletion_log)
    install_signal_cleanup()  # SIGTERM/SIGHUP: no download part file left behind
    HANGUP.install()  # SIGHUP during a deletion: finish the requests in flight first
    result = app.run()
    if app.return_code:
        return app.return_code
    return result if isinstance(result, int) else 0
