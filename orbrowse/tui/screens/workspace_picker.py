"""The workspace picker: type to filter the known workspaces, or type a workspace ID."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from orbrowse.config import is_uuid
from orbrowse.listing.formatting import visible_text
from orbrowse.tui.base import WorkspaceChoice

SOURCE_LABELS = {"account": "", "key": "this key's workspace", "recent": "used before"}


def _label(choice: WorkspaceChoice) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    fallback = "This key's workspace" if choice.source == "key" else "(unnamed)"
    text.append(visible_text(choice.name or fallback), style="bold")
    if choice.slug:
        text.append(f"  {visible_text(choice.slug)}", style="dim")
    text.append(f"  {choice.id or 'the key default'}", style="dim")
    note = SOURCE_LABELS.get(choice.source, "")
    if note:
        text.append(f"  · {note}", style="italic dim")
    return text


class WorkspacePicker(ModalScreen[WorkspaceChoice | None]):
    """Pick the workspace to browse. Escape keeps the current one."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="picker_cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("enter", "open", "Open", id="picker_open"),
    ]

    def __init__(
        self, choices: Sequence[WorkspaceChoice], can_list: bool, *, current: str | None = None
    ) -> None:
        super().__init__()
        self.choices = list(choices)
        self.can_list = can_list
        self.current = current
        self.shown: list[WorkspaceChoice] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="workspace-picker"):
            yield Static("Open a workspace", id="workspace-title")
            yield Input(
                placeholder="type to filter, or paste a workspace ID (UUID)", id="workspace-filter"
            )
            yield OptionList(id="workspace-list")
            hint = (
                "Workspaces of this account."
                if self.can_list
                else "This key cannot list workspaces (that needs a management key): "
                "it shows the key's own workspace, those used before, and any ID you type."
            )
            yield Static(hint, id="workspace-hint", markup=False)

    def on_mount(self) -> None:
        self._refill("")
        self.query_one(Input).focus()

    def _matches(self, choice: WorkspaceChoice, needle: str) -> bool:
        haystack = f"{choice.name} {choice.slug} {choice.id or ''}".lower()
        return needle.lower() in haystack

    def _refill(self, needle: str) -> None:
        needle = needle.strip()
        self.shown = [c for c in self.choices if self._matches(c, needle)]
        if is_uuid(needle) and all((c.id or "").lower() != needle.lower() for c in self.shown):
            self.shown.append(WorkspaceChoice(needle.lower(), "", "", "typed"))
        options = self.query_one(OptionList)
        options.clear_options()
        for choice in self.shown:
            label = (
                _label(choice)
                if choice.source != "typed"
                else Text(f"Open workspace {choice.id}", style="bold")
            )
            options.add_option(Option(label))
        if self.shown:
            highlighted = next(
                (i for i, c in enumerate(self.shown) if c.id == self.current and needle == ""), 0
            )
            options.highlighted = highlighted
        self._hint_for(needle)

    def _hint_for(self, needle: str) -> None:
        title = self.query_one("#workspace-title", Static)
        if not self.shown and needle:
            looks_like_id = len(needle) >= 8 and all(c in "0123456789abcdefABCDEF-" for c in needle)
            title.update(
                "Not a valid workspace ID: expected a UUID like "
                "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
                if looks_like_id
                else "No workspace matches; paste a full workspace ID (UUID) to open it"
            )
            title.add_class("-warning")
        else:
            title.update("Open a workspace")
            title.remove_class("-warning")

    @on(Input.Changed, "#workspace-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self._refill(event.value)

    @on(Input.Submitted, "#workspace-filter")
    def submitted(self) -> None:
        self.action_open()

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index])

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if not self.shown:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.shown) - 1, current + delta))

    def action_open(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is None or not self.shown:
            self.app.bell()
            return
        self.dismiss(self.shown[highlighted])

    def action_cancel(self) -> None:
        self.dismiss(None)
