"""The Sixel and Kitty encodings of a small image: decoded back, or read as the protocol says;
the fit of an image into cells; and the bound on decoding (decompression bombs)."""

from __future__ import annotations

import base64
import io
import random
import re
import struct
import subprocess
import sys
import zlib

from PIL import Image
from rich.console import Console

from orbrowse.preview import kitty, sixel
from orbrowse.preview.image import fit_pixels


def four_colours(size: tuple[int, int] = (13, 14)) -> Image.Image:
    """Quadrants of four colours; odd sizes, so bands and rows do not divide evenly."""
    width, height = size
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 255, 0), (width // 2, 0, width, height // 2))
    image.paste((0, 0, 255), (0, height // 2, width // 2, height))
    image.paste((255, 255, 255), (width // 2, height // 2, width, height))
    return image


def decode_sixel(data: str) -> tuple[tuple[int, int], dict[tuple[int, int], tuple[int, int, int]]]:
    """A small Sixel reader: the raster size and each painted pixel's colour (as 0-100 %)."""
    assert data.startswith(sixel.INTRODUCER) and data.endswith(sixel.TERMINATOR)
    body = data[len(sixel.INTRODUCER) : -len(sixel.TERMINATOR)]
    raster = re.match(r'"1;1;(\d+);(\d+)', body)
    assert raster is not None
    size = (int(raster.group(1)), int(raster.group(2)))
    palette: dict[int, tuple[int, int, int]] = {}
    pixels: dict[tuple[int, int], tuple[int, int, int]] = {}
    colour, x, top = 0, 0, 0
    for token in re.findall(r"#\d+(?:;2;\d+;\d+;\d+)?|![0-9]+.|[?-~]|\$|-", body[raster.end() :]):
        if token.startswith("#"):
            numbers = [int(n) for n in re.findall(r"\d+", token)]
            colour = numbers[0]
            if len(numbers) == 5:
                palette[colour] = (numbers[2], numbers[3], numbers[4])
            continue
        if token == "$":
            x = 0
            continue
        if token == "-":
            x, top = 0, top + 6
            continue
        count, char = (int(token[1:-1]), token[-1]) if token.startswith("!") else (1, token)
        bits = ord(char) - 63
        for _ in range(count):
            for k in range(6):
                if bits & (1 << k):
                    assert (x, top + k) not in pixels, "a pixel painted twice"
                    pixels[(x, top + k)] = palette[colour]
            x += 1
    return size, pixels


def test_sixel_paints_every_pixel_once_in_its_colour() -> None:
    image = four_colours()
    size, pixels = decode_sixel(sixel.encode(image))
    assert size == (13, 14)
    assert len(pixels) == 13 * 14
    assert pixels[(0, 0)] == (100, 0, 0)
    assert pixels[(12, 0)] == (0, 100, 0)
    assert pixels[(0, 13)] == (0, 0, 100)
    assert pixels[(12, 13)] == (100, 100, 100)
    assert pixels[(6, 6)] == (0, 100, 0) and pixels[(6, 7)] == (100, 100, 100)


def test_sixel_runs_are_compressed_and_the_palette_is_capped() -> None:
    wide = Image.new("RGB", (600, 6), (10, 20, 30))
    assert "!600~" in sixel.encode(wide)
    noise = Image.frombytes("RGB", (64, 64), bytes(range(256)) * 48)
    colours = set(re.findall(r"#(\d+);2;", sixel.encode(noise)))
    assert 1 < len(colours) <= sixel.MAX_COLOURS


def test_kitty_transfer_is_the_png_in_chunks_with_a_virtual_placement() -> None:
    noise = random.Random(1).randbytes(80 * 80 * 3)
    image = Image.frombytes("RGB", (80, 80), noise)  # its PNG needs several 4096-byte chunks
    data = kitty.transmit(image, 77, 10, 5)
    commands = re.findall(r"\x1b_G([^;\x1b]*)(?:;([^\x1b]*))?\x1b\\", data)
    assert "".join(f"\x1b_G{k};{p}\x1b\\" if p else f"\x1b_G{k}\x1b\\" for k, p in commands) == data
    first, *rest = commands
    assert first[0] == "a=T,U=1,f=100,t=d,i=77,c=10,r=5,q=2,m=1"
    assert [keys for keys, _ in rest] == ["m=1,q=2"] * (len(rest) - 1) + ["m=0,q=2"]
    assert all(len(payload) <= kitty.CHUNK for _, payload in commands)
    png = base64.standard_b64decode("".join(payload for _, payload in commands))
    assert Image.open(io.BytesIO(png)).tobytes() == image.tobytes()
    assert kitty.delete(77) == "\x1b_Ga=d,d=I,i=77,q=2\x1b\\"


def test_kitty_placeholders_name_the_image_by_colour_and_the_rows_by_diacritics() -> None:
    console = Console(width=20, color_system="truecolor", force_terminal=True)
    segments = list(console.render(kitty.Placeholders(0x102030, 4, 3)))
    rows = [s for s in segments if kitty.PLACEHOLDER in s.text]
    assert len(rows) == 3
    for row, segment in enumerate(rows):
        assert segment.text == (
            kitty.PLACEHOLDER + kitty.DIACRITICS[row] + kitty.DIACRITICS[0] + kitty.PLACEHOLDER * 3
        )
        assert segment.style is not None and segment.style.color is not None
        assert segment.style.color.triplet == (0x10, 0x20, 0x30)
    assert kitty.Placeholders(1, 2, 500).rows == kitty.MAX_ROWS
    assert 0 < kitty.new_image_id() <= 0xFFFFFF


def test_an_image_fits_its_cells_aspect_kept_and_enlarged_at_most_to_the_half_block_size() -> None:
    fit = fit_pixels((60, 40), 43, 30, (8, 16))
    assert (fit.width, fit.height, fit.columns, fit.rows) == (344, 229, 43, 15)
    tall = fit_pixels((100, 1000), 80, 10, (10, 20))
    assert (tall.height, tall.rows) == (200, 10) and tall.width == 20
    tiny = fit_pixels((3, 2), 80, 40, (10, 20))
    assert (tiny.width, tiny.height, tiny.columns, tiny.rows) == (30, 20, 3, 1)


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height``; the pixel data is one compressed
    stream of zeros, cut short (a bomb declares far more than it carries)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * (1 << 20), 9)
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PEAK_PROBE = """
import resource, sys
from orbrowse.preview.image import ImageError, decode_image
data = sys.stdin.buffer.read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    image = decode_image(data)
    outcome = f"decoded {image.width}x{image.height}"
except ImageError as error:
    outcome = str(error)
rise = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(outcome, rise // 1024, sep="|")
"""


def decode_in_a_fresh_process(data: bytes) -> tuple[str, int]:
    """What decoding ``data`` says and how many MiB its peak memory rose (Linux ru_maxrss)."""
    result = subprocess.run(
        [sys.executable, "-c", PEAK_PROBE], input=data, capture_output=True, check=True
    )
    outcome, rise = result.stdout.decode().strip().rsplit("|", 1)
    return outcome, int(rise)


def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    # Over Pillow's own limit (Image.MAX_IMAGE_PIXELS): Pillow refuses it when it opens it.
    outcome, rise = decode_in_a_fresh_process(png_declaring(20_000, 20_000))
    assert outcome == "the image declares too many pixels to preview"
    assert rise < 16
    # Past our cap, below Pillow's own bomb limit: refused by the cap.
    assert decode_in_a_fresh_process(png_declaring(5000, 5000))[0].endswith("too large to preview")


def test_an_image_at_the_pixel_cap_is_decoded_within_a_bounded_peak() -> None:
    side = 4096
    outcome, rise = decode_in_a_fresh_process(png_declaring(side, side))
    assert outcome.startswith("the image could not be decoded")  # the stream is cut short
    image = Image.new("RGB", (side, side))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    assert len(out.getvalue()) < 256 * 1024  # within the preview's default byte cap
    outcome, rise = decode_in_a_fresh_process(out.getvalue())
    assert outcome == "decoded 4096x4096"
    assert rise < 128
