"""Pieces the dialogs share: plain text from server data, transfer rates, path completion."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.suggester import Suggester
from textual.widgets import Input

from orbrowse.listing.formatting import human_size, visible_text

CSS_PATH = Path(__file__).with_name("dialogs.tcss")
"""Every dialog loads the same stylesheet."""

MAX_COMPLETION_ENTRIES = 5000
"""Completion gives up on folders with more entries than this (it runs on each keystroke)."""


def plain(text: str, style: str = "") -> Text:
    """Server-provided ``text`` as data: invisible and control characters made visible."""
    return Text(visible_text(text), style=style)


def count_files(count: int) -> str:
    return f"{count:,} file" if count == 1 else f"{count:,} files"


class RateMeter:
    """Bytes per second over the whole transfer so far."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._started = clock()

    def restart(self) -> None:
        self._started = self._clock()

    def rate(self, done: int) -> float | None:
        elapsed = self._clock() - self._started
        if elapsed < 0.2 or done <= 0:
            return None
        return done / elapsed


def transfer_text(done: int, total: int | None, rate: float | None) -> str:
    """``1.2 MiB of 4.0 MiB · 3.1 MiB/s``."""
    text = human_size(done)
    if total is not None:
        text += f" of {human_size(total)}"
    if rate is not None:
        text += f" · {human_size(int(rate))}/s"
    return text


def resolve_path(value: str, base: Path) -> Path:
    """What the user typed, as a path: ``~`` expanded, relative to ``base``."""
    path = Path(value.strip()).expanduser()
    return path if path.is_absolute() else base / path


def _shared_start(names: list[str]) -> str:
    """The longest text every one of ``names`` starts with."""
    first, last = min(names), max(names)
    length = 0
    while length < len(first) and first[length] == last[length]:
        length += 1
    return first[:length]


class PathSuggester(Suggester):
    """Completes the last segment of a typed path from the filesystem.

    The suggestion is the longest name every matching entry shares (a unique folder gets a
    trailing ``/``), so accepting it never guesses between two files.
    """

    def __init__(self, base: Path, *, folders_only: bool = False) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.base = base
        self.folders_only = folders_only

    async def get_suggestion(self, value: str) -> str | None:
        if not value.strip():
            return None
        folder_part, _, prefix = value.rpartition("/")
        if "/" in value:
            folder = resolve_path(folder_part + "/" if folder_part else "/", self.base)
        else:
            folder = self.base
        matches: list[tuple[str, bool]] = []
        try:
            with os.scandir(folder) as entries:
                for count, entry in enumerate(entries):
                    if count >= MAX_COMPLETION_ENTRIES:
                        return None
                    name = entry.name
                    if not name.startswith(prefix):
                        continue
                    if name.startswith(".") and not prefix.startswith("."):
                        continue
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    if self.folders_only and not is_dir:
                        continue
                    matches.append((name, is_dir))
        except OSError:
            return None
        if not matches:
            return None
        if len(matches) == 1:
            name, is_dir = matches[0]
            completion = name + ("/" if is_dir else "")
        else:
            completion = _shared_start([name for name, _ in matches])
        if len(completion) <= len(prefix):
            return None
        return value + completion[len(prefix) :]


class PathInput(Input):
    """An ``Input`` whose Tab accepts the completion shown, and moves focus when there is none."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete", "Complete the path", show=False),
    ]

    def action_complete(self) -> None:
        # Input keeps its pending suggestion privately; Right arrow accepts it the same way.
        suggestion = self._suggestion
        if self.cursor_at_end and suggestion and suggestion != self.value:
            self.value = suggestion
            self.cursor_position = len(suggestion)
        else:
            self.screen.focus_next()
