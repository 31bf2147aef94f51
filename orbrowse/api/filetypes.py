"""The Files API's upload rules: the content-type sniffer and the filename rules.

The API detects the type from the content, never the name or the declared type. Binary
formats are recognised by their magic bytes; anything else must be valid UTF-8 text (no NUL
bytes), which is then classified as JSON, NDJSON, CSV, Markdown or plain text by a plausible
sniff of its start (JSON is confirmed by parsing the whole text). The MIME strings for audio
and Office types are not documented; these are the IANA registrations.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import zipfile
from typing import BinaryIO

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

_READ = 256 * 1024
_WHOLE_JSON_LIMIT = 16 * 1024 * 1024
_CLASSIFY = 64 * 1024
_FORBIDDEN_FILENAME_CHARS = frozenset('<>:"|?*\\')
_MARKDOWN = re.compile(
    r"^(#{1,6} \S|[-*+] \S|\d+\. \S|```|> \S|\|.*\|\s*$)|\[[^\]]+\]\([^)]+\)|\*\*\S",
    re.MULTILINE,
)


def filename_problem(name: str) -> str | None:
    """Why this filename is refused, or ``None`` if it is acceptable (rules partly inferred)."""
    if not 1 <= len(name) <= 255:
        return "filename must be 1 to 255 characters long"
    if name.startswith("/") or name.endswith("/"):
        return "filename must not start or end with '/'"
    if any(segment in ("", ".", "..") for segment in name.split("/")):
        return "filename must not contain empty, '.' or '..' segments"
    for char in name:
        if char in _FORBIDDEN_FILENAME_CHARS:
            return f"filename must not contain {char!r}"
        if ord(char) < 0x20 or ord(char) == 0x7F:
            return "filename must not contain control characters"
    return None


def sniff(stream: BinaryIO) -> str | None:
    """The MIME type of a seekable stream's content, or ``None`` if it is not an allowed type."""
    stream.seek(0)
    head = stream.read(64)
    binary = _sniff_binary(head, stream)
    if binary is not None:
        return binary
    return _sniff_text(stream)


def _sniff_binary(head: bytes, stream: BinaryIO) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
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
    if head.startswith(b"ID3"):
        return "audio/mpeg"
    # MPEG audio frame sync: 11 set bits, a valid version (not 01) and layer (not 00), then a
    # valid bitrate (not 1111) and sampling rate (not 11).
    if (
        len(head) >= 3
        and head[0] == 0xFF
        and head[1] & 0xE0 == 0xE0
        and (head[1] >> 3) & 0b11 != 0b01
        and (head[1] >> 1) & 0b11 != 0b00
        and head[2] >> 4 != 0b1111
        and (head[2] >> 2) & 0b11 != 0b11
    ):
        return "audio/mpeg"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_office(stream)
    return None


def _sniff_office(stream: BinaryIO) -> str | None:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    for prefix, mime in (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)):
        if any(name.startswith(prefix) for name in names):
            return mime
    return None


def _sniff_text(stream: BinaryIO) -> str | None:
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    start: list[str] = []
    kept = 0
    whole: list[str] | None = []
    whole_length = 0
    while True:
        block = stream.read(_READ)
        final = not block
        try:
            text = decoder.decode(block, final=final)
        except UnicodeDecodeError:
            return None
        if "\x00" in text:
            return None
        if kept < _CLASSIFY:
            start.append(text[: _CLASSIFY - kept])
            kept += len(start[-1])
        if whole is not None:
            # Kept only while it may be one JSON document small enough to confirm by parsing.
            whole.append(text)
            whole_length += len(text)
            opening = "".join(start).lstrip("\ufeff \t\r\n")[:1]
            if whole_length > _WHOLE_JSON_LIMIT or opening not in ("", "{", "["):
                whole = None
        if final:
            break
    head = "".join(start).lstrip("\ufeff")
    if not head.strip():
        return "text/plain"
    return _classify(head, None if whole is None else "".join(whole).lstrip("\ufeff"))


def _classify(head: str, whole: str | None) -> str:
    stripped = head.lstrip()
    if stripped[:1] in ("{", "[") and whole is not None:
        try:
            json.loads(whole)
        except ValueError:
            pass
        else:
            return "application/json"
    lines = [line for line in head.splitlines() if line.strip()]
    complete = lines[:-1] if len(lines) > 50 else lines
    if len(complete) >= 2 and all(_is_json_value(line) for line in complete[:50]):
        return "application/x-ndjson"
    if _looks_csv(lines):
        return "text/csv"
    if _looks_markdown(head):
        return "text/markdown"
    return "text/plain"


def _is_json_value(line: str) -> bool:
    text = line.strip()
    if text[:1] not in ("{", "["):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _looks_csv(lines: list[str]) -> bool:
    sample = lines[:20]
    if len(sample) < 2:
        return False
    try:
        dialect = csv.Sniffer().sniff("\n".join(sample), delimiters=",;\t")
    except csv.Error:
        return False
    rows = list(csv.reader(sample, dialect))
    widths = {len(row) for row in rows[:-1] or rows}
    return len(widths) == 1 and widths.pop() >= 2


def _looks_markdown(head: str) -> bool:
    lines = head.splitlines()[:200]
    block_marks = sum(1 for line in lines if _MARKDOWN.match(line))
    return block_marks >= 2 or (bool(lines) and lines[0].startswith("# "))
