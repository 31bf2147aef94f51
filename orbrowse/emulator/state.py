"""``orbrowse serve --state FILE``: workspaces and files kept in a file between runs.

The file is a seed file (the format in :mod:`orbrowse.emulator.seed`), so it can be read,
edited and given to ``--seed`` too. What it keeps per file: ``id``, ``filename``,
``mime_type``, ``created_at`` (to the microsecond), ``downloadable``, ``purpose`` and the
content: the bytes (``base64``) of a file whose bytes the server holds (server-created files
from a seed, e.g. ``outputs/chart.png`` with ``text`` or ``base64``), ``size_bytes`` for
generated content (rebuilt byte for byte from the id and size) and for uploads (the API never
serves an upload's bytes, so a 100 MiB upload does not make the file 133 MiB of base64).
What it does not keep: the positions of deleted files, so a cursor naming a file deleted
before the restart answers 400 after it.

A :class:`StateKeeper` writes the file after a change at most once per ``interval`` seconds
(a load test deleting thousands of files per second does not rewrite it each time) and once
more when it stops. Each write goes to a temporary file in the same folder, is flushed to
disk, and replaces the old file in one step (``os.replace``): a crash leaves the old state or
the new one, never half a file.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from datetime import UTC
from pathlib import Path
from typing import Any

from orbrowse.emulator.store import Store, StoredFile
from orbrowse.private_file import replace_atomically


def state_data(store: Store) -> dict[str, Any]:
    """The store as seed-file data."""
    workspaces = []
    for workspace, is_default, files in store.snapshot():
        entry: dict[str, Any] = {
            "id": workspace.id,
            "name": workspace.name,
            "slug": workspace.slug,
            "created_at": workspace.created_at.astimezone(UTC).isoformat(),
            "files": [_file_entry(stored) for stored in files],
        }
        if workspace.description is not None:
            entry["description"] = workspace.description
        if is_default:
            entry["default"] = True
        workspaces.append(entry)
    return {"workspaces": workspaces}


def _file_entry(stored: StoredFile) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": stored.id,
        "filename": stored.filename,
        "mime_type": stored.mime_type,
        "created_at": stored.created_at.astimezone(UTC).isoformat(),
        "downloadable": stored.downloadable,
        "purpose": stored.purpose,
    }
    if stored.content is not None:
        entry["base64"] = base64.b64encode(stored.content).decode("ascii")
    else:
        entry["size_bytes"] = stored.size_bytes
    return entry


def save_state(store: Store, path: Path) -> None:
    """Write the store to ``path`` atomically (a temporary file, fsync, ``os.replace``)."""
    text = json.dumps(state_data(store), ensure_ascii=False, separators=(",", ":"))
    folder = path.parent
    replace_atomically(path, text)
    try:
        directory = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory)
    except OSError:
        pass
    finally:
        os.close(directory)


class StateKeeper:
    """Saves a store to a file from a daemon thread whenever it has changed."""

    def __init__(self, store: Store, path: Path, *, interval: float = 1.0) -> None:
        self.store = store
        self.path = path
        self.interval = interval
        self.saved_version = -1
        self.error: OSError | None = None
        """The last write's failure, if any (the next change tries again)."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="orbrowse-state", daemon=True)

    def save_if_changed(self) -> bool:
        """Write now if the store changed since the last write; True if it wrote."""
        version = self.store.version
        if version == self.saved_version:
            return False
        try:
            save_state(self.store, self.path)
        except OSError as exc:
            self.error = exc
            return False
        self.error = None
        self.saved_version = version
        return True

    def start(self) -> None:
        self.save_if_changed()
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and write the last changes."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self.save_if_changed()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.save_if_changed()
