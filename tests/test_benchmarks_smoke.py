"""The benchmark command runs end to end (quick mode, one cheap benchmark), and the keyboard
benchmark's short form: no timing asserts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.bench_keyboard import hold_once
from tests.tmux.harness import require_tmux

ROOT = Path(__file__).resolve().parent.parent


def run_quick(only: str, folder: Path) -> tuple[list[str], dict[str, Any]]:
    """``benchmarks/run.py --quick --only ONLY`` in ``folder``: its stdout lines and report."""
    out = folder / "results.json"
    script = str(ROOT / "benchmarks" / "run.py")
    done = subprocess.run(
        [sys.executable, script, "--quick", "--only", only, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
        cwd=folder,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return done.stdout.splitlines(), report


def test_quick_transfers_prints_a_table_and_writes_json(tmp_path: Path) -> None:
    lines, report = run_quick("transfers", tmp_path)
    assert lines[0].startswith("| bench ") and "median" in lines[0] and "ratio" in lines[0]
    assert any(line.startswith("| transfers | upload") for line in lines)
    assert report["quick"] is True
    assert report["machine"]["cores"] >= 1
    results = report["results"]
    impls = {(row["case"], row["impl"], row["unit"]) for row in results}
    assert ("upload 10 MiB", "orbrowse", "MiB peak growth") in impls
    assert ("download 10 MiB", "sdk", "s") in impls
    for row in results:
        assert len(row["samples"]) == 1
        assert row["min"] <= row["median"] <= row["max"]
        assert row["median"] > 0


def test_quick_listing_runs_the_pager_against_its_anchors(tmp_path: Path) -> None:
    """The pager benchmark in its short form (2,000 files): every anchor is measured."""
    _, report = run_quick("listing", tmp_path)
    results = report["results"]
    impls = {(row["case"], row["impl"]) for row in results}
    for page in (100, 1000):
        case = f"2,000 files, page {page}, 20 ms"
        assert {(case, "orbrowse"), (case, "sdk"), (case, "raw httpx"), (case, "floor")} <= impls
    ours = [row for row in results if row["impl"] == "orbrowse"]
    assert all(row["baseline"] == "floor" and row["ratio"] > 0 for row in ours)


def test_quick_filter_compares_with_the_hand_written_floor(tmp_path: Path) -> None:
    lines, report = run_quick("filter", tmp_path)
    assert any(line.startswith("| filter | report at 10,000") for line in lines)
    rows = {(row["case"], row["impl"]) for row in report["results"]}
    assert ("older:30d re:^logs/ at 10,000", "orbrowse") in rows
    assert ("older:30d re:^logs/ at 10,000", "floor") in rows


@pytest.mark.parametrize(("latency_ms", "files"), [(100.0, 1000), (1500.0, 400)])
def test_short_keyboard_run_loses_no_press(latency_ms: float, files: int) -> None:
    """The keyboard benchmark's short form: the real app in tmux, PageDown held at 30 a
    second through a small workspace. What it counts, not how long it took: every press is
    carried out (a move past the loaded end waits for the rows), and at 100 ms the cursor
    stays off the loaded end (the full run needs 0; a loaded CI machine gets a margin)."""
    require_tmux()
    held = hold_once(files, latency_ms)
    assert held.presses >= 8
    assert held.lost == 0
    if latency_ms <= 100:
        assert len(held.at_end) <= held.presses // 4, held.at_end


def test_quick_folders_measures_the_tree_the_open_folder_and_memory(tmp_path: Path) -> None:
    """The folders benchmark in its short form: every row is measured, nothing is timed here."""
    _, report = run_quick("folders", tmp_path)
    rows = {(row["case"], row["impl"]): row for row in report["results"]}
    assert ("first rows of a 5,000-file folder", "folder view") in rows
    assert ("first rows of a 5,000-file folder", "flat table") in rows
    assert ("RSS growth at 10,000", "folder view") in rows
    assert ("page of 1,000 applied under the filter `readme` at 10,000", "orbrowse") in rows
    assert rows[("a filter keystroke at 10,000", "folder view")]["baseline"] == "flat view"
    assert rows[("RSS growth at 10,000", "folder view")]["baseline"] == "flat view"
    assert all(row["median"] > 0 for row in rows.values())


def test_the_delete_trace_times_every_leg_of_both_clients() -> None:
    """``trace_deletes.py`` in a short form: the emulator's trace and the client's marks meet
    for every request (a renamed hook in either would leave a leg out)."""
    script = str(ROOT / "benchmarks" / "trace_deletes.py")
    done = subprocess.run(
        [sys.executable, script, "--runs", "1", "--count", "24"],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for client in ("orbrowse", "bare socket"):
        traced = done.stdout.split(f"== one traced run, {client}, now")[1].split("==")[0]
        for leg in ("emulator: deadline to answer let go", "back: let go to client's first read"):
            assert leg in traced
        assert "cycle: a call to the same worker's next" in traced
