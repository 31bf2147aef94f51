"""Kitty graphics with Unicode placeholders: the image goes to the terminal once, and the cells
that show it are ordinary text, so Textual draws, clips and scrolls them like any other.

- :func:`transmit`: the image as PNG in APC chunks (``ESC _G … ESC \\``), with a virtual
  placement of ``columns`` × ``rows`` cells (``U=1``); ``q=2``: the terminal answers nothing
  (an answer would reach Textual as keystrokes).
- :class:`Placeholders`: ``U+10EEEE`` cells whose foreground colour is the image id (24 bits)
  and whose diacritics give the row and column; the first cell of a row carries both, the
  others are inferred by the terminal (same row, next column).
- :func:`delete`: frees the image in the terminal.

Protocol: the Kitty documentation, "Terminal graphics protocol", "Unicode placeholders".
"""

from __future__ import annotations

import base64
import io
import itertools
from typing import TYPE_CHECKING

from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style

if TYPE_CHECKING:
    from PIL import Image  # imported with the first image decoded (see image.py)

INTRODUCER = "\x1b_G"
TERMINATOR = "\x1b\\"
PLACEHOLDER = "\U0010eeee"
CHUNK = 4096
# The first row/column diacritics of Kitty's rowcolumn-diacritics.txt, in order.
DIACRITICS = tuple(
    chr(code)
    for code in (
        0x0305, 0x030D, 0x030E, 0x0310, 0x0312, 0x033D, 0x033E, 0x033F, 0x0346, 0x034A,
        0x034B, 0x034C, 0x0350, 0x0351, 0x0352, 0x0357, 0x035B, 0x0363, 0x0364, 0x0365,
        0x0366, 0x0367, 0x0368, 0x0369, 0x036A, 0x036B, 0x036C, 0x036D, 0x036E, 0x036F,
        0x0483, 0x0484, 0x0485, 0x0486, 0x0487, 0x0592, 0x0593, 0x0594, 0x0595, 0x0597,
        0x0598, 0x0599, 0x059C, 0x059D, 0x059E, 0x059F, 0x05A0, 0x05A1, 0x05A8, 0x05A9,
        0x05AB, 0x05AC, 0x05AF, 0x05C4, 0x0610, 0x0611, 0x0612, 0x0613, 0x0614, 0x0615,
        0x0616, 0x0617, 0x0657, 0x0658, 0x0659, 0x065A, 0x065B, 0x065D, 0x065E, 0x06D6,
        0x06D7, 0x06D8, 0x06D9, 0x06DA, 0x06DB, 0x06DC, 0x06DF, 0x06E0, 0x06E1, 0x06E2,
        0x06E4, 0x06E7, 0x06E8, 0x06EB, 0x06EC, 0x0730, 0x0732, 0x0733, 0x0735, 0x0736,
        0x073A, 0x073D, 0x073F, 0x0740, 0x0741, 0x0743, 0x0745, 0x0747, 0x0749, 0x074A,
    )
)  # fmt: skip
MAX_ROWS = len(DIACRITICS)

_ids = itertools.count(0x100001)


def new_image_id() -> int:
    """A 24-bit id (the placeholders' colour), not 0, unique among the last 16 million."""
    return 1 + next(_ids) % 0xFFFFFE


def _command(keys: str, payload: str = "") -> str:
    return (
        f"{INTRODUCER}{keys};{payload}{TERMINATOR}"
        if payload
        else f"{INTRODUCER}{keys}{TERMINATOR}"
    )


def transmit(image: Image.Image, image_id: int, columns: int, rows: int) -> str:
    """Send ``image`` and place it virtually over ``columns`` × ``rows`` cells."""
    png = io.BytesIO()
    image.save(png, "PNG")
    data = base64.standard_b64encode(png.getvalue()).decode("ascii")
    chunks = [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)] or [""]
    first = f"a=T,U=1,f=100,t=d,i={image_id},c={columns},r={rows},q=2"
    out = []
    for n, chunk in enumerate(chunks):
        more = 1 if n < len(chunks) - 1 else 0
        keys = f"{first},m={more}" if n == 0 else f"m={more},q=2"
        out.append(_command(keys, chunk))
    return "".join(out)


def delete(image_id: int) -> str:
    """Free the image and its placements in the terminal."""
    return _command(f"a=d,d=I,i={image_id},q=2")


class Placeholders:
    """``columns`` × ``rows`` placeholder cells for image ``image_id``."""

    def __init__(self, image_id: int, columns: int, rows: int) -> None:
        self.image_id = image_id
        self.columns = columns
        self.rows = min(rows, MAX_ROWS)
        self.style = Style(color=Color.from_rgb(*image_id.to_bytes(3, "big")))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.columns, self.columns)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        rest = PLACEHOLDER * (self.columns - 1)
        for row in range(self.rows):
            yield Segment(PLACEHOLDER + DIACRITICS[row] + DIACRITICS[0] + rest, self.style)
            yield Segment.line()
