"""The emulator in a child process, noting for each request when its bytes arrived, its answer's
deadline and when the answer was let go (for ``trace_deletes.py``).

    python benchmarks/_emulator_traced.py OUT.json FILES LATENCY_MS [SOURCE_DIR]

Serves the orbrowse package in SOURCE_DIR when given (another commit's emulator); prints
``listening on URL``; on SIGTERM writes ``{"requests": [[path, arrived, deadline, released]]}``
(``time.monotonic()``, the same clock in every process on Linux) to OUT.json.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    out, files, latency_ms = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    sys.path.insert(0, sys.argv[4] if len(sys.argv) > 4 else str(ROOT))

    from orbrowse.emulator import app
    from orbrowse.emulator.faults import Faults, RecordedRequest
    from orbrowse.emulator.seed import demo_store
    from orbrowse.emulator.server import start_emulator

    arrivals: dict[float, str] = {}
    released: list[tuple[float, float]] = []
    hold = app._not_before

    def traced_not_before(deadline: float, send: Any) -> Any:
        held = hold(deadline, send)
        first = True

        async def noting(message: Any) -> None:
            nonlocal first
            await held(message)
            if first:
                first = False
                released.append((deadline, time.monotonic()))

        return noting

    class TracedFaults(Faults):
        def record(self, request: RecordedRequest) -> None:
            arrivals[request.received_at] = request.path
            super().record(request)

    app._not_before = traced_not_before
    faults = TracedFaults(latency_ms=latency_ms)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with start_emulator(store=demo_store(files), faults=faults) as running:
        print(f"listening on {running.url}", flush=True)
        stop.wait()
    rows = []
    for deadline, at in released:
        arrived = deadline - latency_ms / 1000
        path = arrivals.get(arrived)
        if path is None:  # float rounding: the nearest arrival
            arrived = min(arrivals, key=lambda a: abs(a - arrived))
            path = arrivals[arrived]
        rows.append([path, arrived, deadline, at])
    Path(out).write_text(json.dumps({"requests": rows}), encoding="utf-8")


if __name__ == "__main__":
    main()
