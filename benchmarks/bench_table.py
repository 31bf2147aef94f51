"""3. Table scale: appending a page and moving the cursor at 1k, 10k and 100k loaded rows,
headless, each size in its own process; resident memory and memory per loaded row."""

from __future__ import annotations

from pathlib import Path

from benchmarks._child import run_child
from benchmarks._config import Config, interleaved
from benchmarks._results import Row

CHILD = Path(__file__).resolve().parent / "_table_child.py"


def _child(rows: int, repeats: int) -> dict[str, float]:
    return run_child([str(CHILD), str(rows), str(repeats)], f"table benchmark at {rows} rows")


def run(config: Config) -> list[Row]:
    sizes = (1_000, 10_000, 100_000) if not config.quick else (1_000, 10_000)
    repeats = config.scale(20, 5)
    append = {n: Row("table", f"append 100 rows at {n:,}", "orbrowse", "ms CPU") for n in sizes}
    move = {n: Row("table", f"cursor move at {n:,}", "orbrowse", "ms CPU") for n in sizes}
    rss = {n: Row("table", f"resident memory at {n:,}", "orbrowse", "MiB") for n in sizes}
    growth = {n: Row("table", f"RSS growth at {n:,}", "orbrowse", "MiB") for n in sizes}

    def once(rows: int) -> None:
        result = _child(rows, repeats)
        append[rows].samples.append(result["append_ms"])
        move[rows].samples.append(result["move_ms"])
        rss[rows].samples.append(result["rss_loaded_kib"] / 1024)
        growth[rows].samples.append((result["rss_loaded_kib"] - result["rss_before_kib"]) / 1024)

    interleaved(config.runs, *(lambda n=n: once(n) for n in sizes))
    small, large = sizes[0], sizes[-1]
    for rows_by_size in (append, move):
        for n in sizes[1:]:
            check = (lambda r: r <= 1.5) if n == large else None
            target = "≤ 1.5× at 1,000" if n == large else None
            rows_by_size[n].compare(f"at {small:,}", rows_by_size[small].median, target, check)
    per_row = Row(
        "table",
        f"memory per loaded row ({small:,}→{large:,})",
        "orbrowse",
        "bytes",
        [
            (b - a) * 1024 * 1024 / (large - small)
            for a, b in zip(growth[small].samples, growth[large].samples, strict=True)
        ],
        note="RSS growth difference / row difference; rows parsed from emulator JSON",
    )
    if not config.quick:
        per_row.target = "≤ 400 bytes"
        per_row.met = per_row.median <= 400
    out: list[Row] = []
    for n in sizes:
        out += [append[n], move[n], rss[n], growth[n]]
    return [*out, per_row]
