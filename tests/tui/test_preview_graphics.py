"""Images in Kitty graphics and Sixel. End to end, orbrowse runs as its own process on a pty
whose other end is this test, standing in for the terminal, and the bytes it writes are read
back; in Pilot, the headless driver's ``write`` (the terminal) is recorded. Half blocks stay
the default everywhere else (Pilot, snapshots, screenshots: test_app_preview.py)."""

from __future__ import annotations

import io
import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import pytest
from PIL import Image
from textual.pilot import Pilot

from orbrowse.emulator.keys import DEMO_MANAGEMENT_KEY
from orbrowse.emulator.server import RunningEmulator
from orbrowse.preview import kitty, sixel
from orbrowse.preview.detect import Graphics, GraphicsProtocol
from orbrowse.preview.model import UPLOADED_REASON
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.dialogs import HelpScreen
from orbrowse.tui.screens.preview import PreviewScreen
from orbrowse.tui.widgets.preview import PreviewPane
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import browser_ready, preview_settled, screen_shown, wait_until
from tests.tui.conftest import AppFactory

WAIT_SECONDS = 20.0
SIZE = (140, 40)
OUTER_TERMINAL = ("TMUX", "TMUX_PANE", "STY", "COLUMNS", "LINES")
"""The test runner's terminal (Rich sizes its console by COLUMNS/LINES; pytest-xdist workers
have them): the app must see only the pty."""


def chart_png(size: tuple[int, int] = (60, 40)) -> bytes:
    width, height = size
    image = Image.new("RGB", size, (200, 40, 40))
    image.paste((40, 40, 200), (0, height // 2, width, height))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class Terminal:
    """The app on a pty of ours, 140×40; ``output`` is every byte it wrote."""

    def __init__(self, master: int, process: subprocess.Popen[bytes]) -> None:
        self.master = master
        self.process = process
        self.output = bytearray()

    def read_until(self, pattern: bytes) -> re.Match[bytes]:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            found = re.search(pattern, self.output, re.DOTALL)
            if found:
                return found
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:
                    break
        raise AssertionError(f"the terminal never received {pattern!r}")


@contextmanager
def app_on_a_pty(emulator: RunningEmulator, tmp_path: Path, images: str) -> Iterator[Terminal]:
    master, slave = os.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 1120, 800))
    env = {
        **{k: v for k, v in os.environ.items() if k not in OUTER_TERMINAL},
        "TERM": "xterm-256color",
        "ORBROWSE_IMAGES": images,
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    config = tmp_path / "config.toml"
    config.write_text('undo_seconds = 0\nview = "flat"\n')  # the file list, not the folders
    process = subprocess.Popen(  # the pty becomes its controlling terminal (/dev/tty)
        [
            sys.executable, "-m", "orbrowse", "--api-key", DEMO_MANAGEMENT_KEY,
            "--base-url", emulator.url, "--workspace", DEFAULT_WORKSPACE_ID,
            "--config", str(config),
        ],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
    )  # fmt: skip
    os.close(slave)
    try:
        yield Terminal(master, process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        os.close(master)


def test_sixel_reaches_the_terminal_at_the_pane(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "out/chart.png", content=chart_png(), downloadable=True
    )
    with app_on_a_pty(emulator, tmp_path, "sixel") as terminal:
        # 1120×800 pixels over 140×40 cells (the window size): 8×20 per cell. The pane's
        # 43 columns are 344 pixels: the 60×40 image fills them, its aspect kept.
        size = b"%d;%d" % (43 * 8, 40 * 43 * 8 // 60)
        found = terminal.read_until(rb'\x1b7\x1b\[(\d+);(\d+)H\x1bP0;1;0q"1;1;' + size + b"#")
        row, column = (int(n) for n in found.groups())
        assert column > 70 and 2 <= row < 40
        terminal.read_until(rb"\x1b\\\x1b8")  # the Sixel ends and the cursor goes back


def test_kitty_sends_the_image_once_then_placeholders(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    png = chart_png()
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, "out/chart.png", content=png, downloadable=True)
    with app_on_a_pty(emulator, tmp_path, "kitty") as terminal:
        found = terminal.read_until(rb"\x1b_Ga=T,U=1,f=100,t=d,i=(\d+),c=43,r=12,q=2")
        image_id = int(found.group(1))  # 43 columns (the pane's), 229 pixels / 20 per row
        colour = b";".join(b"%d" % part for part in image_id.to_bytes(3, "big"))
        # The placeholder cells, in the image id's colour, after the transfer.
        terminal.read_until(
            rb"\x1b\[38;2;" + colour + rb"[;m][^\x1b]*" + kitty.PLACEHOLDER.encode()
        )
        transfers = terminal.output.count(b"\x1b_Ga=T")
        assert transfers == terminal.output.count(b"\x1b_Ga=d") + 1  # each older one freed


def record_terminal(app: OrbrowseApp) -> list[str]:
    """What the app writes to the terminal outside its frames (the headless driver's write)."""
    written: list[str] = []
    driver = app._driver
    assert driver is not None
    driver.write = written.append  # type: ignore[method-assign, assignment]
    return written


async def image_shown(pilot: Pilot[int]) -> PreviewPane:
    await preview_settled(pilot)
    pane = pilot.app.screen.query_one(PreviewPane)
    await wait_until(pilot, lambda: pane.state.preview is not None, "the image preview")
    await pilot.pause()
    return pane


@asynccontextmanager
async def image_on_screen(
    make_app: AppFactory, protocol: GraphicsProtocol
) -> AsyncIterator[tuple[Pilot[int], list[str], PreviewPane]]:
    """The app drawing images in ``protocol`` (cells of 8×16 pixels) on the default workspace,
    what it writes to the terminal recorded, once the first file's image is in the pane."""
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, graphics=Graphics(protocol, "test", (8, 16)))
    async with app.run_test(size=SIZE) as pilot:
        written = record_terminal(app)
        await browser_ready(pilot)
        yield pilot, written, await image_shown(pilot)


def sixels(written: list[str]) -> list[str]:
    return [data for data in written if sixel.INTRODUCER in data]


def kitty_transfers(written: list[str]) -> list[str]:
    return [data for data in written if data.startswith("\x1b_Ga=T")]


async def test_sixel_follows_each_frame_of_the_pane_but_never_covers_a_dialog(
    make_app: AppFactory, emulator: RunningEmulator
) -> None:
    add_png(emulator, "out/chart.png")
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, "out/mine.txt", content=b"x", downloadable=False)
    async with image_on_screen(make_app, "sixel") as (pilot, written, pane):
        await wait_until(pilot, lambda: bool(sixels(written)), "the Sixel written")
        content = pane.content_region
        # Saved cursor, the first cell under the pane's title, the image, cursor restored.
        assert sixels(written)[-1].startswith(f"\x1b7\x1b[{content.y + 2};{content.x + 1}H")
        assert sixels(written)[-1].endswith(sixel.TERMINATOR + "\x1b8")
        drawn = "".join(line.text for line in pane.render_lines(pane.region.reset_offset))
        assert "▀" not in drawn  # blanks under the image, no half blocks

        await pilot.press("question_mark")
        await screen_shown(pilot, HelpScreen)
        written.clear()
        pane.refresh()  # the browser repaints behind the dialog: no image over it
        await pilot.pause()
        await pilot.pause()
        assert not sixels(written)

        await pilot.press("escape")
        await wait_until(pilot, lambda: bool(sixels(written)), "the Sixel drawn again")

        # A file with no preview (an upload): the pane says why, and the image is not redrawn.
        # (It was: the pane then moved up under the shorter details, and the old image with it.)
        await pilot.press("j")
        await wait_until(pilot, lambda: pane.text == UPLOADED_REASON, "the upload's message")
        written.clear()
        pane.refresh()
        await pilot.pause()
        await pilot.pause()
        assert not sixels(written)


async def test_kitty_sends_an_image_once_and_frees_it_when_the_preview_moves_on(
    make_app: AppFactory, emulator: RunningEmulator
) -> None:
    add_png(emulator, "a/chart.png")
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, "b/notes.txt", content=b"hi", downloadable=True)
    async with image_on_screen(make_app, "kitty") as (pilot, written, pane):
        assert pilot.app.console.color_system == "truecolor"  # the image id is a 24-bit colour
        transfers = kitty_transfers(written)
        assert len(transfers) == 1
        image_id = int(re.search(r"i=(\d+)", transfers[0]).group(1))  # type: ignore[union-attr]
        lines = [line.text.strip() for line in pane.render_lines(pane.region.reset_offset)]
        image_lines = [line for line in lines if kitty.PLACEHOLDER in line]
        # 43 columns of 8 pixels: the 60×40 image is 344×229 pixels, 15 rows of 16.
        assert len(image_lines) == 15 and all(line[0] == kitty.PLACEHOLDER for line in image_lines)
        pane.refresh()
        await pilot.pause()
        assert len(kitty_transfers(written)) == 1

        await pilot.press("j")
        await wait_until(pilot, lambda: "text" in pane.text, "the text preview")
        assert kitty.delete(image_id) in written


