"""The deletion log: one JSON line per attempt, mode 0600, filenames kept as data."""

from __future__ import annotations

import dataclasses
import json
import stat
from datetime import UTC, datetime
from pathlib import Path

from orbrowse.deletion_log import DeletionEntry, DeletionLog, default_log_path, failed_result
from tests.factories import file_object

WS = "11111111-1111-4111-8111-111111111111"


def test_line_format(tmp_path: Path) -> None:
    log = DeletionLog(tmp_path / "state" / "deletions.jsonl")
    moment = datetime(2026, 9, 1, 12, 0, 0, 123456, tzinfo=UTC)
    log.record(file_object("file-1", "a.txt", size_bytes=42), "deleted", workspace=WS, time=moment)
    lines = log.path.read_text(encoding="utf-8").split("\n")
    assert lines[1:] == [""]
    assert json.loads(lines[0]) == {
        "time": "2026-09-01T12:00:00.123Z",
        "workspace": WS,
        "id": "file-1",
        "filename": "a.txt",
        "size": 42,
        "result": "deleted",
    }


def test_file_mode_and_folder_created(tmp_path: Path) -> None:
    log = DeletionLog(tmp_path / "new" / "deletions.jsonl")
    log.record(file_object("file-1", "a"), "deleted", workspace=None)
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.path.parent.stat().st_mode) == 0o700


def test_appends_and_reads_back_in_order(tmp_path: Path) -> None:
    log = DeletionLog(tmp_path / "deletions.jsonl")
    results = [
        "deleted",
        "already gone",
        failed_result("The server had a problem (500)"),
        "cancelled",
    ]
    for n, result in enumerate(results):
        log.record(file_object(f"file-{n}", f"f{n}"), result, workspace=WS)
    again = DeletionLog(log.path)
    entries = again.read_entries()
    assert [e.result for e in entries] == results
    assert [e.id for e in entries] == ["file-0", "file-1", "file-2", "file-3"]
    assert entries[2].result == "failed: The server had a problem (500)"
    assert all(e.time.endswith("Z") for e in entries)


def test_hostile_filenames_are_data(tmp_path: Path) -> None:
    names = [
        'evil"\n{"id": "forged", "result": "deleted"}',
        "\x1b]52;c;AAAA\x07\x1b[31m",
        "line\u2028separator\u2029para",
        "rtl\u202eexe.txt",
        "[bold]markup[/bold]",
        "lone \ud800 surrogate",
        "文件.txt",
    ]
    log = DeletionLog(tmp_path / "deletions.jsonl")
    for n, name in enumerate(names):
        log.record(file_object(f"file-{n}", name), "deleted", workspace=WS)
    raw = log.path.read_bytes()
    assert raw.count(b"\n") == len(names)
    assert b"\x1b" not in raw  # escapes are written as \u001b
    entries = log.read_entries()
    assert [e.filename for e in entries] == names
    assert "forged" not in [e.id for e in entries]
    assert "文件.txt".encode() in raw  # readable UTF-8, not \u escapes


def test_missing_file_reads_empty(tmp_path: Path) -> None:
    assert DeletionLog(tmp_path / "none.jsonl").read_entries() == []


def test_malformed_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "deletions.jsonl"
    good = DeletionEntry("2026-01-01T00:00:00.000Z", None, "file-1", "a", 1, "deleted")
    path.write_text(
        "not json\n"
        + json.dumps(good.to_json())
        + "\n[1, 2]\n"
        + '{"id": "file-2"}\n'
        + '{"time": "t", "workspace": null, "id": "x", "filename": "f",'
        + ' "size": true, "result": "r"}\n'
        + '{"time": "t", "workspace": 3, "id": "x", "filename": "f", "size": 1, "result": "r"}\n'
        + '{"time": "t", "wor',  # a line cut short by a crash
        encoding="utf-8",
    )
    assert DeletionLog(path).read_entries() == [good]


def test_existing_file_is_appended_to_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "deletions.jsonl"
    log = DeletionLog(path)
    log.record(file_object("file-1", "a"), "deleted", workspace=WS)
    DeletionLog(path).record(file_object("file-2", "b"), "deleted", workspace=WS)
    assert [e.id for e in log.read_entries()] == ["file-1", "file-2"]


def test_default_path() -> None:
    path = default_log_path()
    assert path.name == "deletions.jsonl"
    assert "orbrowse" in path.parts
    assert DeletionLog().path == path


def test_an_existing_log_readable_by_others_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "deletions.jsonl"
    path.write_text("")
    path.chmod(0o644)
    log = DeletionLog(path)
    log.record(file_object("or_file_mode", "m.txt", size_bytes=1), "deleted", workspace=None)
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_line_holds_every_field_of_the_entry() -> None:
    # to_json is written out by hand (not dataclasses.asdict, which deep-copies).
    entry = DeletionEntry("2026-09-01T12:00:00.123Z", None, "or_file_a", "a.txt", 3, "deleted")
    assert entry.to_json() == dataclasses.asdict(entry)
