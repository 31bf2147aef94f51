"""Make the README's screenshots from the demo data: ``python -m orbrowse.screenshots``.

Starts the emulator in this process with the demo workspaces (fixed clock and seed, so the
files and their ids are the same every run), builds the app with :func:`build_app` (fixed
clock, throw-away config and deletion log, no environment so no SSH or tmux detection),
drives it with Pilot key presses the way a person would, and saves one SVG per view.

Paths in the dialogs are shown as ``~/Downloads``: ``HOME`` points at a temporary folder
while the app runs, so no real home folder, user name or random temporary name appears.
``NO_COLOR`` is unset meanwhile (Textual reads it when the app is built and turns every
picture grey), so the same code gives byte-identical SVGs whatever the shell has set.
The emulator's port never appears on screen; :func:`check_clean` makes sure of it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Input

from orbrowse.config import load_settings
from orbrowse.deletion_log import DeletionLog
from orbrowse.emulator.keys import DEMO_MANAGEMENT_KEY
from orbrowse.emulator.seed import DEMO_NOW, DEMO_WORKSPACES, demo_store
from orbrowse.emulator.server import RunningEmulator, start_emulator
from orbrowse.tui.app import OrbrowseApp, build_app
from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog
from orbrowse.tui.dialogs.copy_menu import CopyMenu
from orbrowse.tui.dialogs.delete_progress import DeleteProgressDialog
from orbrowse.tui.dialogs.download import DownloadDialog
from orbrowse.tui.dialogs.help import HelpScreen
from orbrowse.tui.dialogs.upload import UploadDialog
from orbrowse.tui.screens.browser import BrowserScreen
from orbrowse.tui.screens.preview import PreviewScreen
from orbrowse.tui.screens.workspace_picker import WorkspacePicker
from orbrowse.tui.widgets.file_table import FileTable
from orbrowse.tui.widgets.preview import PreviewPane
from orbrowse.tui.widgets.rendered_view import RenderedView

SIZE = (140, 40)
DEMO_FILES = 300
"""Enough for a full screen and a filter with several matches; loads in three pages."""
UNDO_SECONDS = 60
"""The longest the config allows; the countdown still shows 60 when the picture is taken."""
UPLOAD_NAME = "quarterly-report-q3.pdf"
MAX_POLLS = 1000
LABELLED_CONFIG = f'''[workspaces."{DEMO_WORKSPACES[0][0]}"]
label = "PROD"
color = "red"
'''
"""The README's example table: the second run shows its banner and labelled dialog border."""

SCREENSHOTS = (
    "workspace-picker.svg",
    "browser.svg",
    "preview-json.svg",
    "preview-csv.svg",
    "preview-image.svg",
    "preview-full.svg",
    "marks.svg",
    "download.svg",
    "upload.svg",
    "copy-menu.svg",
    "delete-confirm.svg",
    "delete-progress.svg",
    "help.svg",
    "folders.svg",
    "workspace-label.svg",
)
"""Every file :func:`main` writes, in the order it takes them."""


class ScreenshotError(RuntimeError):
    """The app did not reach the state a screenshot needs, or a picture leaked something."""


@contextmanager
def screenshot_environ(home: Path) -> Iterator[None]:
    """Point ``HOME`` at ``home`` and unset ``NO_COLOR``; both restored afterwards."""
    changes: dict[str, str | None] = {"HOME": str(home), "NO_COLOR": None}
    previous = {name: os.environ.get(name) for name in changes}
    try:
        _set_environ(changes)
        yield
    finally:
        _set_environ(previous)


def _set_environ(values: dict[str, str | None]) -> None:
    """Set each variable to its value; ``None`` unsets it."""
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def make_app(emulator: RunningEmulator, config_path: Path, work: Path) -> OrbrowseApp:
    settings = load_settings(
        api_key=DEMO_MANAGEMENT_KEY,
        base_url=emulator.url,
        config_path=config_path,
        env={},
    )
    # Flat first (the pictures of marks, dialogs and previews); `f` then shows the folders.
    settings = replace(settings, undo_seconds=UNDO_SECONDS, view="flat")
    return build_app(
        settings,
        env={},
        clock=lambda: DEMO_NOW,
        deletion_log=DeletionLog(work / "deletions.jsonl"),
        download_dir=Path("~/Downloads"),
        remember=False,
    )


