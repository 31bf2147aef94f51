"""The Files API's upload rules, checkable before anything is sent.

The server sniffs the type from the content, never from the name; these functions apply the
same rules the reference documents so that a bad upload is refused locally with a clear reason.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from orbrowse.api.models import MAX_UPLOAD_BYTES

SNIFF_BYTES = 64 * 1024
"""How much of a file the local type check reads."""

_FORBIDDEN_NAME_CHARS = set('<>:"|?*\\')

_ZIP_KINDS = (
    (b"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (b"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)

_MARKDOWN_HINT = re.compile(rb"^(#{1,6} |[-*] |\d+\. |```|> )", re.MULTILINE)


def filename_problem(name: str) -> str | None:
    """Why the API would refuse ``name`` as a filename, or ``None`` when it is acceptable."""
    if not name:
        return "the filename is empty"
    if len(name) > 255:
        return f"the filename is {len(name)} characters long; at most 255 are allowed"
    if name.startswith("/") or name.endswith("/"):
        return "the filename may not start or end with '/'"
    for segment in name.split("/"):
        if segment in ("", ".", ".."):
            return "the filename has an empty, '.' or '..' folder segment"
    for char in name:
        if char in _FORBIDDEN_NAME_CHARS:
            return f"the filename contains {char!r}, which is not allowed"
        if unicodedata.category(char) == "Cc":
            return "the filename contains a control character"
    return None


def _is_utf8_text(head: bytes, *, complete: bool) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of a partial read is still text.
        if complete or exc.start < len(head) - 3:
            return False
        text = head[: exc.start].decode("utf-8")
    return not any(
        unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text[:SNIFF_BYTES]
    )


def _text_kind(head: bytes, *, complete: bool, name: str) -> str:
    stripped = head.strip()
    if complete and stripped[:1] in (b"{", b"["):
        try:
            json.loads(head)
            return "application/json"
        except ValueError:
            lines = [line for line in head.splitlines() if line.strip()]
            try:
                for line in lines:
                    json.loads(line)
                return "application/x-ndjson"
            except ValueError:
                pass
    elif not complete and stripped[:1] in (b"{", b"["):
        return "application/json"
    lines = head.splitlines()[:5]
    if len(lines) >= 2 and all(line.count(b",") >= 1 for line in lines[:-1]):
        counts = {line.count(b",") for line in lines[:-1]}
        if len(counts) == 1:
            return "text/csv"
    if _MARKDOWN_HINT.search(head) or name.lower().endswith((".md", ".markdown")):
        return "text/markdown"
    return "text/plain"


def sniff_mime_type(head: bytes, *, complete: bool = True, name: str = "") -> str | None:
    """The MIME type the API would report for content starting with ``head``, or ``None``
    when the API would refuse the type. ``complete`` says whether ``head`` is the whole file."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head.startswith(b"PK\x03\x04"):
        for marker, mime in _ZIP_KINDS:
            if marker in head:
                return mime
        return None
    if _is_utf8_text(head, complete=complete):
        return _text_kind(head, complete=complete, name=name)
    return None


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
                f"{path.name} is {size:,} bytes; the API takes at most 100 MiB (104,857,600 bytes)"
            )
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except PermissionError:
        return f"{path} cannot be read (permission denied)"
    except OSError as exc:
        return f"{path} cannot be read ({exc.strerror or exc})"
    problem = filename_problem(name)
    if problem:
        return problem
    if sniff_mime_type(head, complete=size <= SNIFF_BYTES, name=name) is None:
        return (
            f"{path.name} is of a type the API refuses; it takes PDF, images, Office documents, "
            "audio and UTF-8 text"
        )
    return None
