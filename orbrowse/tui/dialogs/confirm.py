"""A small yes/no question whose default answer is No."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Static

from orbrowse.tui.dialogs.base import Dialog, DialogFrame


class ConfirmDialog(Dialog[bool]):
    """Ask ``question``; ``True`` only for an explicit Yes. Focus starts on No."""

    AUTO_FOCUS = "#no"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "answer(False)", "No", id="dialog.no", tooltip="Answer no: nothing changes"),
        Binding("y", "answer(True)", "Yes", id="dialog.yes", tooltip="Answer yes: go ahead"),
    ]

    def __init__(self, title: str, question: Text | str, *, yes_label: str = "Yes") -> None:
        super().__init__(cancel_result=False)
        self._title = title
        self._question = question if isinstance(question, Text) else Text(question)
        self._yes_label = yes_label

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog -small"):
            yield Static(Text(self._title), classes="dialog-title")
            yield Static(self._question, id="question")
            with Horizontal(classes="dialog-buttons dialog-actions"):
                yield Button(self._yes_label, id="yes", variant="warning")
                yield Button("No", id="no", variant="primary")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")
