"""Run orbrowse's benchmarks against the emulator; print one table, write the figures as JSON.

    python benchmarks/run.py [--quick] [--only NAME ...] [--out results.json]

See benchmarks/README.md for what each benchmark measures and the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._config import Config  # noqa: E402
from benchmarks._results import Row, table  # noqa: E402

BENCHMARKS = (
    "listing",
    "delete",
    "table",
    "transfers",
    "startup",
    "keyboard",
    "filter",
    "folders",
)


def _loader(name: str) -> Callable[[Config], list[Row]]:
    # Imported lazily: each benchmark pulls in only what it needs (the table one, Textual).
    module = __import__(f"benchmarks.bench_{name}", fromlist=["run"])
    runner: Callable[[Config], list[Row]] = module.run
    return runner


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each (smoke)")
    parser.add_argument(
        "--only",
        action="append",
        choices=BENCHMARKS,
        metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument("--runs", type=int, help="runs per measurement (default 5; quick 1)")
    parser.add_argument("--out", type=Path, default=Path("results.json"), help="JSON output")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 5)
    config = Config(quick=args.quick, runs=runs)
    names = [name for name in BENCHMARKS if not args.only or name in args.only]
    rows: list[Row] = []
    durations: dict[str, float] = {}
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        rows += _loader(name)(config)
        durations[name] = round(time.perf_counter() - started, 2)
    print(table(rows))
    notes = [f"{row.bench} / {row.case} / {row.impl}: {row.note}" for row in rows if row.note]
    if notes:
        print()
        print("\n".join(notes))
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": config.quick,
        "runs": config.runs,
        "machine": machine(),
        "durations_s": durations,
        "results": [row.to_json() for row in rows],
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
