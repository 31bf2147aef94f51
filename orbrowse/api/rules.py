"""Check an upload locally against the Files API's rules before anything is sent.

The rules themselves (type sniffing, filename rules) live in :mod:`orbrowse.api.filetypes`,
shared with the emulator so that the local check and the server agree.
"""

from __future__ import annotations

import os
from pathlib import Path

from orbrowse.api.filetypes import filename_problem, sniff
from orbrowse.api.models import MAX_UPLOAD_BYTES


def shown_path(path: Path | str) -> str:
    """A path fit to print: bytes that are not UTF-8 (kept by Python as lone surrogates, which
    no stream can encode) become ``\\xNN`` escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _not_utf8(text: str) -> bool:
    return any(0xD800 <= ord(char) <= 0xDFFF for char in text)


def upload_problem(path: Path, *, filename: str | None = None) -> str | None:
    """Why uploading ``path`` would fail, checked locally, or ``None`` when it looks fine."""
    name = filename if filename is not None else path.name
    shown, base = shown_path(path), shown_path(path.name)
    if _not_utf8(name):
        if filename is not None:
            return f"the name {shown_path(name)} is not valid UTF-8"
        return (
            f"the name of {shown} is not valid UTF-8, and the API stores names as text; "
            "rename the file, or give the name to store with --name (orbrowse put)"
        )
    try:
        if not path.exists():
            return f"{shown} does not exist"
        if path.is_dir():
            return f"{shown} is a folder, not a file"
        if not path.is_file():
            return f"{shown} is not a regular file"
        size = path.stat().st_size
        if size == 0:
            return f"{base} is empty; the API refuses empty files"
        if size > MAX_UPLOAD_BYTES:
            return (
                f"{base} is {size:,} bytes; the API takes at most 100 MiB "
                f"({MAX_UPLOAD_BYTES:,} bytes)"
            )
        problem = filename_problem(name)
        if problem:
            return problem
        with path.open("rb") as handle:
            mime = sniff(handle)
    except PermissionError:
        return f"{shown} cannot be read (permission denied)"
    except OSError as exc:
        return f"{shown} cannot be read ({exc.strerror or exc})"
    if mime is None:
        return (
            f"{base} is of a type the API refuses; it takes PDF, images, Office documents, "
            "audio and UTF-8 text"
        )
    return None
