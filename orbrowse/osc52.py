"""The escape sequences that ask a terminal to set its clipboard (OSC 52), plain and wrapped.

- plain: ``ESC ] 52 ; c ; <base64 of UTF-8> BEL``, for a terminal we talk to directly;
- tmux passthrough: ``ESC P tmux; <plain, every ESC doubled> ESC \\``, which tmux 3.3+ drops
  unless ``allow-passthrough`` is on;
- GNU screen passthrough: the plain sequence cut into pieces, each sent as
  ``ESC P <piece> ESC \\``; screen passes each piece's content on and the terminal sees one
  OSC 52. Screen limits the length of such strings (256 bytes before 4.2), hence the pieces.

The text is base64 inside every form, so nothing in it can end the sequence early.
"""

from __future__ import annotations

import base64
from typing import Final

DEFAULT_OSC52_MAX_BYTES: Final = 100_000
"""Many terminals drop longer OSC 52 sequences (xterm and tmux limit them), so we refuse."""

SCREEN_CHUNK_BYTES: Final = 252
"""256, screen's oldest limit on a string sequence, less the 4 bytes of ``ESC P`` ``ESC \\``."""

_ESC: Final = b"\x1b"
_BEL: Final = b"\x07"
_ST: Final = _ESC + b"\\"


class OSC52TooLargeError(ValueError):
    """The text does not fit in one OSC 52 sequence under the cap."""


def osc52_sequence(text: str, *, max_bytes: int = DEFAULT_OSC52_MAX_BYTES) -> bytes:
    """The plain sequence for ``text``; :class:`OSC52TooLargeError` beyond ``max_bytes``."""
    sequence = _ESC + b"]52;c;" + base64.b64encode(text.encode("utf-8")) + _BEL
    if len(sequence) > max_bytes:
        raise OSC52TooLargeError(
            f"{len(text.encode('utf-8')):,} bytes is too large for OSC 52 "
            f"(the limit is {max_bytes:,} bytes encoded)"
        )
    return sequence


def tmux_passthrough(sequence: bytes) -> bytes:
    """``sequence`` wrapped so that tmux passes it to the outer terminal (if allowed)."""
    return _ESC + b"Ptmux;" + sequence.replace(_ESC, _ESC + _ESC) + _ST


def screen_passthrough(sequence: bytes, *, chunk: int = SCREEN_CHUNK_BYTES) -> bytes:
    """``sequence`` as GNU screen's DCS passthrough, in pieces screen accepts."""
    return b"".join(
        _ESC + b"P" + sequence[start : start + chunk] + _ST
        for start in range(0, len(sequence), chunk)
    )
