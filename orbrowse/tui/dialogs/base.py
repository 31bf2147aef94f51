"""The frame every dialog shares: scoped styles, Escape cancels, ``?`` shows its keys.

A dialog's frame is a :class:`DialogFrame` with the ``dialog`` class, so a dialog taller than
the terminal scrolls; focusing a widget inside a ``dialog-actions`` group scrolls the whole
group into view (the warning next to the buttons is seen with them). Below
:data:`SHORT_HEIGHT` rows the screen has the ``-short`` class: tighter spacing, one-line
buttons and inputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, TypeVar

from textual import events
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input

ResultT = TypeVar("ResultT")

SHORT_HEIGHT = 30
"""Terminals with fewer rows than this get the compact dialog layout."""


class DialogFrame(VerticalScroll, can_focus=False):
    """A dialog's box: scrolls when the dialog does not fit, never takes the focus itself."""


class Dialog(ModalScreen[ResultT]):
    """A modal that ends with ``dismiss(result)``; Escape dismisses with ``cancel_result``.

    Its stylesheet is scoped: every rule in ``dialogs.tcss`` starts with a dialog type, so
    opening a dialog never restyles the rest of the app (the command palette, the browser).
    """

    CSS_PATH = Path(__file__).with_name("dialogs.tcss")
    BINDING_GROUP_TITLE = "This dialog"
    VERTICAL_BREAKPOINTS = [  # noqa: RUF012 (Textual declares it without ClassVar)
        (0, "-short"),
        (SHORT_HEIGHT, "-tall"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("question_mark,f1", "help", "Keys of this dialog", id="dialog.help"),
    ]

    def __init__(self, cancel_result: ResultT) -> None:
        super().__init__()
        self.cancel_result = cancel_result

    def action_cancel(self) -> None:
        self.dismiss(self.cancel_result)

    def action_help(self) -> None:
        from orbrowse.tui.dialogs.help import HelpScreen

        self.app.push_screen(HelpScreen.for_screen(self, title="Keys of this dialog"))

    def on_resize(self, event: events.Resize) -> None:
        compact = event.size.height < SHORT_HEIGHT
        for widget in self.query("Button, Input").results():
            if isinstance(widget, Button | Input):
                widget.compact = compact

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        group = _actions_group(event.widget)
        if group is not None:
            # After this refresh's layout: the compact switch may have just moved things.
            self.call_after_refresh(group.scroll_visible, animate=False)


def _actions_group(widget: Widget) -> Widget | None:
    for node in widget.ancestors_with_self:
        if isinstance(node, Widget) and node.has_class("dialog-actions"):
            return node
    return None
