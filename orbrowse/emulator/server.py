"""Running the emulator: in a background thread (tests, demo) or as ``orbrowse serve``."""

from __future__ import annotations

import argparse
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Literal

import uvicorn

from orbrowse.closing import ClosedOnExit
from orbrowse.emulator.app import API_PREFIX, CHOICES, create_app
from orbrowse.emulator.arrival import StampedH11, StampedHttpTools
from orbrowse.emulator.faults import Faults
from orbrowse.emulator.keys import Keys, mask
from orbrowse.emulator.seed import SeedError, demo_store, load_seed
from orbrowse.emulator.state import StateKeeper
from orbrowse.emulator.store import Store

_START_TIMEOUT = 10.0

HttpStack = Literal["auto", "h11", "httptools"]
LoopKind = Literal["auto", "asyncio", "uvloop"]


@dataclass(eq=False)
class RunningEmulator(ClosedOnExit):
    """An emulator serving on a loopback socket from a daemon thread with its own loop."""

    _server: uvicorn.Server
    _thread: threading.Thread
    host: str
    port: int
    store: Store
    faults: Faults
    keys: Keys

    @property
    def url(self) -> str:
        """The API base URL, e.g. ``http://127.0.0.1:53412/api/v1``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{API_PREFIX}"

    def stop(self) -> None:
        """Stop serving and wait for the thread; safe to call twice."""
        self._server.should_exit = True
        self._thread.join(timeout=_START_TIMEOUT)

    close = stop


def start_emulator(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    store: Store | None = None,
    faults: Faults | None = None,
    keys: Keys | None = None,
    http: HttpStack = "auto",
    loop: LoopKind = "auto",
) -> RunningEmulator:
    """Start serving; returns once the socket accepts connections (port 0: a free one).

    ``http`` and ``loop`` pick uvicorn's HTTP parser and event loop; ``auto`` takes
    ``httptools`` (a dependency) and ``uvloop`` when installed (about 3× the requests per
    second of ``h11`` on ``asyncio``: benchmarks/EMULATOR.md). Either parser stamps each
    request's arrival for the latency (:mod:`orbrowse.emulator.arrival`).
    """
    store = store if store is not None else demo_store()
    faults = faults if faults is not None else Faults()
    keys = keys if keys is not None else Keys()
    app = create_app(store, faults, keys)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says TCP,
    # and without it every response waits ~40 ms on delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    real_port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        ws="none",
        http=StampedH11 if http == "h11" else StampedHttpTools,
        loop=loop,
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported to the starting thread
            failure.append(exc)
        finally:
            sock.close()

    thread = threading.Thread(target=run, name=f"orbrowse-emulator-{real_port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT
    while not server.started:
        if failure or not thread.is_alive():
            thread.join(timeout=1)
            raise RuntimeError("the emulator failed to start") from (
                failure[0] if failure else None
            )
        if time.monotonic() > deadline:
            server.should_exit = True
            thread.join(timeout=_START_TIMEOUT)
            raise RuntimeError("the emulator did not start in time")
        time.sleep(0.005)
    return RunningEmulator(server, thread, host, real_port, store, faults, keys)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orbrowse serve",
        description="Run a local emulator of OpenRouter's Files API.",
        epilog=CHOICES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8080, help="port (0 picks a free one)")
    parser.add_argument("--api-key", help="accept this management key instead of the demo key")
    parser.add_argument("--seed", metavar="FILE.json", help="load workspaces and files from JSON")
    parser.add_argument(
        "--state",
        metavar="FILE.json",
        help="keep workspaces and files in this file: loaded at start if it exists (else "
        "--seed or --files make the first state), rewritten atomically after changes "
        "(at most once a second) and on exit",
    )
    parser.add_argument(
        "--files", type=int, default=3000, help="generated files in the default workspace"
    )
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added latency per request")
    parser.add_argument(
        "--fail-rate", type=float, default=0.0, help="share of requests answered 500/503"
    )
    parser.add_argument(
        "--rate-limit", type=float, default=None, metavar="RPS", help="requests per second per key"
    )
    parser.add_argument(
        "--http",
        choices=("auto", "h11", "httptools"),
        default="auto",
        help="HTTP parser (auto: httptools when installed)",
    )
    parser.add_argument(
        "--loop",
        choices=("auto", "asyncio", "uvloop"),
        default="auto",
        help="event loop (auto: uvloop when installed)",
    )
    return parser


def serve_main(argv: list[str]) -> int:
    """``orbrowse serve ...``: serve until SIGINT or SIGTERM, then return 0."""
    args = _parser().parse_args(argv)
    if args.files < 0:
        print("orbrowse serve: --files must be at least 0", file=sys.stderr)
        return 2
    if not 0.0 <= args.fail_rate <= 1.0:
        print("orbrowse serve: --fail-rate must be between 0 and 1", file=sys.stderr)
        return 2
    state_path = Path(args.state) if args.state else None
    source = state_path if state_path is not None and state_path.exists() else args.seed
    if source:
        try:
            store = load_seed(Store(), source)
        except SeedError as exc:
            print(f"orbrowse serve: {exc}", file=sys.stderr)
            return 2
    else:
        store = demo_store(args.files)
    keeper: StateKeeper | None = None
    if state_path is not None:
        keeper = StateKeeper(store, state_path)
        keeper.start()
        if keeper.error is not None:
            keeper.stop()
            print(f"orbrowse serve: cannot write {state_path}: {keeper.error}", file=sys.stderr)
            return 2
    keys = Keys(management_key=args.api_key) if args.api_key else Keys()
    faults = Faults(
        latency_ms=args.latency_ms,
        fail_rate=args.fail_rate,
        rate_limit_rps=args.rate_limit,
        max_requests=0,  # nothing reads the request log of a served emulator
    )
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            emulator = start_emulator(
                host=args.host,
                port=args.port,
                store=store,
                faults=faults,
                keys=keys,
                http=args.http,
                loop=args.loop,
            )
        except OSError as exc:
            print(
                f"orbrowse serve: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr
            )
            return 1
        with emulator:
            print(f"listening on {emulator.url}", flush=True)
            shown = mask(keys.management_key) if args.api_key else keys.management_key
            print(f"management key: {shown}", flush=True)
            if keys.workspace_key is not None:
                print(
                    f"workspace key: {keys.workspace_key} (workspace {store.default_workspace_id})",
                    flush=True,
                )
            if state_path is not None:
                how = "loaded from" if source == state_path else "saved to"
                print(f"state: {how} {state_path}", flush=True)
            while not stop.wait(0.5):
                pass
    finally:
        if keeper is not None:
            keeper.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if keeper is not None and keeper.error is not None:
        print(f"orbrowse serve: cannot write {state_path}: {keeper.error}", file=sys.stderr)
        return 1
    return 0
