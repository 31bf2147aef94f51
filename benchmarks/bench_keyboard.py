"""6. The pager against the keyboard: the real app in tmux (a pty), PageDown held at 30 presses
a second through a large workspace, against the emulator at 100 ms and 1,500 ms.

After every press the screen is captured: a capture showing the table's loading row means the
cursor stood on the last loaded row (it reached the loaded end). After the last press the app
is left to settle, and the file under the cursor (the detail pane's ID) must be the one
``presses × rows per page`` down: each press short of it is a press lost.
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks._config import Config
from benchmarks._emulator import KEY, Emulator
from benchmarks._results import Row
from orbrowse.emulator.seed import DEMO_WORKSPACES, demo_store
from orbrowse.tui.widgets.file_table import LOADING_END_TEXT, LOADING_TEXT

WORKSPACE = DEMO_WORKSPACES[0][0]
PRESSES_PER_SECOND = 30.0
SIZE = (120, 40)
_ID = re.compile(r"▏ ID\s+(\S+)")
_SETTLE_TIMEOUT = 120.0
_RUNS = itertools.count()


def _tmux(socket: str, *args: str) -> str:
    done = subprocess.run(
        ["tmux", "-L", socket, *args], capture_output=True, text=True, check=False, timeout=30
    )
    return done.stdout


def _capture(socket: str) -> str:
    return _tmux(socket, "capture-pane", "-p", "-t", "bench")


def _cursor_id(screen: str) -> str | None:
    found = _ID.search(screen)
    return found.group(1) if found else None


def _wait_for(socket: str, condition: str, timeout: float = _SETTLE_TIMEOUT) -> str:
    """The screen once the table is listed, or once it has settled: nothing loading and the
    same file under the cursor for a second (keys still queued in the app would move it)."""
    deadline = time.monotonic() + timeout
    stable: list[str | None] = []
    while time.monotonic() < deadline:
        screen = _capture(socket)
        cursor = _cursor_id(screen)
        if condition == "listed" and "loaded" in screen and cursor:
            return screen
        if condition == "settled":
            stable = [*stable[-9:], cursor if "loading" not in screen else None]
            if len(stable) == 10 and stable[0] and len(set(stable)) == 1:
                return screen
        time.sleep(0.1)
    raise TimeoutError(f"the app never {condition}: {_capture(socket)[-800:]}")


def _all_ids(files: int) -> list[str]:
    """The workspace's ids in listing order: the demo data is the same every time."""
    return [f.id for f in demo_store(files).files(WORKSPACE)]


def hold_page_down(url: str, ids: list[str], folder: Path) -> tuple[list[int], int, int]:
    """(the presses after which the capture showed the loaded end, presses, presses lost)
    for one held PageDown; ``folder`` is the app's home."""
    socket = f"orbrowse-bench-{os.getpid()}-{next(_RUNS)}"
    orbrowse = str(Path(sys.executable).with_name("orbrowse"))
    width, height = SIZE
    command = [
        "env",
        f"HOME={folder}",
        "TERM=xterm-256color",
        # The pane's size, said outright: under pytest the pane's processes were handed
        # COLUMNS=80 LINES=24 (seen with tmux 3.3a), which Textual prefers to the pty's size.
        f"COLUMNS={width}",
        f"LINES={height}",
        orbrowse,
        "--base-url",
        url,
        "--api-key",
        KEY,
        "--workspace",
        WORKSPACE,
        "--config",
        str(folder / "config.toml"),
    ]
    # The flat list's paging is what this measures (the folder view lists everything).
    (folder / "config.toml").write_text('view = "flat"\n', encoding="utf-8")
    # The pane outlives the app, so a crash leaves its last words to capture.
    shell = shlex.join(command) + "; echo '[orbrowse exited]'; sleep 600"
    _tmux(
        socket,
        "new-session",
        "-d",
        "-s",
        "bench",
        "-x",
        str(width),
        "-y",
        str(height),
        shell,
    )
    try:
        _wait_for(socket, "listed")
        _tmux(socket, "send-keys", "-t", "bench", "PageDown")
        step = ids.index(_cursor_id(_wait_for(socket, "settled")) or "")
        presses = int(len(ids) * 0.95) // step - 1
        at_end: list[int] = []
        interval = 1 / PRESSES_PER_SECOND
        next_press = time.monotonic()
        for press in range(1, presses + 1):
            _tmux(socket, "send-keys", "-t", "bench", "PageDown")
            screen = _capture(socket)
            if LOADING_TEXT in screen or LOADING_END_TEXT in screen:
                at_end.append(press)
            next_press += interval
            time.sleep(max(0.0, next_press - time.monotonic()))
        index = ids.index(_cursor_id(_wait_for(socket, "settled")) or "")
        expected = min((presses + 1) * step, len(ids) - 1)
        lost = round((expected - index) / step)
        return at_end, presses, lost
    finally:
        _tmux(socket, "kill-server")


@dataclass(frozen=True)
class Held:
    """One held PageDown: the presses after which a capture showed the loaded end, how many
    presses were sent, and how many of them the cursor did not carry out."""

    at_end: list[int]
    presses: int
    lost: int


def hold_once(files: int, latency_ms: float) -> Held:
    """PageDown held through a fresh workspace of ``files`` files served at ``latency_ms``.

    Also the benchmark's short form: ``tests/test_benchmarks_smoke.py`` runs it with a small
    workspace and checks what it counts (never the time)."""
    with (
        Emulator(files=files, latency_ms=latency_ms) as emulator,
        tempfile.TemporaryDirectory(prefix="orbrowse-bench-") as folder,
    ):
        at_end, presses, lost = hold_page_down(emulator.url, _all_ids(files), Path(folder))
    return Held(at_end, presses, lost)


def run(config: Config) -> list[Row]:
    if shutil.which("tmux") is None:
        raise RuntimeError("the keyboard benchmark needs tmux")
    files = config.scale(10_000, 2_000)
    rows: list[Row] = []
    for latency in (100.0, 1500.0):
        case = f"PageDown {PRESSES_PER_SECOND:.0f}/s through {files:,} files, {latency:.0f} ms"
        at_end = Row("keyboard", case, "captures at the loaded end", "captures")
        lost = Row("keyboard", case, "presses lost", "presses")
        presses = Row("keyboard", case, "presses", "presses")
        where: list[str] = []
        for _run in range(config.runs):
            held = hold_once(files, latency)
            at_end.samples.append(len(held.at_end))
            where.append(",".join(map(str, held.at_end)) or "none")
            lost.samples.append(held.lost)
            presses.samples.append(held.presses)
        at_end.note = "after presses: " + " | ".join(where)
        lost.target = "0 lost"
        lost.met = lost.high == 0
        if latency <= 100:
            at_end.target = "0 (never at the loaded end)"
            at_end.met = at_end.high == 0
        rows += [presses, at_end, lost]
    return rows
