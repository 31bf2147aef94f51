"""The small parsers behind ``--older-than``, ``--larger-than`` and ``rm -``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orbrowse.commands.exit_codes import ExitCode, Tally
from orbrowse.commands.parsing import parse_ids
from orbrowse.listing.quantities import parse_duration, parse_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30d", timedelta(days=30)),
        ("12h", timedelta(hours=12)),
        ("2w", timedelta(weeks=2)),
        ("90m", timedelta(minutes=90)),
        ("1.5d", timedelta(hours=36)),
        ("3 days", timedelta(days=3)),
        ("45S", timedelta(seconds=45)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "30", "d", "5y", "-3d", "1e9d"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500", 500),
        ("500b", 500),
        ("500k", 500_000),
        ("10MB", 10_000_000),
        ("10mib", 10 * 1024**2),
        ("1.5GiB", 1024**3 * 3 // 2),
        ("2 TB", 2 * 10**12),
    ],
)
def test_parse_size(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "MB", "10 XB", "-1k", "1,000", "9" * 400 + "GB"])
def test_parse_size_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="size"):
        parse_size(text)


def test_parse_ids_skips_blanks_and_comments_and_reads_json_lines() -> None:
    text = ["# old files\n", "\n", "  or_file_a  \n", '{"id": "or_file_b", "size_bytes": 1}\n']

    assert parse_ids(text) == ["or_file_a", "or_file_b"]


def test_parse_ids_refuses_json_without_an_id() -> None:
    with pytest.raises(ValueError, match="id"):
        parse_ids(['{"name": "x"}'])


def test_tally_exit_codes() -> None:
    assert Tally().exit_code == ExitCode.OK
    assert Tally(succeeded=2).exit_code == ExitCode.OK
    assert Tally(failures=[ExitCode.NOT_FOUND] * 2).exit_code == ExitCode.NOT_FOUND
    assert Tally(succeeded=1, failures=[ExitCode.NOT_FOUND]).exit_code == ExitCode.PARTIAL
    assert Tally(failures=[ExitCode.NOT_FOUND, ExitCode.SERVER]).exit_code == ExitCode.PARTIAL
