"""The emulator's in-memory data: workspaces and their files, thread-safe.

Tests mutate the store from another thread while the server reads it, so every access goes
through one lock. Listing is O(page), never O(workspace): each workspace keeps an
append-only list of its files in insertion order plus an id -> position index. A delete leaves a
tombstone (``None``) in the list and keeps the id in the index, so a cursor naming a deleted
file still knows where the next page starts. When tombstones outnumber live entries the list
is compacted and every indexed id (live or deleted) is remapped to the position of the last
survivor at or before it, which keeps "start after position p" meaning the same thing.

A file's bytes live in ``content``; or, for uploads, in ``content_path`` (a file in the
store's own temporary folder, so a 100 MiB upload never sits in memory); or, when both are
``None``, they are generated on demand, deterministically from its id and size, so a
workspace of 100,000 files costs little memory and a download is still byte-stable across
requests and processes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import secrets
import shutil
import string
import tempfile
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO

FILE_ID_PREFIX = "or_file_"
_ID_ALPHABET = string.ascii_letters + string.digits
CHUNK_SIZE = 64 * 1024
_COMPACT_MIN_TOMBSTONES = 1024
DEFAULT_PURPOSE = "user_data"

# Generated content starts with the format's magic bytes, so a downloaded file sniffs as
# the type its metadata claims if it is uploaded again.
_MAGIC: dict[str, bytes] = {
    "application/pdf": b"%PDF-1.7\n",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff\xe0",
    "image/gif": b"GIF89a",
    "audio/mpeg": b"ID3\x04\x00\x00",
    "audio/flac": b"fLaC",
    "audio/ogg": b"OggS",
}
_TEXT_LINE = b"orbrowse emulator generated content line %08d\n"


def new_file_id(rng: random.Random | None = None) -> str:
    """``or_file_`` + 24 characters of ``[A-Za-z0-9]`` (the suffix format is inferred)."""
    if rng is None:
        suffix = "".join(secrets.choice(_ID_ALPHABET) for _ in range(24))
    else:
        suffix = "".join(rng.choices(_ID_ALPHABET, k=24))
    return FILE_ID_PREFIX + suffix


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One file as the server holds it."""

    id: str
    workspace_id: str
    filename: str
    mime_type: str
    size_bytes: int
    created_at: datetime
    downloadable: bool
    content: bytes | None = field(default=None, repr=False, compare=False)
    content_path: str | None = field(default=None, repr=False, compare=False)
    purpose: str = DEFAULT_PURPOSE
    """OpenAI's ``purpose`` (given on upload, echoed in the openai shape, a list filter)."""
    rendered: dict[str, bytes] = field(default_factory=dict, init=False, repr=False, compare=False)
    """This file's JSON per response shape, filled by ``render.file_bytes``."""


