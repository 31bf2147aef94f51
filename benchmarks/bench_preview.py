"""Preview costs, headless, against the emulator: ``python -m benchmarks.bench_preview``.

1. Cursor move cost at 10,000 loaded rows with the preview on (default) and off
   (``preview_max_bytes = 0``), measured side by side in one process: CPU time of the
   process per ``j`` while the key is held (a key event every 30 ms, as a terminal repeats
   it), interleaved runs, median. Goal: on ≤ 1.1× off.
2. First paint: the emulator answers after 20 ms; the cursor moves onto a downloadable file
   not seen before and rests; wall time until the pane holds the preview (includes the
   150 ms rest), and the part after the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from textual import events
from textual.pilot import Pilot

from orbrowse.config import load_settings
from orbrowse.deletion_log import DeletionLog
from orbrowse.emulator.faults import Faults
from orbrowse.emulator.keys import DEMO_MANAGEMENT_KEY, Keys
from orbrowse.emulator.seed import DEMO_NOW, generate_files
from orbrowse.emulator.server import RunningEmulator, start_emulator
from orbrowse.emulator.store import Store
from orbrowse.tui.app import OrbrowseApp, build_app
from orbrowse.tui.preview_loader import REST_SECONDS
from orbrowse.tui.screens.browser import BrowserScreen
from orbrowse.tui.widgets.preview import PreviewPane

WORKSPACE = "11111111-1111-4111-8111-111111111111"
ROWS = 10_000
SIZE = (140, 40)
KEY_REPEAT = 0.03
"""Seconds between two presses of a held key (a usual terminal repeat rate)."""


def make_store() -> Store:
    store = Store()
    store.add_workspace(WORKSPACE, "Bench", "bench", default=True)
    generate_files(store, WORKSPACE, ROWS, now=DEMO_NOW)
    return store


def make_app(emulator: RunningEmulator, work: Path, *, preview_bytes: int) -> OrbrowseApp:
    settings = load_settings(
        api_key=DEMO_MANAGEMENT_KEY,
        base_url=emulator.url,
        workspace=WORKSPACE,
        config_path=work / "config.toml",
        env={},
    )
    settings = replace(settings, page_size=1000, preview_max_bytes=preview_bytes)
    return build_app(settings, env={}, deletion_log=DeletionLog(work / "d.jsonl"), remember=False)


async def loaded(app: OrbrowseApp, pilot: Pilot[int]) -> BrowserScreen:
    while not (isinstance(app.screen, BrowserScreen) and app.screen.pages_loaded > 0):  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    screen = app.screen
    await pilot.press("L")
    while screen.has_more or screen.fetching:  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    await app.workers.wait_for_complete()
    return screen


async def move_cost(emulator: RunningEmulator, work: Path, preview_bytes: int, moves: int) -> float:
    """CPU milliseconds per ``j`` at 10,000 rows, the key held down (repeating every 30 ms)."""
    app = make_app(emulator, work, preview_bytes=preview_bytes)
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(app, pilot)
        assert len(screen.files.view) == ROWS
        screen.table.move_cursor(ROWS // 2)
        await pilot.pause(REST_SECONDS * 2)
        target = screen.table.cursor_row + moves
        started = time.process_time()
        for _ in range(moves):
            app.post_message(events.Key("j", "j"))
            await asyncio.sleep(KEY_REPEAT)
        while screen.table.cursor_row != target:  # noqa: ASYNC110
            await asyncio.sleep(0.001)
        await pilot.pause()
        spent = time.process_time() - started
        await pilot.pause(REST_SECONDS * 2)
    return spent * 1000 / moves


async def first_paint(emulator: RunningEmulator, work: Path, tries: int) -> list[float]:
    """Seconds from the move to the preview shown, for ``tries`` fresh downloadable files."""
    app = make_app(emulator, work, preview_bytes=256 * 1024)
    times: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(app, pilot)
        pane = screen.query_one(PreviewPane)
        targets = [i for i, f in enumerate(screen.files.view) if f.downloadable][10 : 10 + tries]
        emulator.faults.latency_ms = 20
        for index in targets:
            screen.table.move_cursor(index - screen.table.cursor_row)
            started = time.perf_counter()
            wanted = screen.files.view[index].id
            while pane.state.preview is None or pane.state.preview.file_id != wanted:  # noqa: ASYNC110
                await asyncio.sleep(0.002)
            times.append(time.perf_counter() - started)
        emulator.faults.latency_ms = 0
    return times


async def main(runs: int, moves: int, tries: int) -> None:
    with (
        tempfile.TemporaryDirectory() as temp,
        start_emulator(store=make_store(), faults=Faults(seed=1), keys=Keys()) as emulator,
    ):
        work = Path(temp)
        on: list[float] = []
        off: list[float] = []
        for _ in range(runs):  # interleaved, so load on the machine hits both alike
            off.append(await move_cost(emulator, work, 0, moves))
            on.append(await move_cost(emulator, work, 256 * 1024, moves))
        paint = await first_paint(emulator, work, tries)
    off_ms, on_ms = statistics.median(off), statistics.median(on)
    paint_ms = statistics.median(paint) * 1000
    print(f"cursor move at {ROWS:,} rows, preview off: {off_ms:.2f} ms CPU (runs {off})")
    print(f"cursor move at {ROWS:,} rows, preview on:  {on_ms:.2f} ms CPU (runs {on})")
    print(f"ratio on/off: {on_ms / off_ms:.2f}× (goal ≤ 1.1×)")
    print(
        f"first paint after a move, 20 ms latency: {paint_ms:.0f} ms median "
        f"({paint_ms - REST_SECONDS * 1000:.0f} ms after the {REST_SECONDS * 1000:.0f} ms rest; "
        f"{len(paint)} files, max {max(paint) * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--moves", type=int, default=100)
    parser.add_argument("--tries", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.moves, args.tries))
