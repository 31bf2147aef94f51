"""Delete many files with bounded concurrency: used by the TUI, the CLI and the benchmark.

A fixed pool of ``concurrency`` workers takes files from one queue in order. Every attempt's
final result goes to the :class:`~orbrowse.deletion_log.DeletionLog` before the next file is
taken, so the log is a faithful record even if the process dies mid-run.

Outcomes are facts, not guesses. A :class:`BulkReport` puts each file in exactly one of four
lists:

- ``deleted``: gone from the server. The server confirmed this very deletion; or a delete whose
  answer was lost was followed by a lookup (``GET /files/{id}``) that answered 404 (also in
  ``confirmed_by_lookup``); or the server answered 404 at once, meaning the file was already
  gone (also in ``already_gone``; not deleted by this run). :attr:`BulkReport.deleted_now`
  excludes those. Only the API's own 404 (its JSON error) counts: a proxy's or a web
  server's 404 page says nothing about the file.
- ``failed``: certainly not deleted (a refusal, or a lookup found the file still there after
  every round), with :func:`orbrowse.api.errors.describe` as the reason.
- ``uncertain``: the outcome is not known: the delete's answer was lost and the lookup failed
  too, or the request was cancelled in flight. The file may have been deleted.
- ``not_attempted``: never sent, because the run was stopped or cancelled, the log could not
  be written, or the key was refused (after a 401 or 403 every other request would fail the
  same way, so no more are sent).

An ambiguous delete (:class:`~orbrowse.api.errors.OutcomeUnknownError`: connection lost after
the request was sent, a timeout, a 5xx, a confirmation naming another file) is checked with a
lookup: 404 means deleted, 200 means not deleted and the delete is sent again (at most
``MAX_ROUNDS`` deletes in all), anything else leaves the file ``uncertain``.

With a ``plan`` (:class:`~orbrowse.deletion_plan.PlanRecorder`), each file is recorded there
as being sent before its delete goes out and with its outcome after; the files never sent
are recorded as not attempted when the run ends. A plan line that cannot be written stops
the run like the log.

A server that cannot be reached stops the run: after ``UNREACHABLE_STOP`` files in a row whose
every attempt found no server (connection refused, lost, timed out; the client's retries
spent), no new deletion starts (``server_unreachable`` in the report) and the rest are not
attempted, rather than each one retried in turn for seconds. An answer from the server (an
error such as 404 or 500 included) starts the count again.

Stopping: :meth:`BulkDelete.stop` (or the ``stop`` event) starts no new deletions and lets
those in flight finish, then returns the report. Cancelling the task does the same and then
re-raises ``CancelledError``; :attr:`BulkDelete.report` holds the outcome. A second
cancellation while waiting cancels the requests in flight: those files are ``uncertain`` with
a reason saying so.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Final, Protocol, TypedDict, Unpack

from orbrowse.api.errors import (
    APIConnectionError,
    AuthenticationError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitHoldError,
    describe,
)
from orbrowse.api.models import FileObject
from orbrowse.deletion_log import (
    RESULT_ALREADY_GONE,
    RESULT_DELETED,
    RESULT_DELETED_CONFIRMED,
    DeletionLog,
    failed_result,
    uncertain_result,
)
from orbrowse.deletion_plan import PlanRecorder

UNKNOWN_OUTCOME: Final = "cancelled while the request was in flight; the file may have been deleted"
MAX_ROUNDS: Final = 3
"""Deletes sent for one file at most when lookups keep finding it still there."""
UNREACHABLE_STOP: Final = 3
"""Files in a row that found no server (each after the client's retries) that stop a run."""
UNREACHABLE: Final = "the server cannot be reached"


class FileDeleter(Protocol):
    """What the engine needs of a client (``FilesClient`` satisfies it)."""

    async def delete_file(self, file_id: str) -> str: ...

    async def get_file(self, file_id: str) -> FileObject: ...


class Outcome(Enum):
    DELETED = "deleted"
    CONFIRMED = "deleted; the answer was lost, confirmed by lookup"
    ALREADY_GONE = "already gone"
    FAILED = "failed"
    UNCERTAIN = "may have been deleted"


Resolved = tuple[Outcome, str | None, APIConnectionError | None]
"""What became of one file: its outcome, the reason (or ``None``), and the error of its last
attempt when that found no server (for :data:`UNREACHABLE_STOP`)."""


def _no_server(error: BaseException) -> APIConnectionError | None:
    """``error`` when it says the server could not be reached (no answer came), else ``None``."""
    if isinstance(error, APIConnectionError) and not isinstance(error, RateLimitHoldError):
        return error
    return None


@dataclass(frozen=True, slots=True)
class BulkProgress:
    """A snapshot after each finished attempt."""

    total: int
    deleted: int
    failed: int
    in_flight: int
    last: FileObject | None = None
    last_result: str | None = None
    uncertain: int = 0

    @property
    def done(self) -> int:
        return self.deleted + self.failed + self.uncertain


@dataclass(slots=True)
class BulkReport:
    """Where every file ended up: each file is in exactly one of ``deleted``, ``failed``,
    ``uncertain`` and ``not_attempted``."""

    deleted: list[FileObject] = field(default_factory=list)
    failed: list[tuple[FileObject, str]] = field(default_factory=list)
    not_attempted: list[FileObject] = field(default_factory=list)
    already_gone: list[FileObject] = field(default_factory=list)
    """The subset of ``deleted`` that the server answered 404 for at once."""
    uncertain: list[tuple[FileObject, str]] = field(default_factory=list)
    """The outcome is unknown: these may have been deleted."""
    confirmed_by_lookup: list[FileObject] = field(default_factory=list)
    """The subset of ``deleted`` whose answer was lost and a lookup found gone."""
    stopped: bool = False
    """Stopped early: by the user, a cancellation, a refused key, an unwritable log or a
    server that cannot be reached."""
    stop_reason: str | None = None
    log_error: str | None = None
    server_unreachable: bool = False
    """Stopped because the server could not be reached (``UNREACHABLE_STOP`` files in a row)."""

    @property
    def deleted_ids(self) -> set[str]:
        """Every file no longer on the server (``already_gone`` included)."""
        return {f.id for f in self.deleted}

    @property
    def deleted_now(self) -> list[FileObject]:
        """``deleted`` without ``already_gone``: the files this run deleted."""
        gone = {f.id for f in self.already_gone}
        return [f for f in self.deleted if f.id not in gone]

    @property
    def retryable(self) -> list[FileObject]:
        """Failed, uncertain and not-attempted files, in that order: what a "retry" sends
        again (a retried uncertain file that is gone answers 404 and counts as gone)."""
        return (
            [f for f, _ in self.failed] + [f for f, _ in self.uncertain] + list(self.not_attempted)
        )

    def absorb(self, run: BulkReport, retried: Sequence[FileObject]) -> None:
        """Fold a retry ``run`` of the files ``retried`` into this report.

        Afterwards this report says where every file of every run stands after its last
        attempt (each file still in exactly one list).
        """
        ids = {file.id for file in retried}
        self.deleted.extend(run.deleted)
        self.already_gone.extend(run.already_gone)
        self.confirmed_by_lookup.extend(run.confirmed_by_lookup)
        self.failed = [item for item in self.failed if item[0].id not in ids] + run.failed
        self.uncertain = [item for item in self.uncertain if item[0].id not in ids] + run.uncertain
        self.not_attempted = [f for f in self.not_attempted if f.id not in ids] + run.not_attempted
        self.stopped = run.stopped
        self.stop_reason = run.stop_reason
        self.server_unreachable = run.server_unreachable
        self.log_error = self.log_error or run.log_error


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
        plan: PlanRecorder | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.client = client
        self.files = tuple(files)
        self.concurrency = concurrency
        self.log = log
        self.workspace_id = workspace_id
        self.on_progress = on_progress
        self.plan = plan
        self.report = BulkReport()
        self._pending: deque[FileObject] = deque(self.files)
        self._stop = stop if stop is not None else asyncio.Event()
        self._in_flight = 0
        self._started = False
        self._unreachable_in_a_row = 0
        self._attempt_ended = asyncio.Event()

    def stop(self, reason: str = "stopped by the user") -> None:
        """Start no new deletions; those in flight finish."""
        if not self._stop.is_set():
            self.report.stop_reason = self.report.stop_reason or reason
            self._stop.set()
            self._attempt_ended.set()  # a worker holding back sees it at once

    @property
    def stopping(self) -> bool:
        """Stop was asked for (:meth:`stop`, the ``stop`` event or a cancellation)."""
        return self._stop.is_set()

    @property
    def progress(self) -> BulkProgress:
        """Where the run stands now."""
        return BulkProgress(
            total=len(self.files),
            deleted=len(self.report.deleted),
            failed=len(self.report.failed),
            in_flight=self._in_flight,
            uncertain=len(self.report.uncertain),
        )

    async def run(self) -> BulkReport:
        if self._started:
            raise RuntimeError("a BulkDelete runs once")
        self._started = True
        # One open log file for the run (an open per line was ~5% of its CPU), closed as
        # the run ends, cancelled or not.
        with self.log.held_open() if self.log is not None else contextlib.nullcontext():
            return await self._run()

    async def _run(self) -> BulkReport:
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
        if self._pending and self.plan is not None:
            with contextlib.suppress(OSError):  # a plan without these lines reads the same
                self.plan.not_attempted(self._pending)
        self.report.not_attempted.extend(self._pending)
        self._pending.clear()
        if self.report.not_attempted or self._stop.is_set():
            self.report.stopped = True
            self.report.stop_reason = self.report.stop_reason or "stopped"

    async def _worker(self) -> None:
        while self._pending and not self._stop.is_set():
            if self._unreachable_in_a_row and self._in_flight:
                # A file found no server: start no other until those in flight are known
                # (each would spend its retries on it too).
                self._attempt_ended.clear()
                await self._attempt_ended.wait()
                continue
            file = self._pending[0]
            if not self._note_sending(file):
                return
            self._pending.popleft()
            self._in_flight += 1
            try:
                outcome, reason, unreachable = await self._attempt(file)
            finally:
                self._in_flight -= 1
                self._attempt_ended.set()
            self._count_unreachable(unreachable)
            try:
                self._settle(file, outcome, reason)
            except Exception:
                # A failing progress callback is a bug in the caller: stop sending more.
                self.stop("internal error")
                raise

    def _count_unreachable(self, error: APIConnectionError | None) -> None:
        """Count the files in a row that found no server; stop the run at the limit."""
        if error is None:
            self._unreachable_in_a_row = 0
            return
        self._unreachable_in_a_row += 1
        if (
            self._unreachable_in_a_row >= UNREACHABLE_STOP
            and self._pending  # with nothing left to send, the run ends as it is
            and not self._stop.is_set()
        ):
            self.report.server_unreachable = True
            self.stop(f"{UNREACHABLE}: {describe(error)}")

    async def _attempt(self, file: FileObject) -> Resolved:
        """What became of ``file``; records a request cancelled in flight first."""
        try:
            return await self._resolve(file)
        except asyncio.CancelledError:
            self.report.uncertain.append((file, UNKNOWN_OUTCOME))
            self._write_log(file, uncertain_result(UNKNOWN_OUTCOME))
            raise

    async def _resolve(self, file: FileObject) -> Resolved:
        reason = ""
        for _ in range(MAX_ROUNDS):
            try:
                await self.client.delete_file(file.id)
            except NotFoundError as exc:
                if not exc.from_api:  # a proxy's or web server's 404: the API never saw it
                    return Outcome.FAILED, describe(exc), None
                return Outcome.ALREADY_GONE, None, None
            except OutcomeUnknownError as exc:
                reason = describe(exc)
                try:
                    await self.client.get_file(file.id)
                except NotFoundError as lookup_error:
                    if not lookup_error.from_api:
                        why = describe(lookup_error)
                        return Outcome.UNCERTAIN, f"{reason}; the lookup failed: {why}", None
                    return Outcome.CONFIRMED, None, None
                except (AuthenticationError, PermissionDeniedError) as lookup_error:
                    self.stop(f"the server refused the key: {describe(lookup_error)}")
                    return Outcome.UNCERTAIN, f"{reason}; the lookup was refused", None
                except Exception as lookup_error:
                    why = describe(lookup_error)
                    return (
                        Outcome.UNCERTAIN,
                        f"{reason}; the lookup failed: {why}",
                        _no_server(lookup_error),
                    )
                continue  # still there: not deleted, so send the delete again
            except (AuthenticationError, PermissionDeniedError) as exc:
                reason = describe(exc)
                self.stop(f"the server refused the key: {reason}")
                return Outcome.FAILED, reason, None
            except Exception as exc:  # one bad answer must not abandon the rest of the run
                return Outcome.FAILED, describe(exc), _no_server(exc)
            return Outcome.DELETED, None, None
        return Outcome.FAILED, f"{reason}; a lookup found the file still there: not deleted", None

    def _settle(self, file: FileObject, outcome: Outcome, reason: str | None) -> None:
        report = self.report
        if outcome is Outcome.FAILED:
            report.failed.append((file, reason or "failed"))
            result = failed_result(reason or "failed")
        elif outcome is Outcome.UNCERTAIN:
            report.uncertain.append((file, reason or "unknown"))
            result = uncertain_result(reason or "unknown")
        else:
            report.deleted.append(file)
            if outcome is Outcome.ALREADY_GONE:
                report.already_gone.append(file)
                result = RESULT_ALREADY_GONE
            elif outcome is Outcome.CONFIRMED:
                report.confirmed_by_lookup.append(file)
                result = RESULT_DELETED_CONFIRMED
            else:
                result = RESULT_DELETED
        self._write_log(file, result)
        if self.on_progress is not None:
            self.on_progress(
                BulkProgress(
                    total=len(self.files),
                    deleted=len(report.deleted),
                    failed=len(report.failed),
                    in_flight=self._in_flight,
                    last=file,
                    last_result=result,
                    uncertain=len(report.uncertain),
                )
            )

    def _note_sending(self, file: FileObject) -> bool:
        """Record in the plan that ``file``'s delete goes out; ``False`` (and stop) if not."""
        if self.plan is None:
            return True
        try:
            self.plan.sending(file.id)
        except OSError as exc:
            self._record_failed(self.plan.path, "deletion plan", exc)
            return False
        return True

    def _write_log(self, file: FileObject, result: str) -> None:
        # The log first: a process killed between the two writes then leaves the plan
        # without this outcome, so a resume looks the file up (and logs it again) rather
        # than skipping a deletion the log never recorded.
        if self.log is not None:
            try:
                self.log.record(file, result, workspace=self.workspace_id)
            except OSError as exc:
                self._record_failed(self.log.path, "deletion log", exc)
        if self.plan is not None:
            try:
                self.plan.outcome(file.id, result)
            except OSError as exc:
                self._record_failed(self.plan.path, "deletion plan", exc)

    def _record_failed(self, path: Path, what: str, exc: OSError) -> None:
        message = f"the {what} {path} could not be written: {exc.strerror or exc}"
        if self.report.log_error is None:
            self.report.log_error = message
        # Without a record the user cannot tell later what went: stop here.
        self.stop(message)


@dataclass(frozen=True, slots=True)
class DeletionSetup:
    """What every run of one deletion shares (the first run, each retry, a resumed plan's
    lookups): the client, the workspace, the log and how many requests go at once."""

    client: FileDeleter
    workspace_id: str | None
    log: DeletionLog | None = None
    concurrency: int = 8

    def job(
        self,
        files: Sequence[FileObject],
        *,
        on_progress: Callable[[BulkProgress], None] | None = None,
        plan: PlanRecorder | None = None,
    ) -> BulkDelete:
        """One run over ``files``."""
        return BulkDelete(
            self.client,
            files,
            concurrency=self.concurrency,
            log=self.log,
            workspace_id=self.workspace_id,
            on_progress=on_progress,
            plan=plan,
        )


class BulkOptions(TypedDict, total=False):
    """:class:`BulkDelete`'s optional keywords (its defaults apply to those left out)."""

    concurrency: int
    log: DeletionLog | None
    on_progress: Callable[[BulkProgress], None] | None
    stop: asyncio.Event | None
    plan: PlanRecorder | None


async def delete_files(
    client: FileDeleter,
    files: Sequence[FileObject],
    *,
    workspace_id: str | None,
    **options: Unpack[BulkOptions],
) -> BulkReport:
    """Delete ``files`` (see the module docstring); returns where each one ended up."""
    return await BulkDelete(client, files, workspace_id=workspace_id, **options).run()
