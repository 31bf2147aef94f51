"""File objects as JSON bytes, each serialised once per response shape and then reused.

A listing is the hot path of every load test and of the browser's pager, so a page body is
built by joining cached bytes: a file's JSON is made the first time it is sent in a shape and
kept on its :class:`StoredFile` (which is frozen: a changed file is a new object with an
empty cache). Only the page's envelope (``has_more``, ids, cursor) is encoded per request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC
from typing import Any

from orbrowse.api.models import format_timestamp
from orbrowse.emulator.store import StoredFile

SHAPES = ("openrouter", "anthropic", "openai")

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_string: Callable[[str], str] = json.encoder.encode_basestring
"""A JSON string literal, non-ASCII kept (what ``ensure_ascii=False`` writes)."""


def dumps(value: object) -> bytes:
    """Compact UTF-8 JSON, as Starlette's ``JSONResponse`` renders it."""
    return _encode(value).encode("utf-8")


def file_json(stored: StoredFile, shape: str) -> dict[str, Any]:
    """The file object in one of the three shapes."""
    if shape == "openai":
        return {
            "_shape": "openai",
            "id": stored.id,
            "object": "file",
            "bytes": stored.size_bytes,
            "created_at": int(stored.created_at.timestamp()),
            "filename": stored.filename,
            "purpose": stored.purpose,
            "status": "processed",
        }
    return {
        "_shape": shape,
        "id": stored.id,
        "type": "file",
        "filename": stored.filename,
        "mime_type": stored.mime_type,
        "size_bytes": stored.size_bytes,
        "created_at": format_timestamp(stored.created_at),
        "downloadable": stored.downloadable,
    }


def file_bytes(stored: StoredFile, shape: str) -> bytes:
    """``file_json`` encoded, from the file's cache when it was sent in this shape before."""
    cached = stored.rendered.get(shape)
    if cached is None:
        cached = stored.rendered[shape] = _encode_file(stored, shape).encode("utf-8")
    return cached


def _encode_file(stored: StoredFile, shape: str) -> str:
    """The same text as ``dumps(file_json(stored, shape))``, without building a dict.

    A first listing of many files pays this once per file (a fresh emulator in a benchmark
    does), and the encoder's per-call set-up would be most of it.
    """
    if shape == "openai":
        return _encode(file_json(stored, shape))
    moment = stored.created_at
    if moment.tzinfo is UTC:
        created = moment.isoformat(timespec="seconds")[:19] + "Z"
    else:
        created = format_timestamp(moment)
    size = stored.size_bytes
    return (
        f'{{"_shape":{_string(shape)},"id":{_string(stored.id)},"type":"file",'
        f'"filename":{_string(stored.filename)},"mime_type":{_string(stored.mime_type)},'
        f'"size_bytes":{int(size)},"created_at":"{created}",'
        f'"downloadable":{"true" if stored.downloadable else "false"}}}'
    )


def list_body(
    files: tuple[StoredFile, ...], shape: str, *, has_more: bool, cursor: str | None
) -> bytes:
    """A list response: the envelope of ``shape`` around the files' cached bytes.

    Key order is the one the emulator always sent: ``_shape``, (``object``), ``data``,
    ``has_more``, ``first_id``, ``last_id``, (``cursor``, openrouter shape only).
    """
    first_id = files[0].id if files else None
    last_id = files[-1].id if files else None
    head = b'{"_shape":' + dumps(shape)
    if shape == "openai":
        head += b',"object":"list"'
    head += b',"data":['
    tail: dict[str, Any] = {"has_more": has_more, "first_id": first_id, "last_id": last_id}
    if shape == "openrouter":
        tail["cursor"] = cursor
    # the tail dict encodes as {...}: its brace is dropped to continue the envelope
    end = b"]," + dumps(tail)[1:]
    if not files:
        return head + end
    # Subscripts, not a call per file (that would cost more than the join); a file not yet
    # rendered in this shape fails the first try. One join builds the whole body: each
    # extra concatenation of a 250 kB page would cost a copy.
    try:
        parts = [stored.rendered[shape] for stored in files]
    except KeyError:
        parts = [file_bytes(stored, shape) for stored in files]
    parts[0] = head + parts[0]
    parts[-1] += end
    return b",".join(parts)
