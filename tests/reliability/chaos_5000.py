"""The full chaos run: 5,000 deletions at drop 0.2 / fail 0.2 / 429 0.05 through
``orbrowse rm -`` (a subprocess) and 5,000 through the browser (Pilot, headless).

Not part of the default test run (it takes minutes). Run it from the repository root::

    .venv/bin/python -m tests.reliability.chaos_5000 [--files N]

It prints, for each path, where every requested file ended up, the requests the emulator
saw and the time taken, and exits 1 if the report, the server's final listing and the
deletion log disagree anywhere (see :func:`tests.reliability.chaos.check`).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from orbrowse.api.retry import RetryPolicy
from orbrowse.deletion_log import DeletionLog
from orbrowse.emulator.faults import Faults
from orbrowse.emulator.server import RunningEmulator, start_emulator
from tests.conftest import DEFAULT_WORKSPACE_ID, fixture_store
from tests.reliability import chaos
from tests.tui.app_driver import app_factory

WS = DEFAULT_WORKSPACE_ID


def through_rm(emulator: RunningEmulator, folder: Path, count: int) -> str:
    ids = chaos.fill(emulator.store, WS, count)
    stdin = chaos.jsonl_of(emulator.store, WS, ids)
    log_path = folder / "rm-deletions.jsonl"
    command = [sys.executable, "-m", "orbrowse", "rm", "-", "--yes", "--log", str(log_path)]
    command += ["--base-url", emulator.url, "--api-key", emulator.keys.management_key]
    before = len(emulator.faults.requests)
    chaos.unleash(emulator.faults)
    started = time.monotonic()
    done = subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        env={"ORBROWSE_CONFIG": str(folder / "config.toml"), "PATH": "/usr/bin:/bin"},
        check=False,
        timeout=3600,
    )
    elapsed = time.monotonic() - started
    chaos.calm(emulator.faults)
    outcome = chaos.rm_outcome(emulator.store, WS, ids, done.stdout, done.stderr, log_path)
    requests = len(emulator.faults.requests) - before
    return (
        f"rm -: {outcome.figures()}; exit {done.returncode}; {requests:,} requests; "
        f"{elapsed:.1f} s; server, report and log agree"
    )


async def through_browser(emulator: RunningEmulator, folder: Path, count: int) -> str:
    ids = chaos.fill(emulator.store, WS, count)
    log = DeletionLog(folder / "browser-deletions.jsonl")
    make_app = app_factory(
        emulator.url,
        emulator.keys.management_key,
        folder,
        workspace=WS,
        retry=RetryPolicy(),  # the browser's own default policy
        deletion_log=log,
        download_dir=folder,
        remember=False,
    )
    app = make_app(page_size=1000, undo_seconds=0, delete_concurrency=8)
    before = len(emulator.faults.requests)
    started = time.monotonic()
    async with app.run_test(size=(140, 40)) as pilot:
        report = await chaos.delete_everything_in_the_browser(
            app, pilot, emulator.faults, count, limit=3600
        )
    elapsed = time.monotonic() - started
    outcome = chaos.report_outcome(emulator.store, WS, ids, report, log)
    requests = len(emulator.faults.requests) - before
    return (
        f"browser: {outcome.figures()}; {requests:,} requests; {elapsed:.1f} s "
        "(listing included); server, report and log agree"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=5000)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="orbrowse-chaos-") as temp,
        start_emulator(store=fixture_store(), faults=Faults(seed=5000)) as emulator,
    ):
        folder = Path(temp)
        try:
            print(through_rm(emulator, folder, args.files), flush=True)
            emulator.faults.clear()
            print(asyncio.run(through_browser(emulator, folder, args.files)), flush=True)
        except AssertionError as error:
            print(f"DISAGREEMENT: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
