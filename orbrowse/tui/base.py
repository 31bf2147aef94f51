"""What the screens may use of the app: the settings, the one client, the clock, the
clipboard, the deletion log, and remembering a workspace.

The screens reach it with ``getters.app(OrbrowseBase)``; :mod:`orbrowse.tui.app` builds on it
and is the one module that knows the screens, so no screen imports the module that imports it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from rich.color import ColorSystem
from textual.app import App, InvalidThemeError
from textual.content import Content

from orbrowse.api.client import FilesClient, RequestObserver
from orbrowse.api.errors import OpenRouterError, describe
from orbrowse.api.models import Workspace
from orbrowse.api.pager import Pager
from orbrowse.api.retry import RetryPolicy
from orbrowse.clipboard import Clipboard, CopyResult
from orbrowse.config import Settings, WorkspaceStyle, remember_workspace, set_workspace_style
from orbrowse.connect import client_for
from orbrowse.deletion_log import DeletionLog
from orbrowse.listing.formatting import Clock, utc_now
from orbrowse.listing.workspace_label import WorkspaceLabel
from orbrowse.preview.detect import HALF_BLOCKS, Graphics
from orbrowse.tui import escape_keys
from orbrowse.tui.themes import LEFT_OUT


@dataclass(frozen=True, slots=True)
class WorkspaceChoice:
    """A workspace the user can open. ``id`` None means "the key's own workspace"."""

    id: str | None
    name: str
    slug: str = ""
    source: str = ""

    @classmethod
    def of(cls, workspace: Workspace, source: str = "") -> WorkspaceChoice:
        return cls(workspace.id, workspace.name, workspace.slug, source)


EarlyListing = tuple[str, FilesClient, Pager]
"""The first page's request: the workspace, its client and the pager that asked."""


