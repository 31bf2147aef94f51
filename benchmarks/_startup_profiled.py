"""``orbrowse`` (the CLI's browser) under cProfile until its first file row is on screen.

    python benchmarks/_startup_profiled.py OUT.prof [--collector-running] ORBROWSE-ARGS...

Run on a pseudo-terminal (``profile_speed.py startup`` does). The profile starts before
orbrowse is imported, so it holds the imports, Textual's start and the first request; as
soon as the frame in which the file table drew a row is written, the profile goes to
OUT.prof, the seconds since start to stdout's last line ``first row S`` (wall clock; the
profile counts this process's CPU time), and the app exits. Imported as ``orbrowse`` imports
(``cli.main`` keeps httpx's command line out first).

OUT.prof ``-``: no profile. The line before ``first row`` gives the garbage collections until
then and their CPU seconds; ``--collector-running`` keeps the collector running through the
start-up (``orbrowse.startup_gc`` pauses it).
"""

from __future__ import annotations

import cProfile
import gc
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()
# CPU time, not wall time: on a shared machine a wall-clock profile charges the time this
# process waited for a core to whatever function it happened to be in.
_profile = cProfile.Profile(time.process_time)
_OUT = sys.argv[1]
_COLLECTOR_RUNNING = sys.argv[2:3] == ["--collector-running"]
_ORBROWSE_ARGS = sys.argv[3:] if _COLLECTOR_RUNNING else sys.argv[2:]
_collections: list[float] = []
"""The CPU seconds of each garbage collection before the first row."""
_collection_started = [0.0]


def _timing(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _collection_started[0] = time.process_time()
    elif not _first_row:
        _collections.append(time.process_time() - _collection_started[0])


gc.callbacks.append(_timing)
if _OUT != "-":
    _profile.enable()

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from typing import TYPE_CHECKING, Any  # noqa: E402

from orbrowse import cli, startup_gc  # noqa: E402

if _COLLECTOR_RUNNING:
    startup_gc.pause = lambda: None
cli.skip_httpx_command_line()  # as cli.main does before it imports the launcher

from orbrowse.tui import launch  # noqa: E402

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.strip import Strip

    from orbrowse.tui.widgets.file_table import FileTable

_first_row: list[float] = []


def _watch_the_table() -> None:
    """Line 0 is the header: a line below it while rows are loaded is a file row; the frame
    being drawn then is the first with a row. Hooked once Textual is imported, where orbrowse
    imports it (after the first request)."""
    from textual.app import App

    from orbrowse.tui.widgets.file_table import FileTable

    render_line = FileTable.render_line
    display = App._display
    drawing_a_row: list[bool] = []

    def watching(table: FileTable, y: int) -> Strip:
        strip: Strip = render_line(table, y)
        if table.row_count and y >= 1:
            drawing_a_row.append(True)
        return strip

    def displaying(app: App[object], screen: Screen[object], renderable: Any) -> None:
        display(app, screen, renderable)  # written to the terminal (the driver's thread)
        if drawing_a_row and not _first_row:
            _profile.disable()
            _first_row.append(time.perf_counter() - STARTED)
            if _OUT != "-":
                _profile.dump_stats(_OUT)
            app.exit()

    FileTable.render_line = watching  # type: ignore[method-assign,assignment]
    App._display = displaying  # type: ignore[method-assign,assignment]


_before_textual = launch.before_textual


async def _then_watch(*args: Any) -> Any:
    done = await _before_textual(*args)
    _watch_the_table()
    return done


launch.before_textual = _then_watch  # type: ignore[assignment]

if __name__ == "__main__":
    code = cli.main(_ORBROWSE_ARGS)
    print(f"\ncollections {len(_collections)} {sum(_collections):.4f}")
    print(f"first row {_first_row[-1]:.3f}")
    sys.exit(code)
