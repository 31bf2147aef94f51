"""Delete many files with bounded concurrency: used by the TUI, the CLI and the benchmark.

A fixed pool of ``concurrency`` workers takes files from one queue in order. Every attempt's
final result goes to the :class:`~orbrowse.deletion_log.DeletionLog` before the next file is
taken, so the log is a faithful record even if the process dies mid-run.

Outcomes (a :class:`BulkReport` puts each file in exactly one list):

- ``deleted``: the server said so; or answered 404, meaning the file was already gone (the
  goal, "this file is not on the server", holds; such files are also in ``already_gone`` and
  their log result is ``already gone``).
- ``failed``: any other error, with :func:`orbrowse.api.errors.describe` as the reason. A
  connection dropped after the request was sent leaves the outcome unknown; the client's
  retry resolves that (a retried delete answered 404 is done), but with retries turned off
  such a file is reported failed even though the server may have deleted it.
- ``not_attempted``: never sent, because the run was stopped or cancelled, the log could not
  be written, or the key was refused (after a 401 or 403 every other request would fail the
  same way, so no more are sent).

Stopping: :meth:`BulkDelete.stop` (or the ``stop`` event) starts no new deletions and lets
those in flight finish, then returns the report. Cancelling the task does the same and then
re-raises ``CancelledError``; :attr:`BulkDelete.report` holds the outcome. A second
cancellation while waiting cancels the requests in flight: those files are ``failed`` with a
reason saying their outcome is unknown, and logged as ``cancelled``.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from orbrowse.api.errors import AuthenticationError, NotFoundError, PermissionDeniedError, describe
from orbrowse.api.models import FileObject
from orbrowse.deletion_log import (
    RESULT_ALREADY_GONE,
    RESULT_CANCELLED,
    RESULT_DELETED,
    DeletionLog,
    failed_result,
)

UNKNOWN_OUTCOME = "cancelled while the request was in flight; the file may or may not be deleted"


class FileDeleter(Protocol):
    """What the engine needs of a client (``FilesClient`` satisfies it)."""

    async def delete_file(self, file_id: str) -> str: ...


@dataclass(frozen=True, slots=True)
class BulkProgress:
    """A snapshot after each finished attempt."""

    total: int
    deleted: int
    failed: int
    in_flight: int
    last: FileObject | None = None
    last_result: str | None = None

    @property
    def done(self) -> int:
        return self.deleted + self.failed


@dataclass(slots=True)
class BulkReport:
    """Where every file ended up; each file is in exactly one of the three lists."""

    deleted: list[FileObject] = field(default_factory=list)
    failed: list[tuple[FileObject, str]] = field(default_factory=list)
    not_attempted: list[FileObject] = field(default_factory=list)
    already_gone: list[FileObject] = field(default_factory=list)
    """The subset of ``deleted`` that the server answered 404 for."""
    stopped: bool = False
    """Stopped early: by the user, a cancellation, a refused key or an unwritable log."""
    stop_reason: str | None = None
    log_error: str | None = None

    @property
    def deleted_ids(self) -> set[str]:
        return {f.id for f in self.deleted}

    @property
    def retryable(self) -> list[FileObject]:
        """Failed and not-attempted files, in that order: what a "retry" would send again."""
        return [f for f, _ in self.failed] + list(self.not_attempted)


class BulkDelete:
    """One bulk deletion; :meth:`run` once. ``report`` is live while it runs."""

    def __init__(
        self,
        client: FileDeleter,
        files: Sequence[FileObject],
        *,
        concurrency: int = 8,
        log: DeletionLog | None = None,
        workspace_id: str | None,
        on_progress: Callable[[BulkProgress], None] | None = None,
        stop: asyncio.Event | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.client = client
        self.files = tuple(files)
        self.concurrency = concurrency
        self.log = log
        self.workspace_id = workspace_id
        self.on_progress = on_progress
        self.report = BulkReport()
        self._pending: deque[FileObject] = deque(self.files)
        self._stop = stop if stop is not None else asyncio.Event()
        self._in_flight = 0
        self._started = False

    def stop(self, reason: str = "stopped by the user") -> None:
        """Start no new deletions; those in flight finish."""
        if not self._stop.is_set():
            self.report.stop_reason = self.report.stop_reason or reason
            self._stop.set()

    async def run(self) -> BulkReport:
        if self._started:
            raise RuntimeError("a BulkDelete runs once")
        self._started = True
        workers = [
            asyncio.create_task(self._worker(), name=f"bulk-delete-{n}")
            for n in range(min(self.concurrency, len(self.files)))
        ]
        if not workers:
            self._finish()
            return self.report
        try:
            # asyncio.wait, unlike gather, leaves the workers running when we are cancelled.
            await asyncio.wait(workers)
        except asyncio.CancelledError:
            self.stop("cancelled")
            try:
                await asyncio.wait(workers)
            except asyncio.CancelledError:
                for worker in workers:
                    worker.cancel()
                await asyncio.wait(workers)
                raise
            finally:
                self._finish()
            raise
        self._finish()
        for worker in workers:
            error = worker.exception()
            if error is not None:
                raise error
        return self.report

    def _finish(self) -> None:
        self.report.not_attempted.extend(self._pending)
        self._pending.clear()
        if self.report.not_attempted or self._stop.is_set():
            self.report.stopped = True
            self.report.stop_reason = self.report.stop_reason or "stopped"

    async def _worker(self) -> None:
        while self._pending and not self._stop.is_set():
            file = self._pending.popleft()
            self._in_flight += 1
            try:
                outcome = await self._attempt(file)
            finally:
                self._in_flight -= 1
            try:
                self._settle(file, outcome)
            except Exception:
                # A failing progress callback is a bug in the caller: stop sending more.
                self.stop("internal error")
                raise

    async def _attempt(self, file: FileObject) -> tuple[str, str | None]:
        """``(log result, failure reason or None)``; records a cancelled request first."""
        try:
            await self.client.delete_file(file.id)
        except NotFoundError:
            return RESULT_ALREADY_GONE, None
        except asyncio.CancelledError:
            self.report.failed.append((file, UNKNOWN_OUTCOME))
            self._write_log(file, RESULT_CANCELLED)
            raise
        except (AuthenticationError, PermissionDeniedError) as exc:
            reason = describe(exc)
            self.stop(f"the server refused the key: {reason}")
            return failed_result(reason), reason
        except Exception as exc:  # one bad answer must not abandon the rest of the run
            reason = describe(exc)
            return failed_result(reason), reason
        return RESULT_DELETED, None

    def _settle(self, file: FileObject, outcome: tuple[str, str | None]) -> None:
        result, reason = outcome
        if reason is None:
            self.report.deleted.append(file)
            if result == RESULT_ALREADY_GONE:
                self.report.already_gone.append(file)
        else:
            self.report.failed.append((file, reason))
        self._write_log(file, result)
        if self.on_progress is not None:
            self.on_progress(
                BulkProgress(
                    total=len(self.files),
                    deleted=len(self.report.deleted),
                    failed=len(self.report.failed),
                    in_flight=self._in_flight,
                    last=file,
                    last_result=result,
                )
            )

    def _write_log(self, file: FileObject, result: str) -> None:
        if self.log is None:
            return
        try:
            self.log.record(file, result, workspace=self.workspace_id)
        except OSError as exc:
            message = (
                f"the deletion log {self.log.path} could not be written: {exc.strerror or exc}"
            )
            if self.report.log_error is None:
                self.report.log_error = message
            # Without a record the user cannot tell later what went: stop here.
            self.stop(message)


async def delete_files(
    client: FileDeleter,
    files: Sequence[FileObject],
    *,
    concurrency: int = 8,
    log: DeletionLog | None = None,
    workspace_id: str | None,
    on_progress: Callable[[BulkProgress], None] | None = None,
    stop: asyncio.Event | None = None,
) -> BulkReport:
    """Delete ``files`` (see the module docstring); returns where each one ended up."""
    job = BulkDelete(
        client,
        files,
        concurrency=concurrency,
        log=log,
        workspace_id=workspace_id,
        on_progress=on_progress,
        stop=stop,
    )
    return await job.run()
