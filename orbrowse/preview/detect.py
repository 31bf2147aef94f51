"""Which image protocol the terminal speaks: Kitty graphics, Sixel or (the default) half blocks.

Asked before Textual starts (Textual's input thread would take the answers), in two rounds.
First a cell-size request (``CSI 16 t``) and Primary Device Attributes (DA1): every VT-style
terminal, tmux and GNU screen included, answers DA1, and answers in order, so the DA1 reply
ends the wait, and a terminal that answers nothing costs at most ``TIMEOUT``. Only a terminal
that answered, and reported no Sixel, gets the second round: the Kitty graphics query, then
DA1 again. The order matters: a reply that comes after we stop listening is read by Textual as
input, and Textual swallows a late DA1 or cell size but would type a late Kitty reply
(``_Gi=…;OK``) as keys. The replies are read as bytes (a keystroke typed meanwhile cannot
break decoding), at most ``MAX_REPLY`` of them; the keys typed meanwhile, escape sequences
(arrows) included, are handed to the app (:func:`typed_ahead`).

- Sixel: DA1 lists attribute 4. Inside tmux it is tmux that answers, and it lists 4 only when
  it was built with Sixel and draws Sixel itself: that is the one case where tmux gets more
  than half blocks.
- Kitty: the graphics query is answered ``OK``. We draw with Kitty's Unicode placeholders,
  which Kitty and Ghostty support; WezTerm and Konsole answer the query but draw placeholders
  as boxes, and they speak Sixel, so Sixel is preferred when both are offered. tmux drops the
  query (we do not wrap it in its passthrough), so Kitty is never chosen there.
- Half blocks everywhere else: no answer, not a terminal, ``TERM=dumb``, GNU screen, the
  Linux console (the last three are not asked).
"""

from __future__ import annotations

import os
import re
import select
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

GraphicsProtocol = Literal["kitty", "sixel", "halfblock"]
ImagesMode = Literal["auto", "kitty", "sixel", "halfblock"]
IMAGES_MODES: Final[tuple[ImagesMode, ...]] = ("auto", "kitty", "sixel", "halfblock")
ENV_IMAGES: Final = "ORBROWSE_IMAGES"

KITTY_QUERY: Final = b"\x1b_Gi=4242,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
CELL_SIZE_QUERY: Final = b"\x1b[16t"
DA1_QUERY: Final = b"\x1b[c"
FIRST_QUERY: Final = CELL_SIZE_QUERY + DA1_QUERY
SECOND_QUERY: Final = KITTY_QUERY + DA1_QUERY
TIMEOUT: Final = 1.0
"""Seconds to wait for each DA1 answer: several SSH round trips on a slow link."""
MAX_REPLY: Final = 4096
DEFAULT_CELL: Final = (10, 20)
"""Pixels per cell (width, height) when the terminal does not say: the VT340's."""

_DA1 = re.compile(rb"\x1b\[\?([0-9;]*)c")
_KITTY = re.compile(rb"\x1b_Gi=4242;([^\x1b]*)\x1b\\")
_CELL = re.compile(rb"\x1b\[6;([0-9]{1,4});([0-9]{1,4})t")


@dataclass(frozen=True, slots=True)
class TerminalReply:
    """What the terminal said to the queries."""

    answered: bool
    sixel: bool = False
    kitty: bool = False
    cell: tuple[int, int] | None = None
    """Pixels per cell (width, height), when it said."""


@dataclass(frozen=True, slots=True)
class Graphics:
    """How images are drawn, and why (shown by ``orbrowse --version``-style diagnostics)."""

    protocol: GraphicsProtocol
    reason: str
    cell: tuple[int, int] = DEFAULT_CELL


HALF_BLOCKS = Graphics("halfblock", "the default")


def parse_reply(reply: bytes | None) -> TerminalReply:
    if reply is None:
        return TerminalReply(answered=False)
    da1 = _DA1.search(reply)
    kitty = _KITTY.search(reply)
    cell = _CELL.search(reply)
    size = None
    if cell is not None:
        height, width = int(cell.group(1)), int(cell.group(2))
        if 0 < width <= 200 and 0 < height <= 400:
            size = (width, height)
    return TerminalReply(
        answered=da1 is not None,
        sixel=da1 is not None and b"4" in da1.group(1).split(b";"),
        kitty=kitty is not None and kitty.group(1) == b"OK",
        cell=size,
    )


def choose(
    mode: ImagesMode,
    env: Mapping[str, str],
    ask: Callable[[], bytes | None],
    window_cell: tuple[int, int] | None = None,
) -> Graphics:
    """The protocol for ``mode``: ``auto`` asks the terminal (through ``ask``) unless the
    environment already rules graphics out; any other mode is taken as said."""
    cell = window_cell or DEFAULT_CELL
    if mode != "auto":
        return Graphics(mode, f"images = {mode!r} in the config or ${ENV_IMAGES}", cell)
    term = env.get("TERM", "")
    if term in ("", "dumb"):
        return Graphics("halfblock", f"TERM is {term or 'unset'}", cell)
    if env.get("STY") or (term.startswith("screen") and not env.get("TMUX")):
        return Graphics("halfblock", "GNU screen passes no graphics", cell)
    if term == "linux":  # it answers DA1, but might print the Kitty query it does not know
        return Graphics("halfblock", "the Linux console has no graphics protocol", cell)
    reply = parse_reply(ask())
    cell = window_cell or reply.cell or DEFAULT_CELL
    inside_tmux = bool(env.get("TMUX"))
    if not reply.answered:
        return Graphics("halfblock", "the terminal did not answer the query", cell)
    if reply.sixel:
        where = "tmux draws Sixel" if inside_tmux else "the terminal reports Sixel"
        return Graphics("sixel", where, cell)
    if reply.kitty and not inside_tmux:
        return Graphics("kitty", "the terminal answered the Kitty graphics query", cell)
    if inside_tmux:
        return Graphics("halfblock", "inside tmux without Sixel", cell)
    return Graphics("halfblock", "the terminal reports no graphics protocol", cell)


