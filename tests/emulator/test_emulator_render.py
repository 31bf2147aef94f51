"""File JSON is encoded once per shape and reused; the fast encoder matches ``json.dumps``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from orbrowse.emulator.render import SHAPES, dumps, file_bytes, file_json, list_body
from orbrowse.emulator.store import StoredFile

HOSTILE_NAMES = [
    "plain.txt",
    'quote"and\\backslash.md',
    "tab\there\nnewline\x00nul\x1fus.txt",
    "ünïcødé/文件/😀.png",
    "line\u2028separator\u2029.json",
    "[bold]markup[/bold].csv",
]


def _file(name: str, created: datetime, *, downloadable: bool = False) -> StoredFile:
    return StoredFile(
        id="or_file_abcdefghijklmnopqrstuvwx",
        workspace_id="11111111-1111-4111-8111-111111111111",
        filename=name,
        mime_type="text/plain",
        size_bytes=12345,
        created_at=created,
        downloadable=downloadable,
        purpose="assistants",
    )


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    "created",
    [
        datetime(2026, 9, 1, 12, 0, tzinfo=UTC),
        datetime(2026, 9, 1, 12, 0, 5, 999_999, tzinfo=UTC),
        datetime(2026, 9, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))),
    ],
)
def test_cached_bytes_are_exactly_what_json_dumps_writes(
    name: str, shape: str, created: datetime
) -> None:
    stored = _file(name, created, downloadable=shape == "anthropic")
    assert file_bytes(stored, shape) == dumps(file_json(stored, shape))
    assert json.loads(file_bytes(stored, shape)) == file_json(stored, shape)


def test_a_file_is_encoded_once_per_shape() -> None:
    stored = _file("a.txt", datetime(2026, 1, 1, tzinfo=UTC))
    first = file_bytes(stored, "openrouter")
    assert file_bytes(stored, "openrouter") is first
    assert set(stored.rendered) == {"openrouter"}
    file_bytes(stored, "openai")
    assert set(stored.rendered) == {"openrouter", "openai"}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("count", [0, 1, 3])
def test_a_page_body_is_the_same_json_as_before(shape: str, count: int) -> None:
    files = tuple(
        StoredFile(
            id=f"or_file_{n:024d}",
            workspace_id="w",
            filename=HOSTILE_NAMES[n],
            mime_type="text/plain",
            size_bytes=n,
            created_at=datetime(2026, 1, 1 + n, tzinfo=UTC),
            downloadable=bool(n % 2),
        )
        for n in range(count)
    )
    body = json.loads(list_body(files, shape, has_more=count == 3, cursor="abc"))
    expected: dict[str, object] = {"_shape": shape}
    if shape == "openai":
        expected["object"] = "list"
    expected |= {
        "data": [file_json(f, shape) for f in files],
        "has_more": count == 3,
        "first_id": files[0].id if files else None,
        "last_id": files[-1].id if files else None,
    }
    if shape == "openrouter":
        expected["cursor"] = "abc"
    assert body == expected
    assert list(body) == list(expected)
