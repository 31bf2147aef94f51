"""Keys, usage errors and workspaces: the exit codes and messages scripts depend on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from orbrowse.emulator.server import RunningEmulator
from tests.cli import Cli
from tests.conftest import DEFAULT_WORKSPACE_ID, OTHER_WORKSPACE_ID

BAD_KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"


@pytest.fixture
def cli(emulator: RunningEmulator, api_key: str, tmp_path: Path) -> Cli:
    return Cli(emulator.url, api_key, tmp_path)


def test_a_rejected_key_exits_3_without_showing_it(cli: Cli) -> None:
    result = cli("ls", key=BAD_KEY)  # Cli checks the key is on neither stream

    assert result.code == 3
    assert result.stdout == ""
    assert "API key was rejected" in result.stderr


def test_no_key_anywhere_exits_3_and_says_where_to_put_one(
    emulator: RunningEmulator, cli: Cli
) -> None:
    result = cli("ls", key=None)

    assert result.code == 3
    assert "OPENROUTER_API_KEY" in result.stderr
    assert str(cli.folder / "config.toml") in result.stderr
    assert "orbrowse --demo" in result.stderr
    assert "orbrowse serve" in result.stderr
    assert emulator.faults.requests == []


def test_a_key_from_the_config_file_is_used_and_never_printed(
    emulator: RunningEmulator, cli: Cli, api_key: str
) -> None:
    config = cli.folder / "config.toml"
    config.write_text(f'api_key = "{api_key}"\n')
    config.chmod(0o600)
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, "a.txt", content=b"a\n")

    result = cli("ls", "--debug-log", str(cli.folder / "debug.jsonl"), key=None)

    assert result.code == 0, result.stderr
    assert api_key not in result.stdout + result.stderr
    assert [json.loads(line)["filename"] for line in result.lines] == ["a.txt"]
    assert api_key not in (cli.folder / "debug.jsonl").read_text()


@pytest.mark.parametrize(
    "args",
    [
        ("ls", "--limit", "0"),
        ("ls", "--all", "--limit", "5"),
        ("ls", "--workspace", "not-a-uuid"),
        ("get", "or_file_a", "or_file_b", "-o", "no-such-folder"),
        ("put", "a.txt", "b.txt", "--name", "x.txt"),
        ("rm",),
    ],
)
def test_usage_errors_exit_2_before_any_request(
    emulator: RunningEmulator, cli: Cli, args: tuple[str, ...]
) -> None:
    result = cli(*args)

    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.strip()
    assert emulator.faults.requests == []


def test_server_errors_exit_5(emulator: RunningEmulator, cli: Cli) -> None:
    # Retry-After: 0 keeps the client's retries quick; it still gives up after a few.
    emulator.faults.fail_next(503, method="GET", count=50, retry_after=0)

    result = cli("ls", "--limit", "1")

    assert result.code == 5
    assert "server had a problem" in result.stderr


def test_workspaces_with_a_management_key(cli: Cli) -> None:
    result = cli("workspaces")

    assert result.code == 0, result.stderr
    rows = [json.loads(line) for line in result.lines]
    assert [r["id"] for r in rows] == [DEFAULT_WORKSPACE_ID, OTHER_WORKSPACE_ID]
    assert rows[1]["slug"] == "other"


def test_workspaces_with_an_ordinary_key_falls_back(cli: Cli, workspace_key: str) -> None:
    result = cli("workspaces", key=workspace_key)

    assert result.code == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.lines] == [DEFAULT_WORKSPACE_ID]
    assert "management key" in result.stderr


def test_existing_debug_and_deletion_logs_readable_by_others_are_made_private(
    emulator: RunningEmulator, cli: Cli
) -> None:
    stored = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "a.txt", content=b"a\n")
    debug = cli.folder / "debug.jsonl"
    for path in (debug, cli.deletion_log):
        path.write_text("")
        path.chmod(0o644)

    result = cli("rm", "--yes", stored.id, "--debug-log", str(debug))

    assert result.code == 0, result.stderr
    assert debug.stat().st_mode & 0o777 == 0o600
    assert cli.deletion_log.stat().st_mode & 0o777 == 0o600


def test_the_browser_refuses_an_unwritable_debug_log_with_a_message(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "debug.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "orbrowse", "--demo", "--debug-log", str(missing)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        start_new_session=True,
    )
    assert done.returncode == 2
    assert f"cannot write the debug log {missing}" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_debug_log_on_a_full_disk_is_a_warning_not_a_failure(
    emulator: RunningEmulator, cli: Cli
) -> None:
    stored = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "a.txt", content=b"x")
    result = cli("rm", "--yes", stored.id, "--debug-log", "/dev/full")
    assert result.code == 0, result.stderr
    assert result.stdout == f"{stored.id}\n"
    assert "debug log /dev/full could not be written" in result.stderr
    assert stored.id not in emulator.store.file_ids(DEFAULT_WORKSPACE_ID)
