"""Run the browser app for settings the command line prepared (``orbrowse``, ``--demo``).

The first page's request goes out before Textual is imported, and the terminal is asked about
images (a round trip to it, over SSH a round trip on the network) while the request travels:
Textual's import, the app's mount and its first frames then overlap the server's answer. So
this module imports Textual only in :func:`run_app`, after the request is on the wire.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from orbrowse.api.errors import OpenRouterError
from orbrowse.api.partfile import install_signal_cleanup
from orbrowse.config import Settings
from orbrowse.connect import client_for
from orbrowse.debug_log import DebugLog
from orbrowse.deletion_log import DeletionLog
from orbrowse.preview.detect import Graphics, ImagesMode, choose, detect
from orbrowse.tui.hangup import HANGUP
from orbrowse.tui.interrupt import Interrupted, sigint_exits

if TYPE_CHECKING:
    from textual.app import App

    from orbrowse.api.client import FilesClient, RequestObserver
    from orbrowse.tui.base import EarlyListing


def run_app(
    settings: Settings,
    *,
    debug_log: DebugLog | None = None,
    deletion_log: DeletionLog | None = None,
) -> int:
    """Run the app in this terminal until it exits; its exit code."""
    observer = debug_log.record if debug_log is not None else None
    with asyncio.Runner() as runner:
        client, early, graphics, typed = runner.run(before_textual(settings, observer, os.environ))
        # Only now, with the first page's request on the wire: Textual's import is the
        # largest part of the start-up (benchmarks/profile_speed.py startup).
        from orbrowse.tui.app import build_app

        if early is not None:  # its answer may have come during the import: read it now
            runner.run(early[2].settle())
        app = build_app(
            settings,
            observer=observer,
            deletion_log=deletion_log,
            graphics=graphics,
            client=client,
            early_listing=early,
            typed_ahead=typed,
        )
        if debug_log is not None:
            # Once, when it stops: the requests go on, unrecorded (a full disk, …).
            debug_log.on_stop = lambda error: app.notify(
                error[0].upper() + error[1:],
                title="Debug log stopped",
                severity="warning",
                markup=False,
                timeout=10,
            )
            if debug_log.error is not None:  # it stopped on the first request, before the app
                debug_log.on_stop(debug_log.error)
        with signal_hooks(runner.get_loop(), app) as interrupted:
            result = runner.run(app.run_async())
    if interrupted.seen:  # the terminal is restored: cli.main says so, exit code 130
        raise KeyboardInterrupt
    if app.return_code:
        return app.return_code
    return result if isinstance(result, int) else 0


@contextlib.contextmanager
def signal_hooks(loop: asyncio.AbstractEventLoop, app: App[Any]) -> Iterator[Interrupted]:
    """The browser's signals while ``app`` runs on ``loop``: SIGTERM and SIGHUP remove the
    download part files, SIGHUP during a deletion lets the requests in flight finish, SIGINT
    ends the app (:func:`~orbrowse.tui.interrupt.sigint_exits`)."""
    install_signal_cleanup()  # SIGTERM/SIGHUP: no download part file left behind
    HANGUP.install()  # SIGHUP during a deletion: finish the requests in flight first
    with sigint_exits(loop, app) as interrupted:
        yield interrupted


async def before_textual(
    settings: Settings, observer: RequestObserver | None, env: Mapping[str, str]
) -> tuple[FilesClient | None, EarlyListing | None, Graphics, str]:
    """The client, the first page's request (when the settings name a workspace), the
    image protocol and the keys typed while the terminal was asked (the app handles them):
    the terminal is asked in a thread while the loop sends the request, and
    this returns once the request's bytes are written (at most ``WIRE_WAIT`` after the
    terminal answered). Without a usable key, no client: the app says why."""
    client: FilesClient | None = None
    early: EarlyListing | None = None
    if settings.api_key:
        try:
            client = client_for(settings, observer=observer)
        except OpenRouterError:
            client = None  # the app makes it again, and shows the error
    if client is not None and settings.workspace:
        workspace_client = client.with_workspace(settings.workspace)
        pager = workspace_client.pager(limit=settings.page_size)
        pager.prefetch()
        early = (settings.workspace, workspace_client, pager)
    typed: list[str] = []
    graphics = await asyncio.to_thread(terminal_graphics, settings.images, env, typed)
    if early is not None:
        await early[2].prefetch_sent(written=True)
    return client, early, graphics, "".join(typed)


def terminal_graphics(
    mode: ImagesMode, env: Mapping[str, str], typed: list[str] | None = None
) -> Graphics:
    """The image protocol: the controlling terminal is asked (in ``auto``) and its cell size
    read before Textual starts reading from it; keys typed meanwhile go to ``typed``."""
    if sys.platform != "win32" and sys.stdin.isatty() and sys.stdout.isatty():
        try:
            fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
        except OSError:
            return choose(mode, env, lambda: None)
        try:
            return detect(mode, env, fd, typed)
        finally:
            os.close(fd)
    return choose(mode, env, lambda: None)
