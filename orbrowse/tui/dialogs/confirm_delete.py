"""Ask before deleting: what will go, how much, what the filter hides; type the count for many.

``e`` (Export plan…) writes the files as JSON lines for ``orbrowse rm -`` instead of deleting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from orbrowse.api.models import FileObject
from orbrowse.listing.formatting import exact_size, human_size, visible_text
from orbrowse.listing.workspace_label import WorkspaceLabel
from orbrowse.tui.dialogs._common import count_files, file_lines, workspace_line
from orbrowse.tui.dialogs.base import Dialog, DialogFrame
from orbrowse.tui.dialogs.export_plan import ExportPlanDialog

TYPE_COUNT_ABOVE = 10
"""Deleting more files than this asks the user to type the count."""
FOLDER_LINES = 3
"""Folders named one a line; more are counted on one line (the title stays in view)."""
COUNT_CHARACTERS = "0123456789,"


def _size(file: FileObject) -> Text:
    return Text("  ").append(human_size(file.size_bytes), style="italic")


class CountInput(Input):
    """Takes digits and commas only; any other key (``?``) goes on to the dialog's bindings."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character in COUNT_CHARACTERS

    def on_key(self, event: events.Key) -> None:
        if not self.check_consume_key(event.key, event.character):
            event.prevent_default()  # not typed here: it bubbles up to the bindings


