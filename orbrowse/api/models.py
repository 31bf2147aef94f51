"""Typed, immutable views of what the Files API returns.

Every parser here takes decoded JSON (``object``), never trusts its types, and raises
:class:`~orbrowse.api.errors.ResponseFormatError` with a message fit for a person when a
body is not what the API documents. Unknown extra fields are ignored. Files are parsed from
any of the three ``_shape`` s (``openrouter``, ``anthropic``, ``openai``); a missing or unknown
``_shape`` is tolerated by sniffing the fields that are present.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from orbrowse.api.errors import ResponseFormatError

MAX_UPLOAD_BYTES = 104_857_600
"""The API's per-file limit (100 MiB); larger uploads answer 413."""

WORKSPACE_QUOTA_BYTES = 10 * 1024**3
"""A workspace holds at most 10 GiB of files in all; an upload past it answers 403."""


_ZERO = timedelta(0)


def _require_mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ResponseFormatError(f"expected a JSON object for {what}, got {type(value).__name__}")
    return value


def _list_page(value: object, what: str) -> tuple[Mapping[str, Any], list[Any]]:
    """A list page's object and its ``data`` array; ``what`` is e.g. ``file list``."""
    data = _require_mapping(value, f"a {what}")
    items = data.get("data")
    if not isinstance(items, list):
        raise ResponseFormatError(f"{what} has no 'data' array")
    return data, items


def _field(data: Mapping[str, Any], name: str, kind: type, what: str) -> Any:
    if name not in data:
        raise ResponseFormatError(f"{what} has no '{name}' field")
    value = data[name]
    # bool is an int in Python; a size of `true` is still wrong.
    if kind is int and isinstance(value, bool):
        raise ResponseFormatError(f"{what} field '{name}' should be an integer")
    if not isinstance(value, kind):
        raise ResponseFormatError(f"{what} field '{name}' should be {kind.__name__}")
    return value