def add_png(emulator: RunningEmulator, name: str, size: tuple[int, int] = (60, 40)) -> None:
    content = chart_png(size)
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, name, content=content, downloadable=True)


@pytest.mark.parametrize("protocol", ["sixel", "kitty"])
async def test_the_full_view_draws_the_image_with_the_protocol_too(
    make_app: AppFactory, emulator: RunningEmulator, protocol: GraphicsProtocol
) -> None:
    add_png(emulator, "out/chart.png", (400, 100))
    async with image_on_screen(make_app, protocol) as (pilot, written, _):
        await pilot.press("o")
        screen = await screen_shown(pilot, PreviewScreen)
        await wait_until(pilot, lambda: bool(screen.query("#preview-image")), "the image")
        pane = screen.query_one("#preview-image", PreviewPane)
        content = pane.content_region
        at = f"\x1b7\x1b[{content.y + 2};{content.x + 1}H"
        if protocol == "sixel":
            await wait_until(
                pilot, lambda: any(s.startswith(at) for s in sixels(written)), "the Sixel"
            )
            # 400×100 over ~138 columns of 8 pixels would be 1,100 wide: xterm drops an image
            # over 1000 pixels, so it is drawn 1000 wide.
            raster = re.search(r'"1;1;(\d+);(\d+)', sixels(written)[-1])
            assert raster is not None
            width, height = int(raster.group(1)), int(raster.group(2))
            assert 900 < width <= 1000 and height <= 1000  # as wide as xterm allows
        else:
            # The browser pane's image, then the full view's own, fitted to the screen.
            await wait_until(
                pilot, lambda: len(kitty_transfers(written)) == 2, "the full view's transfer"
            )
            full_id = int(re.findall(r"i=(\d+)", kitty_transfers(written)[-1])[0])
            await pilot.press("q")
            await browser_ready(pilot)
            assert kitty.delete(full_id) in written  # freed with the full view
