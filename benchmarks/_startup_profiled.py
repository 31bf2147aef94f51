"""``orbrowse`` (the CLI's browser) under cProfile until its first file row is on screen.

    python benchmarks/_startup_profiled.py OUT.prof ORBROWSE-ARGS...

Run on a pseudo-terminal (``profile_speed.py startup`` does). The profile starts before
orbrowse is imported, so it holds the imports, Textual's start and the first request; once
the file table has drawn a row and that frame is written, the profile goes to OUT.prof, the
seconds since start to stdout's last line ``first row S`` (wall clock; the profile counts
this process's CPU time), and the app exits.
"""

from __future__ import annotations

import cProfile
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()
# CPU time, not wall time: on a shared machine a wall-clock profile charges the time this
# process waited for a core to whatever function it happened to be in.
_profile = cProfile.Profile(time.process_time)
_profile.enable()

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from textual.strip import Strip  # noqa: E402

from orbrowse.cli import main  # noqa: E402
from orbrowse.tui.widgets.file_table import FileTable  # noqa: E402

_render_line = FileTable.render_line
_first_row: list[float] = []


def _stop(table: FileTable) -> None:
    _profile.disable()
    _first_row.append(time.perf_counter() - STARTED)
    _profile.dump_stats(sys.argv[1])
    table.app.exit()


def _watching(table: FileTable, y: int) -> Strip:
    """Line 0 is the header: a line below it while rows are loaded is a file row."""
    strip: Strip = _render_line(table, y)
    if not _first_row and table.row_count and y >= 1:
        _first_row.append(0.0)
        table.app.call_after_refresh(_stop, table)
    return strip


FileTable.render_line = _watching  # type: ignore[method-assign]

if __name__ == "__main__":
    code = main(sys.argv[2:])
    print(f"\nfirst row {_first_row[-1]:.3f}")
    sys.exit(code)
