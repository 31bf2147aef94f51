"""Upload one local file: a completing path field, a file picker, a live local check, progress."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DirectoryTree, Input, ProgressBar, Static

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import describe
from orbrowse.api.models import FileObject
from orbrowse.api.rules import upload_problem
from orbrowse.listing.formatting import exact_size, human_size
from orbrowse.tui.dialogs._common import (
    PathInput,
    PathSuggester,
    RateMeter,
    candidates_text,
    plain,
    resolve_path,
    transfer_text,
)
from orbrowse.tui.dialogs.base import Dialog, DialogFrame


class FilePicker(DirectoryTree):
    """Textual's folder tree, with j and k moving as they do everywhere in orbrowse."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j", "cursor_down", "Down", show=False, id="upload.picker.down", tooltip="Next entry"
        ),
        Binding(
            "k", "cursor_up", "Up", show=False, id="upload.picker.up", tooltip="Previous entry"
        ),
    ]


class UploadDialog(Dialog[FileObject | None]):
    """Dismisses with the uploaded file, or ``None`` when cancelled.

    Nothing is sent until the local check passes. Cancelling (or closing the dialog) cancels
    the upload worker; the server keeps only complete bodies, so nothing is left behind while
    sending. Once every byte is sent the server may have the file already: a warning says so.
    """

    AUTO_FOCUS = "#path"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+o",
            "toggle_picker",
            "Browse files",
            id="upload.browse",
            tooltip="Show or hide a tree of local files to pick from",
        ),
    ]

    BUTTON_ACTIONS: ClassVar[dict[str, str]] = {
        "upload": "upload",
        "browse": "toggle_picker",
        "cancel": "cancel",
    }

    def __init__(self, client: FilesClient, start_dir: Path) -> None:
        super().__init__(cancel_result=None)
        self.client = client
        self.start_dir = start_dir
        self.path: Path | None = None
        """The checked path, when it passed the local check."""
        self._meter = RateMeter()

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog", id="dialog"):
            yield Static(Text("Upload a file"), classes="dialog-title")
            with Vertical(id="form"):
                yield PathInput(
                    value=str(self.start_dir).rstrip("/") + "/",
                    placeholder="path of the file to upload",
                    suggester=PathSuggester(self.start_dir),
                    select_on_focus=False,
                    id="path",
                )
                yield Static(Text(""), id="candidates")
                yield Static(Text(""), id="check")
            with Vertical(id="progress-area"):
                yield Static(Text(""), id="progress-label")
                yield ProgressBar(show_eta=False, id="progress")
            yield Static(Text(""), id="error", classes="dialog-error")
            yield Static(
                Text("Tab completes · Ctrl+O browses · Enter uploads"), classes="dialog-hint"
            )
            with Horizontal(classes="dialog-buttons dialog-actions"):
                yield Button("Browse…", id="browse")
                yield Button("Upload", id="upload", variant="primary", disabled=True)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._check(self.query_one("#path", Input).value)

    # -- the local check -------------------------------------------------------------------

    def _check(self, value: str) -> None:
        """Check ``value`` against the API's rules and show the verdict; sends nothing."""
        self.path, verdict, is_problem = self._verdict(value)
        check = self.query_one("#check", Static)
        check.update(verdict)
        check.set_class(is_problem, "dialog-error")
        # Set once: disabling a focused button, even briefly, would move the focus away.
        self.query_one("#upload", Button).disabled = self.path is None or self.has_class("-busy")

    def _verdict(self, value: str) -> tuple[Path | None, Text, bool]:
        """(the path if it may be uploaded, what to show, whether that is a problem)."""
        if not value.strip() or value.endswith("/"):
            return None, Text("Choose a file: type its path or press Ctrl+O to browse"), False
        path = resolve_path(value, self.start_dir)
        problem = upload_problem(path)
        if problem is not None:
            return None, plain(problem), True
        try:
            size = path.stat().st_size
        except OSError as exc:  # gone or unreadable since the check
            return None, plain(f"{path} cannot be read ({exc.strerror or exc})"), True
        verdict = Text(f"{human_size(size)} ({exact_size(size)}) · ready to upload as ")
        return path, verdict.append_text(plain(path.name)), False

    @on(Input.Changed, "#path")
    def _path_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#error", Static).update(Text(""))
        self.query_one("#candidates", Static).update(Text(""))
        self._check(event.value)

    @on(PathInput.Candidates)
    def _show_candidates(self, event: PathInput.Candidates) -> None:
        self.query_one("#candidates", Static).update(candidates_text(event.names))

    @on(Input.Submitted, "#path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_upload()

    # -- the file picker -------------------------------------------------------------------

    def action_toggle_picker(self) -> None:
        pickers = self.query("#picker")
        if not pickers:
            # Mounted on first use: it reads folders in the background as it opens.
            tree = FilePicker(self.start_dir, id="picker", classes="-shown")
            self.query_one("#form").mount(tree, after="#path")
            tree.focus()
            return
        picker = pickers.first(DirectoryTree)
        picker.toggle_class("-shown")
        if picker.has_class("-shown"):
            picker.focus()
        else:
            self.query_one("#path").focus()

    @on(DirectoryTree.FileSelected)
    def _file_picked(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        path_input = self.query_one("#path", Input)
        path_input.value = str(event.path)
        path_input.cursor_position = len(path_input.value)
        self._check(path_input.value)
        # Focus moves before the picker hides, or the screen would pick the next widget itself.
        self.set_focus(self.query_one("#upload", Button) if self.path is not None else path_input)
        self.query_one("#picker").remove_class("-shown")

    # -- uploading ---------------------------------------------------------------------------

    def action_upload(self) -> None:
        if self.has_class("-busy"):
            return
        # Check again: the file may have changed since the last keystroke.
        self._check(self.query_one("#path", Input).value)
        if self.path is None:
            return
        self._upload(self.path)

    _sent_whole: Path | None = None
    """The file whose every byte is sent: only the server's answer is awaited."""

    def _show_progress(self, done: int, total: int | None) -> None:
        if total is not None and done >= total:
            self._sent_whole = self.path
        self.query_one("#progress", ProgressBar).update(total=total, progress=done)
        self.query_one("#progress-label", Static).update(
            Text(transfer_text(done, total, self._meter.rate(done)))
        )

    @work(exclusive=True, group="upload")
    async def _upload(self, path: Path) -> None:
        self.add_class("-busy")
        self.query_one("#upload", Button).disabled = True
        self.query_one("#error", Static).update(Text(""))
        self._meter.restart()
        self._show_progress(0, path.stat().st_size)
        self.query_one("#cancel", Button).focus()
        try:
            uploaded = await self.client.upload_file(path, progress=self._show_progress)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # every failure is shown in the dialog, never a traceback
            self.remove_class("-busy")
            self.query_one("#error", Static).update(
                Text("Upload failed: ").append_text(plain(describe(error)))
            )
            self._check(self.query_one("#path", Input).value)
            self.query_one("#path").focus()
            return
        self.dismiss(uploaded)

    def action_cancel(self) -> None:
        """Cancel: while still sending, the server keeps nothing; once every byte is sent it
        may have the file already (its answer is what was cancelled), and says so."""
        sent = self._sent_whole if self.has_class("-busy") else None
        self.workers.cancel_group(self, "upload")
        if sent is not None:
            self.app.notify(
                f"Cancelled after all of {sent.name} was sent: the server may keep it. "
                "r reloads the list to check.",
                title="Upload",
                severity="warning",
                timeout=10,
            )
        self.dismiss(None)