class OrbrowseBase(App[int]):
    """The app's state and services; :class:`orbrowse.tui.app.OrbrowseApp` adds the screens."""

    def __init__(
        self,
        settings: Settings,
        *,
        env: Mapping[str, str] | None = None,
        clock: Clock = utc_now,
        deletion_log: DeletionLog | None = None,
        observer: RequestObserver | None = None,
        download_dir: Path | None = None,
        remember: bool = True,
        retry: RetryPolicy | None = None,
        graphics: Graphics = HALF_BLOCKS,
        client: FilesClient | None = None,
        early_listing: EarlyListing | None = None,
        typed_ahead: str = "",
    ) -> None:
        super().__init__()
        escape_keys.install()
        self.settings = settings
        self.graphics = graphics
        """How images are drawn: chosen before the app starts (``tui/launch.py``)."""
        if graphics.protocol == "kitty":
            # Kitty placeholders name their image by a 24-bit colour, which a 256-colour
            # console would round away (Rich picks 256 for TERM=xterm-kitty without COLORTERM,
            # as over SSH); a terminal that speaks Kitty graphics draws truecolor.
            self.console._color_system = ColorSystem.TRUECOLOR
        self._after_frame: dict[object, str] = {}
        self.clock = clock
        self.env = dict(os.environ if env is None else env)
        self.deletion_log = deletion_log or DeletionLog()
        self.download_dir = download_dir or Path.cwd()
        self.remember = remember
        self.client: FilesClient | None = client
        """Made from the settings, unless the launcher made it (with the first request)."""
        self.early_listing = early_listing
        """The first page of ``settings.workspace``, asked for before the app started (by
        ``tui/launch.py``) or in ``on_load``."""
        self.typed_ahead = typed_ahead
        """Keys typed before Textual read the terminal (read with its replies to the image
        query, ``tui/launch.py``): handled once the app has mounted, as if typed then."""
        self.startup_error: str | None = None
        if client is None and settings.api_key:
            try:
                self.client = client_for(settings, observer=observer, retry=retry)
            except OpenRouterError as error:
                self.startup_error = describe(error)
        self.clipboard_service = Clipboard(
            settings.clipboard, write_osc=self._write_osc, env=self.env
        )
        self._copy_lock = asyncio.Lock()
        self._remove_at_exit: list[Path] = []
        self.workspace: WorkspaceChoice | None = None
        self.key_refused = False
        """The server refused the key before anything was listed (the exit code says so)."""
        for name in LEFT_OUT:
            self.unregister_theme(name)
        try:
            self.theme = settings.theme
        except InvalidThemeError:  # an unknown theme name in the config must not stop the app
            self.theme = "textual-dark"

    def format_title(self, title: str, sub_title: str) -> Content:
        # Textual dims the sub-title: 2.6 to 4.4:1 on most themes, textual-light's included.
        if not sub_title:
            return Content(title)
        return Content.assemble(title, " — ", Content(sub_title).stylize("italic"))

    def _recent_name(self, workspace_id: str) -> str:
        for recent in self.settings.recent_workspaces:
            if recent.id.lower() == workspace_id.lower():
                return recent.name
        return ""

    def is_read_only(self, choice: WorkspaceChoice) -> bool:
        """Whether writes are off in ``choice``: ``--read-only``, the config, or a workspace
        whose id is unknown (the key could not be asked) while the config names any."""
        if choice.id is None and self.settings.any_read_only_workspace:
            return True
        return self.settings.is_read_only(choice.id)

    def label_for(self, choice: WorkspaceChoice) -> WorkspaceLabel:
        """How ``choice`` is named on screen: name, slug, id, the config's label, the lock."""
        style = self.settings.style_of(choice.id)
        return WorkspaceLabel(
            choice.id, choice.name, choice.slug, style.label, self.is_read_only(choice)
        )

    def save_workspace_style(self, choice: WorkspaceChoice, style: WorkspaceStyle) -> bool:
        """Write ``style`` for ``choice`` to the config file and use it now; says how it went.

        Screens showing the workspace redraw it (``workspace_style_changed``)."""
        path = self.settings.config_path
        if choice.id is None or path is None:
            self.notify("This workspace's id is not known: nothing to save it under",
                        severity="warning")  # fmt: skip
            return False
        try:
            saved = set_workspace_style(choice.id, style, path)
        except (OSError, ValueError) as error:
            self.notify(f"Not saved: {error}", title="Config", severity="error", markup=False)
            return False
        self.settings = self.settings.with_style(choice.id, saved)
        for screen in self.screen_stack:
            changed = getattr(screen, "workspace_style_changed", None)
            if callable(changed):
                changed()
        self.notify(f"Saved in {path}", title="Config", timeout=3, markup=False)
        return True

    def remember_workspace(self, choice: WorkspaceChoice) -> None:
        """Put ``choice`` first in the config's recent workspaces (the picker offers them)."""
        if not (self.remember and choice.id and self.settings.config_path is not None):
            return
        try:
            recent = remember_workspace(
                Workspace(choice.id, choice.name, choice.slug), self.settings.config_path
            )
            self.settings = replace(self.settings, recent_workspaces=recent)
        except (OSError, ValueError) as error:
            self.notify(
                f"Could not remember the workspace: {error}", severity="warning", markup=False
            )

    def replay_typed_ahead(self) -> None:
        """The keys typed while the terminal was asked about images (arrows and the like
        included), fed to the app as its input thread feeds keys. Called once the first
        screen that takes keys (the browser, the picker) is mounted and drawn: a key before
        that reaches no widget."""
        typed, self.typed_ahead = self.typed_ahead, ""
        driver = self._driver
        if not typed or driver is None:
            return
        # Decoded as the driver decodes keys; the end of the input then ends what it holds
        # (Escape then a key): detect.typed_ahead kept no sequence cut short.
        parser = escape_keys.EscapeThenKeyParser()
        for event in [*parser.feed(typed), *parser.feed("")]:
            driver.process_message(event)

    # -- clipboard ------------------------------------------------------------------------------

    def _write_osc(self, data: bytes) -> None:
        # Called from the copy's thread: the driver's write only queues for its writer thread.
        if self._driver is None:
            raise OSError("no terminal")
        self._driver.write(data.decode("ascii"))

    # -- graphics -------------------------------------------------------------------------------

    def write_terminal(self, data: str) -> None:
        """Queue ``data`` for the terminal, in order with the frames Textual writes."""
        if self._driver is not None:
            self._driver.write(data)

    def write_after_frame(self, owner: object, data: str) -> None:
        """Write ``data`` after the frame being composed (one per ``owner``, the latest).

        Sixel images are not text: inside a frame, Textual would measure and crop their
        bytes like text (a crop mid-sequence would leave the terminal swallowing output)."""
        self._after_frame[owner] = data

    def post_display_hook(self) -> None:
        pending, self._after_frame = self._after_frame, {}
        for data in pending.values():
            self.write_terminal(data)

    def copy_text(self, text: str, what: str) -> None:
        """Copy ``text`` by the configured mode and, when that is done, say on screen what was
        copied and how. pyperclip and tmux run as subprocesses (tmux alone can take seconds),
        so the copy runs in a thread and keys keep working meanwhile; copies run in order."""
        self.run_worker(self._copy(text, what), group="copy", exit_on_error=False)

    async def _copy(self, text: str, what: str) -> CopyResult:
        async with self._copy_lock:
            result = await asyncio.to_thread(self.clipboard_service.copy, text, what=what)
        if result.ok:
            # Keep Textual's own record of the clipboard (tests and paste within the app).
            self._clipboard = text
        titles = {"copied": "Copied", "sent": "Sent to the terminal", "failed": "Copy failed"}
        self.notify(
            result.message,
            title=titles[result.status],
            severity="information" if result.ok else "error",
            markup=False,
        )
        return result

    def remove_at_exit(self, folder: Path) -> None:
        """Remove ``folder`` when the app ends (a temporary copy another program may read)."""
        self._remove_at_exit.append(folder)

    async def on_unmount(self) -> None:
        for folder in self._remove_at_exit:
            shutil.rmtree(folder, ignore_errors=True)
        if self.client is not None:
            await self.client.aclose()