def window_cell_size(fd: int) -> tuple[int, int] | None:
    """Pixels per cell from the window size (``TIOCGWINSZ``), when the terminal fills it in."""
    import fcntl
    import struct
    import termios

    try:
        packed = fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8)
    except OSError:
        return None
    rows, columns, width, height = struct.unpack("HHHH", packed)
    if not (rows and columns and width and height):
        return None
    return width // columns, height // rows


def ask_terminal(fd: int, timeout: float = TIMEOUT) -> bytes | None:
    """Ask the terminal on ``fd`` (both rounds, see the module's docstring) and return what it
    said; None when ``fd`` is not a terminal. Echo and line mode are off while it waits and are
    restored however it ends."""
    import termios

    if not os.isatty(fd):
        return None
    saved = termios.tcgetattr(fd)
    quiet = termios.tcgetattr(fd)
    quiet[3] &= ~(termios.ECHO | termios.ICANON)  # lflag
    quiet[6][termios.VMIN] = 0
    quiet[6][termios.VTIME] = 0
    try:
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
        reply = _exchange(fd, FIRST_QUERY, timeout)
        first = parse_reply(reply)
        if first.answered and not first.sixel:
            reply += _exchange(fd, SECOND_QUERY, timeout)
    except OSError:
        return None
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
    return reply


def _exchange(fd: int, query: bytes, timeout: float) -> bytes:
    """Write ``query``; read until a DA1 reply, ``timeout`` or :data:`MAX_REPLY` bytes."""
    os.write(fd, query)
    reply = bytearray()
    deadline = time.monotonic() + timeout
    while len(reply) < MAX_REPLY and not _DA1.search(reply):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        chunk = os.read(fd, MAX_REPLY - len(reply))
        if not chunk:
            break
        reply += chunk
    return bytes(reply)


_KEY_CSI = re.compile(rb"\x1b\[[0-9;]*[ABCDFHPQRSZ~]")
"""A key as a terminal sends it: arrows, Home/End, F1-F4, Shift+Tab, PageUp/PageDown and the
other ``~`` keys, a modifier or two in the parameters (``ESC [ 1 ; 5 A`` is Ctrl+Up)."""
_KEY_SS3 = re.compile(rb"\x1bO[ABCDFHPQRS]")
"""The same keys in the terminal's application mode (``ESC O B`` is Down)."""
_CSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]")
_STRING = re.compile(rb"\x1b[P\]_^X].*?(?:\x1b\\|\x07)", re.DOTALL)
"""A string sequence (DCS, OSC, APC, PM, SOS): a reply, ended by ST or BEL."""


def typed_ahead(reply: bytes) -> str:
    """What the user typed while (or before) the terminal was asked, read with its replies:
    the bytes that are none of the replies. A key sent as an escape sequence (an arrow,
    PageDown, Home…) is kept whole, and Escape then a key is kept as those two keys; any
    other escape sequence (a reply we did not ask for) is dropped, and so is a sequence cut
    by the wait's end (the rest of the read: never typed as keys). Bad UTF-8 is dropped."""
    keys = _CELL.sub(b"", _KITTY.sub(b"", _DA1.sub(b"", reply)))
    kept = bytearray()
    at = 0
    while at < len(keys):
        escape = keys.find(b"\x1b", at)
        if escape < 0:
            kept += keys[at:]
            break
        kept += keys[at:escape]
        at = escape
        key = _KEY_CSI.match(keys, at) or _KEY_SS3.match(keys, at)
        other = _CSI.match(keys, at) or _STRING.match(keys, at)
        if key is not None:
            kept += key.group()
            at = key.end()
        elif other is not None:
            at = other.end()
        elif at + 1 < len(keys) and 0x20 <= keys[at + 1] < 0x7F and keys[at + 1] not in b"[OP]_^X":
            kept += keys[at : at + 2]  # Escape, then a key: the app reads it so (escape_keys)
            at += 2
        else:
            break  # a sequence cut short, or Escape last: what it was is not known
    return kept.decode("utf-8", "ignore")


def detect(
    mode: ImagesMode, env: Mapping[str, str], fd: int, typed: list[str] | None = None
) -> Graphics:
    """:func:`choose` against the real terminal on ``fd`` (open for reading and writing); the
    keys typed while it was asked go to ``typed`` (:func:`typed_ahead`), for the app."""

    def ask() -> bytes | None:
        reply = ask_terminal(fd)
        if reply and typed is not None:
            typed.append(typed_ahead(reply))
        return reply

    return choose(mode, env, ask, window_cell_size(fd))
