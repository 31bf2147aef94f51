"""``--debug-log FILE``: one JSON line per HTTP attempt, for bug reports.

Records method, URL, attempt, status, timing and error; never headers, so neither the key nor
the ``Authorization`` header can reach the file. Anything that still looks like a key
(``sk-or-…``) is redacted before writing, as a second line of defence. The file is private
(0600): an existing one that others may read is tightened, or refused with an ``OSError``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Self

from orbrowse.api.client import RequestRecord
from orbrowse.closing import ClosedOnExit
from orbrowse.private_file import open_private_append

_KEY_PATTERN = re.compile(r"sk-or-[A-Za-z0-9_-]+|Bearer\s+\S+")


def redact(text: str) -> str:
    return _KEY_PATTERN.sub("[redacted]", text)


class DebugLog(ClosedOnExit):
    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None
        self.error: str | None = None
        """Why recording stopped (a full disk, …): a failing log never fails a request."""
        self.on_stop: Callable[[str], None] | None = None
        """Told ``error`` once, when recording stops (the browser shows it)."""

    def __enter__(self) -> Self:
        fd = open_private_append(self.path)
        self._handle = os.fdopen(fd, "a", encoding="utf-8")
        return self

    def close(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            with contextlib.suppress(OSError):  # what could not be written is lost either way
                handle.close()

    def record(self, record: RequestRecord) -> None:
        if self._handle is None:
            return
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "method": record.method,
            "url": redact(record.url),
            "attempt": record.attempt,
            "status": record.status,
            "ms": round(record.elapsed * 1000, 1),
            "error": redact(record.error) if record.error else None,
        }
        try:
            self._handle.write(json.dumps(entry) + "\n")
            self._handle.flush()
        except OSError as exc:
            # Raised inside the client it would turn a request that was answered into a
            # failure (a delete done on the server reported as not done).
            self.error = f"the debug log {self.path} could not be written: {exc.strerror or exc}"
            self.close()
            if self.on_stop is not None:
                self.on_stop(self.error)
