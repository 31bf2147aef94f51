"""How every dialog looks and fits: scoped styles, a scrolling frame, a compact short layout.

A dialog's box is a :class:`DialogFrame` with the ``dialog`` class, so a dialog taller than
the terminal scrolls to the focused widget; focusing one inside a ``dialog-actions`` group
scrolls the whole group into view (the warning next to the buttons is seen with them). Below
:data:`SHORT_HEIGHT` rows the screen has the ``-short`` class: no blank rows, one-row
buttons and inputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from textual import events
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input

ResultT = TypeVar("ResultT")

SHORT_HEIGHT = 34
"""Terminals with fewer rows than this get the compact dialog layout."""

NARROW_WIDTH = 80
"""Terminals with fewer columns than this give the screen the ``-narrow`` class (a row of
buttons that needs it can give up the buttons' minimum width)."""


class DialogFrame(VerticalScroll, can_focus=False):
    """A dialog's box: scrolls when the dialog does not fit, never takes the focus itself."""

    BINDING_GROUP_TITLE = "Scroll the dialog"


class DialogScreen(ModalScreen[ResultT]):
    """The look shared by :class:`~orbrowse.tui.dialogs.base.Dialog` and the help screen.

    Its stylesheet is scoped: every rule in ``dialogs.tcss`` starts with a dialog type, so
    opening a dialog never restyles the rest of the app (the command palette, the browser).
    """

    CSS_PATH = Path(__file__).with_name("dialogs.tcss")
    VERTICAL_BREAKPOINTS = [  # noqa: RUF012 (Textual declares it without ClassVar)
        (0, "-short"),
        (SHORT_HEIGHT, "-tall"),
    ]
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (as above)
        (0, "-narrow"),
        (NARROW_WIDTH, "-roomy"),
    ]

    def on_mount(self) -> None:
        # Every dialog carries the open workspace's label, lock and colour on its border.
        from orbrowse.tui.widgets.workspace_banner import mark_frame

        for frame in self.query(".dialog").results(Widget):
            mark_frame(frame)  # the outermost: the dialog's box
            break

    def on_resize(self, event: events.Resize) -> None:
        compact = event.size.height < SHORT_HEIGHT
        for widget in self.query("Button, Input").results():
            if isinstance(widget, Button | Input):
                widget.compact = compact
        if self.focused is not None:
            self._show_focused(self.focused)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._show_focused(event.widget)

    def scroll_to_center(self, widget: Widget, *_: Any, **__: Any) -> None:
        """How Textual shows a newly focused widget: centred, animated, by the layout of that
        moment (before the compact switch). A dialog's first field ended under the frame's
        top edge, its title and label out of view: a dialog shows it its own way."""
        self._show_focused(widget)

    def _show_focused(self, widget: Widget) -> None:
        # After this refresh's layout: the compact switch may have just moved things, and
        # the focus a dialog starts with is set before its first layout.
        target = _actions_group(widget) or widget
        self.call_after_refresh(_scroll_to_show, target)


def _scroll_to_show(target: Widget) -> None:
    """The dialog from its top, scrolled as far as ``target`` (or its actions group) needs."""
    frame = next((node for node in target.ancestors if isinstance(node, DialogFrame)), None)
    if frame is not None:
        frame.scroll_home(animate=False, immediate=True)
    target.scroll_visible(animate=False, immediate=True)


def _actions_group(widget: Widget) -> Widget | None:
    for node in widget.ancestors_with_self:
        if isinstance(node, Widget) and node.has_class("dialog-actions"):
            return node
    return None
