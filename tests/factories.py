"""Test data built by hand: file metadata without a server, list bodies in other shapes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from orbrowse.api.models import FileObject
from orbrowse.emulator.store import StoredFile

CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def file_object(
    file_id: str = "or_file_1",
    filename: str | None = None,
    *,
    mime_type: str = "text/plain",
    size_bytes: int = 10,
    created_at: datetime = CREATED,
    downloadable: bool = False,
) -> FileObject:
    """A ``FileObject`` named ``FILE_ID.txt`` unless ``filename`` is given."""
    return FileObject(
        id=file_id,
        filename=filename if filename is not None else f"{file_id}.txt",
        mime_type=mime_type,
        size_bytes=size_bytes,
        created_at=created_at,
        downloadable=downloadable,
    )


def openai_list_page(files: Sequence[StoredFile]) -> bytes:
    """A list body in the openai shape for ``files``, with more to come: no cursor, only
    ``last_id`` (a client must page on with ``after=``)."""
    data = [
        {
            "_shape": "openai",
            "id": f.id,
            "object": "file",
            "bytes": f.size_bytes,
            "created_at": int(f.created_at.timestamp()),
            "filename": f.filename,
        }
        for f in files
    ]
    body = {"_shape": "openai", "data": data, "has_more": True, "last_id": files[-1].id}
    return json.dumps(body).encode()


FILTER_SAMPLES: list[tuple[str, str, int, timedelta]] = [
    ("logs/app-1.log", "text/plain", 2_000, timedelta(days=40)),
    ("images/Cat.PNG", "image/png", 12_000_000, timedelta(days=40)),
    ("my report.pdf", "application/pdf", 1_024, timedelta(hours=1)),
    (">10MB type:x.txt", "text/plain", 1_023, timedelta(days=3)),
    ("logs/old.log", "text/plain", 10_000_000, timedelta(days=31)),
    ('say "hi".txt', "image/svg+xml", 11 * 1024**2, timedelta(minutes=30)),
]
"""Files the filter language tells apart: (name, type, size, age before now). A name holds
a literal ``>10MB type:x``, one a space, one quotes."""
