"""7. Folders: the folder tree's cost per page at 1k, 10k and 100k loaded files, without and
under a filter (the folder totals of the matches kept page by page); a filter typed in the
folder view against the flat view; opening a
50,000-file folder against the flat table of 50,000; memory of the folder view against the
flat view at 100k. Each measurement in its own process (benchmarks/_folders_child.py)."""

from __future__ import annotations

from pathlib import Path

from benchmarks._child import run_child
from benchmarks._config import Config, interleaved
from benchmarks._results import Row

CHILD = Path(__file__).resolve().parent / "_folders_child.py"
FILTER = "readme"
"""Matches a few percent of the demo names (``docs/readme-00012.md``), as in the bug report."""


def _child(*args: object) -> dict[str, float]:
    return run_child([str(CHILD), *map(str, args)], f"folders benchmark {args}")


def run(config: Config) -> list[Row]:
    sizes = (1_000, 10_000, 100_000) if not config.quick else (1_000, 10_000)
    repeats = config.scale(20, 5)
    update = {
        n: Row(
            "folders", f"page of 1,000 applied (list, tree, rows) at {n:,}", "orbrowse", "ms CPU"
        )
        for n in sizes
    }
    filtered = {
        n: Row(
            "folders",
            f"page of 1,000 applied under the filter `{FILTER}` at {n:,}",
            "orbrowse",
            "ms CPU",
        )
        for n in sizes
    }
    opened = config.scale(50_000, 5_000)
    case = f"first rows of a {opened:,}-file folder"
    flat = Row("folders", case, "flat table", "ms CPU")
    folder = Row("folders", case, "folder view", "ms CPU")
    typed = config.scale(100_000, 10_000)
    keystroke = f"a filter keystroke at {typed:,}"
    typed_flat = Row("folders", keystroke, "flat view", "ms CPU")
    typed_folders = Row("folders", keystroke, "folder view", "ms CPU")
    memory_rows = config.scale(100_000, 10_000)
    growth = {
        mode: Row("folders", f"RSS growth at {memory_rows:,}", f"{label} view", "MiB")
        for mode, label in (("flat", "flat"), ("folders", "folder"))
    }

    def once_update(rows: int) -> None:
        update[rows].samples.append(_child("update", rows, repeats)["page_ms"])

    def once_filtered(rows: int) -> None:
        filtered[rows].samples.append(_child("update", rows, repeats, FILTER)["page_ms"])

    def once_open() -> None:
        result = _child("open", opened, config.scale(10, 3))
        flat.samples.append(result["flat_ms"])
        folder.samples.append(result["folder_ms"])

    def once_typed() -> None:
        result = _child("filter", typed, config.scale(5, 2))
        typed_flat.samples.append(result["flat_ms"])
        typed_folders.samples.append(result["folder_ms"])

    def once_memory(mode: str) -> None:
        result = _child("memory", mode, memory_rows)
        growth[mode].samples.append((result["rss_loaded_kib"] - result["rss_before_kib"]) / 1024)

    interleaved(
        config.runs,
        *(lambda n=n: once_update(n) for n in sizes),
        *(lambda n=n: once_filtered(n) for n in sizes),
        once_open,
        once_typed,
        lambda: once_memory("flat"),
        lambda: once_memory("folders"),
    )
    small, large = sizes[0], sizes[-1]
    for rows in (update, filtered):
        for n in sizes[1:]:
            final = n == large and not config.quick
            rows[n].compare(
                f"at {small:,}",
                rows[small].median,
                "≤ 1.5× at 1,000" if final else None,
                (lambda r: r <= 1.5) if final else None,
            )
    folder.compare("flat table", flat.median, "≤ 1.0× flat", lambda r: r <= 1.0)
    # No goal: the folder view's keystroke also filters the open folder's files (as before
    # the match totals) and counts the matches per folder; measured against main in the notes.
    typed_folders.compare("flat view", typed_flat.median)
    growth["folders"].compare("flat view", growth["flat"].median, "≤ 1.3× flat", lambda r: r <= 1.3)
    return [
        *update.values(),
        *filtered.values(),
        flat,
        folder,
        typed_flat,
        typed_folders,
        growth["flat"],
        growth["folders"],
    ]
