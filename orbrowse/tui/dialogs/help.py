"""Every binding of the screen that opened it, grouped by where it applies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from orbrowse.tui.dialogs._common import CSS_PATH

KeyHelp = tuple[str, str]
"""(key as shown, what it does)."""

HelpGroup = tuple[str, Sequence[KeyHelp]]
"""(heading, its keys)."""


def _group_name(node: object) -> str:
    from textual.app import App

    if isinstance(node, App):
        return "Everywhere"
    if isinstance(node, Screen):
        return "This screen"
    return getattr(node, "HELP_GROUP", None) or type(node).__name__


def bindings_of(screen: Screen[Any]) -> list[HelpGroup]:
    """The active bindings of ``screen`` (focused widget, screen, app), grouped by owner.

    Keys that share one action (``j`` and ``down``) are shown together on one line.
    """
    groups: dict[str, dict[tuple[str, str], list[str]]] = {}
    app = screen.app
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description:
            continue
        group = groups.setdefault(_group_name(active.node), {})
        key_display = app.get_key_display(binding)
        group.setdefault((binding.action, binding.description), []).append(key_display)
    order = {"This screen": 0, "Everywhere": 2}
    result: list[HelpGroup] = []
    for name in sorted(groups, key=lambda name: (order.get(name, 1), name)):
        entries = [
            (" / ".join(keys), description) for (_, description), keys in groups[name].items()
        ]
        result.append((name, entries))
    return result


class HelpScreen(ModalScreen[None]):
    """Lists keys and what they do; Escape, ``q`` or ``?`` closes.

    Pass the groups explicitly, or build them from a screen with :meth:`for_screen`.
    """

    CSS_PATH = CSS_PATH
    AUTO_FOCUS = "#help-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close help", id="dialog.close"),
    ]

    def __init__(self, groups: Sequence[HelpGroup], *, title: str = "Keys") -> None:
        super().__init__(classes="dialog-screen")
        self.groups = tuple(groups)
        self._title = title

    @classmethod
    def for_screen(cls, screen: Screen[Any], *, title: str = "Keys") -> HelpScreen:
        return cls(bindings_of(screen), title=title)

    @classmethod
    def from_pairs(cls, pairs: Sequence[KeyHelp], *, title: str = "Keys") -> HelpScreen:
        return cls([("Keys", pairs)], title=title)

    def _body(self) -> Text:
        width = max(
            (cell_len(keys) for _, entries in self.groups for keys, _ in entries), default=0
        )
        body = Text()
        for index, (name, entries) in enumerate(self.groups):
            if index:
                body.append("\n\n")
            body.append(name, style="bold underline")
            for keys, description in entries:
                body.append("\n")
                body.append(" " * (width - cell_len(keys)) + keys, style="bold")
                body.append("  ")
                body.append(description)
        return body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -help"):
            yield Static(Text(self._title), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(self._body(), id="help-table")
            yield Static(Text("Escape, q or ? closes"), classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
