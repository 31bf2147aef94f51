"""Table scale at one size, in a process of its own (so its resident memory is its own).

    python benchmarks/_table_child.py ROWS REPEATS

A tiny app mounts ``FileTable(FileList(files))`` headless (``run_test``). Measured, each
``REPEATS`` times: appending a page of 100 rows (``FileList.append`` + ``refresh_rows``, then
the repaint), and one cursor move (the ``down`` key, then the repaint). Each operation is timed
as the process's CPU time, so the idle polling of ``pilot.pause`` adds nearly nothing.
Prints one JSON line with the medians and the resident memory before and after loading.

The rows are what the client holds after a listing: the emulator's list pages (1,000 files
each, made before the memory is first read) parsed page by page as the pager parses them.
Generating the emulator's files inside the window measured counted their freed objects that
stay resident between the rows (548 against 409 bytes a row, issue 13).
"""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from textual.app import App, ComposeResult  # noqa: E402
from textual.pilot import Pilot  # noqa: E402

from benchmarks._child import status_kib  # noqa: E402
from benchmarks._files import list_pages, make_files, parse_pages  # noqa: E402
from orbrowse.listing.file_list import FileList  # noqa: E402
from orbrowse.tui.widgets.file_table import FileTable  # noqa: E402

PAGE = 100


class TableHost(App[None]):
    def __init__(self, files: FileList) -> None:
        super().__init__()
        self.files = files

    def compose(self) -> ComposeResult:
        yield FileTable(self.files, id="files")


@asynccontextmanager
async def focused_table(files: FileList) -> AsyncIterator[tuple[Pilot[None], FileTable]]:
    """``FileTable(files)`` running headless at 120×40, focused and drawn."""
    app = TableHost(files)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(FileTable)
        table.focus()
        await pilot.pause()
        yield pilot, table


async def measure(rows: int, repeats: int) -> dict[str, float]:
    extra = [make_files(PAGE, seed=1000 + n) for n in range(repeats)]
    bodies = list_pages(rows, seed=0)
    gc.collect()
    before = status_kib("VmRSS")
    files = FileList(parse_pages(bodies))
    appends: list[float] = []
    moves: list[float] = []
    async with focused_table(files) as (pilot, table):
        gc.collect()
        loaded = status_kib("VmRSS")
        table.cursor_row = rows // 2
        await pilot.pause()
        for page in extra:
            started = time.process_time()
            files.append(page)
            table.refresh_rows()
            await pilot.pause()
            appends.append(time.process_time() - started)
            files.remove(f.id for f in page)  # back to ``rows`` rows (untimed)
            table.refresh_rows()
            await pilot.pause()
            started = time.process_time()
            await pilot.press("down")
            await pilot.pause()
            moves.append(time.process_time() - started)
    return {
        "rows": rows,
        "append_ms": statistics.median(appends) * 1000,
        "move_ms": statistics.median(moves) * 1000,
        "rss_before_kib": before,
        "rss_loaded_kib": loaded,
    }


def main(argv: list[str]) -> int:
    rows, repeats = int(argv[0]), int(argv[1])
    print(json.dumps(asyncio.run(measure(rows, repeats))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