class Director:
    """Drives one app run and saves the pictures."""

    def __init__(self, pilot: Pilot[int], out: Path) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.out = out
        self.saved: list[Path] = []

    async def wait_until(self, condition: Callable[[], bool], what: str) -> None:
        """Let the app run until ``condition`` holds; bounded, so it fails instead of hanging."""
        for _ in range(MAX_POLLS):
            if condition():
                await self.pilot.pause()
                return
            await self.pilot.pause(0.01)
        raise ScreenshotError(f"the app never showed {what}")

    async def wait_for(self, screen: type[Screen[Any]], what: str) -> None:
        await self.wait_until(lambda: isinstance(self.app.screen, screen), what)

    async def settle(self) -> None:
        await self.pilot.pause()
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()

    async def shoot(self, name: str) -> None:
        await self.pilot.pause()
        self.app.clear_notifications()
        await self.pilot.pause()
        self.saved.append(Path(self.app.save_screenshot(filename=name, path=str(self.out))))

    @property
    def browser(self) -> BrowserScreen:
        screen = self.app.screen
        if not isinstance(screen, BrowserScreen):
            raise ScreenshotError(f"expected the browser, found {type(screen).__name__}")
        return screen

    async def close_dialog(self) -> None:
        await self.pilot.press("escape")
        await self.wait_for(BrowserScreen, "the browser again")

    async def cursor_to(self, index: int) -> None:
        table = self.browser.query_one("#files", FileTable)
        table.move_cursor(index - table.cursor_row)
        await self.pilot.pause()

    async def preview_settled(self, file_id: str) -> None:
        browser = self.browser
        pane = browser.query_one(PreviewPane)
        await self.wait_until(
            lambda: (
                browser.previews.idle
                and pane.state.preview is not None
                and pane.state.preview.file_id == file_id
            ),
            "the preview",
        )

    async def shoot_preview(self, extension: str, name: str) -> None:
        view = self.browser.files.view
        index = next(
            (i for i, f in enumerate(view) if f.downloadable and f.filename.endswith(extension)),
            None,
        )
        if index is None:
            raise ScreenshotError(f"the demo data has no downloadable {extension} file")
        await self.cursor_to(index)
        await self.preview_settled(view[index].id)
        await self.shoot(name)

    async def open_first_workspace(self, picture: str | None) -> BrowserScreen:
        """Wait for the picker (saved as ``picture`` if given), open the first workspace."""
        await self.wait_for(WorkspacePicker, "the workspace picker")
        picker = self.pilot.app.screen
        assert isinstance(picker, WorkspacePicker)
        await self.wait_until(lambda: len(picker.counts) == len(picker.choices), "the counts")
        if picture is not None:
            await self.shoot(picture)
        await self.pilot.press("enter")
        await self.wait_for(BrowserScreen, "the browser")
        browser = self.browser
        await self.wait_until(lambda: browser.pages_loaded > 0 and not browser.fetching, "a page")
        await self.settle()
        if browser.load_error:
            raise ScreenshotError(f"the listing failed: {browser.load_error}")
        return browser

    async def run_labelled(self) -> None:
        """The workspace with a label and colour: its banner and the delete confirmation."""
        await self.open_first_workspace(None)
        await self.cursor_to(1)
        await self.pilot.press("x")
        await self.wait_for(ConfirmDeleteDialog, "the delete confirmation")
        await self.shoot("workspace-label.svg")
        await self.close_dialog()

    async def run(self) -> None:
        browser = await self.open_first_workspace("workspace-picker.svg")
        view = browser.files.view
        downloadable = next((i for i, f in enumerate(view) if f.downloadable and i > 4), None)
        if downloadable is None:
            raise ScreenshotError("the demo data has no downloadable file")
        await self.cursor_to(downloadable)
        await self.preview_settled(view[downloadable].id)
        await self.shoot("browser.svg")

        await self.shoot_preview(".json", "preview-json.svg")
        await self.shoot_preview(".png", "preview-image.svg")
        await self.shoot_preview(".csv", "preview-csv.svg")
        await self.cursor_to(downloadable)
        await self.pilot.press("o")
        await self.wait_for(PreviewScreen, "the full preview")
        full = self.app.screen.query_one(RenderedView)
        await self.wait_until(lambda: len(full.texts) > 5, "the full preview drawn")
        await self.shoot("preview-full.svg")
        await self.close_dialog()

        await self.pilot.press("slash", *"report", "enter")
        await self.settle()
        await self.pilot.press("down", "space", "space", "down", "space")
        await self.shoot("marks.svg")
        await self.pilot.press("c", "slash", "escape")
        await self.settle()

        await self.cursor_to(downloadable)
        await self.pilot.press("d")
        await self.wait_for(DownloadDialog, "the download dialog")
        await self.shoot("download.svg")
        await self.close_dialog()

        await self.pilot.press("u")
        await self.wait_for(UploadDialog, "the upload dialog")
        path_input = self.app.screen.query_one("#path", Input)
        path_input.value = f"~/Downloads/{UPLOAD_NAME}"
        path_input.cursor_position = len(path_input.value)
        await self.shoot("upload.svg")
        await self.close_dialog()

        await self.pilot.press("Y")
        await self.wait_for(CopyMenu, "the copy menu")
        await self.shoot("copy-menu.svg")
        await self.close_dialog()

        await self.cursor_to(1)
        await self.pilot.press("space", "space", "space")
        await self.pilot.press("x")
        await self.wait_for(ConfirmDeleteDialog, "the delete confirmation")
        await self.shoot("delete-confirm.svg")
        self.app.screen.query_one("#delete", Button).press()
        await self.wait_for(DeleteProgressDialog, "the delete countdown")
        await self.shoot("delete-progress.svg")
        await self.pilot.press("u")
        await self.wait_for(BrowserScreen, "the browser after undo")
        await self.settle()

        await self.pilot.press("question_mark")
        await self.wait_for(HelpScreen, "the help screen")
        await self.shoot("help.svg")
        await self.close_dialog()

        await self.pilot.press("c", "f")
        await self.settle()
        while browser.folder_rows is not None and browser.folder_rows.folder.parent is not None:
            await self.pilot.press("h")
        await self.wait_until(lambda: not browser.has_more, "the whole listing")
        await self.settle()
        await self.shoot("folders.svg")


