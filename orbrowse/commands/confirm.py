"""Asking a person before something irreversible, even when stdin carries the data.

The question goes to the terminal itself: stdin and stderr when stdin is a terminal that is
not being read for data, else ``/dev/tty``. Without a terminal there is nobody to ask, and
the caller must refuse (scripts pass ``--yes``).
"""

from __future__ import annotations

import sys
from typing import TextIO

from orbrowse.closing import ClosedOnExit
from orbrowse.listing.formatting import visible_text

YES = frozenset({"y", "yes"})


class Prompt(ClosedOnExit):
    """A question-and-answer channel to the person at the terminal."""

    def __init__(self, reader: TextIO, writer: TextIO, *, owned: bool) -> None:
        self.reader = reader
        self.writer = writer
        self.owned = owned

    def say(self, text: str) -> None:
        self.writer.write("\n".join(visible_text(line) for line in text.split("\n")) + "\n")
        self.writer.flush()

    def ask(self, question: str) -> bool:
        """Whether the answer was yes; end of input or anything else is no."""
        self.writer.write(visible_text(question) + " [y/N] ")
        self.writer.flush()
        answer = self.reader.readline()
        if not answer:
            self.writer.write("\n")
        return answer.strip().lower() in YES

    def close(self) -> None:
        if self.owned:
            self.reader.close()


def open_prompt(*, stdin_is_data: bool) -> Prompt | None:
    """A channel to the terminal, or ``None`` when there is no terminal to ask."""
    if not stdin_is_data and sys.stdin is not None and sys.stdin.isatty():
        return Prompt(sys.stdin, sys.stderr, owned=False)
    try:
        tty = open("/dev/tty", "r+", encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError:
        return None
    return Prompt(tty, tty, owned=True)
