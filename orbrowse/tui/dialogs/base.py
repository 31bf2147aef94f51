"""The frame every dialog shares: Escape cancels, ``?`` (or F1) shows the dialog's keys.

How it looks and fits a short terminal is :class:`~orbrowse.tui.dialogs.frame.DialogScreen`.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import Button

from orbrowse.tui.dialogs.frame import DialogFrame, DialogScreen
from orbrowse.tui.dialogs.help import HelpScreen

ResultT = TypeVar("ResultT")

__all__ = ["Dialog", "DialogFrame"]


class Dialog(DialogScreen[ResultT]):
    """A modal that ends with ``dismiss(result)``; Escape dismisses with ``cancel_result``."""

    BINDING_GROUP_TITLE = "This dialog"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", "Cancel", id="dialog.cancel", tooltip="Close, changing nothing"
        ),
        Binding(
            "question_mark,f1",
            "help",
            "Keys of this dialog",
            id="dialog.help",
            tooltip="List this dialog's keys (in a text field ? is typed: use F1)",
        ),
    ]

    BUTTON_ACTIONS: ClassVar[dict[str, str]] = {}
    """Button id -> the action it runs, asked of ``check_action`` first as for a key. A
    dialog whose result depends on more than the button handles ``Button.Pressed`` itself."""

    def __init__(self, cancel_result: ResultT) -> None:
        super().__init__()
        self.cancel_result = cancel_result

    @on(Button.Pressed)
    async def _run_button_action(self, event: Button.Pressed) -> None:
        action = self.BUTTON_ACTIONS.get(event.button.id or "")
        if action is None:
            return
        event.stop()
        # A second press queued behind the one that closed the dialog: nothing to act on
        # (dismissing again would close the screen below).
        if self.is_active:
            await self.run_action(action)

    def action_cancel(self) -> None:
        self.dismiss(self.cancel_result)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen.for_screen(self, title="Keys of this dialog"))