def check_clean(paths: Sequence[Path], emulator: RunningEmulator) -> None:
    """Refuse pictures that show the emulator's address or the full demo key."""
    leaks = (emulator.url, f"{emulator.host}:{emulator.port}", DEMO_MANAGEMENT_KEY)
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for leak in leaks:
            if leak in text:
                raise ScreenshotError(f"{path.name} shows {leak!r}")


async def take_all(out: Path) -> list[Path]:
    """Run the demo against an in-process emulator and save every screenshot into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="orbrowse-shots-") as temp:
        work = Path(temp)
        downloads = work / "Downloads"
        downloads.mkdir()
        # A small, valid PDF for the upload dialog's local check to accept.
        (downloads / UPLOAD_NAME).write_bytes(b"%PDF-1.7\n" + b"0" * 48_000 + b"\n%%EOF\n")
        labelled = work / "labelled.toml"
        labelled.write_text(LABELLED_CONFIG, encoding="utf-8")
        saved: list[Path] = []
        with (
            screenshot_environ(work),
            start_emulator(store=demo_store(files=DEMO_FILES, now=DEMO_NOW)) as emulator,
        ):
            app = make_app(emulator, work / "config.toml", work)
            async with app.run_test(size=SIZE) as pilot:
                director = Director(pilot, out)
                await director.run()
                saved += director.saved
            app = make_app(emulator, labelled, work)
            async with app.run_test(size=SIZE) as pilot:
                director = Director(pilot, out)
                await director.run_labelled()
                saved += director.saved
            check_clean(saved, emulator)
    return saved


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orbrowse.screenshots",
        description="Save SVG screenshots of the demo (browser, picker, every dialog).",
    )
    parser.add_argument(
        "--out", default="screenshots", metavar="FOLDER", help="where to write the SVGs"
    )
    args = parser.parse_args(argv)
    try:
        saved = asyncio.run(take_all(Path(args.out)))
    except ScreenshotError as error:
        print(f"screenshots: {error}")
        return 1
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
