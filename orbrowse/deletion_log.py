"""The local record of every deletion attempt, one JSON object per line.

The API has no trash, so this file is the user's only record of what went. Each line::

    {"time": "2026-09-01T12:00:00.123Z", "workspace": "<uuid>" | null, "id": "file-…",
     "filename": "…", "size": 123, "result": "deleted"}

``result`` is one of:

- ``deleted``: the server confirmed this deletion;
- ``deleted; the answer was lost, confirmed by lookup``: the delete's answer was lost or
  wrong, and ``GET /files/{id}`` then answered 404;
- ``already gone``: the server answered 404 at once: nothing was there to delete;
- ``failed: <reason>``: not deleted (a refusal, or a lookup found the file still there);
- ``may have been deleted: <reason>``: the outcome is unknown (the answer was lost and the
  lookup failed too, or the request was cancelled in flight).

Older logs may also hold ``cancelled``. The file is created with mode 0600 and only ever
appended to; an existing log readable by others is tightened to 0600 (or refused with an
``OSError`` saying so). Filenames are JSON string data, so no name can forge a line.

Each line is one ``write`` to the file opened with ``O_APPEND``, unbuffered: once
:meth:`DeletionLog.record` returns, the line is the kernel's (a crash or ``kill -9`` of
orbrowse cannot lose it; a power loss can lose what was not synced yet). A deletion run holds
the file open (:meth:`DeletionLog.held_open`) rather than opening it for each line, and syncs
and closes it as the run ends, however it ends.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import platformdirs

from orbrowse.api.models import FileObject
from orbrowse.private_file import open_private_append

RESULT_DELETED: Final = "deleted"
RESULT_ALREADY_GONE: Final = "already gone"
RESULT_DELETED_CONFIRMED: Final = "deleted; the answer was lost, confirmed by lookup"
RESULT_CANCELLED: Final = "cancelled"
UNCERTAIN_PREFIX: Final = "may have been deleted"
GONE_RESULTS: Final = frozenset({RESULT_DELETED, RESULT_DELETED_CONFIRMED, RESULT_ALREADY_GONE})
"""Results after which the file is not on the server."""


def failed_result(reason: str) -> str:
    """The ``result`` of a failed attempt."""
    return f"failed: {reason}"


def uncertain_result(reason: str) -> str:
    """The ``result`` of an attempt whose outcome is unknown."""
    return f"{UNCERTAIN_PREFIX}: {reason}"


def default_log_path() -> Path:
    """``platformdirs.user_state_path("orbrowse") / "deletions.jsonl"``."""
    return platformdirs.user_state_path("orbrowse") / "deletions.jsonl"


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class DeletionEntry:
    """One line of the log."""

    time: str
    workspace: str | None
    id: str
    filename: str
    size: int
    result: str

    def to_json(self) -> dict[str, Any]:
        # Not dataclasses.asdict, which deep-copies each field: this runs for every deletion.
        return {
            "time": self.time,
            "workspace": self.workspace,
            "id": self.id,
            "filename": self.filename,
            "size": self.size,
            "result": self.result,
        }

    @classmethod
    def from_json(cls, data: object) -> DeletionEntry | None:
        """The entry, or ``None`` when ``data`` is not a well-formed line."""
        if not isinstance(data, dict):
            return None
        time, workspace, file_id = data.get("time"), data.get("workspace"), data.get("id")
        filename, size, result = data.get("filename"), data.get("size"), data.get("result")
        if not (
            isinstance(time, str)
            and (workspace is None or isinstance(workspace, str))
            and isinstance(file_id, str)
            and isinstance(filename, str)
            and isinstance(size, int)
            and not isinstance(size, bool)
            and isinstance(result, str)
        ):
            return None
        return cls(time, workspace, file_id, filename, size, result)


class DeletionLog:
    """Appends :class:`DeletionEntry` lines to ``path`` (default :func:`default_log_path`)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_log_path()
        self._fd = -1
        self._holders = 0

    @contextlib.contextmanager
    def held_open(self) -> Iterator[None]:
        """While the block runs (a deletion run; runs may overlap), lines go to one open
        file, opened with the first line; the last block to end syncs and closes it."""
        self._holders += 1
        try:
            yield
        finally:
            self._holders -= 1
            if not self._holders:
                self._close()

    def _close(self) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            with contextlib.suppress(OSError):  # /dev/null, a FIFO: nothing to sync
                os.fsync(fd)
            os.close(fd)

    def record(
        self,
        file: FileObject,
        result: str,
        *,
        workspace: str | None,
        time: datetime | None = None,
    ) -> DeletionEntry:
        """Append one line; raises ``OSError`` if it cannot be written."""
        entry = DeletionEntry(
            time=_timestamp(time or datetime.now(UTC)),
            workspace=workspace,
            id=file.id,
            filename=file.filename,
            size=file.size_bytes,
            result=result,
        )
        self.append(entry)
        return entry

    def append(self, entry: DeletionEntry) -> None:
        """Append ``entry`` as one line with a single ``write`` (O_APPEND keeps it whole)."""
        try:
            data = (json.dumps(entry.to_json(), ensure_ascii=False) + "\n").encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: let JSON escape it instead
            data = (json.dumps(entry.to_json()) + "\n").encode("ascii")
        if self._holders and self._fd >= 0:
            _write_all(self._fd, data)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = open_private_append(self.path)
        if self._holders:
            self._fd = fd
            _write_all(fd, data)
            return
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)

    def read_entries(self) -> list[DeletionEntry]:
        """Every well-formed line, oldest first; a missing file has none."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        entries = []
        # Split on "\n" only: JSON escapes it, but U+2028 may appear raw inside a filename.
        for line in text.split("\n"):
            if not line.strip():
                continue
            try:
                entry = DeletionEntry.from_json(json.loads(line))
            except ValueError:
                continue
            if entry is not None:
                entries.append(entry)
        return entries


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data) :]
