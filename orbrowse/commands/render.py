"""Readable, terminal-safe text for files and workspaces (used when stdout is a terminal).

Server-provided strings go through :func:`visible_text`, so a filename cannot send escape
sequences or bidi overrides to the terminal. Rows have fixed-width columns before the last
one, so a table can be printed page by page as the listing streams in.
"""

from __future__ import annotations

from datetime import UTC, datetime

from orbrowse.api.models import FileObject, Workspace
from orbrowse.listing.folders import Folder
from orbrowse.listing.formatting import exact_size, fit, human_size, iso_time, relative_time
from orbrowse.listing.formatting import visible_text as safe

_SIZE_WIDTH = 10
_TIME_WIDTH = 15
_ID_WIDTH = 32
_COUNT_WIDTH = 9
DOWNLOADABLE_MARK = "↓"


def file_header() -> str:
    return "  ".join(
        (
            fit("SIZE", _SIZE_WIDTH, "right"),
            fit("CREATED", _TIME_WIDTH),
            "DL",
            fit("ID", _ID_WIDTH),
            "NAME",
        )
    )


def file_row(file: FileObject, now: datetime) -> str:
    """``   1.2 MiB  3 days ago        ↓   or_file_…  report.pdf``"""
    file_id = safe(file.id)
    return "  ".join(
        (
            fit(human_size(file.size_bytes), _SIZE_WIDTH, "right"),
            fit(relative_time(file.created_at, now), _TIME_WIDTH),
            DOWNLOADABLE_MARK + " " if file.downloadable else "  ",
            file_id.ljust(_ID_WIDTH),
            safe(file.filename),
        )
    )


def file_details(file: FileObject, now: datetime) -> list[str]:
    """A block of lines describing one file (``orbrowse info`` on a terminal)."""
    return [
        safe(file.filename),
        f"  id            {safe(file.id)}",
        f"  size          {human_size(file.size_bytes)} ({exact_size(file.size_bytes)})",
        f"  type          {safe(file.mime_type) or 'unknown'}",
        f"  created       {iso_time(file.created_at)} ({relative_time(file.created_at, now)})",
        "  downloadable  "
        + ("yes" if file.downloadable else "no (uploaded files cannot be downloaded)"),
    ]


def workspace_header() -> str:
    return "  ".join(("ID".ljust(36), fit("SLUG", 20), "NAME"))


def workspace_row(workspace: Workspace) -> str:
    return "  ".join(
        (safe(workspace.id).ljust(36), fit(safe(workspace.slug), 20), safe(workspace.name))
    )


def workspace_json(workspace: Workspace) -> dict[str, str | None]:
    return {
        "id": workspace.id,
        "name": workspace.name,
        "slug": workspace.slug,
        "description": workspace.description,
        "created_at": workspace.created_at,
    }


def total_line(count: int, size: int) -> str:
    noun = "file" if count == 1 else "files"
    return f"{count:,} {noun}, {human_size(size)}"


def folder_header() -> str:
    return "  ".join(
        (
            fit("SIZE", _SIZE_WIDTH, "right"),
            fit("FILES", _COUNT_WIDTH, "right"),
            fit("NEWEST", _TIME_WIDTH),
            "FOLDER",
        )
    )


def folder_row(folder: Folder, now: datetime, label: str | None = None) -> str:
    """``   4.2 GiB      1,204  3 days ago       runs/2025/`` (``label`` replaces the path)."""
    newest = relative_time(datetime.fromtimestamp(folder.newest, UTC), now) if folder.count else "-"
    return "  ".join(
        (
            fit(human_size(folder.size), _SIZE_WIDTH, "right"),
            fit(f"{folder.count:,}", _COUNT_WIDTH, "right"),
            fit(newest, _TIME_WIDTH),
            safe(folder.path) if label is None else label,
        )
    )
