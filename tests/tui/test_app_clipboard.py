"""Copying ids: the system clipboard locally, OSC 52 over SSH, tmux's buffer in tmux, the menu.

pyperclip is replaced only at its own boundary (``pyperclip.copy``) and the OSC 52 bytes are
caught where they leave the app: the driver's ``write``.
"""

from __future__ import annotations

import base64
import json
import threading

import pyperclip
import pytest
from textual.pilot import Pilot

from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.dialogs.copy_menu import CopyMenu
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tmux.harness import tmux_server
from tests.tui.app_driver import (
    WAIT_LIMIT,
    browsing,
    notifications,
    screen_shown,
    settle,
    table_of,
    wait_until,
)
from tests.tui.conftest import AppFactory


@pytest.fixture
def files(emulator: RunningEmulator) -> list[StoredFile]:
    return [
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"file-{n}.txt", content=b"x" * (n + 1))
        for n in range(4)
    ]


@pytest.fixture
def system_clipboard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What reached pyperclip.copy."""
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    return copied


def no_system_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(text: str) -> None:
        raise pyperclip.PyperclipException("could not find a copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "copy", unavailable)


def spy_driver(pilot: Pilot[int], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Everything the app writes to its terminal from now on."""
    driver = pilot.app._driver
    assert driver is not None
    written: list[str] = []
    original = driver.write

    def write(data: str) -> None:
        written.append(data)
        original(data)

    monkeypatch.setattr(driver, "write", write)
    return written


def osc52(text: str) -> str:
    return "\x1b]52;c;" + base64.b64encode(text.encode()).decode() + "\x07"


def osc_writes(written: list[str]) -> list[str]:
    return [data for data in written if "]52;" in data]


