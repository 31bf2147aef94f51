"""The folder view at one size, in a process of its own (so its resident memory is its own).

    python benchmarks/_folders_child.py update ROWS REPEATS [FILTER]
    python benchmarks/_folders_child.py open ROWS REPEATS
    python benchmarks/_folders_child.py filter ROWS REPEATS
    python benchmarks/_folders_child.py memory flat|folders ROWS

``update``: ROWS demo files (emulator-generated names, e.g. ``data/sales-00025.csv``) in a
``FileList`` and a ``FolderTree`` with the root folder's ``FolderRows`` open; each of REPEATS
pages of 1,000 new files is applied as the browser applies it (``FileList.append``,
``FolderTree.append``, ``FolderRows.sync``), timed as process CPU time, then removed (untimed).
With FILTER, under that filter (the folder totals of the matches kept page by page).

``open``: ROWS files all in one folder (``big/``), a headless app with the ``FileTable``; each
repeat times (process CPU, the repaint included) switching to the flat table of the same ROWS
files and opening the folder ``big/`` in the folder view, alternately.

``filter``: ROWS demo files; "readme" typed a letter at a time, REPEATS times (cleared between),
each keystroke timed (process CPU) as the flat view pays it (``FileList.set_filter``) and as
the folder view pays it (the same, then ``FolderRows.sync`` at the root: the folders' totals
of the matches counted again), alternately on two copies of the files.

``memory``: the resident memory before and after loading ROWS demo files into the app (a
mounted ``FileTable``), flat or in the folder view (the tree and the root's rows built).

Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._child import status_kib  # noqa: E402
from benchmarks._files import make_files  # noqa: E402
from benchmarks._table_child import TableHost, focused_table  # noqa: E402
from orbrowse.api.models import FileObject  # noqa: E402
from orbrowse.listing.file_list import FileList  # noqa: E402
from orbrowse.listing.folder_rows import FolderRows  # noqa: E402
from orbrowse.listing.folders import FolderTree  # noqa: E402
from orbrowse.tui.widgets.file_table import FileTable  # noqa: E402

PAGE = 1000


def update(rows: int, repeats: int, filter_text: str = "") -> dict[str, float]:
    files_now = make_files(rows, seed=0)
    pages = [make_files(PAGE, seed=1000 + n) for n in range(repeats)]
    files = FileList(files_now)
    tree = FolderTree(files_now)
    view = FolderRows(tree, files)
    if filter_text:
        files.set_filter(filter_text)
        view.sync()
    times: list[float] = []
    for page in pages:
        gc.collect()
        started = time.process_time()
        files.append(page)
        tree.append(page)
        view.sync()
        times.append(time.process_time() - started)
        tree.remove(files.remove(f.id for f in page))
        view.sync()
    return {"rows": rows, "page_ms": statistics.median(times) * 1000}


def one_folder(count: int) -> list[FileObject]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        FileObject(
            f"or_file_{n:024d}",
            f"big/file-{n:06d}.txt",
            "text/plain",
            n,
            start + timedelta(seconds=n),
            False,
        )
        for n in range(count)
    ]


async def open_folder(rows: int, repeats: int) -> dict[str, float]:
    everything = one_folder(rows)
    files = FileList(everything)
    tree = FolderTree(everything)
    folder_view = FolderRows(tree, files)
    flat: list[float] = []
    folders: list[float] = []
    async with focused_table(files) as (pilot, table):
        for _ in range(repeats):
            folder_view.open("")
            table.show_folders(folder_view)
            await pilot.pause()
            started = time.process_time()
            table.show_folders(None)
            await pilot.pause()
            flat.append(time.process_time() - started)
            started = time.process_time()
            folder_view.open("big/")
            table.show_folders(folder_view)
            await pilot.pause()
            folders.append(time.process_time() - started)
            if len(folder_view) != rows:
                raise RuntimeError(f"the folder shows {len(folder_view)} rows, not {rows}")
    return {
        "rows": rows,
        "flat_ms": statistics.median(flat) * 1000,
        "folder_ms": statistics.median(folders) * 1000,
    }


def typed_filter(rows: int, repeats: int) -> dict[str, float]:
    loaded = make_files(rows, seed=0)
    flat_list = FileList(loaded)
    folder_list = FileList(loaded)
    view = FolderRows(FolderTree(loaded), folder_list)
    flat: list[float] = []
    folders: list[float] = []
    for _ in range(repeats):
        for end in range(1, len("readme") + 1):
            text = "readme"[:end]
            gc.collect()
            started = time.process_time()
            flat_list.set_filter(text)
            flat.append(time.process_time() - started)
            gc.collect()
            started = time.process_time()
            folder_list.set_filter(text)
            view.sync()
            folders.append(time.process_time() - started)
        flat_list.set_filter("")
        folder_list.set_filter("")
        view.sync()
    return {
        "rows": rows,
        "flat_ms": statistics.median(flat) * 1000,
        "folder_ms": statistics.median(folders) * 1000,
    }


async def memory(mode: str, rows: int) -> dict[str, float]:
    gc.collect()
    before = status_kib("VmRSS")
    loaded = make_files(rows, seed=0)
    files = FileList(loaded)
    app = TableHost(files)
    keep: list[object] = []
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(FileTable)
        if mode == "folders":
            tree = FolderTree(loaded)
            view = FolderRows(tree, files)
            table.show_folders(view)
            keep += [tree, view]
        del loaded
        await pilot.pause()
        gc.collect()
        after = status_kib("VmRSS")
    return {"rows": rows, "rss_before_kib": before, "rss_loaded_kib": after}


def main(argv: list[str]) -> int:
    what = argv[0]
    if what == "update":
        result = update(int(argv[1]), int(argv[2]), *argv[3:4])
    elif what == "open":
        result = asyncio.run(open_folder(int(argv[1]), int(argv[2])))
    elif what == "filter":
        result = typed_filter(int(argv[1]), int(argv[2]))
    else:
        result = asyncio.run(memory(argv[1], int(argv[2])))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
