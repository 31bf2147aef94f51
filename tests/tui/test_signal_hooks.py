"""The browser's signal hooks where the platform lacks the POSIX ones (as Windows does: no
``signal.SIGHUP``, no ``loop.add_signal_handler``): the browser starts and quits all the same,
SIGINT still ends it with 130, and SIGTERM still removes the download part files. Nothing here
runs on Windows: the missing parts are taken away."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orbrowse.api.partfile import PartFile, install_signal_cleanup
from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui import interrupt
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.launch import signal_hooks
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import browsing, visible_rows, wait_until


@pytest.fixture
def handlers_restored() -> Iterator[None]:
    """The hooks take SIGTERM and SIGINT for the whole process: given back after the test."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


@pytest.fixture
def without_posix_signals(monkeypatch: pytest.MonkeyPatch, handlers_restored: None) -> None:
    monkeypatch.delattr(signal, "SIGHUP")


def no_loop_signal_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    def unsupported(*args: Any) -> None:
        raise NotImplementedError  # what the Windows event loops raise

    monkeypatch.setattr(asyncio.get_running_loop(), "add_signal_handler", unsupported)


@pytest.mark.usefixtures("without_posix_signals")
@pytest.mark.parametrize("watched", [True, False], ids=["watcher-thread", "python-handler"])
@pytest.mark.parametrize("ending", ["q", "sigint"])
async def test_the_browser_starts_and_ends_without_sighup_or_loop_signal_handlers(
    emulator: RunningEmulator,
    app: OrbrowseApp,
    monkeypatch: pytest.MonkeyPatch,
    watched: bool,
    ending: str,
) -> None:
    no_loop_signal_handlers(monkeypatch)
    monkeypatch.setattr(interrupt, "WATCHED", watched)
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, "alpha.txt", content=b"a\n")
    with signal_hooks(asyncio.get_running_loop(), app) as interrupted:
        async with browsing(app) as (pilot, _):
            assert [row.split()[0] for row in visible_rows(app)] == ["alpha.txt"]
            if ending == "q":
                await pilot.press("q")
            else:
                signal.raise_signal(signal.SIGINT)
            await wait_until(pilot, lambda: app.return_code is not None, "the app's exit")
    expected = 130 if ending == "sigint" else 0
    assert (app.return_code, interrupted.seen) == (expected, ending == "sigint")


@pytest.mark.usefixtures("without_posix_signals")
def test_sigterm_still_removes_a_part_file_without_sighup(tmp_path: Path) -> None:
    chained: list[int] = []
    signal.signal(signal.SIGTERM, lambda number, _: chained.append(number))  # not to die
    install_signal_cleanup()
    with PartFile(tmp_path / "big.bin", "file-1") as part:
        part.write(b"half of it")
        assert part.path.exists()
        signal.raise_signal(signal.SIGTERM)
        assert not part.path.exists()
    assert chained == [signal.SIGTERM]
    assert list(tmp_path.iterdir()) == []
