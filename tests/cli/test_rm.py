"""``orbrowse rm`` against the emulator: stdin ids, confirmation, dry run, the deletion log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from tests.cli import Cli
from tests.conftest import DEFAULT_WORKSPACE_ID


@pytest.fixture
def cli(emulator: RunningEmulator, api_key: str, tmp_path: Path) -> Cli:
    return Cli(emulator.url, api_key, tmp_path)


def add_files(emulator: RunningEmulator, count: int) -> list[StoredFile]:
    return [
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"old/{n}.txt", content=b"x" * (n + 1))
        for n in range(count)
    ]


def held(emulator: RunningEmulator) -> set[str]:
    return emulator.store.file_ids(DEFAULT_WORKSPACE_ID)


def log_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_rm_reads_ids_from_stdin_and_logs_each_deletion(
    emulator: RunningEmulator, cli: Cli
) -> None:
    files = add_files(emulator, 5)
    doomed, kept = files[:3], files[3:]
    stdin = "# prune job\n\n" + "\n".join(f.id for f in doomed) + "\n"

    result = cli("rm", "-", "--yes", "--concurrency", "2", input=stdin)

    assert result.code == 0, result.stderr
    assert sorted(result.lines) == sorted(f.id for f in doomed)
    assert held(emulator) == {f.id for f in kept}
    entries = log_lines(cli.deletion_log)
    assert sorted((e["id"], e["result"]) for e in entries) == sorted(
        (f.id, "deleted") for f in doomed
    )
    assert {e["filename"] for e in entries} == {f.filename for f in doomed}
    assert "deleted 3 files" in result.stderr


def test_rm_takes_ls_output_and_a_log_flag(
    emulator: RunningEmulator, cli: Cli, tmp_path: Path
) -> None:
    files = add_files(emulator, 2)
    listing = cli("ls")
    log = tmp_path / "logs" / "prune.jsonl"
    emulator.faults.clear()

    result = cli("rm", "-", "--yes", "--log", str(log), input=listing.stdout)

    assert result.code == 0, result.stderr
    # The JSON lines already describe each file: no lookups before the deletes.
    assert {r.method for r in emulator.faults.requests} == {"DELETE"}
    assert held(emulator) == set()
    assert {e["id"] for e in log_lines(log)} == {f.id for f in files}
    assert not cli.deletion_log.exists()


def test_rm_with_the_server_gone_stops_early_and_says_so(
    emulator: RunningEmulator, cli: Cli
) -> None:
    # Each file was retried in turn (69 files: 45 s), as the browser did.
    files = add_files(emulator, 69)
    listing = cli("ls", "--all")
    emulator.stop()  # connection refused from now on

    result = cli("rm", "-", "--yes", "--concurrency", "4", input=listing.stdout)

    assert result.code == 5, result.stderr
    assert result.stdout == ""
    assert "65 files were not attempted (the server cannot be reached: " in result.stderr
    assert "deleted 0 files" in result.stderr and "69 not deleted" in result.stderr
    assert "to finish it: orbrowse rm --resume" in result.stderr
    assert len(log_lines(cli.deletion_log)) == 4  # the deletes in flight; none sent after
    assert held(emulator) == {f.id for f in files}


def test_rm_names_one_file_not_attempted_in_the_singular(
    emulator: RunningEmulator, cli: Cli
) -> None:
    files = add_files(emulator, 4)
    listing = cli("ls", "--all")
    emulator.stop()

    result = cli("rm", "-", "--yes", "--concurrency", "1", input=listing.stdout)

    assert result.code == 5, result.stderr
    assert "1 file was not attempted (the server cannot be reached: " in result.stderr
    assert held(emulator) == {f.id for f in files}


def test_rm_dry_run_deletes_nothing(emulator: RunningEmulator, cli: Cli) -> None:
    files = add_files(emulator, 3)

    result = cli("rm", "--dry-run", *(f.id for f in files[:2]))

    assert result.code == 0, result.stderr
    assert [json.loads(line)["filename"] for line in result.lines] == ["old/0.txt", "old/1.txt"]
    assert "would delete 2 files" in result.stderr
    assert held(emulator) == {f.id for f in files}
    assert not any(r.method == "DELETE" for r in emulator.faults.requests)
    assert not cli.deletion_log.exists()


def test_rm_without_yes_and_without_a_terminal_refuses(emulator: RunningEmulator, cli: Cli) -> None:
    files = add_files(emulator, 2)

    result = cli("rm", "-", input="\n".join(f.id for f in files))

    assert result.code == 1  # not confirmed, as the exit-code table says
    assert "--yes" in result.stderr
    assert result.stdout == ""
    assert held(emulator) == {f.id for f in files}
    assert emulator.faults.requests == []


def test_rm_partial_failure_exits_1(emulator: RunningEmulator, cli: Cli) -> None:
    good, bad = add_files(emulator, 2)
    emulator.faults.fail_next(
        400, method="DELETE", path_contains=bad.id, message="Deletion is not allowed"
    )

    result = cli("rm", "--yes", good.id, bad.id)

    assert result.code == 1
    assert result.lines == [good.id]
    assert bad.id in result.stderr
    assert "Deletion is not allowed" in result.stderr
    assert held(emulator) == {bad.id}
    results = {e["id"]: str(e["result"]) for e in log_lines(cli.deletion_log)}
    assert results[good.id] == "deleted"
    assert results[bad.id].startswith("failed:")


def test_rm_unknown_ids_exit_4(emulator: RunningEmulator, cli: Cli) -> None:
    (kept,) = add_files(emulator, 1)

    result = cli("rm", "--yes", "or_file_unknown00000000000000001", "or_file_unknown2")

    assert result.code == 4
    assert result.stdout == ""
    assert "or_file_unknown2" in result.stderr
    assert held(emulator) == {kept.id}


@pytest.mark.parametrize(
    "flags",
    [
        pytest.param(["--workspace", DEFAULT_WORKSPACE_ID], id="named"),
        # No --workspace: the key works in its own workspace, which the config lists.
        pytest.param([], id="the-keys-own"),
    ],
)
@pytest.mark.parametrize(
    "config",
    [
        pytest.param(f'read_only_workspaces = ["{DEFAULT_WORKSPACE_ID}"]\n', id="list"),
        pytest.param(f'[workspaces."{DEFAULT_WORKSPACE_ID}"]\nread_only = true\n', id="table"),
    ],
)
def test_a_read_only_workspace_refuses_rm_and_put(
    emulator: RunningEmulator, cli: Cli, tmp_path: Path, flags: list[str], config: str
) -> None:
    files = add_files(emulator, 2)
    (tmp_path / "config.toml").write_text(config)
    upload = tmp_path / "new.txt"
    upload.write_text("hello")

    removed = cli("rm", files[0].id, "--yes", *flags)
    put = cli("put", str(upload), *flags)
    preview = cli("rm", files[0].id, "--dry-run", *flags)

    assert removed.code == 2 and "read-only" in removed.stderr
    assert put.code == 2 and "read-only" in put.stderr
    assert preview.code == 0
    assert held(emulator) == {f.id for f in files}
