"""Set a workspace's label, colour and read-only lock from the picker, by keyboard alone.

Tab moves between the label, the colour (completed from the known names as you type; → takes
the completion), the read-only box (space toggles) and the buttons; Enter in a field saves.
A colour that is not one orbrowse knows is said under the field and nothing is saved.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Static

from orbrowse.config import COLOR_NAMES, MAX_LABEL_LENGTH, WorkspaceStyle, check_color
from orbrowse.listing.workspace_label import WorkspaceLabel
from orbrowse.tui.dialogs.base import Dialog, DialogFrame

COLOR_HINT = f"{', '.join(COLOR_NAMES[:12])}… or #rrggbb; empty for none"


class WorkspaceStyleDialog(Dialog[WorkspaceStyle | None]):
    """Dismisses with the style to save, or ``None`` (cancelled)."""

    AUTO_FOCUS = "#label"

    BUTTON_ACTIONS: ClassVar[dict[str, str]] = {"save": "save", "cancel": "cancel"}

    def __init__(self, workspace: WorkspaceLabel, style: WorkspaceStyle) -> None:
        super().__init__(cancel_result=None)
        self.workspace = workspace
        self.style = style

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog"):
            yield Static(Text("Label, colour and lock"), classes="dialog-title")
            yield Static(
                Text("for ").append(self.workspace.description, style="bold"),
                classes="dialog-workspace",
            )
            yield Static(Text(f"Label (at most {MAX_LABEL_LENGTH} characters)"))
            yield Input(
                self.style.label,
                placeholder="e.g. PROD",
                max_length=MAX_LABEL_LENGTH,
                id="label",
            )
            yield Static(Text("Colour of its banner and dialog borders"))
            yield Input(
                self.style.color,
                placeholder=COLOR_HINT,
                suggester=SuggestFromList(COLOR_NAMES, case_sensitive=False),
                id="color",
            )
            yield Static(Text(""), id="color-problem", classes="dialog-error hidden")
            with Vertical(classes="dialog-actions"):
                yield Checkbox(
                    "Read-only: hide upload and delete here",
                    self.style.read_only,
                    id="read-only",
                )
                yield Static(
                    Text("Saved in the config file's [workspaces] table; the rest stays."),
                    classes="dialog-hint",
                )
                with Horizontal(classes="dialog-buttons"):
                    yield Button("Save", id="save", variant="primary")
                    yield Button("Cancel", id="cancel")

    def chosen(self) -> WorkspaceStyle | None:
        """The style in the fields, or ``None`` (the colour is not one; said under it)."""
        typed = self.query_one("#color", Input).value.strip()
        color = check_color(typed) if typed else ""
        problem = self.query_one("#color-problem", Static)
        if color is None:
            problem.update(Text(f"{typed!r} is not a colour: {COLOR_HINT}"))
            problem.remove_class("hidden")
            return None
        problem.add_class("hidden")
        return WorkspaceStyle(
            self.query_one("#label", Input).value,
            color,
            self.query_one("#read-only", Checkbox).value,
        )

    def action_save(self) -> None:
        style = self.chosen()
        if style is None:
            self.query_one("#color", Input).focus()
        else:
            self.dismiss(style)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()
