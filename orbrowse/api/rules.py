"""Check an upload locally against the Files API's rules before anything is sent.

The rules themselves (type sniffing, filename rules) live in :mod:`orbrowse.api.filetypes`,
shared with the emulator so that the local check and the server agree.
"""

from __future__ import annotations

from pathlib import Path

from orbrowse.api.filetypes import filename_problem, sniff
from orbrowse.api.models import MAX_UPLOAD_BYTES


def upload_problem(path: Path, *, filename: str | None = None) -> str | None:
    """Why uploading ``path`` would fail, checked locally, or ``None`` when it looks fine."""
    name = filename if filename is not None else path.name
    try:
        if not path.exists():
            return f"{path} does not exist"
        if path.is_dir():
            return f"{path} is a folder, not a file"
        if not path.is_file():
            return f"{path} is not a regular file"
        size = path.stat().st_size
        if size == 0:
            return f"{path.name} is empty; the API refuses empty files"
        if size > MAX_UPLOAD_BYTES:
            return (
                f"{path.name} is {size:,} bytes; the API takes at most 100 MiB "
                f"({MAX_UPLOAD_BYTES:,} bytes)"
            )
        problem = filename_problem(name)
        if problem:
            return problem
        with path.open("rb") as handle:
            mime = sniff(handle)
    except PermissionError:
        return f"{path} cannot be read (permission denied)"
    except OSError as exc:
        return f"{path} cannot be read ({exc.strerror or exc})"
    if mime is None:
        return (
            f"{path.name} is of a type the API refuses; it takes PDF, images, Office documents, "
            "audio and UTF-8 text"
        )
    return None