@dataclass(frozen=True, slots=True)
class StoredWorkspace:
    """A workspace; the API's extra workspace fields are filled in by the app."""

    id: str
    name: str
    slug: str
    created_at: datetime
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a listing, in order, and whether more files follow it."""

    files: tuple[StoredFile, ...]
    has_more: bool


class UnknownPosition(LookupError):
    """The cursor or ``after`` id was never seen in this workspace."""


@dataclass
class _Shelf:
    """The files of one workspace."""

    order: list[StoredFile | None] = field(default_factory=list)
    position: dict[str, int] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    used_bytes: int = 0
    tombstones: int = 0


class Store:
    """Workspaces and files. All methods are safe to call from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._workspaces: dict[str, StoredWorkspace] = {}
        self._shelves: dict[str, _Shelf] = {}
        self._default: str | None = None
        self._spool: str | None = None
        self.entries_scanned = 0
        """Order-list entries visited by :meth:`page` (a test can assert it stays O(page))."""
        self.version = 0
        """Counts changes (workspaces or files added, files deleted): ``--state`` saves on one."""

    # workspaces ---------------------------------------------------------------------------

    def add_workspace(
        self,
        id: str,
        name: str,
        slug: str,
        *,
        description: str | None = None,
        created_at: datetime | None = None,
        default: bool = False,
    ) -> StoredWorkspace:
        """Add a workspace; the first one added (or one with ``default=True``) is the default."""
        workspace = StoredWorkspace(
            id=id,
            name=name,
            slug=slug,
            created_at=created_at or datetime.now(UTC),
            description=description,
        )
        with self._lock:
            if id in self._workspaces:
                raise ValueError(f"workspace {id} already exists")
            self._workspaces[id] = workspace
            self._shelves[id] = _Shelf()
            if default or self._default is None:
                self._default = id
            self.version += 1
        return workspace

    @property
    def default_workspace_id(self) -> str:
        with self._lock:
            if self._default is None:
                raise LookupError("the store has no workspace")
            return self._default

    def snapshot(self) -> list[tuple[StoredWorkspace, bool, list[StoredFile]]]:
        """Every workspace (whether it is the default one, its files oldest first), at once."""
        with self._lock:
            return [
                (
                    workspace,
                    workspace.id == self._default,
                    [f for f in self._shelves[workspace.id].order if f is not None],
                )
                for workspace in self._workspaces.values()
            ]

    def workspaces(self) -> list[StoredWorkspace]:
        """Every workspace, in the order they were added."""
        with self._lock:
            return list(self._workspaces.values())

    def workspace(self, id_or_slug: str) -> StoredWorkspace | None:
        with self._lock:
            found = self._workspaces.get(id_or_slug)
            if found is not None:
                return found
            for workspace in self._workspaces.values():
                if workspace.slug == id_or_slug:
                    return workspace
            return None

    def clear(self) -> None:
        """Forget every workspace and file (uploaded contents are removed from disk)."""
        with self._lock:
            paths = [
                stored.content_path
                for shelf in self._shelves.values()
                for stored in shelf.files.values()
                if stored.content_path is not None
            ]
            self._workspaces.clear()
            self._shelves.clear()
            self._default = None
            self.version += 1
        for path in paths:
            with contextlib.suppress(OSError):
                os.unlink(path)

    # files --------------------------------------------------------------------------------

    def add_file(
        self,
        workspace_id: str,
        filename: str,
        *,
        content: bytes | None = None,
        size_bytes: int | None = None,
        mime_type: str | None = None,
        downloadable: bool = False,
        created_at: datetime | None = None,
        file_id: str | None = None,
        purpose: str = DEFAULT_PURPOSE,
    ) -> StoredFile:
        """Add a file at the end of the workspace's listing.

        Give ``content``, or ``size_bytes`` for generated content. ``mime_type`` defaults to a
        guess from the name (the upload handler passes the sniffed type).
        """
        if content is not None:
            if size_bytes is not None and size_bytes != len(content):
                raise ValueError("size_bytes does not match the content")
            size = len(content)
        elif size_bytes is not None:
            if size_bytes < 0:
                raise ValueError("size_bytes is negative")
            size = size_bytes
        else:
            raise ValueError("give content or size_bytes")
        stored = StoredFile(
            id=file_id or new_file_id(),
            workspace_id=workspace_id,
            filename=filename,
            mime_type=mime_type or mime_for_name(filename),
            size_bytes=size,
            created_at=created_at or datetime.now(UTC),
            downloadable=downloadable,
            content=content,
            purpose=purpose,
        )
        self.add_stored(stored)
        return stored

    def add_file_from(
        self,
        workspace_id: str,
        filename: str,
        source: BinaryIO,
        *,
        mime_type: str,
        purpose: str = DEFAULT_PURPOSE,
    ) -> StoredFile:
        """Add an uploaded file, copying ``source`` (from its start) into the store's folder."""
        source.seek(0)
        handle, path = tempfile.mkstemp(prefix="upload-", dir=self._spool_dir())
        try:
            with os.fdopen(handle, "wb") as target:
                shutil.copyfileobj(source, target, CHUNK_SIZE)
            size = os.path.getsize(path)
            stored = StoredFile(
                id=new_file_id(),
                workspace_id=workspace_id,
                filename=filename,
                mime_type=mime_type,
                size_bytes=size,
                created_at=datetime.now(UTC),
                downloadable=False,
                content_path=path,
                purpose=purpose,
            )
            self.add_stored(stored)
        except BaseException:
            os.unlink(path)
            raise
        return stored

    def _spool_dir(self) -> str:
        with self._lock:
            if self._spool is None:
                self._spool = tempfile.mkdtemp(prefix="orbrowse-emulator-")
                # Removed when the store is collected or at exit; a finalizer never warns.
                weakref.finalize(self, shutil.rmtree, self._spool, ignore_errors=True)
            return self._spool

    def add_stored(self, stored: StoredFile) -> None:
        """Append a ready-made :class:`StoredFile` (the seed generator's fast path)."""
        self.add_many([stored])

    def add_many(self, files: list[StoredFile]) -> None:
        """Append many files to one or more workspaces under a single lock acquisition."""
        with self._lock:
            for stored in files:
                shelf = self._shelf(stored.workspace_id)
                if stored.id in shelf.position:
                    raise ValueError(f"file id {stored.id} already used")
                shelf.position[stored.id] = len(shelf.order)
                shelf.order.append(stored)
                shelf.files[stored.id] = stored
                shelf.used_bytes += stored.size_bytes
            self.version += 1

    def get(self, workspace_id: str, file_id: str) -> StoredFile | None:
        with self._lock:
            shelf = self._shelves.get(workspace_id)
            return None if shelf is None else shelf.files.get(file_id)

    def delete(self, workspace_id: str, file_id: str) -> StoredFile | None:
        """Remove a file; returns it, or ``None`` if the workspace holds no such file."""
        with self._lock:
            shelf = self._shelves.get(workspace_id)
            if shelf is None:
                return None
            stored = shelf.files.pop(file_id, None)
            if stored is None:
                return None
            shelf.order[shelf.position[file_id]] = None
            shelf.tombstones += 1
            shelf.used_bytes -= stored.size_bytes
            self.version += 1
            if shelf.tombstones >= max(_COMPACT_MIN_TOMBSTONES, len(shelf.files)):
                _compact(shelf)
        if stored.content_path is not None:
            # An open download keeps reading the unlinked file (POSIX).
            with contextlib.suppress(OSError):
                os.unlink(stored.content_path)
        return stored

    def file_ids(self, workspace_id: str) -> set[str]:
        with self._lock:
            return set(self._shelf(workspace_id).files)

    def files(self, workspace_id: str) -> list[StoredFile]:
        """Every file of the workspace, oldest first (insertion order)."""
        with self._lock:
            shelf = self._shelf(workspace_id)
            return [stored for stored in shelf.order if stored is not None]

    def count(self, workspace_id: str) -> int:
        with self._lock:
            return len(self._shelf(workspace_id).files)

    def used_bytes(self, workspace_id: str) -> int:
        with self._lock:
            return self._shelf(workspace_id).used_bytes

    def page(
        self, workspace_id: str, *, after: str | None, limit: int, purpose: str | None = None
    ) -> Page:
        """Up to ``limit`` files following ``after`` (an id, live or deleted) or the start.

        Raises :class:`UnknownPosition` if ``after`` was never a file of this workspace.
        Visits only the entries of this page plus any tombstones among them; with a
        ``purpose`` filter, also the files of other purposes passed over (up to the next
        match, to tell whether more follow).
        """
        with self._lock:
            shelf = self._shelf(workspace_id)
            if after is None:
                index = 0
            else:
                known = shelf.position.get(after)
                if known is None:
                    raise UnknownPosition(after)
                index = known + 1
            order = shelf.order
            end = len(order)
            found: list[StoredFile] = []
            scanned = 0
            # Slices and comprehensions, not a loop per entry: a page of 1,000 is the hot path.
            while index < end and len(found) < limit:
                chunk = order[index : index + limit - len(found)]
                index += len(chunk)
                scanned += len(chunk)
                if purpose is None:
                    found += [stored for stored in chunk if stored is not None]
                else:
                    found += [s for s in chunk if s is not None and s.purpose == purpose]
            has_more = False
            while index < end:
                scanned += 1
                stored = order[index]
                if stored is not None and (purpose is None or stored.purpose == purpose):
                    has_more = True
                    break
                index += 1
            self.entries_scanned += scanned
            return Page(files=tuple(found), has_more=has_more)

    def knows(self, workspace_id: str, file_id: str) -> bool:
        """True if the id is or was a file of this workspace (a valid cursor position)."""
        with self._lock:
            shelf = self._shelves.get(workspace_id)
            return shelf is not None and file_id in shelf.position

    def _shelf(self, workspace_id: str) -> _Shelf:
        shelf = self._shelves.get(workspace_id)
        if shelf is None:
            raise KeyError(f"no workspace {workspace_id}")
        return shelf

    # content ------------------------------------------------------------------------------

    def content_of(self, stored: StoredFile) -> bytes:
        """The file's bytes (generated ones are built in full: mind large files)."""
        if stored.content is not None:
            return stored.content
        if stored.content_path is not None:
            with open(stored.content_path, "rb") as handle:
                return handle.read()
        return b"".join(iter_content(stored))


