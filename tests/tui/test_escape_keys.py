"""Escape followed at once by a key reads as the two keys (orbrowse binds no Alt key), and a
line feed as Enter."""

from __future__ import annotations

import time

import pytest

from orbrowse.tui.escape_keys import EscapeThenKeyParser


def keys(data: str) -> list[str]:
    parser = EscapeThenKeyParser()
    read = [getattr(event, "key", "") for event in parser.feed(data)]
    time.sleep(0.15)  # past Textual's escape delay (0.1 s), as the driver's tick waits
    return read + [getattr(event, "key", "") for event in parser.tick()]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("\x1bj", ["escape", "j"]),  # Textual: alt+j
        ("\x1bJ", ["escape", "J"]),  # Textual: alt+shift+j
        ("\x1b/", ["escape", "slash"]),  # Textual: slash, the Escape dropped
        ("\x1bjk", ["escape", "j", "k"]),
        ("\x1b", ["escape"]),
        ("\x1b[B", ["down"]),  # an escape sequence is still its key
        ("j\x1b[6~", ["j", "pagedown"]),
        ("jj\n", ["j", "j", "enter"]),  # Enter typed while the tty still made CR a line feed
        ("\r", ["enter"]),
    ],
)
def test_escape_then_a_key_is_escape_and_the_key(typed: str, expected: list[str]) -> None:
    assert keys(typed) == expected
