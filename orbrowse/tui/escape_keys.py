"""Escape followed quickly by a key is Escape, then that key: never Alt plus that key.

A terminal sends Alt+j as ``ESC j``: the same bytes as Escape then j. Textual reads them as
Alt+j when the second byte comes within its escape delay (0.1 s), and tmux, with its default
``escape-time`` of 500 ms, itself turns Escape then j typed within half a second into Meta-j,
which reaches the app as ``ESC j``. Over SSH, keys typed apart can arrive in one read. So a
user who closes the help with Escape and moves on with j got neither: Textual made an
``alt+j`` that nothing binds (and for Escape then ``/`` dropped the Escape). orbrowse binds
no Alt key; here every such pair is read as the two keys that were typed.

Enter typed before orbrowse put the terminal in raw mode (while it starts, over a slow link)
was turned into a line feed by the terminal's usual ``ICRNL`` as it arrived, and Textual reads
a line feed as Ctrl+J. orbrowse binds no Ctrl+J; a line feed is read as Enter, as shells and
most terminal programs take it.

Textual's driver builds its :class:`~textual._xterm_parser.XTermParser` itself (Textual is
pinned: this reaches into its private parser module), so :func:`install` swaps the class the
driver module looks up for :class:`EscapeThenKeyParser`.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual._xterm_parser import XTermParser

ESCAPE = "\x1b"


LINE_FEED = "\n"


class EscapeThenKeyParser(XTermParser):
    """Textual's parser, reading ``ESC`` + one character as Escape, then that character, and
    a line feed as Enter."""

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if sequence == LINE_FEED:
            yield events.Key("enter", "\r")
            return
        if alt and len(sequence) == 1:
            # The character after an ESC that began no known sequence (Textual would make it
            # "alt+<key>", or drop the ESC for a character with a name, such as "/").
            yield events.Key("escape", ESCAPE)
        yield from super()._sequence_to_key_events(sequence, alt=False)


def install() -> None:
    """Make the terminal drivers read keys with :class:`EscapeThenKeyParser`."""
    from textual.drivers import linux_driver

    linux_driver.XTermParser = EscapeThenKeyParser  # type: ignore[attr-defined]
