"""File metadata for tests that need no server: one plain text file, any field overridden."""

from __future__ import annotations

from datetime import UTC, datetime

from orbrowse.api.models import FileObject

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
