"""The emulator served from the main thread under cProfile (cProfile sees one thread only).

    python benchmarks/_emulator_profiled.py OUT.prof FILES HTTP LOOP

Prints ``listening on URL`` once it accepts connections; on SIGTERM it stops and writes the
profile of everything the server did to OUT.prof.
"""

from __future__ import annotations

import cProfile
import signal
import socket
import sys
import threading
import time
from pathlib import Path

import uvicorn

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from orbrowse.emulator.app import API_PREFIX, create_app  # noqa: E402
from orbrowse.emulator.faults import Faults  # noqa: E402
from orbrowse.emulator.keys import Keys  # noqa: E402
from orbrowse.emulator.seed import demo_store  # noqa: E402


def main() -> None:
    out, files, http, loop = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    app = create_app(demo_store(files), Faults(), Keys())
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", ws="none", http=http, loop=loop
    )
    server = uvicorn.Server(config)

    def announce() -> None:
        while not server.started:
            time.sleep(0.01)
        print(f"listening on http://127.0.0.1:{port}{API_PREFIX}", flush=True)

    threading.Thread(target=announce, daemon=True).start()
    # uvicorn re-raises the signal it stopped on once it has stopped: let that be a no-op
    signal.signal(signal.SIGTERM, lambda signum, frame: None)
    profile = cProfile.Profile()
    profile.runcall(server.run, sockets=[sock])
    profile.dump_stats(out)


if __name__ == "__main__":
    main()
