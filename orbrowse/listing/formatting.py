"""Humanized, display-safe text for the TUI: sizes, times and hostile server strings.

Nothing here imports Textual; everything is a pure function so the widgets, dialogs and tests
share one spelling of "1.2 MiB" and one rule for what a filename may put on a terminal.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Literal

import humanize
from rich.cells import cell_len, set_cell_size

Clock = Callable[[], datetime]
"""Returns "now" as an aware UTC datetime; tests pass a fixed one."""

ELLIPSIS = "…"


def utc_now() -> datetime:
    """The default :data:`Clock`."""
    return datetime.now(UTC)


def human_size(size_bytes: int) -> str:
    """``1.2 MiB``: binary units, one decimal, none when it is zero (``10 GiB``)."""
    text = str(humanize.naturalsize(size_bytes, binary=True))
    return text.replace(".0 ", " ", 1)


def exact_size(size_bytes: int) -> str:
    """``1,234,567 bytes`` (``1 byte`` for one)."""
    unit = "byte" if size_bytes == 1 else "bytes"
    return f"{size_bytes:,} {unit}"


def relative_time(moment: datetime, now: datetime) -> str:
    """``3 minutes ago`` / ``in 2 hours`` style, relative to ``now``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return str(humanize.naturaltime(moment, when=now))


def iso_time(moment: datetime) -> str:
    """``2026-09-01 12:00:00 UTC``: exact, unambiguous, second precision."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# Characters that must never reach the terminal as themselves: C0/C1 controls and DEL (Cc),
# format characters (Cf: bidi overrides and isolates, zero-width space/joiners, BOM, soft
# hyphen...), line and paragraph separators, surrogates, private-use and unassigned code
# points (whose cell width no terminal agrees on).
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


@lru_cache(maxsize=8192)
def _escape_char(char: str) -> str:
    if unicodedata.category(char) not in _ESCAPED_CATEGORIES:
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"⟨U+{code:04X}⟩"


def visible_text(text: str) -> str:
    """``text`` with every control, bidi, zero-width or invisible character made visible.

    ESC becomes ``\\x1b``, U+202E becomes ``⟨U+202E⟩``; everything else is kept verbatim.
    The result is still plain data: callers put it in a ``Text``/``Content``, never in markup.
    """
    if text.isprintable() and text.isascii():
        return text
    return "".join(_escape_char(char) for char in text)


Align = Literal["left", "right"]


def fit(text: str, width: int, align: Align = "left") -> str:
    """``text`` padded or truncated (with an ellipsis) to exactly ``width`` terminal cells.

    Wide (CJK, emoji) characters are measured with Rich's cell widths; a wide character that
    would straddle the edge is replaced by padding so the width stays exact.
    """
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + ELLIPSIS
    padding = " " * (width - length)
    return text + padding if align == "left" else padding + text
