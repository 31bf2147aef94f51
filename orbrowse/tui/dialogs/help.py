"""Every binding of the screen that opened it, grouped by where it applies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Static

from orbrowse.tui.dialogs.frame import DialogScreen

KeyHelp = tuple[str, str]
"""(key as shown, what it does)."""

HelpGroup = tuple[str, Sequence[KeyHelp]]
"""(heading, its keys)."""

CLOSE_HINT = "Escape, q or ? closes"
SCROLL_KEYS = "↑↓ PgUp PgDn scroll"


def _group_name(node: DOMNode, binding: Binding) -> str:
    """A heading a person understands, never a class name.

    A node may sort its keys into sections (``HELP_SECTIONS``: binding id to heading);
    otherwise the node's ``BINDING_GROUP_TITLE`` names them. Not ``Binding.group``: the
    footer would merge the shown keys of one group under one label.
    """
    sections = getattr(node, "HELP_SECTIONS", None)
    if isinstance(sections, Mapping) and binding.id in sections:
        return str(sections[binding.id])
    if binding.action.startswith(("app.", "screen.")):  # Textual's own: tab, ctrl+c
        return "Everywhere"
    if node.BINDING_GROUP_TITLE:
        return node.BINDING_GROUP_TITLE
    if isinstance(node, App):
        return "Everywhere"
    if isinstance(node, Screen):
        return "This screen"
    return "Where the focus is"


def _rank(node: DOMNode, name: str) -> int:
    """The screen's own keys first, then the focused widget's, then the app's."""
    if isinstance(node, App) or name == "Everywhere":
        return 2
    return 0 if isinstance(node, Screen) else 1


def bindings_of(screen: Screen[Any]) -> list[HelpGroup]:
    """The active bindings of ``screen`` (focused widget, screen, app), grouped by owner.

    Keys that share one action (``j`` and ``down``) are shown together on one line.
    """
    groups: dict[str, dict[tuple[str, str], list[str]]] = {}
    ranks: dict[str, int] = {}
    app = screen.app
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description:
            continue
        name = _group_name(active.node, binding)
        ranks[name] = min(ranks.get(name, 2), _rank(active.node, name))
        group = groups.setdefault(name, {})
        keys = group.setdefault((binding.action, binding.description), [])
        key_display = app.get_key_display(binding)
        if key_display not in keys:
            keys.append(key_display)
    result: list[HelpGroup] = []
    for name in sorted(groups, key=lambda name: ranks[name]):
        entries = [
            (" / ".join(keys), description) for (_, description), keys in groups[name].items()
        ]
        result.append((name, entries))
    return result


class HelpScreen(DialogScreen[None]):
    """Lists keys and what they do; Escape, ``q`` or ``?`` closes.

    Pass the groups explicitly, or build them from a screen with :meth:`for_screen`. The
    list scrolls; the hint below it says so whenever there is more than fits.
    """

    AUTO_FOCUS = "#help-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close help", id="help.close"),
        Binding("j", "scroll_body(1)", "Scroll down", show=False, id="help.down"),
        Binding("k", "scroll_body(-1)", "Scroll up", show=False, id="help.up"),
    ]

    def __init__(self, groups: Sequence[HelpGroup], *, title: str = "Keys") -> None:
        super().__init__()
        self.groups = tuple(groups)
        self._title = title

    @classmethod
    def for_screen(cls, screen: Screen[Any], *, title: str = "Keys") -> HelpScreen:
        return cls(bindings_of(screen), title=title)

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
        with Vertical(classes="dialog"):
            yield Static(Text(self._title), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(self._body(), id="help-table")
            yield Static(Text(CLOSE_HINT), id="help-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        self.watch(body, "scroll_y", self._show_hint, init=False)
        self.watch(body, "max_scroll_y", self._show_hint, init=False)
        self.call_after_refresh(self._show_hint)

    def _show_hint(self) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        hint = CLOSE_HINT
        if body.max_scroll_y > 0:
            where = "more below" if body.scroll_y < body.max_scroll_y else "at the end"
            hint = f"{where} · {SCROLL_KEYS} · {CLOSE_HINT}"
        self.query_one("#help-hint", Static).update(Text(hint))

    def action_scroll_body(self, rows: int) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=rows, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
