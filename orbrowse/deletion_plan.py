"""Deletion plans: what a bulk delete set out to do, so an interrupted one can be finished.

Before the first request, the plan is written in one step (a private temporary file,
fsync, rename, fsync of the folder) to ``deletion-plans/<workspace>/`` beside the deletion
log; every step after it is appended as it happens. ``orbrowse rm --resume`` and the
browser's offer read it back (:func:`newest_unfinished`). One plan file, JSON lines::

    {"orbrowse_deletion_plan": 1, "workspace": "<uuid>" | null, "created": "…", "files": 2}
    {"file": {<the file as `orbrowse ls` prints it>}}            one line per planned file
    {"sending": "<id>"}                                         a delete is about to go out
    {"outcome": "<id>", "result": "<a deletion log result>" | "not attempted"}
    {"finished": "<time>"}  or  {"forgotten": "<time>"}         nothing left to resume

A finished or forgotten plan is renamed ``….finished.jsonl`` / ``….forgotten.jsonl`` and no
longer read when looking for one to resume.

A file's last line decides where it stands: ``sending`` without an outcome after it (the
process died with the request out) or an unknown outcome is *ambiguous*: it is looked up
before anything else. The process running a plan holds an exclusive lock on it
(:mod:`orbrowse.file_lock`: ``flock`` on POSIX), so another orbrowse neither offers nor
resumes a plan that is still running.

Plans are read back as untrusted input: a plan larger than :data:`MAX_PLAN_BYTES` is
refused, as is one whose workspace is not its folder's; a line that is not whole JSON of the
expected shape (a torn last line after ``kill -9``) is skipped and counted; ids must be
printable ASCII without ``/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any, Final

from orbrowse.api.errors import ResponseFormatError
from orbrowse.api.models import FileObject
from orbrowse.closing import ClosedOnExit
from orbrowse.deletion_log import GONE_RESULTS, UNCERTAIN_PREFIX, default_log_path
from orbrowse.file_lock import held_elsewhere, try_lock
from orbrowse.private_file import open_private_append, replace_atomically

PLANS_FOLDER: Final = "deletion-plans"
FORMAT: Final = "orbrowse_deletion_plan"
VERSION: Final = 1
NOT_ATTEMPTED: Final = "not attempted"
MAX_PLAN_BYTES: Final = 256 * 1024 * 1024
"""A plan of 100,000 files with every outcome is about 40 MB; anything far larger is not ours."""
MAX_PLANS_READ: Final = 100
"""Plan files looked at per workspace, newest first (older ones stay on disk, unread)."""
KEY_WORKSPACE: Final = "key-workspace"
"""The folder for plans made without a workspace id (the key's own workspace)."""

_ID: Final = re.compile(r"[\x21-\x2e\x30-\x7e]{1,256}")
_FOLDER_NAME: Final = re.compile(r"[0-9a-z-]{1,64}")

Warn = Callable[[str], None]


def valid_id(value: object) -> bool:
    """Whether ``value`` can be a file id read from a plan (printable ASCII, no ``/``)."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def _folder_name(workspace: str | None) -> str:
    return (workspace or KEY_WORKSPACE).lower()


def plans_folder(log_path: Path, workspace: str | None) -> Path:
    """Where the plans of ``workspace`` (``None``: the key's own) live, beside the log.

    A log that is not a file of its own (``--log /dev/null``, a FIFO) has no folder for
    plans: they go to the default log's folder.
    """
    name = _folder_name(workspace)
    if not _FOLDER_NAME.fullmatch(name):
        raise ValueError(f"{workspace!r} cannot name a plans folder")
    try:
        special = log_path.exists() and not log_path.is_file()
    except OSError:
        special = True
    root = default_log_path().parent if special else log_path.parent
    return root / PLANS_FOLDER / name


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Status(Enum):
    """Where one planned file stands, from the plan's lines."""

    NOT_SENT = "not sent"
    SENDING = "sent, no answer recorded"
    GONE = "gone"
    FAILED = "failed"
    UNCERTAIN = "may have been deleted"
    NOT_ATTEMPTED = "not attempted"


def _status_of(result: str) -> Status:
    if result in GONE_RESULTS:
        return Status.GONE
    if result.startswith(UNCERTAIN_PREFIX):
        return Status.UNCERTAIN
    if result == NOT_ATTEMPTED:
        return Status.NOT_ATTEMPTED
    return Status.FAILED


@dataclass(slots=True)
class Plan:
    """A plan read back: its files and where each stands."""

    path: Path
    workspace: str | None
    created: str
    files: list[FileObject]
    status: dict[str, Status]
    closed: str | None = None
    """``"finished"`` or ``"forgotten"`` when nothing is left to resume."""
    skipped_lines: int = 0
    locked: bool = False
    """Another process holds the plan: it is running now."""

    def where(self, wanted: Iterable[Status]) -> list[FileObject]:
        chosen = set(wanted)
        return [file for file in self.files if self.status[file.id] in chosen]

    @property
    def gone(self) -> list[FileObject]:
        return self.where([Status.GONE])

    @property
    def ambiguous(self) -> list[FileObject]:
        """Sent without a recorded answer, or answered with an unknown outcome: look up."""
        return self.where([Status.SENDING, Status.UNCERTAIN])

    @property
    def to_delete(self) -> list[FileObject]:
        """Never sent, not attempted or failed: delete them."""
        return self.where([Status.NOT_SENT, Status.NOT_ATTEMPTED, Status.FAILED])

    @property
    def remaining(self) -> list[FileObject]:
        """Every file that may still be on the server (ambiguous first)."""
        return self.ambiguous + self.to_delete

    @property
    def settled(self) -> int:
        """Files with an outcome: what the deletion got through before it stopped."""
        done = {Status.GONE, Status.FAILED, Status.UNCERTAIN}
        return sum(1 for status in self.status.values() if status in done)

    @property
    def unfinished(self) -> bool:
        return self.closed is None and not self.locked


def _parse_line(line: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def read_plan(path: Path, *, warn: Warn | None = None) -> Plan | None:
    """The plan at ``path``, or ``None`` (with a warning) when it cannot be one."""

    def warning(text: str) -> None:
        if warn is not None:
            warn(f"deletion plan {path}: {text}")

    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_PLAN_BYTES:
                warning(f"larger than {MAX_PLAN_BYTES // 2**20} MiB; ignored")
                return None
            data = handle.read(MAX_PLAN_BYTES + 1)
            locked = held_elsewhere(handle.fileno())
    except OSError as exc:
        warning(f"cannot be read: {exc.strerror or exc}; ignored")
        return None
    lines = data.split(b"\n")
    header = _parse_line(lines[0])
    if header is None or header.get(FORMAT) != VERSION:
        warning("not a deletion plan this orbrowse can read; ignored")
        return None
    workspace, created = header.get("workspace"), header.get("created")
    if not (workspace is None or isinstance(workspace, str)) or not isinstance(created, str):
        warning("its first line is damaged; ignored")
        return None
    if _folder_name(workspace) != path.parent.name:
        warning(f"it belongs to workspace {workspace!r}, not this one; ignored")
        return None
    plan = Plan(path, workspace, created, [], {}, locked=locked)
    for raw in lines[1:]:
        if raw.strip() and not _apply(plan, _parse_line(raw)):
            plan.skipped_lines += 1
    if plan.skipped_lines:
        warning(f"{plan.skipped_lines:,} damaged lines skipped")
    if not plan.files:
        warning("it plans no files; ignored")
        return None
    return plan


def _apply(plan: Plan, line: dict[str, Any] | None) -> bool:
    """Apply one line to ``plan``; ``False`` when it is not a line of a plan."""
    if line is None:
        return False
    if "file" in line:
        try:
            file = FileObject.from_json(line["file"])
        except ResponseFormatError:
            return False
        if not valid_id(file.id) or file.id in plan.status:
            return False
        plan.files.append(file)
        plan.status[file.id] = Status.NOT_SENT
        return True
    if "sending" in line:
        file_id = line["sending"]
        if not valid_id(file_id) or file_id not in plan.status:
            return False
        plan.status[file_id] = Status.SENDING
        return True
    if "outcome" in line:
        file_id, result = line["outcome"], line.get("result")
        if not valid_id(file_id) or file_id not in plan.status or not isinstance(result, str):
            return False
        plan.status[file_id] = _status_of(result)
        return True
    for closing in CLOSED:
        if isinstance(line.get(closing), str):
            plan.closed = closing
            return True
    return False


CLOSED: Final = ("finished", "forgotten")


def closed_path(path: Path, how: str) -> Path:
    """Where a plan is kept once ``finished`` or ``forgotten`` (out of the resume search)."""
    return path.with_name(f"{path.name.removesuffix('.jsonl')}.{how}.jsonl")


def plan_paths(folder: Path) -> list[Path]:
    """The open plan files in ``folder``, newest first (their names start with the time).

    Closed plans are renamed (:func:`closed_path`), so opening a workspace reads only the
    plans that may still need finishing, however many deletions were made there.
    """
    closed = tuple(f".{how}.jsonl" for how in CLOSED)
    try:
        names = [
            entry.name
            for entry in os.scandir(folder)
            if entry.name.endswith(".jsonl") and not entry.name.endswith(closed)
        ]
    except OSError:
        return []
    return [folder / name for name in sorted(names, reverse=True)]


def unfinished_plans(folder: Path, *, warn: Warn | None = None) -> list[Plan]:
    """The plans in ``folder`` not finished, forgotten or running, newest first."""
    plans = []
    for path in plan_paths(folder)[:MAX_PLANS_READ]:
        plan = read_plan(path, warn=warn)
        if plan is not None and plan.unfinished:
            plans.append(plan)
    return plans


def newest_unfinished(folder: Path, *, warn: Warn | None = None) -> Plan | None:
    plans = unfinished_plans(folder, warn=warn)
    return plans[0] if plans else None


class PlanBusyError(OSError):
    """Another process is running this plan."""


@dataclass(slots=True)
class PlanRecorder(ClosedOnExit):
    """Appends a running deletion's steps to its plan; holds the plan's lock until closed.

    Each line is one ``write`` to a file opened with ``O_APPEND``, so a crash tears at most
    the last line. Raises ``OSError`` when a line cannot be written (the caller stops).
    """

    path: Path
    _fd: int = field(default=-1, repr=False)

    @classmethod
    def create(
        cls, folder: Path, files: Sequence[FileObject], *, workspace: str | None
    ) -> PlanRecorder:
        """Write the plan of deleting ``files`` (durably, in one step) and open it."""
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        created = _now()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")  # names sort oldest first
        path = folder / f"{stamp}-{os.getpid()}-{secrets.token_hex(3)}.jsonl"
        header = {FORMAT: VERSION, "workspace": workspace, "created": created, "files": len(files)}
        lines = [json.dumps(header)] + [json.dumps({"file": file.to_json()}) for file in files]
        replace_atomically(path, "\n".join(lines) + "\n", prefix=f".{path.name}.")
        _sync_folder(folder)
        return cls.open(path)

    @classmethod
    def open(cls, path: Path) -> PlanRecorder:
        """Open an existing plan to append to; :class:`PlanBusyError` if another holds it."""
        fd = open_private_append(path)
        try:
            locked = try_lock(fd)
        except BaseException:
            os.close(fd)
            raise
        if not locked:
            os.close(fd)
            raise PlanBusyError(f"{path} is being run by another orbrowse")
        return cls(path, fd)

    def _write(self, lines: Iterable[dict[str, Any]]) -> None:
        data = "".join(json.dumps(line) + "\n" for line in lines).encode("ascii")
        while data:
            data = data[os.write(self._fd, data) :]

    def sending(self, file_id: str) -> None:
        self._write([{"sending": file_id}])

    def outcome(self, file_id: str, result: str) -> None:
        self._write([{"outcome": file_id, "result": result}])

    def not_attempted(self, files: Iterable[FileObject]) -> None:
        self._write({"outcome": file.id, "result": NOT_ATTEMPTED} for file in files)

    def close_as(self, how: str) -> None:
        """Mark the plan ``finished`` or ``forgotten`` (nothing is left to resume) and move
        it to :func:`closed_path`."""
        self._write([{how: _now()}])
        os.fsync(self._fd)
        target = closed_path(self.path, how)
        os.replace(self.path, target)
        self.path = target
        _sync_folder(target.parent)

    def close(self) -> None:
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.fsync(self._fd)
            os.close(self._fd)  # releases the lock
            self._fd = -1


def forget(plan: Plan) -> None:
    """Mark ``plan`` forgotten (never offered again); raises ``OSError`` if it cannot be."""
    with PlanRecorder.open(plan.path) as recorder:
        recorder.close_as("forgotten")


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
