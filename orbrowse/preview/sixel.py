"""Sixel encoding of an RGB image: at most 255 colours, one DCS string.

A sixel is a column of six pixels; a band is six pixel rows. For each colour in a band, one
line of sixel characters says which of the six pixels of each column take that colour. Each
of the six rows is turned into 0/bit bytes with ``bytes.translate`` (bit ``1 << k`` where the
pixel has the colour) and the rows are OR-ed as big integers (their bits never overlap), so
the per-pixel work runs in C.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image  # imported with the first image decoded (see image.py)

MAX_COLOURS = 255
MAX_SIDE = 1000
"""Pixels per side at most: xterm's default ``maxGraphicSize`` (1000×1000); xterm drops a larger
image whole (seen in xterm -ti vt340: the full view's 1184×740 chart did not appear)."""
INTRODUCER = "\x1bP0;1;0q"
"""DCS, pixel aspect 2:1 (ignored once raster attributes are given), colour 0 left alone."""
TERMINATOR = "\x1b\\"
_RUN = re.compile(rb"(.)\1{3,}")


@lru_cache(maxsize=MAX_COLOURS * 6)
def _table(colour: int, row: int) -> bytes:
    return bytes((1 << row) if index == colour else 0 for index in range(256))


def _run_length(match: re.Match[bytes]) -> bytes:
    run = match.group(0)
    return b"!%d%c" % (len(run), run[0])


def encode(image: Image.Image) -> str:
    """The image as one Sixel string (DCS … ST), size as given."""
    from PIL import Image  # loaded already: the image was decoded

    width, height = image.size
    indexed = image.convert("RGB").quantize(
        colors=MAX_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    pixels = indexed.tobytes()
    palette = indexed.getpalette() or []
    used = sorted(set(pixels))
    out = [INTRODUCER, f'"1;1;{width};{height}']
    for colour in used:
        r, g, b = palette[colour * 3 : colour * 3 + 3]
        out.append(f"#{colour};2;{r * 100 // 255};{g * 100 // 255};{b * 100 // 255}")
    offset = int.from_bytes(b"?" * width, "big")
    for top in range(0, height, 6):
        rows = [pixels[y * width : (y + 1) * width] for y in range(top, min(top + 6, height))]
        band: list[bytes] = []
        for colour in sorted(set(b"".join(rows))):
            bits = 0
            for k, row in enumerate(rows):
                bits |= int.from_bytes(row.translate(_table(colour, k)), "big")
            line = (bits + offset).to_bytes(width, "big").rstrip(b"?")
            band.append(b"#%d%s$" % (colour, _RUN.sub(_run_length, line)))
        out.append(b"".join(band).decode("ascii") + "-")
    out.append(TERMINATOR)
    return "".join(out)