async def test_y_copies_the_current_id_to_the_system_clipboard(
    app: OrbrowseApp,
    files: list[StoredFile],
    system_clipboard: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with browsing(app) as (pilot, _):
        written = spy_driver(pilot, monkeypatch)
        await pilot.press("j", "y")
        await settle(pilot)
        assert system_clipboard == [files[1].id]
        assert app.clipboard == files[1].id
        assert osc_writes(written) == []
        assert "Copied 1 id to the system clipboard" in notifications(app)


async def test_keys_keep_working_while_a_slow_copy_runs(
    app: OrbrowseApp, files: list[StoredFile], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy may take seconds (tmux, a slow clipboard tool): the app does not freeze."""
    started, release = threading.Event(), threading.Event()
    copied: list[str] = []

    def slow_copy(text: str) -> None:
        started.set()
        release.wait(WAIT_LIMIT)
        copied.append(text)

    monkeypatch.setattr(pyperclip, "copy", slow_copy)
    async with browsing(app) as (pilot, _):
        await pilot.press("y")
        await wait_until(pilot, started.is_set, "the copy started")
        await pilot.press("j", "j")
        await wait_until(pilot, lambda: table_of(app).cursor_row == 2, "the cursor moved")
        assert copied == []  # the keys were handled while the copy was still running
        assert not any(m.startswith("Copied") for m in notifications(app))
        release.set()
        await wait_until(
            pilot,
            lambda: "Copied 1 id to the system clipboard" in notifications(app),
            "the copy's message",
        )
        assert copied == [files[0].id]
        assert app.clipboard == files[0].id


async def test_y_with_marks_copies_every_marked_id_one_per_line(
    app: OrbrowseApp, files: list[StoredFile], system_clipboard: list[str]
) -> None:
    async with browsing(app) as (pilot, _):
        await pilot.press("j", "j", "space", "k", "k", "k", "space", "G", "space")
        await pilot.press("y")
        await settle(pilot)
        expected = "\n".join(files[n].id for n in (0, 2, 3))  # load order, not marking order
        assert system_clipboard == [expected]
        assert app.clipboard == expected
        assert "Copied 3 ids to the system clipboard" in notifications(app)


async def test_without_a_system_clipboard_it_falls_back_to_osc52(
    app: OrbrowseApp, files: list[StoredFile], monkeypatch: pytest.MonkeyPatch
) -> None:
    no_system_clipboard(monkeypatch)
    async with browsing(app) as (pilot, _):
        written = spy_driver(pilot, monkeypatch)
        await pilot.press("y")
        await settle(pilot)
        assert osc_writes(written) == [osc52(files[0].id)]
        assert app.clipboard == files[0].id
        assert (
            "Sent 1 id to the terminal with OSC 52; if nothing was copied, "
            "enable clipboard access (OSC 52) in your terminal"
        ) in notifications(app)


async def test_over_ssh_osc52_goes_to_the_terminal_and_pyperclip_is_not_used(
    make_app: AppFactory,
    files: list[StoredFile],
    system_clipboard: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, env={"SSH_TTY": "/dev/pts/1"})
    async with browsing(app) as (pilot, _):
        written = spy_driver(pilot, monkeypatch)
        await pilot.press("y")
        await settle(pilot)
        assert osc_writes(written) == [osc52(files[0].id)]
        assert system_clipboard == []
        assert any(
            m.startswith("Sent 1 id to the terminal with OSC 52") for m in notifications(app)
        )
        assert not any(m.startswith("Copied") for m in notifications(app))


async def test_over_ssh_inside_tmux_the_ids_land_in_tmuxs_buffer(
    make_app: AppFactory,
    files: list[StoredFile],
    system_clipboard: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with tmux_server("clip-app") as tmux:
        tmux.start(["sleep", "600"])  # tmux's default options: set-clipboard external
        client = tmux.attach()
        env = {"SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22", **tmux.pane_env()}
        app = make_app(workspace=DEFAULT_WORKSPACE_ID, env=env)
        async with browsing(app) as (pilot, _):
            written = spy_driver(pilot, monkeypatch)
            await pilot.press("space", "space", "y")
            await settle(pilot)
            text = f"{files[0].id}\n{files[1].id}"
            assert tmux.buffer() == text
            client.wait_for_bytes(base64.b64encode(text.encode()))  # tmux sent it on
            assert osc_writes(written) == []  # tmux's load-buffer did it, not an escape
            assert system_clipboard == []
            assert (
                "Copied 2 ids to tmux's buffer and sent it to your terminal's clipboard"
                in notifications(app)
            )


async def test_osc52_over_the_size_cap_is_refused_and_said(
    emulator: RunningEmulator,
    make_app: AppFactory,
    system_clipboard: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(3):
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"f{n}", content=b"x")
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, env={"SSH_TTY": "/dev/pts/1"})
    async with browsing(app) as (pilot, _):
        written = spy_driver(pilot, monkeypatch)
        assert isinstance(app, OrbrowseApp)
        monkeypatch.setattr(app.clipboard_service, "_max_osc_bytes", 40)
        await pilot.press("a", "y")
        await settle(pilot)
        assert osc_writes(written) == []
        assert any("too large for OSC 52" in m for m in notifications(app))
        assert app.clipboard == ""


@pytest.mark.parametrize(
    ("key", "said"),
    [("i", "Copied 2 ids"), ("f", "Copied 2 filenames"), ("b", "Copied 2 ids and filenames")],
)
async def test_the_copy_menu_says_what_it_copied(
    app: OrbrowseApp, files: list[StoredFile], system_clipboard: list[str], key: str, said: str
) -> None:
    # Whatever was chosen, it said "Copied metadata of 2 files".
    async with browsing(app) as (pilot, _):
        await pilot.press("space", "space", "Y")
        await screen_shown(pilot, CopyMenu)
        await pilot.press(key)
        await settle(pilot)
        assert len(system_clipboard) == 1
        assert any(m.startswith(said) for m in notifications(app)), notifications(app)
        assert not any("metadata" in m for m in notifications(app))


async def test_copy_menu_offers_json_metadata(
    app: OrbrowseApp, files: list[StoredFile], system_clipboard: list[str]
) -> None:
    async with browsing(app) as (pilot, _):
        await pilot.press("j", "j", "Y")
        menu = await screen_shown(pilot, CopyMenu)
        assert [f.id for f in menu.files] == [files[2].id]
        await pilot.press("j")  # the JSON accelerator
        await settle(pilot)
        copied = json.loads(system_clipboard[-1])
        assert copied["id"] == files[2].id
        assert copied["filename"] == "file-2.txt"
        assert copied["size_bytes"] == 3
        assert any("metadata of 1 file" in m for m in notifications(app))
        await pilot.press("Y", "escape")  # cancelled: nothing more copied
        await pilot.pause()
        assert len(system_clipboard) == 1
