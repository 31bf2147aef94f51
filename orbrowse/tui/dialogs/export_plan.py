"""Export a deletion's plan instead of deleting: the files as the JSON lines `orbrowse rm -`
reads (the lines `orbrowse ls --jsonl` prints), written whole or not at all."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from orbrowse.api.models import FileObject
from orbrowse.private_file import write_new
from orbrowse.tui.dialogs._common import (
    PathInput,
    PathSuggester,
    candidates_text,
    count_files,
    folder_problem,
    plain,
    resolve_path,
)
from orbrowse.tui.dialogs.base import Dialog, DialogFrame


def plan_lines(files: Sequence[FileObject]) -> str:
    """One JSON object per file, ASCII only, as ``orbrowse ls --jsonl`` prints them."""
    return "".join(json.dumps(file.to_json(), ensure_ascii=True) + "\n" for file in files)


def default_name(now: datetime) -> str:
    return f"orbrowse-delete-plan-{now.astimezone(UTC):%Y%m%d-%H%M%S}.jsonl"


class ExportPlanDialog(Dialog[Path | None]):
    """Asks where to save the plan and writes it; dismisses with the path, or ``None``."""

    BUTTON_ACTIONS: ClassVar[dict[str, str]] = {"export": "export", "cancel": "cancel"}

    def __init__(self, files: Sequence[FileObject], folder: Path, *, now: datetime) -> None:
        super().__init__(cancel_result=None)
        self.files = tuple(files)
        self.folder = folder
        self.now = now

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog -wide"):
            yield Static(
                Text(f"Export the plan: {count_files(len(self.files))}"), classes="dialog-title"
            )
            yield Static(
                Text(
                    "JSON lines that `orbrowse rm -` reads, to review or delete later. "
                    "Nothing is deleted."
                ),
                classes="dialog-hint",
            )
            with Vertical(id="form"):
                yield Static(Text("Save as"))
                yield PathInput(
                    value=str(self.folder / default_name(self.now)),
                    suggester=PathSuggester(self.folder),
                    id="path",
                )
                yield Static(Text(""), id="candidates")
                yield Static(Text(""), id="path-problem", classes="dialog-error")
            with Horizontal(classes="dialog-buttons dialog-actions"):
                yield Button("Export", id="export", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#path").focus()

    @on(Input.Changed)
    @on(PathInput.Candidates)
    def _path_edited(self, event: Input.Changed | PathInput.Candidates) -> None:
        """Tab's matches listed under the field; typing clears them and the problem."""
        names = event.names if isinstance(event, PathInput.Candidates) else []
        self.query_one("#candidates", Static).update(candidates_text(names))
        if isinstance(event, Input.Changed):
            event.stop()
            self.query_one("#path-problem", Static).update(Text(""))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def action_export(self) -> None:
        path = resolve_path(self.query_one("#path", Input).value, self.folder)
        problem = self._write(path)
        if problem is None:
            self.dismiss(path)
            return
        self.query_one("#path-problem", Static).update(plain(problem))

    def _write(self, path: Path) -> str | None:
        """Why ``path`` could not be written, or ``None`` once it was."""
        if not path.name or self.query_one("#path", Input).value.rstrip().endswith("/"):
            return "give a file name, not a folder"
        if problem := folder_problem(path.parent):
            return problem
        try:
            write_new(path, plan_lines(self.files))
        except FileExistsError:
            return f"{path} already exists: choose another name"
        except OSError as exc:
            return f"{path} could not be written: {exc.strerror or exc}"
        return None
