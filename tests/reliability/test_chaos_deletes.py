"""A short chaos run: a few hundred deletions at drop 0.2 / fail 0.2 / 429 0.05, through
``orbrowse rm -`` and through the browser. Every file ends in exactly one of deleted,
already gone, not deleted and may-have-been-deleted, matching the server and the log.

The full run (5,000 each way) is ``python -m tests.reliability.chaos_5000``.
"""

from __future__ import annotations

from pathlib import Path

from orbrowse.deletion_log import DeletionLog
from orbrowse.emulator.server import RunningEmulator
from tests.cli import Cli
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.reliability.chaos import (
    calm,
    delete_everything_in_the_browser,
    fill,
    jsonl_of,
    report_outcome,
    rm_outcome,
    unleash,
)
from tests.reliability.conftest import AppFactory

WS = DEFAULT_WORKSPACE_ID
FILES = 300
GONE_BEFORE = 5


def test_rm_under_chaos_accounts_for_every_file(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    ids = fill(emulator.store, WS, FILES)
    stdin = jsonl_of(emulator.store, WS, ids)  # as `orbrowse ls --jsonl` printed them
    for file_id in ids[:GONE_BEFORE]:  # deleted by someone else since the listing
        emulator.store.delete(WS, file_id)
    cli = Cli(emulator.url, api_key, tmp_path)
    unleash(emulator.faults)

    result = cli("rm", "-", "--yes", "--concurrency", "16", input=stdin)

    calm(emulator.faults)
    outcome = rm_outcome(emulator.store, WS, ids, result.stdout, result.stderr, cli.deletion_log)
    print(outcome.figures())
    # Only the files deleted beforehand can have been found already gone.
    assert outcome.already_gone <= set(ids[:GONE_BEFORE])
    assert len(outcome.deleted) >= FILES * 0.9  # the retries and lookups did their work
    assert (result.code == 0) == (outcome.deleted == set(ids)), result.stderr[-2000:]
    # The chaos did happen.
    assert len(emulator.faults.requests) > FILES * 1.3


async def test_the_browser_under_chaos_accounts_for_every_file(
    emulator: RunningEmulator, make_app: AppFactory, deletion_log: DeletionLog
) -> None:
    ids = fill(emulator.store, WS, FILES)
    app = make_app(page_size=100, undo_seconds=0, delete_concurrency=8)
    async with app.run_test(size=(140, 40)) as pilot:
        report = await delete_everything_in_the_browser(app, pilot, emulator.faults, FILES)
    outcome = report_outcome(emulator.store, WS, ids, report, deletion_log)
    print(outcome.figures())
    assert len(outcome.deleted) >= FILES * 0.9
    assert len(emulator.faults.requests) > FILES * 1.3