def iter_content(stored: StoredFile, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The file's bytes in chunks; generated content is never held whole."""
    if stored.content is not None:
        for start in range(0, len(stored.content), chunk_size):
            yield stored.content[start : start + chunk_size]
        return
    if stored.content_path is not None:
        with open(stored.content_path, "rb") as handle:
            while chunk := handle.read(chunk_size):
                yield chunk
        return
    yield from _generated(stored, chunk_size)


def _generated(stored: StoredFile, chunk_size: int) -> Iterator[bytes]:
    size = stored.size_bytes
    textual = stored.mime_type.startswith("text/") or stored.mime_type in {
        "application/json",
        "application/x-ndjson",
    }
    prefix = b"" if textual else _MAGIC.get(stored.mime_type, b"")
    seed = hashlib.sha256(f"{stored.id}:{size}".encode()).digest()
    produced = 0
    block = 0
    pending = prefix[:size]
    while produced < size:
        want = min(chunk_size, size - produced)
        while len(pending) < want:
            pending += _block(seed, block, textual)
            block += 1
        chunk, pending = pending[:want], pending[want:]
        produced += len(chunk)
        yield chunk


def _block(seed: bytes, index: int, textual: bool) -> bytes:
    if textual:
        first = index * 1024
        return b"".join(_TEXT_LINE % line for line in range(first, first + 1024))
    return random.Random(seed + index.to_bytes(8, "big")).randbytes(CHUNK_SIZE)


def _compact(shelf: _Shelf) -> None:
    """Drop tombstones; remap every indexed id to the last survivor at or before it."""
    survivors_before: list[int] = []
    new_order: list[StoredFile | None] = []
    for stored in shelf.order:
        if stored is not None:
            new_order.append(stored)
        survivors_before.append(len(new_order) - 1)
    shelf.position = {fid: survivors_before[pos] for fid, pos in shelf.position.items()}
    shelf.order = new_order
    shelf.tombstones = 0


_MIME_BY_EXTENSION: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "json": "application/json",
    "ndjson": "application/x-ndjson",
    "jsonl": "application/x-ndjson",
    "csv": "text/csv",
    "md": "text/markdown",
    "txt": "text/plain",
    "log": "text/plain",
}


def mime_for_name(filename: str) -> str:
    """The type the server would report for a file of this name (seed data only)."""
    _, dot, extension = filename.rpartition(".")
    return _MIME_BY_EXTENSION.get(extension.lower(), "text/plain") if dot else "text/plain"
