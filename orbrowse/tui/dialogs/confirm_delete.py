"""Ask before deleting: what will go, how much, what the filter hides; type the count for many."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from orbrowse.api.models import FileObject
from orbrowse.listing.formatting import exact_size, human_size
from orbrowse.tui.dialogs._common import CSS_PATH, count_files, plain

TYPE_COUNT_ABOVE = 10
"""Deleting more files than this asks the user to type the count."""


def file_lines(files: Sequence[FileObject]) -> Text:
    """One line per file: name (as plain data), id, size."""
    lines = Text(no_wrap=True, overflow="ellipsis")
    for index, file in enumerate(files):
        if index:
            lines.append("\n")
        lines.append_text(plain(file.filename))
        lines.append("  ")
        lines.append_text(plain(file.id, style="dim"))
        lines.append("  ")
        lines.append(human_size(file.size_bytes), style="dim")
    return lines


class ConfirmDeleteDialog(ModalScreen[bool]):
    """Dismisses with ``True`` only when the user confirmed the deletion."""

    CSS_PATH = CSS_PATH
    AUTO_FOCUS = "#cancel"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, files: Sequence[FileObject], hidden_by_filter: int = 0) -> None:
        if not files:
            raise ValueError("ConfirmDeleteDialog needs at least one file")
        super().__init__(classes="dialog-screen")
        self.files = tuple(files)
        self.hidden_by_filter = hidden_by_filter

    @property
    def needs_typed_count(self) -> bool:
        return len(self.files) > TYPE_COUNT_ABOVE

    def compose(self) -> ComposeResult:
        count = len(self.files)
        total = sum(file.size_bytes for file in self.files)
        with Vertical(classes="dialog -wide -danger"):
            yield Static(Text(f"Delete {count_files(count)}?"), classes="dialog-title")
            yield Static(
                Text(f"{count_files(count)}, {human_size(total)} ({exact_size(total)}) in all"),
                id="summary",
            )
            if self.hidden_by_filter:
                verb = "is" if self.hidden_by_filter == 1 else "are"
                yield Static(
                    Text(f"{self.hidden_by_filter:,} of these {verb} hidden by the current filter"),
                    id="hidden",
                    classes="dialog-warning",
                )
            with VerticalScroll(id="file-list"):
                yield Static(file_lines(self.files), id="file-lines")
            yield Static(
                Text("The API has no trash: deleted files cannot be restored."),
                classes="dialog-hint",
            )
            if self.needs_typed_count:
                yield Static(Text(f"Type {count} to confirm:"), id="type-prompt")
                yield Input(
                    placeholder=f"type {count} here",
                    id="typed-count",
                    restrict=r"[0-9,]*",
                    select_on_focus=False,
                )
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    f"Delete {count_files(count)}",
                    id="delete",
                    variant="error",
                    disabled=self.needs_typed_count,
                )
                yield Button("Cancel", id="cancel", variant="primary")

    def on_key(self, event: events.Key) -> None:
        # Focus starts on Cancel; typing the count goes to its field without a Tab first.
        if not self.needs_typed_count or event.character is None:
            return
        typed = self.query_one("#typed-count", Input)
        if not typed.has_focus and event.character in "0123456789,":
            event.stop()
            event.prevent_default()
            typed.focus()
            typed.insert_text_at_cursor(event.character)

    def _typed_matches(self, value: str) -> bool:
        return value.replace(",", "").strip() == str(len(self.files))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#delete", Button).disabled = not self._typed_matches(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._typed_matches(event.value):
            self.dismiss(True)
        else:
            self.notify(f"Type {len(self.files)} to delete them", severity="warning")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "delete":
            if self.needs_typed_count and not self._typed_matches(
                self.query_one("#typed-count", Input).value
            ):
                return
            self.dismiss(True)
        else:
            self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)
