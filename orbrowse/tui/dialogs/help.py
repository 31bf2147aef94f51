"""Every binding of the screen that opened it, grouped by where it applies."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, NamedTuple

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from orbrowse.tui.dialogs.frame import DialogScreen


class KeyHelp(NamedTuple):
    keys: str
    """The keys as shown (``↓ / j``)."""
    description: str
    """What the footer calls it."""
    tooltip: str = ""
    """What it does, in a sentence (the binding's tooltip)."""


HelpGroup = tuple[str, Sequence[KeyHelp]]
"""(heading, its keys)."""

CLOSE_HINT = "Escape, q or ? closes"
SCROLL_KEYS = "↑↓ PgUp PgDn scroll"

TEXT_WIDTH = 72
"""Cells a help line takes before the frame is measured (80 wide, less padding, border and
scroll bar); then a tooltip wraps, under its description, to the width the list has."""

TEXTUAL_KEYS: dict[str, tuple[str, str]] = {
    "app.focus_next": ("Next field", "Move the focus to the next field or button"),
    "app.focus_previous": ("Previous field", "Move the focus to the previous field or button"),
    "command_palette": ("Command palette", "Run any action by its name"),
    "quit": ("Quit", "Quit orbrowse"),
}
"""Textual's own keys (they have no id) in orbrowse's words, by action."""

LEFT_OUT = frozenset({"screen.copy_text"})
"""Textual's keys help does not list: copying mouse-selected text (super+c, which few
terminals pass on) read as if it were ``y``, which copies the files' ids."""

SIDEWAYS = frozenset({"scroll_left", "scroll_right", "page_left", "page_right"})
"""Scrolling sideways: listed only where the widget can scroll sideways."""


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


def _wording(node: DOMNode, binding: Binding) -> tuple[str, str] | None:
    """(description, tooltip) as help shows them, or None to leave the key out.

    orbrowse's keys all have an id and say what they do; Textual's own (no id) get
    orbrowse's words where it has them, else the description in sentence case.
    """
    if binding.id:
        return binding.description, binding.tooltip
    if binding.action in LEFT_OUT:
        return None
    if binding.action in SIDEWAYS and not (
        isinstance(node, Widget) and node.allow_horizontal_scroll
    ):
        return None
    if binding.action in TEXTUAL_KEYS:
        return TEXTUAL_KEYS[binding.action]
    return binding.description[:1].upper() + binding.description[1:].lower(), binding.tooltip


def bindings_of(screen: Screen[Any]) -> list[HelpGroup]:
    """The active bindings of ``screen`` (focused widget, screen, app), grouped by owner.

    Keys that share one action (``j`` and ``down``) are shown together on one line.
    """
    groups: dict[str, dict[tuple[str, str], tuple[list[str], list[str]]]] = {}
    ranks: dict[str, int] = {}
    app = screen.app
    for active in screen.active_bindings.values():
        binding = active.binding
        wording = _wording(active.node, binding) if binding.description else None
        if wording is None:
            continue
        description, tooltip = wording
        name = _group_name(active.node, binding)
        ranks[name] = min(ranks.get(name, 2), _rank(active.node, name))
        group = groups.setdefault(name, {})
        keys, tooltips = group.setdefault((binding.action, description), ([], []))
        key_display = app.get_key_display(binding)
        if key_display not in keys:
            keys.append(key_display)
        if tooltip:
            tooltips.append(tooltip)
    result: list[HelpGroup] = []
    for name in sorted(groups, key=lambda name: ranks[name]):
        entries = [
            KeyHelp(" / ".join(keys), description, tooltips[0] if tooltips else "")
            for (_, description), (keys, tooltips) in groups[name].items()
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
        Binding(
            "escape,q,question_mark,f1",
            "close",
            "Close help",
            id="help.close",
            tooltip="Back to where help was opened",
        ),
        Binding(
            "j",
            "scroll_body(1)",
            "Scroll down",
            show=False,
            id="help.down",
            tooltip="One line down",
        ),
        Binding(
            "k", "scroll_body(-1)", "Scroll up", show=False, id="help.up", tooltip="One line up"
        ),
    ]

    def __init__(self, groups: Sequence[HelpGroup], *, title: str = "Keys", note: str = "") -> None:
        super().__init__()
        self.groups = tuple(groups)
        self._title = title
        self._wrapped_at = TEXT_WIDTH
        self.note = note
        """A rule worth knowing on this screen (its ``HELP_NOTE``), shown above the keys."""

    @classmethod
    def for_screen(cls, screen: Screen[Any], *, title: str = "Keys") -> HelpScreen:
        return cls(bindings_of(screen), title=title, note=str(getattr(screen, "HELP_NOTE", "")))

    def _body(self, text_width: int = TEXT_WIDTH) -> Text:
        """Per key: the keys, right-aligned, and the description; below it, in italics and
        wrapped under the description to ``text_width``, the tooltip where it says more."""
        groups = self.groups
        width = max((cell_len(e.keys) for _, entries in groups for e in entries), default=0)
        indent = " " * (width + 2)
        body = Text()
        if self.note:  # wrapped like the tooltips: the table does not wrap
            body.append("\n".join(textwrap.wrap(self.note, text_width)) + "\n\n", style="italic")
        for index, (name, entries) in enumerate(groups):
            if index:
                body.append("\n\n")
            body.append(name, style="bold underline")
            for entry in entries:
                body.append("\n")
                body.append(" " * (width - cell_len(entry.keys)) + entry.keys, style="bold")
                body.append("  ")
                body.append(entry.description)
                if entry.tooltip and entry.tooltip != entry.description:
                    lines = textwrap.wrap(entry.tooltip, max(text_width - len(indent), 16))
                    for line in lines:
                        body.append("\n" + indent)
                        body.append(line, style="italic")
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
        self.call_after_refresh(self._fit_body)
        self.call_after_refresh(self._show_hint)

    def on_resize(self, event: events.Resize) -> None:
        # DialogScreen's handler runs too (Textual calls each class's own).
        self.call_after_refresh(self._fit_body)

    def _fit_body(self) -> None:
        """Wrap the tooltips to the width the list has now."""
        table = self.query_one("#help-table", Static)
        if table.content_region.width and table.content_region.width != self._wrapped_at:
            self._wrapped_at = table.content_region.width
            table.update(self._body(self._wrapped_at))

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
