"""``ls --filter`` and ``du --filter`` with a regular expression that never ends on a name the
server gives (``re:(a+)+b$`` on 300 a's): stopped at the time limit, exit 2, a clear word.

Each run is a child with a 60 s limit (:class:`~tests.cli.Cli`): before the fix it never
ended."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orbrowse.emulator.server import RunningEmulator
from tests.cli import Cli
from tests.conftest import DEFAULT_WORKSPACE_ID

SLOW = "re:(a+)+b$"
NAMES = ["logs/1.ab", "logs/2.txt", "logs/" + "a" * 300 + ".txt"]
"""A match and another file on the first page (of 2), the hostile name on the second."""


@pytest.fixture
def cli(emulator: RunningEmulator, api_key: str, tmp_path: Path) -> Cli:
    return Cli(emulator.url, api_key, tmp_path)


@pytest.fixture
def hostile(emulator: RunningEmulator) -> list[str]:
    # Ids of digits: the filter searches ids too, and a random one may end in "ab".
    return [
        emulator.store.add_file(
            DEFAULT_WORKSPACE_ID, name, content=b"x", file_id=f"or_file_{n:024d}"
        ).id
        for n, name in enumerate(NAMES)
    ]


def test_ls_filter_too_slow_on_a_later_page_stops_with_exit_2(cli: Cli, hostile: list[str]) -> None:
    result = cli("ls", "--all", "--page-size", "2", "--filter", SLOW, "--jsonl")

    assert result.code == 2, result.stderr
    assert f"--filter {SLOW} is too slow: over 1 s on 1 file (" in result.stderr, result.stderr
    assert "stopped there" in result.stderr
    assert [json.loads(line)["id"] for line in result.lines] == hostile[:1], "the first page's"


def test_du_filter_too_slow_stops_with_exit_2_and_no_totals(cli: Cli, hostile: list[str]) -> None:
    result = cli("du", "--filter", SLOW, "--jsonl")

    assert result.code == 2, result.stderr
    assert f"--filter {SLOW} is too slow" in result.stderr, result.stderr
    assert result.stdout == ""
