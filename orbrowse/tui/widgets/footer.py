"""Textual's footer, made again only when its keys change, and showing whole keys only.

:class:`Footer`: Textual's makes every key widget again (and styles each twice) whenever the
screen refreshes its bindings; the browser does that after every page and every mark, mostly
with the same keys on offer. This one skips those remakes.

:class:`FittingFooter`: Textual's footer lays its keys out in one row and cuts the row at the
screen's edge, often mid-word ("x D" at 80 columns). This one leaves out whole keys instead,
the least important first (``KEEP_ORDER`` read from the end; keys it does not name go first).
The keys it leaves out still work and are in the help (``?``) and the command palette.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

Shown = tuple[tuple[str, object, bool, str], ...]


class Footer(TextualFooter):
    """The key bar, made again only when the keys it offers change."""

    # The light themes' key colour ($primary, #0178D4) is 2.9:1 on the footer: $text-primary.
    DEFAULT_CSS = """
    Footer:light FooterKey .footer-key--key {
        color: $text-primary;
    }
    /* $accent (Textual's) was 4.13:1 on flexoki's panel, 4.31 on nord's. */
    Footer:dark FooterKey .footer-key--key {
        color: $text-accent;
    }
    """

    _shown: Shown | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        will_compose = screen.app.app_focus and self.is_attached and screen is self.screen
        if not will_compose:
            super().bindings_changed(screen)  # Textual's own reasons not to compose now
            return
        shown = _shown(screen)
        if shown == self._shown and self._bindings_ready:
            return
        self._shown = shown
        super().bindings_changed(screen)


def _shown(screen: Screen[object]) -> Shown:
    """What the footer would draw for ``screen``: the shown keys, each enabled or not."""
    palette = screen.app.COMMAND_PALETTE_BINDING
    return tuple(
        (key, active.binding, active.enabled, active.tooltip)
        for key, active in screen.active_bindings.items()
        if active.binding.show or key == palette
    )


def _set_compact(key: FooterKey, compact: bool) -> None:
    """Give ``key`` the ``compact`` it will have once mounted, before it mounts. A FooterKey
    starts compact, and most are bound to the footer's (not compact): mounted as made, each
    gained ``-compact`` and lost it again, each time styled anew with its two component
    classes (``profile_speed.py startup``: three stylings of each key instead of one)."""
    key.set_reactive(FooterKey.compact, compact)
    key.set_class(compact, "-compact", update=False)


def key_width(key: FooterKey) -> int:
    """The cells ``key`` takes in the row (Textual's FooterKey CSS: a blank each side of the
    key and one after the description)."""
    return cell_len(key.key_display) + cell_len(key.description) + 3


class FittingFooter(Footer):
    """A :class:`Footer` that leaves out whole keys, never cuts one."""

    KEEP_ORDER: ClassVar[tuple[str, ...]] = (
        "help",
        "quit",
        "close",  # the full view's keys: back, open outside, search
        "open_outside",
        "search",
        "toggle_mark",
        "delete",
        "download",
        "copy_ids",
        "filter",
        "upload",
        "pick_workspace",
        "visual",
        "refresh",
        "open_preview",
    )
    """Actions, the one to keep longest first."""

    def __init__(self) -> None:
        super().__init__()
        self._width = 0

    def compose(self) -> ComposeResult:
        composed: list[Widget] = list(super().compose())
        keys = [w for w in composed if isinstance(w, FooterKey)]
        palette = [k for k in keys if k.has_class("-command-palette")]
        # The palette key is docked right with a border and a blank beside it.
        room = self._width - sum(key_width(k) + 2 for k in palette)
        ranked = sorted(
            (k for k in keys if k not in palette),
            key=lambda k: self._rank(k.action),
        )
        shown: set[int] = set()
        for key in ranked:
            width = key_width(key)
            if width <= room:
                shown.add(id(key))
                room -= width
            else:
                break  # a less important key must not take the place of a more important one
        for widget in composed:
            if not isinstance(widget, FooterKey) or widget in palette or id(widget) in shown:
                if isinstance(widget, FooterKey):
                    # Textual binds the keys to the footer's compact, not the palette's key.
                    _set_compact(widget, True if widget in palette else self.compact)
                yield widget

    def _rank(self, action: str) -> int:
        name = action.rpartition(".")[2]
        return self.KEEP_ORDER.index(name) if name in self.KEEP_ORDER else len(self.KEEP_ORDER)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.call_after_refresh(self.recompose)
