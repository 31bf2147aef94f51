"""SVG snapshots of each screen over seeded, clock-fixed demo data.

The emulator serves ``demo_store`` with a fixed ``now`` (ids included, the data is the same
every run); the app gets a fixed clock, so "3 days ago" does not age. Nothing on screen shows
the emulator's port. Update with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and
look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from orbrowse.config import Settings, load_settings
from orbrowse.deletion_log import DeletionLog
from orbrowse.emulator.faults import Faults
from orbrowse.emulator.keys import Keys
from orbrowse.emulator.seed import DEMO_NOW, DEMO_WORKSPACES, demo_store
from orbrowse.emulator.server import RunningEmulator, start_emulator
from orbrowse.tui.app import OrbrowseApp, build_app
from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog
from orbrowse.tui.dialogs.help import HelpScreen
from orbrowse.tui.screens.workspace_picker import WorkspacePicker
from tests.tui.app_driver import browser_ready, preview_settled, screen_shown, wait_until

SnapCompare = Callable[..., bool]
SIZE = (130, 34)
CLOCK = DEMO_NOW + timedelta(days=2)
DEMO_WORKSPACE = DEMO_WORKSPACES[0][0]
FAKE_CONFIG = Path("/home/me/.config/orbrowse/config.toml")


@pytest.fixture(scope="module")
def demo() -> Iterator[RunningEmulator]:
    """The demo data, small. Module-scoped: these tests only look, never change it."""
    with start_emulator(store=demo_store(files=60), faults=Faults(seed=1), keys=Keys()) as running:
        yield running


def demo_app(
    demo: RunningEmulator, tmp_path: Path, *, workspace: str | None, key: str | None = "mgmt"
) -> OrbrowseApp:
    settings: Settings = load_settings(
        api_key=demo.keys.management_key if key else None,
        base_url=demo.url,
        workspace=workspace,
        config_path=FAKE_CONFIG,
        env={},
    )
    return build_app(
        replace(settings, view="flat"),
        env={},
        clock=lambda: CLOCK,
        deletion_log=DeletionLog(tmp_path / "deletions.jsonl"),
        download_dir=tmp_path,
        remember=False,
    )


async def _browser(pilot: Pilot[int]) -> None:
    await browser_ready(pilot)
    await preview_settled(pilot)


async def _help(pilot: Pilot[int]) -> None:
    await browser_ready(pilot)
    await preview_settled(pilot)
    await pilot.press("question_mark")
    await screen_shown(pilot, HelpScreen)


async def _delete_confirmation(pilot: Pilot[int]) -> None:
    """Twelve files marked, then ``x``."""
    await browser_ready(pilot)
    await pilot.press(*["space"] * 12)
    await preview_settled(pilot)
    await pilot.press("x")
    await screen_shown(pilot, ConfirmDeleteDialog)


def test_browser_with_details(
    snap_compare: SnapCompare, demo: RunningEmulator, tmp_path: Path
) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await browser_ready(pilot)
        await pilot.press("j", "space", "space", "j")
        await preview_settled(pilot)

    app = demo_app(demo, tmp_path, workspace=DEMO_WORKSPACE)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_browser_narrow(snap_compare: SnapCompare, demo: RunningEmulator, tmp_path: Path) -> None:
    app = demo_app(demo, tmp_path, workspace=DEMO_WORKSPACE)
    assert snap_compare(app, terminal_size=(90, 34), run_before=_browser)


def test_workspace_picker(snap_compare: SnapCompare, demo: RunningEmulator, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        picker = await screen_shown(pilot, WorkspacePicker)
        await wait_until(pilot, lambda: len(picker.counts) == len(picker.choices), "the counts")
        await pilot.pause()

    app = demo_app(demo, tmp_path, workspace=None)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare: SnapCompare, demo: RunningEmulator, tmp_path: Path) -> None:
    app = demo_app(demo, tmp_path, workspace=DEMO_WORKSPACE)
    assert snap_compare(app, terminal_size=SIZE, run_before=_help)


def test_delete_confirmation(
    snap_compare: SnapCompare, demo: RunningEmulator, tmp_path: Path
) -> None:
    app = demo_app(demo, tmp_path, workspace=DEMO_WORKSPACE)
    assert snap_compare(app, terminal_size=SIZE, run_before=_delete_confirmation)


def test_no_key(snap_compare: SnapCompare, demo: RunningEmulator, tmp_path: Path) -> None:
    app = demo_app(demo, tmp_path, workspace=None, key=None)
    assert snap_compare(app, terminal_size=SIZE)


# -- small terminals: 60x15 (the smallest we support) and 80x24 (the classic default) -----------

SMALL_SIZES = [pytest.param((60, 15), id="60x15"), pytest.param((80, 24), id="80x24")]


SMALL_VIEWS = [
    pytest.param(_browser, id="browser"),
    pytest.param(_delete_confirmation, id="delete_confirmation"),
    pytest.param(_help, id="help"),
]


@pytest.mark.parametrize("size", SMALL_SIZES)
@pytest.mark.parametrize("steps", SMALL_VIEWS)
def test_small(
    snap_compare: SnapCompare,
    demo: RunningEmulator,
    tmp_path: Path,
    steps: Callable[[Pilot[int]], Awaitable[None]],
    size: tuple[int, int],
) -> None:
    app = demo_app(demo, tmp_path, workspace=DEMO_WORKSPACE)
    assert snap_compare(app, terminal_size=size, run_before=steps)
