"""Small parsers for command-line values: id lists (durations and sizes: ``listing.quantities``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

IdRecord = tuple[str, dict[str, Any] | None]
"""An id, and the JSON object it came from when the line was one."""


def parse_id_records(lines: Iterable[str]) -> list[IdRecord]:
    """Ids from text, one per line: blanks and ``#`` comments are skipped.

    A line holding a JSON object takes its ``"id"`` (and keeps the object), so
    ``orbrowse ls`` output can be piped straight in.
    """
    records: list[IdRecord] = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not line.startswith("{"):
            records.append((line, None))
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"a line looks like JSON but is not: {line[:60]!r}") from exc
        file_id = value.get("id") if isinstance(value, dict) else None
        if not isinstance(file_id, str) or not file_id.strip():
            raise ValueError(f'a JSON line has no "id": {line[:60]!r}')
        records.append((file_id.strip(), value))
    return records


def parse_ids(lines: Iterable[str]) -> list[str]:
    """The ids of :func:`parse_id_records`."""
    return [file_id for file_id, _ in parse_id_records(lines)]


def unique(items: Iterable[str]) -> list[str]:
    """``items`` without repeats, first occurrence kept."""
    return list(dict.fromkeys(items))
