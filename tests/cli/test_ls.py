"""``orbrowse ls`` against the emulator: JSON lines when piped, paging, filters."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile, new_file_id
from tests.cli import Cli, Result
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.factories import FILTER_SAMPLES


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


@pytest.fixture
def mixed(emulator: RunningEmulator) -> dict[str, str]:
    """The filter language's sample files, created relative to the real clock (as ls is)."""
    now = datetime.now(UTC)
    store = emulator.store
    return {
        name: store.add_file(
            DEFAULT_WORKSPACE_ID, name, mime_type=mime, size_bytes=size, created_at=now - age
        ).id
        for name, mime, size, age in FILTER_SAMPLES
    }


def listed_names(result: Result) -> list[str]:
    assert result.code == 0, result.stderr
    return [json.loads(line)["filename"] for line in result.lines]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LOGS/", ["logs/app-1.log", "logs/old.log"]),
        (r"re:\.(png|txt)$", ["images/Cat.PNG", ">10MB type:x.txt", 'say "hi".txt']),
        ("type:image/", ["images/Cat.PNG", 'say "hi".txt']),
        (">10MB", ["images/Cat.PNG", 'say "hi".txt']),
        ("<1KiB", [">10MB type:x.txt"]),
        ("older:30d", ["logs/app-1.log", "images/Cat.PNG", "logs/old.log"]),
        ("newer:2h", ["my report.pdf", 'say "hi".txt']),
        ("older:30d re:^logs/", ["logs/app-1.log", "logs/old.log"]),
        ("!type:image/ !older:30d", ["my report.pdf", ">10MB type:x.txt"]),
        ('"my report"', ["my report.pdf"]),
        ('">10MB"', [">10MB type:x.txt"]),
        (">=10MB !older:35d", ["logs/old.log", 'say "hi".txt']),
    ],
)
def test_ls_filter_language(
    mixed: dict[str, str], cli: Cli, text: str, expected: list[str]
) -> None:
    assert listed_names(cli("ls", "--all", "--filter", text)) == expected


def test_ls_flags_are_the_filters_terms(mixed: dict[str, str], cli: Cli) -> None:
    flags = cli("ls", "--all", "--older-than", "30d", "--larger-than", "5MB", "--filter", "!png")
    terms = cli("ls", "--all", "--filter", "older:30d >5MB !png")

    assert listed_names(flags) == listed_names(terms) == ["logs/old.log"]


def test_ls_bad_filter_points_at_the_term(emulator: RunningEmulator, cli: Cli) -> None:
    result = cli("ls", "--filter", "re:^logs/ older:3x")

    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "orbrowse ls: --filter: 'older:3x' at column 11: not an age: use a number and a unit, "
        "s, m, h, d or w, e.g. older:30d",
        "  re:^logs/ older:3x",
        "            ^^^^^^^^",
    ]
    assert emulator.faults.requests == []  # refused before anything was asked


def test_ls_prefix_piped_to_rm_deletes_exactly_that_folder(
    emulator: RunningEmulator, cli: Cli
) -> None:
    store = emulator.store
    inside = [
        store.add_file(DEFAULT_WORKSPACE_ID, name, content=b"x")
        for name in ("runs/2025/a.txt", "runs/2025/sub/b.txt", "runs/2025//c.txt")
    ]
    outside = [
        store.add_file(DEFAULT_WORKSPACE_ID, name, content=b"x")
        for name in ("runs/2025-old/d.txt", "runs/2026/e.txt", "RUNS/2025/f.txt", "x/runs/2025/g")
    ]

    listing = cli("ls", "--all", "--prefix", "runs/2025/", "--page-size", "2")
    removal = cli("rm", "-", "--yes", input=listing.stdout)

    assert listed_names(listing) == [f.filename for f in inside]
    assert removal.code == 0, removal.stderr
    assert store.file_ids(DEFAULT_WORKSPACE_ID) == {f.id for f in outside}


def test_ls_help_says_the_prefix_is_filtered_here(cli: Cli) -> None:
    result = cli("ls", "--help", key=None)

    assert result.code == 0
    assert "The API has no prefix search: every page is listed and filtered here" in " ".join(
        result.stdout.split()
    )
    assert "older:30d" in result.stdout  # the filter language is described
