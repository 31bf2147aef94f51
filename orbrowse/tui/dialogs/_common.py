"""Pieces the dialogs share: plain text from server data, transfer rates, path completion."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Static

from orbrowse.api.models import FileObject
from orbrowse.listing.formatting import human_size, visible_text
from orbrowse.listing.workspace_label import WorkspaceLabel

MAX_COMPLETION_ENTRIES = 5000
"""Completion gives up on folders with more entries than this (it runs on each keystroke)."""
MAX_CANDIDATES_SHOWN = 12


def plain(text: str, style: str = "") -> Text:
    """Server-provided ``text`` as data: invisible and control characters made visible."""
    return Text(visible_text(text), style=style)


def workspace_line(workspace: WorkspaceLabel) -> Static:
    """ "in workspace PROD · Production (production, 5d3f2a1c)": where the files are."""
    text = Text("in workspace ", end="").append(workspace.full, style="bold")
    return Static(text, id="workspace", classes="dialog-workspace")


def file_lines(files: Sequence[FileObject], detail: Callable[[FileObject], Text]) -> Text:
    """One entry per file: its name and id (as plain data), then ``detail(file)``."""
    lines = Text(no_wrap=True, overflow="ellipsis")
    for index, file in enumerate(files):
        if index:
            lines.append("\n")
        lines.append_text(plain(file.filename))
        lines.append("  ")
        lines.append_text(plain(file.id, style="italic"))
        lines.append_text(detail(file))
    return lines


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
    """What the user typed, as a path: ``~`` expanded, relative to ``base``.

    A path typed after the prefilled folder starts over, as in Emacs's minibuffer:
    ``/home/me//tmp/a`` is ``/tmp/a`` and ``/home/me/~/a`` is ``~/a`` (a burst such as
    ``u/tmp/a`` lands after the folder the field opens with).
    """
    text = value.strip()
    restart = text.rfind("//") + 1
    home = max(text.rfind("/~/"), len(text) - 2 if text.endswith("/~") else -1) + 1
    text = text[max(restart, home) :]
    path = Path(text).expanduser()
    return path if path.is_absolute() else base / path


def folder_problem(folder: Path) -> str | None:
    """Why nothing can be written into ``folder``, or ``None``."""
    try:
        if not folder.exists():
            return f"{folder} does not exist"
        if not folder.is_dir():
            return f"{folder} is not a folder"
    except OSError as exc:
        return f"{folder} cannot be used ({exc.strerror or exc})"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"{folder} is not writable"
    return None


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

    def matches(self, value: str) -> list[str]:
        """Names that complete the last segment of ``value`` (folders end in ``/``), sorted.

        Empty when nothing matches, the folder cannot be read or holds too many entries.
        """
        if not value.strip():
            return []
        folder_part, _, prefix = value.rpartition("/")
        if "/" in value:
            folder = resolve_path(folder_part + "/" if folder_part else "/", self.base)
        else:
            folder = self.base
        names: list[str] = []
        try:
            with os.scandir(folder) as entries:
                for count, entry in enumerate(entries):
                    if count >= MAX_COMPLETION_ENTRIES:
                        return []
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
                    names.append(name + "/" if is_dir else name)
        except OSError:
            return []
        return sorted(names)

    def completion(self, value: str) -> tuple[str | None, list[str]]:
        """(``value`` completed as far as every match agrees, or ``None``; the matches)."""
        names = self.matches(value)
        if not names:
            return None, names
        prefix = value.rpartition("/")[2]
        completion = names[0] if len(names) == 1 else _shared_start(names)
        if len(completion) <= len(prefix):
            return None, names
        return value + completion[len(prefix) :], names

    async def get_suggestion(self, value: str) -> str | None:
        return self.completion(value)[0]


def candidates_text(names: Sequence[str]) -> Text:
    """The completions Tab found, for the line under a path field ("" for none or one)."""
    if len(names) < 2:
        return Text("")
    shown = names[:MAX_CANDIDATES_SHOWN]
    text = Text(f"{len(names):,} matches: ")
    text.append_text(plain("  ".join(shown)))
    if len(names) > len(shown):
        text.append(f"  … and {len(names) - len(shown):,} more")
    return text


class PathInput(Input):
    """An ``Input`` whose Tab completes a path the way a shell does.

    Tab accepts the completion shown; when several names match, it completes their common
    part, keeps the focus here and posts :class:`Candidates` so the dialog can list them.
    With nothing to complete, Tab moves the focus on as usual; so does a Tab on a whole
    folder (``…/``) whose entries are already listed, else a folder of two subfolders or more
    held the focus for good.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "tab",
            "complete",
            "Complete the path",
            show=False,
            id="path.complete",
            tooltip="With several matches, completes what they share and lists them",
        ),
    ]

    @dataclass
    class Candidates(Message):
        """Names that match what is typed (empty: none to show)."""

        input: PathInput
        names: list[str]

        @property
        def control(self) -> PathInput:
            return self.input

    _listed_for: str | None = None
    """The value whose completions the last Tab listed."""

    def action_complete(self) -> None:
        suggester = self.suggester
        if not self.cursor_at_end or not isinstance(suggester, PathSuggester):
            self.screen.focus_next()
            return
        completed, names = suggester.completion(self.value)
        if completed is not None:
            self.value = completed  # posts Changed first: the list below comes after it
            self.cursor_position = len(completed)
        elif len(names) < 2 or (self.value.endswith("/") and self._listed_for == self.value):
            self.screen.focus_next()
            return
        self._listed_for = self.value if len(names) > 1 else None
        self.post_message(self.Candidates(self, names if len(names) > 1 else []))