class ConfirmDeleteDialog(Dialog[bool]):
    """Dismisses with ``True`` only when the user confirmed the deletion.

    With ``export_to`` (the folder first offered) the plan can be exported instead.
    """

    AUTO_FOCUS = "#cancel"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "e",
            "export",
            "Export the plan instead",
            id="delete.export",
            tooltip="JSON lines that orbrowse rm - reads; nothing is deleted",
        ),
    ]

    def __init__(
        self,
        files: Sequence[FileObject],
        hidden_by_filter: int = 0,
        *,
        workspace: WorkspaceLabel | None = None,
        export_to: Path | None = None,
        folders: Sequence[str] = (),
        folder_filters: Mapping[str, str] | None = None,
        scope: str = "",
    ) -> None:
        """``folders``: the folder paths (``data/exports/``) whose files are among ``files``:
        each is listed with its file count and size, and with the filter that picked them
        from ``folder_filters`` ("12 files matching README"), if any. ``scope``: what the
        files are, when they are a whole-workspace match ("1,234 files of 56,789 in the
        workspace match `logs/`")."""
        if not files:
            raise ValueError("ConfirmDeleteDialog needs at least one file")
        super().__init__(cancel_result=False)
        self.files = tuple(files)
        self.hidden_by_filter = hidden_by_filter
        self.workspace = workspace
        self.export_to = export_to
        self.folders = tuple(folders)
        self.folder_filters = dict(folder_filters or {})
        self.scope = scope
        if self.folders:
            self.add_class("-with-folders")  # the folder lines say what the list repeats

    @property
    def needs_typed_count(self) -> bool:
        return len(self.files) > TYPE_COUNT_ABOVE

    def compose(self) -> ComposeResult:
        count = len(self.files)
        total = sum(file.size_bytes for file in self.files)
        with DialogFrame(classes="dialog -wide -danger"):
            yield Static(Text(f"Delete {count_files(count)}?"), classes="dialog-title")
            if self.workspace is not None:
                yield workspace_line(self.workspace)
            if self.scope:
                yield Static(Text(self.scope), id="scope", classes="dialog-workspace")
            yield Static(
                Text(f"{count_files(count)}, {human_size(total)} ({exact_size(total)}) in all"),
                id="summary",
            )
            if self.folders:
                yield Static(self._folder_lines(), id="folders")
            if self.hidden_by_filter:
                verb = "is" if self.hidden_by_filter == 1 else "are"
                yield Static(
                    Text(f"{self.hidden_by_filter:,} of these {verb} hidden by the current filter"),
                    id="hidden",
                    classes="dialog-warning",
                )
            with VerticalScroll(id="file-list"):
                yield Static(file_lines(self.files, _size), id="file-lines")
            # One group: focusing its field or a button scrolls the warning into view too.
            with Vertical(classes="dialog-actions"):
                yield Static(
                    Text("The API has no trash: deleted files cannot be restored."),
                    id="no-trash",
                    classes="dialog-hint",
                )
                if self.needs_typed_count:
                    with Horizontal(id="typed-count-row"):
                        yield Static(Text(f"Type {count} to confirm:"), id="type-prompt")
                        yield CountInput(
                            placeholder=f"type {count} here",
                            id="typed-count",
                            restrict=r"[0-9,]*",
                            select_on_focus=False,
                        )
                    yield Static(Text(""), id="count-problem", classes="dialog-error hidden")
                with Horizontal(classes="dialog-buttons"):
                    yield Button(
                        f"Delete {count_files(count)}",
                        id="delete",
                        variant="error",
                        disabled=self.needs_typed_count,
                    )
                    if self.export_to is not None:
                        yield Button("Export plan…", id="export")
                    yield Button("Cancel", id="cancel", variant="primary")

    def _folder_lines(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        shown = self.folders[:FOLDER_LINES]
        for index, path in enumerate(shown):
            under = [f for f in self.files if f.filename.startswith(path)]
            size = human_size(sum(f.size_bytes for f in under))
            if index:
                text.append("\n")
            text.append("folder ")
            text.append(visible_text(path), style="bold")
            text.append(f"  {count_files(len(under))}", style="italic")
            kept_by = self.folder_filters.get(path, "")
            if kept_by:
                # The user's own filter, shown as data (Text: never markup).
                text.append(" matching ", style="italic")
                text.append(visible_text(kept_by), style="bold")
            text.append(f", {size}", style="italic")
        if len(self.folders) > len(shown):
            more = len(self.folders) - len(shown)
            text.append(f"\n… and {more:,} more folder{'' if more == 1 else 's'}", style="italic")
        return text

    def on_key(self, event: events.Key) -> None:
        # Focus starts on Cancel; typing the count goes to its field without a Tab first.
        if not self.needs_typed_count or event.character is None:
            return
        typed = self.query_one("#typed-count", Input)
        if not typed.has_focus and event.character in COUNT_CHARACTERS:
            event.stop()
            event.prevent_default()
            typed.focus()
            typed.insert_text_at_cursor(event.character)

    def _typed_matches(self, value: str) -> bool:
        return value.replace(",", "").strip() == str(len(self.files))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#delete", Button).disabled = not self._typed_matches(event.value)
        self.query_one("#count-problem").add_class("hidden")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._typed_matches(event.value):
            self.dismiss(True)
            return
        count = len(self.files)
        typed = event.value.strip()
        problem = f"{typed} is not {count}: type {count}, the number of files"
        if not typed:
            problem = f"Type {count}, the number of files, to delete them"
        line = self.query_one("#count-problem", Static)
        line.update(Text(problem))
        line.remove_class("hidden")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.export_to is not None if action == "export" else True

    @work(exclusive=True, group="export")
    async def action_export(self) -> None:
        if self.export_to is None:
            return
        dialog = ExportPlanDialog(self.files, self.export_to, now=datetime.now(UTC))
        path = await self.app.push_screen_wait(dialog)
        if path is None:
            return
        self.app.notify(
            f"Wrote the plan of {count_files(len(self.files))} to {path}; nothing was deleted. "
            f"To delete them later: orbrowse rm - < {path}",
            title="Export",
            markup=False,
        )
        self.dismiss(False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export":
            self.action_export()
            return
        if event.button.id == "delete":
            if self.needs_typed_count and not self._typed_matches(
                self.query_one("#typed-count", Input).value
            ):
                return
            self.dismiss(True)
        else:
            self.dismiss(False)
