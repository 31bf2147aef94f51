"""The preview full screen: scroll, ``/`` to search the text, ``e`` to open it outside."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input, Static

from orbrowse.api.errors import OpenRouterError, describe
from orbrowse.api.models import FileObject
from orbrowse.listing.formatting import visible_text
from orbrowse.names import safe_filename
from orbrowse.preview.model import UPLOADED_REASON, Preview
from orbrowse.tui.base import OrbrowseBase
from orbrowse.tui.external import NO_PROGRAM_NOTE, REMOTE_NOTE, Plan, over_ssh, plan_for
from orbrowse.tui.preview_loader import PreviewLoader
from orbrowse.tui.widgets.footer import FittingFooter
from orbrowse.tui.widgets.preview import LOADING, PreviewPane
from orbrowse.tui.widgets.rendered_view import RenderedView
from orbrowse.tui.widgets.workspace_banner import WorkspaceBanner

FULL_MAX_LINES = 5000
"""Lines of text drawn in the full view (the byte cap usually ends the text first)."""


class PreviewScreen(Screen[None]):
    """One file's preview, full screen."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "close", "Back", id="preview.close", tooltip="Back to the browser"),
        Binding(
            "slash",
            "search",
            "Search",
            key_display="/",
            id="preview.search",
            tooltip="Search the text",
        ),
        Binding("n", "find(True)", "Next match", id="preview.next", tooltip="Next match"),
        Binding(
            "N",
            "find(False)",
            "Previous match",
            show=False,
            id="preview.previous",
            tooltip="Previous match",
        ),
        Binding(
            "e",
            "open_outside",
            "Open outside",
            id="preview.open",
            tooltip="Open with $PAGER, $EDITOR or the system opener",
        ),
    ]

    orbrowse = getters.app(OrbrowseBase)

    def __init__(self, file: FileObject, loader: PreviewLoader) -> None:
        super().__init__()
        self.file = file
        self.loader = loader
        self.preview: Preview | None = None
        self.unreadable = False
        """Nothing will be shown (an upload, previews off, a failed read): nothing to search
        or open, so those keys are not offered."""
        self.query_text = ""

    def compose(self) -> ComposeResult:
        yield WorkspaceBanner(id="workspace-banner")
        yield Static(Text(visible_text(self.file.filename), end=""), id="preview-title")
        yield RenderedView(Text(LOADING, style="italic"), id="preview-view")
        yield Input(placeholder="search the text (Enter: find, n: next)", id="preview-search")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one(WorkspaceBanner).show_open_workspace()
        self.query_one("#preview-search", Input).display = False
        self.view.focus()
        # The signal comes after the new theme's CSS is applied: the view's background is new.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._draw_text())
        if not self.file.downloadable:
            self._unreadable(UPLOADED_REASON)
        elif self.loader.max_bytes <= 0:
            self._unreadable("previews are off (preview_max_bytes = 0 in the config)")
        else:
            self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"search", "find", "open_outside"}:
            return not self.unreadable
        return True

    def _unreadable(self, message: str) -> None:
        self.unreadable = True
        self._show_message(message)
        self.refresh_bindings()

    @property
    def view(self) -> RenderedView:
        return self.query_one("#preview-view", RenderedView)

    def _show_message(self, message: str) -> None:
        self.view.set_renderable(Text(message, style="italic"))

    @work(group="preview-full", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        try:
            preview = await self.loader.fetch(self.file)
        except OpenRouterError as error:
            self._unreadable(f"No preview: {describe(error)}")
            return
        self.preview = preview
        title = f"{visible_text(self.file.filename)} · {preview.summary()}"
        self.query_one("#preview-title", Static).update(Text(title, end=""))
        graphics = self.orbrowse.graphics
        if preview.image is not None and graphics.protocol != "halfblock":
            # Kitty or Sixel: the image fitted to the screen, drawn as the browser's pane does.
            pane = PreviewPane(
                graphics=graphics,
                write=self.orbrowse.write_terminal,
                after_frame=self.orbrowse.write_after_frame,
                id="preview-image",
            )
            await self.mount(pane, after=self.view)
            self.view.display = False
            pane.show(preview)
            return
        self._draw_text()

    def _draw_text(self) -> None:
        """The preview's text in the view, in the syntax colours of the app's theme."""
        if self.preview is not None and self.view.display:  # hidden: a Kitty/Sixel image
            back = self.view.background_colors[1].rgb
            body = self.preview.body(max_lines=FULL_MAX_LINES, max_rows=None, background=back)
            self.view.set_renderable(body)

    def action_close(self) -> None:
        box = self.query_one("#preview-search", Input)
        if box.has_focus:
            box.display = False
            self.view.focus()
            return
        self.dismiss()

    def action_search(self) -> None:
        box = self.query_one("#preview-search", Input)
        box.display = True
        box.focus()

    @on(Input.Submitted, "#preview-search")
    def search_submitted(self, event: Input.Submitted) -> None:
        self.query_text = event.value
        event.input.display = False
        self.view.focus()
        self.action_find(True)

    def action_find(self, forward: bool) -> None:
        if not self.query_text:
            return
        if self.view.find(self.query_text, forward=forward) is None:
            self.notify(f"Not found: {visible_text(self.query_text)}", markup=False, timeout=2)

    @work(group="preview-open", exclusive=True, exit_on_error=False)
    async def action_open_outside(self) -> None:
        preview = self.preview
        if preview is None:
            self.notify("Nothing to open yet", severity="warning")
            return
        env = getattr(self.app, "env", {})
        plan = plan_for(preview.is_text, env)
        folder = Path(tempfile.mkdtemp(prefix="orbrowse-open-"))
        kept = False
        try:
            kept = await self._hand_over(plan, preview, folder, env)
        finally:
            # However it ended (the program exited, failed to start, the download failed or
            # was cancelled by a second `e`), the copy goes unless someone still needs it.
            if not kept:
                shutil.rmtree(folder, ignore_errors=True)

    async def _hand_over(
        self, plan: Plan, preview: Preview, folder: Path, env: Mapping[str, str]
    ) -> bool:
        """Save the file in ``folder`` and run the plan's program on it; ``True`` when the
        copy must stay: the user was told where it is, or an opener's program reads it."""
        path = folder / safe_filename(self.file.filename)
        if plan.handler == "pager":
            # The pager gets the visible-safe text: no escape sequence reaches the terminal.
            path = path.with_name(path.name + ".txt")
            path.write_text("\n".join(preview.plain_lines()) + "\n", encoding="utf-8")
            self._run(plan.command, path)
            return False
        try:
            self.notify("Downloading the whole file…", timeout=2)
            await self.loader.client.download_file(
                self.file.id, path, size_bytes=self.file.size_bytes
            )
        except OpenRouterError as error:
            self.notify(describe(error), title="Open", severity="error", markup=False)
            return False
        if plan.handler == "remote":
            note = REMOTE_NOTE if over_ssh(env) else NO_PROGRAM_NOTE
            self.notify(note.format(path=path), title="Saved", markup=False, timeout=8)
            return True
        if self._run(plan.command, path) and plan.handler == "opener":
            # xdg-open / open return at once and the program they start reads the file
            # later: it goes when orbrowse exits.
            self.orbrowse.remove_at_exit(folder)
            return True
        return False

    def _run(self, command: tuple[str, ...], path: Path) -> bool:
        """Run ``command path`` in the terminal; ``False`` when it could not be started."""
        try:
            with self.app.suspend():
                subprocess.run([*command, str(path)], check=False)
        except Exception as error:  # SuspendNotSupported, a missing program (OSError)
            self.notify(
                f"Could not run {command[0]}: {error}",
                title="Open",
                severity="warning",
                markup=False,
            )
            return False
        return True