def _optional_str(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    return value if isinstance(value, str) else None


def parse_timestamp(value: object, what: str = "file") -> datetime:
    """Parse ``created_at``: ISO-8601 (openrouter shape) or unix seconds (openai shape)."""
    if isinstance(value, bool):
        raise ResponseFormatError(f"{what} field 'created_at' is not a time")
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise ResponseFormatError(f"{what} field 'created_at' is out of range") from exc
    if isinstance(value, str):
        try:
            # The common case, "2026-09-01T12:00:00Z", parses directly on Python 3.11+.
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            return parsed if parsed.utcoffset() == _ZERO else _in_utc(parsed, what)
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ResponseFormatError(f"{what} field 'created_at' is not an ISO time") from exc
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return _in_utc(parsed, what)
    raise ResponseFormatError(f"{what} field 'created_at' is not a time")


def _in_utc(moment: datetime, what: str) -> datetime:
    """``moment`` in UTC; a zone that pushes it past year 1 or 9999 is out of range."""
    try:
        return moment.astimezone(UTC)
    except OverflowError as exc:
        raise ResponseFormatError(f"{what} field 'created_at' is out of range") from exc


def format_timestamp(moment: datetime) -> str:
    """The API's wire form: ``2026-09-01T12:00:00Z`` (no fractional seconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FileObject:
    """One stored file, whatever shape the server sent it in. Immutable.

    A browser may hold 100,000 of these, so each is small: ``__slots__``, the creation time
    kept as a float of POSIX seconds (``created_at`` builds the aware UTC ``datetime`` when
    asked), and ``mime_type`` shared between files (a dozen values across a workspace).
    """

    __slots__ = ("created_ts", "downloadable", "filename", "id", "mime_type", "size_bytes")

    id: str
    filename: str
    mime_type: str
    size_bytes: int
    created_ts: float
    """``created_at`` as POSIX seconds: what sorting compares."""
    downloadable: bool

    def __init__(
        self,
        id: str,
        filename: str,
        mime_type: str,
        size_bytes: int,
        created_at: datetime,
        downloadable: bool,
    ) -> None:
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=UTC)
        _init(self, id, filename, _shared_mime(mime_type), size_bytes, created_at.timestamp())
        _set(self, "downloadable", downloadable)

    @property
    def created_at(self) -> datetime:
        return datetime.fromtimestamp(self.created_ts, UTC)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"FileObject is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"FileObject is immutable: cannot delete {name!r}")

    def _key(self) -> tuple[object, ...]:
        return (
            self.id,
            self.filename,
            self.mime_type,
            self.size_bytes,
            self.created_ts,
            self.downloadable,
        )

    def __eq__(self, other: object) -> bool:
        if type(other) is not FileObject:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"FileObject(id={self.id!r}, filename={self.filename!r}, "
            f"mime_type={self.mime_type!r}, size_bytes={self.size_bytes!r}, "
            f"created_at={self.created_at!r}, downloadable={self.downloadable!r})"
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (FileObject, (*self._key()[:4], self.created_at, self.downloadable))

    @classmethod
    def from_json(cls, value: object) -> FileObject:
        fast = _fast_openrouter_file(value)
        if fast is not None:
            return fast
        data = _require_mapping(value, "a file")
        shape = data.get("_shape")
        looks_openai = shape == "openai" or ("bytes" in data and "size_bytes" not in data)
        file_id = _field(data, "id", str, "file")
        if not file_id:
            raise ResponseFormatError("file field 'id' is empty")
        filename = _field(data, "filename", str, "file")
        if looks_openai:
            size = _field(data, "bytes", int, "file")
            mime = _optional_str(data, "mime_type") or ""
            # The openai shape has no downloadable flag: such files are treated as uploads.
            downloadable = bool(data.get("downloadable", False) is True)
        else:
            size = _field(data, "size_bytes", int, "file")
            mime = _field(data, "mime_type", str, "file")
            downloadable = _field(data, "downloadable", bool, "file")
        if size < 0:
            raise ResponseFormatError("file field 'size_bytes' is negative")
        created = parse_timestamp(data.get("created_at"), "file")
        return cls(
            id=file_id,
            filename=filename,
            mime_type=mime,
            size_bytes=size,
            created_at=created,
            downloadable=downloadable,
        )

    def to_json(self) -> dict[str, Any]:
        """The openrouter shape of this file (used for JSON output and the copy menu)."""
        return {
            "_shape": "openrouter",
            "id": self.id,
            "type": "file",
            "filename": self.filename,
            "mime_type": self.mime_type,
            "size_bytes": self.size_bytes,
            "created_at": format_timestamp(self.created_at),
            "downloadable": self.downloadable,
        }


def _fast_openrouter_file(value: object) -> FileObject | None:
    """The usual openrouter-shape file with every field of the right type, else ``None``
    (then the general parser runs and explains what is wrong). Listing 100,000 files parses
    100,000 of these, so the common case skips the general checks."""
    if type(value) is not dict:
        return None
    file_id = value.get("id")
    filename = value.get("filename")
    mime = value.get("mime_type")
    size = value.get("size_bytes")
    downloadable = value.get("downloadable")
    created = value.get("created_at")
    if not (
        type(file_id) is str
        and file_id
        and type(filename) is str
        and type(mime) is str
        and type(size) is int
        and size >= 0
        and type(downloadable) is bool
        and type(created) is str
    ):
        return None
    return _compact_file(file_id, filename, mime, size, _posix_seconds(created), downloadable)


_set = object.__setattr__
_MIME_TYPES: dict[str, str] = {}
_MAX_MIME_TYPES = 4096
"""Distinct mime types shared; past this (a hostile server) each file keeps its own."""


def _shared_mime(mime: str) -> str:
    shared = _MIME_TYPES.get(mime)
    if shared is not None:
        return shared
    if len(_MIME_TYPES) < _MAX_MIME_TYPES:
        _MIME_TYPES[mime] = mime
    return mime


def _init(
    file: FileObject, file_id: str, filename: str, mime: str, size: int, created: float
) -> None:
    _set(file, "id", file_id)
    _set(file, "filename", filename)
    _set(file, "mime_type", mime)
    _set(file, "size_bytes", size)
    _set(file, "created_ts", created)


def _compact_file(
    file_id: str, filename: str, mime: str, size: int, created: float, downloadable: bool
) -> FileObject:
    file = FileObject.__new__(FileObject)
    _init(file, file_id, filename, _shared_mime(mime), size, created)
    _set(file, "downloadable", downloadable)
    return file


def _posix_seconds(value: str) -> float:
    """An ISO time as POSIX seconds (UTC when it names no zone)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return parse_timestamp(value).timestamp()
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    seconds = parsed.timestamp()
    # ``created_at`` rebuilds a UTC datetime from the float: it must name year 1 to 9999.
    if not _FIRST_SECOND <= seconds <= _LAST_SECOND:
        raise ResponseFormatError("file field 'created_at' is out of range")
    return seconds


_FIRST_SECOND: Final = datetime(1, 1, 1, tzinfo=UTC).timestamp()
_LAST_SECOND: Final = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()


@dataclass(frozen=True, slots=True)
class FilePage:
    """One page of ``GET /files``."""

    files: tuple[FileObject, ...]
    has_more: bool
    cursor: str | None
    first_id: str | None = None
    last_id: str | None = None

    @classmethod
    def from_json(cls, value: object) -> FilePage:
        data, items = _list_page(value, "file list")
        files = tuple(FileObject.from_json(item) for item in items)
        has_more = data.get("has_more", False)
        if not isinstance(has_more, bool):
            raise ResponseFormatError("file list field 'has_more' should be true or false")
        cursor = data.get("cursor")
        if cursor is not None and not isinstance(cursor, str):
            raise ResponseFormatError("file list field 'cursor' should be a string")
        last_id = _optional_str(data, "last_id") or (files[-1].id if files else None)
        first_id = _optional_str(data, "first_id") or (files[0].id if files else None)
        if has_more and not cursor:
            # The openai and anthropic list shapes have no cursor: they page with the last id.
            cursor = None
        return cls(
            files=files,
            has_more=has_more,
            cursor=cursor or None,
            first_id=first_id,
            last_id=last_id,
        )


@dataclass(frozen=True, slots=True)
class Workspace:
    """A workspace, as ``GET /workspaces`` and ``GET /workspaces/{id}`` describe it."""

    id: str
    name: str
    slug: str
    description: str | None = None
    created_at: str | None = None

    @classmethod
    def from_json(cls, value: object) -> Workspace:
        data = _require_mapping(value, "a workspace")
        return cls(
            id=_field(data, "id", str, "workspace"),
            name=_optional_str(data, "name") or "",
            slug=_optional_str(data, "slug") or "",
            description=_optional_str(data, "description"),
            created_at=_optional_str(data, "created_at"),
        )


@dataclass(frozen=True, slots=True)
class WorkspacePage:
    """One page of ``GET /workspaces`` (offset pagination)."""

    workspaces: tuple[Workspace, ...]
    total_count: int

    @classmethod
    def from_json(cls, value: object) -> WorkspacePage:
        data, items = _list_page(value, "workspace list")
        total = data.get("total_count", len(items))
        if not isinstance(total, int) or isinstance(total, bool):
            raise ResponseFormatError("workspace list field 'total_count' should be an integer")
        return cls(workspaces=tuple(Workspace.from_json(item) for item in items), total_count=total)


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What ``GET /key`` says about the key in use."""

    workspace_id: str | None
    is_management_key: bool
    label: str | None = None

    @classmethod
    def from_json(cls, value: object) -> KeyInfo:
        envelope = _require_mapping(value, "the key description")
        data = _require_mapping(envelope.get("data"), "the key description's 'data'")
        workspace_id = data.get("workspace_id")
        if workspace_id is not None and not isinstance(workspace_id, str):
            raise ResponseFormatError("key field 'workspace_id' should be a string")
        return cls(
            workspace_id=workspace_id,
            is_management_key=data.get("is_management_key") is True,
            label=_optional_str(data, "label"),
        )


def parse_deleted_id(value: object) -> str:
    """The id from a delete confirmation, in the openrouter or openai shape."""
    data = _require_mapping(value, "a delete confirmation")
    file_id: str = _field(data, "id", str, "delete confirmation")
    kind = data.get("type")
    if kind is not None and kind != "file_deleted":
        raise ResponseFormatError("delete confirmation has an unexpected 'type'")
    if "deleted" in data and data["deleted"] is not True:
        raise ResponseFormatError("the server says the file was not deleted")
    return file_id
