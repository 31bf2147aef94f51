"""Turn a server-provided filename into one safe name inside a folder the user chose.

The server's filename never decides where a download lands: folder segments, ``..``,
absolute paths, control and invisible characters, characters Windows refuses, reserved
device names and over-long names are all reduced to a single harmless name.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Final

MAX_NAME_BYTES: Final = 255
DEFAULT_FALLBACK: Final = "download"

# Cc: C0/C1 controls (NUL, ESC, …); Cf: format characters, which include the bidi overrides
# and isolates, zero-width spaces and joiners and the BOM; Cs: lone surrogates (not encodable);
# Zl/Zp: line and paragraph separators.
_DROPPED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_ILLEGAL: Final = frozenset('<>:"|?*')
_RESERVED: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{base}{n}" for base in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)
# An extension longer than this is not worth keeping over the name itself.
_MAX_EXTENSION_BYTES: Final = 32


class UnsafePathError(ValueError):
    """A path would land outside the folder it was meant for."""


def strip_invisible(text: str) -> str:
    """``text`` without control, format (bidi, zero-width), surrogate or separator characters."""
    return "".join(c for c in text if unicodedata.category(c) not in _DROPPED_CATEGORIES)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    kept = []
    for char in text:
        if unicodedata.category(char) in _DROPPED_CATEGORIES:
            continue
        kept.append("_" if char in _ILLEGAL else char)
    return "".join(kept).strip(" .")


def _truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore")


def _cap(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, extension = name.rpartition(".")
    suffix = dot + extension
    if stem and len(suffix.encode("utf-8")) <= _MAX_EXTENSION_BYTES:
        room = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
        return _truncate_utf8(stem, room).rstrip(" .") + suffix
    return _truncate_utf8(name, MAX_NAME_BYTES).rstrip(" .")


def safe_filename(server_name: str, *, fallback: str = DEFAULT_FALLBACK) -> str:
    """One safe file name from ``server_name``; ``fallback`` (made safe too) if nothing is left.

    The result is never empty, ``.`` or ``..``, holds no ``/`` or ``\\``, no control or
    invisible characters and none of ``<>:"|?*``, does not start or end with a dot or space,
    is not a Windows device name, and fits in 255 bytes of UTF-8 (keeping the extension).
    Applying it twice changes nothing.
    """
    name = _clean(server_name)
    if not name:
        name = _clean(fallback) or DEFAULT_FALLBACK
    stem = name.split(".", 1)[0].rstrip(" ")
    if stem.upper() in _RESERVED:
        name = "_" + name
    return _cap(name)


def target_path(folder: Path, name: str) -> Path:
    """Where ``name`` (made safe) lands in ``folder``: always directly inside it.

    Raises :class:`UnsafePathError` if, against expectations, it would not be.
    """
    base = folder.expanduser().resolve()
    candidate = base / safe_filename(name)
    if candidate.parent != base or candidate.name in ("", ".", ".."):
        raise UnsafePathError(f"{name!r} would not land inside {base}")
    return candidate


FOLDER_FALLBACK: Final = "_"
"""What an empty, ``.`` or ``..`` folder segment becomes on disk (never a way up)."""


def tree_target(folder: Path, segments: list[str]) -> Path:
    """Where a file lands in ``folder`` with its server folders kept: ``segments`` are its
    folder segments then its name (``["data", "exports", "sales.csv"]``). Each folder segment
    is made safe like a single name (an empty or dot-only one becomes ``_``), the last by
    :func:`safe_filename`. The result always lies inside ``folder``, symlinks resolved.

    Raises :class:`UnsafePathError` if, against expectations, it would not.
    """
    if not segments:
        raise UnsafePathError("a file needs a name")
    base = folder.expanduser().resolve()
    parts = [safe_filename(part, fallback=FOLDER_FALLBACK) for part in segments[:-1]]
    candidate = base.joinpath(*parts, safe_filename(segments[-1]))
    # A folder on the way that is a symlink could lead out: resolve what exists.
    if not candidate.resolve().is_relative_to(base) or candidate.name in ("", ".", ".."):
        raise UnsafePathError(f"{'/'.join(segments)!r} would not land inside {base}")
    return candidate
