"""``orbrowse ls`` against the emulator: JSON lines when piped, paging, filters."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile, new_file_id
from tests.cli import Cli
from tests.conftest import DEFAULT_WORKSPACE_ID


@pytest.fixture
def cli(emulator: RunningEmulator, api_key: str, tmp_path: Path) -> Cli:
    return Cli(emulator.url, api_key, tmp_path)


def test_ls_piped_prints_one_json_object_per_file(emulator: RunningEmulator, cli: Cli) -> None:
    added = [
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"notes/{n}.txt", content=b"hello\n")
        for n in range(3)
    ]

    result = cli("ls")

    assert result.code == 0, result.stderr
    assert result.stderr == ""
    rows = [json.loads(line) for line in result.lines]
    assert [row["id"] for row in rows] == [f.id for f in added]
    assert rows[0]["filename"] == "notes/0.txt"
    assert rows[0]["size_bytes"] == 6
    assert rows[0]["downloadable"] is False


def test_ls_all_pages_through_hundreds_of_files(emulator: RunningEmulator, cli: Cli) -> None:
    created = datetime(2026, 1, 1, tzinfo=UTC)
    emulator.store.add_many(
        [
            StoredFile(
                id=new_file_id(),
                workspace_id=DEFAULT_WORKSPACE_ID,
                filename=f"bulk/{n:04d}.txt",
                mime_type="text/plain",
                size_bytes=10 + n,
                created_at=created + timedelta(minutes=n),
                downloadable=False,
            )
            for n in range(350)
        ]
    )
    expected = [f.id for f in emulator.store.files(DEFAULT_WORKSPACE_ID)]

    everything = cli("ls", "--all", "--page-size", "100")
    first = cli("ls", "--limit", "120", "--json")

    assert everything.code == 0, everything.stderr
    assert [json.loads(line)["id"] for line in everything.lines] == expected
    listing_requests = [
        r for r in emulator.faults.requests if r.method == "GET" and r.path.endswith("/files")
    ]
    assert len(listing_requests) >= 4  # 350 files at 100 a page (plus the --limit run)
    assert first.code == 0, first.stderr
    array = json.loads(first.stdout)
    assert [row["id"] for row in array] == expected[:120]


def test_ls_filters_by_age_size_and_text(emulator: RunningEmulator, cli: Cli) -> None:
    now = datetime.now(UTC)
    store = emulator.store
    old_big = store.add_file(
        DEFAULT_WORKSPACE_ID, "old-big.pdf", size_bytes=20_000_000, created_at=now - timedelta(60)
    )
    store.add_file(
        DEFAULT_WORKSPACE_ID, "old-small.pdf", size_bytes=5_000, created_at=now - timedelta(60)
    )
    store.add_file(
        DEFAULT_WORKSPACE_ID, "new-big.pdf", size_bytes=20_000_000, created_at=now - timedelta(1)
    )
    report = store.add_file(
        DEFAULT_WORKSPACE_ID, "docs/Report-2026.md", content=b"# r\n", created_at=now
    )

    pruned = cli("ls", "--all", "--older-than", "30d", "--larger-than", "10MB", "--jsonl")
    named = cli("ls", "--filter", "report")

    assert pruned.code == 0, pruned.stderr
    assert [json.loads(line)["id"] for line in pruned.lines] == [old_big.id]
    assert named.code == 0, named.stderr
    assert [json.loads(line)["id"] for line in named.lines] == [report.id]


def test_ls_bad_duration_is_a_usage_error(emulator: RunningEmulator, cli: Cli) -> None:
    result = cli("ls", "--older-than", "5 fortnights")

    assert result.code == 2
    assert result.stdout == ""
    assert "not a duration" in result.stderr
    assert emulator.faults.requests == []
