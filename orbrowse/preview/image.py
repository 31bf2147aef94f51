"""Image previews: decode with Pillow, draw with Unicode half blocks (two pixels per cell).

A cell shows ``▀`` with the upper pixel as its foreground colour and the lower one as its
background, so an image of W×H cells shows W×2H pixels. This is plain coloured text: it works
in every truecolor terminal, through tmux and over SSH, and in SVG screenshots. Where the
terminal speaks Kitty graphics or Sixel the pane uses them instead (``kitty.py``, ``sixel.py``;
the choice: ``detect.py`` and CONTRIBUTING.md, "Image previews").
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style

if TYPE_CHECKING:
    # Pillow is imported when the first image is decoded, not at start-up, where it was a
    # third of the browser screen's imports (``profile_speed.py startup``).
    from PIL import Image

MAX_PIXELS = 4096 * 4096
"""Bigger images (declared in their header) are not decoded: a small file may claim a huge one
(a 105 KB PNG of one colour decodes to 6000×6000 and cost 141 MiB at its peak; at this cap
a decode costs at most ~65 MiB). Pillow's own limit (``Image.MAX_IMAGE_PIXELS``, its
DecompressionBombWarning made an error here) is the second guard."""
THUMBNAIL = (320, 320)
"""Kept in memory per preview: enough for a full-screen view at half-block resolution."""
BACKDROP = (24, 24, 24)
UPPER_HALF = "▀"


class ImageError(ValueError):
    """The bytes do not decode as an image; the message says why, for the pane."""


@dataclass(frozen=True, slots=True)
class DecodedImage:
    thumbnail: Image.Image
    format: str
    width: int
    height: int

    @property
    def cost(self) -> int:
        """Bytes held in memory."""
        return self.thumbnail.width * self.thumbnail.height * 3


def decode_image(data: bytes) -> DecodedImage:
    """A small RGB copy of the image (first frame of an animation), or :class:`ImageError`."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageError(f"{width}×{height} pixels is too large to preview")
            image_format = {"WEBP": "WebP"}.get(image.format or "", image.format or "image")
            image.draft("RGB", THUMBNAIL)  # JPEG: decode at a reduced scale
            image.thumbnail(THUMBNAIL)
            rgb = _flatten(image)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("the image declares too many pixels to preview") from None
    except UnidentifiedImageError:
        raise ImageError("the image could not be decoded") from None
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, MemoryError) as exc:
        # Pillow reports a cut-off file as OSError ("image file is truncated").
        raise ImageError(f"the image could not be decoded ({_reason(exc)})") from None
    return DecodedImage(rgb, image_format, width, height)


def _reason(exc: BaseException) -> str:
    text = str(exc).split("\n", 1)[0][:80]
    return "".join(c if c.isprintable() else "?" for c in text) or type(exc).__name__


def _flatten(image: Image.Image) -> Image.Image:
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        backdrop = Image.new("RGB", rgba.size, BACKDROP)
        backdrop.paste(rgba, mask=rgba.getchannel("A"))
        return backdrop
    return image.convert("RGB")


@lru_cache(maxsize=4096)
def _style(upper: tuple[int, int, int], lower: tuple[int, int, int]) -> Style:
    return Style(color=Color.from_rgb(*upper), bgcolor=Color.from_rgb(*lower))


@dataclass(frozen=True, slots=True)
class PixelFit:
    """An image fitted into cells of ``cell`` pixels: its size in pixels and in cells."""

    width: int
    height: int
    columns: int
    rows: int


def fit_pixels(
    size: tuple[int, int], max_columns: int, max_rows: int, cell: tuple[int, int]
) -> PixelFit:
    """Fit an image of ``size`` pixels into ``max_columns`` × ``max_rows`` cells: aspect kept,
    enlarged at most to one image pixel per column (the size half blocks would draw it)."""
    width, height = size
    cell_width, cell_height = cell
    scale = min(
        max(1, max_columns) * cell_width / width,
        max(1, max_rows) * cell_height / height,
        float(cell_width),
    )
    pixel_width = max(1, int(width * scale))
    pixel_height = max(1, int(height * scale))
    return PixelFit(
        pixel_width,
        pixel_height,
        max(1, -(-pixel_width // cell_width)),
        max(1, -(-pixel_height // cell_height)),
    )


class HalfBlockImage:
    """A Rich renderable that fits the image into the width given and at most ``max_rows``."""

    def __init__(self, image: Image.Image, max_rows: int | None = None) -> None:
        self.image = image
        self.max_rows = max_rows

    def cells(self, max_width: int, max_rows: int | None) -> tuple[int, int]:
        """The (columns, rows) the image takes: aspect kept, never enlarged."""
        width, height = self.image.size
        columns = max(1, min(max_width, width))
        rows = max(1, round(height * columns / width / 2))
        if max_rows is not None and rows > max_rows:
            rows = max(1, max_rows)
            columns = max(1, min(columns, round(width * rows * 2 / height)))
        return columns, rows

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, min(options.max_width, self.image.width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        rows_limit = self.max_rows
        if options.height is not None:
            rows_limit = options.height if rows_limit is None else min(rows_limit, options.height)
        columns, rows = self.cells(options.max_width, rows_limit)
        from PIL import Image  # loaded already: the image was decoded

        pixels = self.image.resize((columns, rows * 2), Image.Resampling.LANCZOS)
        raw = pixels.tobytes()  # RGB, row after row
        stride = columns * 3
        newline = Segment.line()
        for row in range(rows):
            upper = raw[row * 2 * stride : (row * 2 + 1) * stride]
            lower = raw[(row * 2 + 1) * stride : (row * 2 + 2) * stride]
            for x in range(0, stride, 3):
                top = (upper[x], upper[x + 1], upper[x + 2])
                bottom = (lower[x], lower[x + 1], lower[x + 2])
                yield Segment(UPPER_HALF, _style(top, bottom))
            yield newline
