"""``orbrowse rm -`` interrupted (SIGINT, kill -9) and finished with ``rm --resume --yes``.

The command runs as a real process against the emulator on a real socket with latency; it is
interrupted once the server has deleted some of the planned files.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orbrowse.api.models import FileObject
from orbrowse.deletion_log import GONE_RESULTS
from orbrowse.deletion_plan import PLANS_FOLDER, PlanRecorder, closed_path, plans_folder, read_plan
from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from tests.cli import Cli, sigint_as_in_a_terminal
from tests.conftest import DEFAULT_WORKSPACE_ID, OTHER_WORKSPACE_ID

PLANNED = 500
WAIT = 30.0


@pytest.fixture
def cli(emulator: RunningEmulator, api_key: str, tmp_path: Path) -> Cli:
    return Cli(emulator.url, api_key, tmp_path)


def add(emulator: RunningEmulator, prefix: str, count: int) -> list[StoredFile]:
    return [
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"{prefix}/{n:04}.txt", content=b"x")
        for n in range(count)
    ]


def held(emulator: RunningEmulator) -> set[str]:
    return emulator.store.file_ids(DEFAULT_WORKSPACE_ID)


def start_rm(cli: Cli, ids: list[str]) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "orbrowse", "rm", "-", "--yes", "--concurrency", "8"]
    command += ["--workspace", DEFAULT_WORKSPACE_ID, "--base-url", cli.base_url]
    command += ["--api-key", cli.api_key]
    stdin = cli.folder / "ids.txt"
    stdin.write_text("\n".join(ids) + "\n")
    with stdin.open() as ids_in, sigint_as_in_a_terminal():
        return subprocess.Popen(
            command,
            stdin=ids_in,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli.env,
            start_new_session=True,
        )


def wait_for_some_deleted(emulator: RunningEmulator, planned: set[str], count: int) -> None:
    deadline = time.monotonic() + WAIT
    while len(planned - held(emulator)) < count:
        assert time.monotonic() < deadline, "the deletion never got going"
        time.sleep(0.005)


def last_results(log: Path) -> dict[str, str]:
    results: dict[str, str] = {}
    for line in log.read_text().splitlines():
        entry = json.loads(line)
        results[entry["id"]] = entry["result"]
    return results


@pytest.mark.parametrize("interrupt", ["sigint", "kill-9"])
def test_interrupted_rm_is_finished_by_resume(
    emulator: RunningEmulator, cli: Cli, interrupt: str
) -> None:
    planned_files = add(emulator, "old", PLANNED)
    kept = {f.id for f in add(emulator, "keep", 20)}
    other = emulator.store.file_ids(OTHER_WORKSPACE_ID)
    planned = {f.id for f in planned_files}
    emulator.faults.latency_ms = 40

    process = start_rm(cli, [f.id for f in planned_files])
    wait_for_some_deleted(emulator, planned, 60)
    if interrupt == "sigint":
        process.send_signal(signal.SIGINT)
    else:
        process.kill()
    _, stderr = process.communicate(timeout=WAIT)

    left = planned & held(emulator)
    assert 0 < len(left) < PLANNED - 50, "interrupted in the middle"
    if interrupt == "sigint":
        assert process.returncode == 130, stderr
        assert "interrupted" in stderr and "orbrowse rm --resume" in stderr
    else:
        assert process.returncode == -signal.SIGKILL
        expected_lookups = "sent without an answer, to look up"  # the deletes in flight
    plans = list((cli.folder / PLANS_FOLDER / DEFAULT_WORKSPACE_ID).glob("*.jsonl"))
    assert len(plans) == 1
    plan = read_plan(plans[0])
    assert plan is not None and plan.unfinished
    assert {f.id for f in plan.files} == planned

    emulator.faults.latency_ms = 5
    expected_lookups = expected_lookups if interrupt == "kill-9" else "a deletion"
    result = cli("rm", "--resume", "--yes", "--workspace", DEFAULT_WORKSPACE_ID)

    assert result.code == 0, result.stderr
    assert f"a deletion of {PLANNED} files" in result.stderr
    assert expected_lookups in result.stderr
    assert held(emulator) == kept, "0 planned files left, every other file intact"
    assert emulator.store.file_ids(OTHER_WORKSPACE_ID) == other
    assert set(result.lines) <= left  # stdout: the ids this run deleted
    results = last_results(cli.deletion_log)
    assert set(results) == planned, "the log names exactly the planned files"
    assert all(result in GONE_RESULTS for result in results.values()), "and all are gone"
    assert not plans[0].exists()
    finished = read_plan(closed_path(plans[0], "finished"))
    assert finished is not None and finished.closed == "finished"
    again = cli("rm", "--resume", "--yes", "--workspace", DEFAULT_WORKSPACE_ID)
    assert again.code == 0 and "no unfinished deletion" in again.stderr


def test_resume_without_workspace_finds_the_browsers_plan_for_the_keys_workspace(
    emulator: RunningEmulator, cli: Cli, workspace_key: str
) -> None:
    """The browser files the key's workspace under its id; rm without --workspace asks
    GET /key which workspace that is."""
    planned = add(emulator, "old", 5)
    kept = {f.id for f in add(emulator, "keep", 2)}
    files = [FileObject.from_json(json.loads(line)) for line in cli("ls").lines]
    folder = plans_folder(cli.deletion_log, DEFAULT_WORKSPACE_ID)
    PlanRecorder.create(folder, files[:5], workspace=DEFAULT_WORKSPACE_ID).close()
    assert [f.id for f in files[:5]] == [f.id for f in planned]

    result = cli("rm", "--resume", "--yes", key=workspace_key)

    assert result.code == 0, result.stderr
    assert "a deletion of 5 files" in result.stderr
    assert held(emulator) == kept
