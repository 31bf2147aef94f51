"""``orbrowse du`` against the emulator: totals, depth, order, hostile names, filters, errors."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from orbrowse.commands.runner import run_command
from orbrowse.emulator.seed import generate_files
from orbrowse.emulator.server import RunningEmulator
from tests.cli import Cli, Result
from tests.conftest import DEFAULT_WORKSPACE_ID

CREATED = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture
def cli(emulator: RunningEmulator, api_key: str, tmp_path: Path) -> Cli:
    return Cli(emulator.url, api_key, tmp_path)


def add(emulator: RunningEmulator, *names_and_sizes: tuple[str, int]) -> None:
    for minutes, (name, size) in enumerate(names_and_sizes):
        emulator.store.add_file(
            DEFAULT_WORKSPACE_ID,
            name,
            size_bytes=size,
            created_at=CREATED + timedelta(minutes=minutes),
        )


def rows(result: Result) -> list[dict[str, Any]]:
    assert result.code == 0, result.stderr
    return [json.loads(line) for line in result.lines]


def test_du_totals_equal_the_sum_of_ls(emulator: RunningEmulator, cli: Cli) -> None:
    generate_files(emulator.store, DEFAULT_WORKSPACE_ID, 450, seed=3)
    listing = cli("ls", "--all", "--json")
    assert listing.code == 0, listing.stderr
    files = json.loads(listing.stdout)
    by_top: dict[str, list[int]] = defaultdict(list)
    for file in files:
        name = file["filename"]
        if "/" in name:
            by_top[name[: name.index("/") + 1]].append(file["size_bytes"])

    usage = rows(cli("du", "--page-size", "100"))

    *folders, total = usage
    assert total == {
        "folder": "",
        "depth": 0,
        "files": len(files),
        "size_bytes": sum(f["size_bytes"] for f in files),
        "newest": max(f["created_at"] for f in files),
    }
    assert {row["folder"]: (row["files"], row["size_bytes"]) for row in folders} == {
        top: (len(sizes), sum(sizes)) for top, sizes in by_top.items()
    }
    assert [row["size_bytes"] for row in folders] == sorted(
        (row["size_bytes"] for row in folders), reverse=True
    )
    assert {row["depth"] for row in folders} == {1}


def test_du_depth_and_prefix(emulator: RunningEmulator, cli: Cli) -> None:
    add(
        emulator,
        ("runs/2025/a/x.bin", 100),
        ("runs/2025/a/deep/y.bin", 10),
        ("runs/2025/b.bin", 5),
        ("runs/2025-old/z.bin", 1_000),
        ("runs/2026/w.bin", 1),
        ("top.txt", 7),
    )

    def folders(*args: str) -> list[tuple[str, int, int]]:
        return [(r["folder"], r["depth"], r["size_bytes"]) for r in rows(cli("du", *args))]

    assert folders("--depth", "0") == [("", 0, 1_123)]
    assert folders() == [("runs/", 1, 1_116), ("", 0, 1_123)]
    assert folders("--depth", "2") == [
        ("runs/", 1, 1_116),
        ("runs/2025-old/", 2, 1_000),
        ("runs/2025/", 2, 115),
        ("runs/2026/", 2, 1),
        ("", 0, 1_123),
    ]
    # PREFIX is a folder: with or without its trailing /, never runs/2025-old/.
    for prefix in ("runs/2025", "runs/2025/"):
        assert folders(prefix, "--depth", "5") == [
            ("runs/2025/a/", 1, 110),
            ("runs/2025/a/deep/", 2, 10),
            ("runs/2025/", 0, 115),
        ]
    empty = cli("du", "nothing/")
    assert rows(empty) == [
        {"folder": "nothing/", "depth": 0, "files": 0, "size_bytes": 0, "newest": None}
    ]
    assert "no files under 'nothing/'" in empty.stderr


def test_du_keeps_hostile_names_apart_and_data_only(emulator: RunningEmulator, cli: Cli) -> None:
    add(
        emulator,
        ("a//b.txt", 1),
        ("a/b.txt", 2),
        ("/rooted.txt", 4),
        ("x/../y.txt", 8),
        ("esc\x1b[31m/red.txt", 16),
        ("rtl\u202e/gpj.exe", 32),
    )

    usage = rows(cli("du", "--depth", "3"))

    assert {r["folder"]: r["size_bytes"] for r in usage} == {
        "a/": 3,
        "a//": 1,  # the empty segment is its own folder, never merged into a/
        "/": 4,
        "x/": 8,
        "x/../": 8,
        "esc\x1b[31m/": 16,
        "rtl\u202e/": 32,
        "": 63,
    }


class Terminal(io.StringIO):
    """A stdout that says it is a terminal, so ``du`` draws its table."""

    def isatty(self) -> bool:
        return True


def test_du_table_is_largest_first_with_a_total_and_visible_safe_names(
    emulator: RunningEmulator, api_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORBROWSE_CONFIG", str(tmp_path / "config.toml"))
    add(
        emulator,
        ("small/a", 1_000),
        ("esc\x1b[2J/big", 5_000_000),
        ("mid/b", 2_048),
        ("mid/c", 2_048),
    )
    stdout, stderr = Terminal(), io.StringIO()

    code = run_command(
        "du", ["--base-url", emulator.url, "--api-key", api_key], stdout=stdout, stderr=stderr
    )

    assert code == 0, stderr.getvalue()
    lines = stdout.getvalue().splitlines()
    assert lines[0].split() == ["SIZE", "FILES", "NEWEST", "FOLDER"]
    assert [line.split()[-1] for line in lines[1:]] == ["esc\\x1b[2J/", "mid/", "small/", "total"]
    assert lines[1].split()[:3] == ["4.8", "MiB", "1"]
    assert lines[2].split()[:3] == ["4", "KiB", "2"]
    assert lines[-1].split()[:3] == ["4.8", "MiB", "4"]
    assert "\x1b" not in stdout.getvalue()


def test_du_filter_counts_only_what_it_keeps(emulator: RunningEmulator, cli: Cli) -> None:
    add(emulator, ("logs/a.log", 10), ("logs/b.log", 20_000), ("img/c.png", 30_000))

    usage = rows(cli("du", "--filter", ">1kB !type:image/"))

    assert [(r["folder"], r["files"], r["size_bytes"]) for r in usage] == [
        ("logs/", 1, 20_000),
        ("", 1, 20_000),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--depth", "-1"), "-1 must be at least 0"),
        (("--depth", "two"), "'two' is not a whole number"),
        (("--filter", "logs >1XB"), "--filter: '>1XB' at column 6: not a size"),
    ],
)
def test_du_usage_errors_exit_2_before_any_request(
    emulator: RunningEmulator, cli: Cli, args: tuple[str, ...], message: str
) -> None:
    result = cli("du", *args)

    assert result.code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert emulator.faults.requests == []


def test_du_reads_a_read_only_workspace_and_exits_like_ls(
    emulator: RunningEmulator, cli: Cli, tmp_path: Path
) -> None:
    add(emulator, ("logs/a.log", 10))
    (tmp_path / "config.toml").write_text(f'read_only_workspaces = ["{DEFAULT_WORKSPACE_ID}"]\n')

    readable = cli("du", "--workspace", DEFAULT_WORKSPACE_ID)
    rejected = cli("du", key="sk-or-v1-0123456789abcdef0123456789abcdef")
    emulator.faults.fail_next(503, method="GET", count=50, retry_after=0)
    broken = cli("du")

    assert [r["folder"] for r in rows(readable)] == ["logs/", ""]
    assert (rejected.code, rejected.stdout) == (3, "")
    assert "API key was rejected" in rejected.stderr
    assert (broken.code, broken.stdout) == (5, "")
    assert "server had a problem" in broken.stderr
