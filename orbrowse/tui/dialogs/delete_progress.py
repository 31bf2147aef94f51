"""Run a confirmed deletion: an undo countdown, live counts, a report with Retry failed.

Before the first request the deletion's plan is written beside the deletion log and each step
is recorded in it (:mod:`orbrowse.deletion_plan`); given a plan to resume, the dialog looks
up its ambiguous files first and deletes the rest (:mod:`orbrowse.resume`).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence
from typing import ClassVar, Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Button, ProgressBar, Static

from orbrowse.api.errors import OpenRouterError, describe
from orbrowse.api.models import FileObject
from orbrowse.bulk import (
    UNREACHABLE,
    BulkDelete,
    BulkProgress,
    BulkReport,
    DeletionSetup,
    FileDeleter,
)
from orbrowse.deletion_log import DeletionLog
from orbrowse.deletion_plan import Plan, PlanRecorder, plans_folder
from orbrowse.listing.workspace_label import WorkspaceLabel
from orbrowse.resume import Checked, check_ambiguous, close_if_done, to_send
from orbrowse.tui.dialogs._common import count_files, file_lines, plain, workspace_line
from orbrowse.tui.dialogs.base import Dialog, DialogFrame
from orbrowse.tui.hangup import HANGUP

Phase = Literal["undo", "running", "report"]


QUIET_SHOWN = 3.0
"""Seconds without a finished deletion, with some left, after which the counts say that the
server is being waited for (and for how long)."""


class DeleteProgressDialog(Dialog[BulkReport | None]):
    """Deletes ``files`` after an undo window; dismisses with everything that was deleted.

    ``None`` means the user undid it and nothing was sent. Otherwise the result is a
    :class:`BulkReport` combining every run (the first and each retry), so the browser can
    drop exactly the rows in ``deleted``. Each run is one :class:`BulkDelete`; Stop asks it
    to send no more.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "u,escape",
            "undo",
            "Undo: delete nothing",
            id="delete.undo",
            tooltip="During the countdown: nothing is sent",
        ),
        Binding(
            "escape,s",
            "stop",
            "Stop: send no more",
            id="delete.stop",
            tooltip="Send no more deletions; those already sent finish",
        ),
        Binding(
            "r",
            "retry",
            "Retry the files not deleted",
            id="delete.retry",
            tooltip="Try again the files that failed, are unknown or were never sent",
        ),
        Binding("escape,c", "close", "Close", id="delete.close", tooltip="Close the report"),
    ]

    phase: reactive[Phase] = reactive[Phase]("undo", bindings=True)

    BUTTON_ACTIONS: ClassVar[dict[str, str]] = {
        name: name for name in ("undo", "stop", "retry", "close")
    }

    def __init__(
        self,
        client: FileDeleter,
        files: Sequence[FileObject],
        *,
        concurrency: int = 8,
        undo_seconds: float = 5.0,
        log: DeletionLog | None = None,
        workspace_id: str | None = None,
        resumed: Plan | None = None,
        workspace: WorkspaceLabel | None = None,
    ) -> None:
        """``resumed``: finish that plan (``files`` are its remaining files)."""
        if not files:
            raise ValueError("DeleteProgressDialog needs at least one file")
        super().__init__(cancel_result=None)
        self.setup = DeletionSetup(client, workspace_id, log, concurrency)
        self.files = tuple(files)
        self.undo_seconds = undo_seconds
        self.resumed = resumed
        self.workspace = workspace
        self.report: BulkReport | None = None
        """Everything so far, across runs; ``None`` until the first run ends."""
        self._job: BulkDelete | None = None
        self.plan: PlanRecorder | None = None
        self._plan_open = True
        self._checked: Checked | None = None
        self._progress: BulkProgress | None = None
        self._progress_at = time.monotonic()
        """When the last attempt ended (or the run started): a long quiet is said."""

    @property
    def stopping(self) -> bool:
        """Stop was asked for and the deletions already sent are still finishing."""
        return self.phase == "running" and self._job is not None and self._job.stopping

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog -wide -danger"):
            yield Static(
                Text(f"Deleting {count_files(len(self.files))}"), id="title", classes="dialog-title"
            )
            if self.workspace is not None:
                yield workspace_line(self.workspace)
            with Vertical(id="undo-area"):
                yield Static(Text(""), id="countdown")
                yield Static(
                    Text("Press u or Escape to undo: nothing is deleted until the countdown ends"),
                    classes="dialog-hint",
                )
            with Vertical(id="running-area"):
                yield Static(Text(""), id="counts")
                yield ProgressBar(total=len(self.files), show_eta=False, id="progress")
            with Vertical(id="report-area"):
                yield Static(Text(""), id="summary")
                with VerticalScroll(id="failures"):
                    yield Static(Text(""), id="failure-lines")
            with Horizontal(classes="dialog-buttons dialog-actions"):
                yield Button("Undo", id="undo", variant="primary")
                yield Button("Stop", id="stop", variant="warning")
                yield Button("Retry", id="retry", variant="warning")
                yield Button("Close", id="close", variant="primary")

    def on_mount(self) -> None:
        self._enter("undo" if self.undo_seconds > 0 else "running")
        self._run(self.files, undo=self.undo_seconds > 0)
        self.set_interval(1.0, self._show_the_wait)

    # -- phases -----------------------------------------------------------------------------

    def _enter(self, phase: Phase) -> None:
        self.phase = phase
        shown = {
            "undo": ("#undo-area", "#undo"),
            "running": ("#running-area", "#stop"),
            "report": ("#report-area", "#close", "#retry"),
        }[phase]
        for selector in ("#undo-area", "#running-area", "#report-area"):
            self.query_one(selector).set_class(selector not in shown, "hidden")
        for selector in ("#undo", "#stop", "#retry", "#close"):
            self.query_one(selector).set_class(selector not in shown, "hidden")
        self.query_one("#stop", Button).disabled = False
        if phase == "report":
            retryable = self.report.retryable if self.report else []
            self.query_one("#retry").set_class(not retryable, "hidden")
            self.query_one("#retry", Button).label = f"Retry {count_files(len(retryable))}"
        focus = {"undo": "#undo", "running": "#stop", "report": "#close"}[phase]
        self.query_one(focus, Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return self.phase == "undo"
        if action == "stop":
            return self.phase == "running"
        if action == "close":
            return self.phase == "report"
        if action == "retry":
            return self.phase == "report" and bool(self.report and self.report.retryable)
        return True

    # -- the work ---------------------------------------------------------------------------

    async def _countdown(self) -> None:
        deadline = time.monotonic() + self.undo_seconds
        label = self.query_one("#countdown", Static)
        while (remaining := deadline - time.monotonic()) > 0:
            label.update(Text(f"Starts in {math.ceil(remaining)} s…"))
            # Wake on each whole second left, so the number ticks 5…4…3.
            await asyncio.sleep(min(remaining, remaining % 1 or 1.0))

    def _show_progress(self, progress: BulkProgress) -> None:
        self._progress, self._progress_at = progress, time.monotonic()
        if (
            self.phase == "running"
            and self._job is not None
            and self._job.report.server_unreachable
        ):
            self._show_title(f"Stopping: {UNREACHABLE}…")
        self.query_one("#progress", ProgressBar).update(
            total=progress.total, progress=progress.done
        )
        self._show_counts()

    def _show_counts(self) -> None:
        progress = self._progress
        if progress is None:
            return
        counts = Text(
            f"{progress.done:,} of {progress.total:,} done · "
            f"{progress.deleted:,} deleted · {progress.failed:,} failed"
            + (f" · {progress.uncertain:,} unknown" if progress.uncertain else "")
        )
        quiet = time.monotonic() - self._progress_at
        if progress.done < progress.total and quiet >= QUIET_SHOWN:
            # A rate limit's hold or retries after server errors: not hung.
            counts.append(f" · waiting for the server ({quiet:.0f} s)…")
        if self.stopping:
            unreachable = self._job is not None and self._job.report.server_unreachable
            why = f" {UNREACHABLE}:" if unreachable else ""
            counts.append(f"\nstopping…{why} waiting for the deletions already sent", style="bold")
        self.query_one("#counts", Static).update(counts)

    def _show_the_wait(self) -> None:
        if self.phase == "running":
            self._show_counts()

    def _open_plan(self, files: Sequence[FileObject]) -> PlanRecorder | None:
        """The plan to record into (written now, or the resumed one); ``None`` without a
        log. Raises ``OSError`` (or ``ValueError``) when it cannot be written."""
        if self.resumed is not None:
            return PlanRecorder.open(self.resumed.path)
        log, workspace_id = self.setup.log, self.setup.workspace_id
        if log is None:
            return None
        folder = plans_folder(log.path, workspace_id)
        return PlanRecorder.create(folder, files, workspace=workspace_id)

    async def _first_steps(self, files: Sequence[FileObject]) -> Sequence[FileObject] | str:
        """Before the first run: write the plan, and look up a resumed plan's ambiguous files.
        What to delete, or why nothing may be."""
        try:
            self.plan = self._open_plan(files)
        except (OSError, ValueError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            return f"the deletion plan could not be written: {why}"
        if self.resumed is None or self.plan is None:
            return files
        self._show_title(f"Looking up {count_files(len(self.resumed.ambiguous))} sent before")
        try:
            self._checked = await check_ambiguous(self.setup, self.resumed.ambiguous, self.plan)
        except OpenRouterError as exc:
            return f"the lookups failed: {describe(exc)}"
        except OSError as exc:
            return f"the deletion plan or log could not be written: {exc.strerror or exc}"
        return to_send(self.resumed, self._checked)

    @work(exclusive=True, group="delete")
    async def _run(self, files: Sequence[FileObject], *, undo: bool) -> None:
        if undo:
            await self._countdown()
        checked: Checked | None = None
        if self.plan is None and (self.setup.log is not None or self.resumed is not None):
            self._enter("running")
            steps = await self._first_steps(files)
            if isinstance(steps, str):  # nothing was sent: Retry starts over
                self.report = BulkReport(not_attempted=list(files), stopped=True, stop_reason=steps)
                self._show_title("Nothing was deleted")
                self._show_report()
                self._enter("report")
                return
            files, checked = steps, self._checked
        self._job = self.setup.job(files, on_progress=self._show_progress, plan=self.plan)
        self._enter("running")
        self._show_title(f"Deleting {count_files(len(files))}")
        self._show_progress(BulkProgress(total=len(files), deleted=0, failed=0, in_flight=0))
        with HANGUP.running(self._job, self.plan):
            run = await self._job.run()
        if checked is not None:
            run.deleted.extend(checked.gone)
            run.confirmed_by_lookup.extend(checked.gone)
        if self.report is None:
            self.report = run
        else:
            self.report.absorb(run, files)
        self._close_plan_if_done(self.report)
        if run.server_unreachable:
            self._show_title(f"Stopped: {UNREACHABLE}")
        else:
            self._show_title("Stopped" if run.stopped else "Done")
        self._show_report()
        self._enter("report")

    def _close_plan_if_done(self, report: BulkReport) -> None:
        if self.plan is None or not self._plan_open:
            return
        try:
            self._plan_open = not close_if_done(self.plan, report)
        except OSError as exc:
            report.log_error = report.log_error or f"the deletion plan could not be closed: {exc}"

    def on_unmount(self) -> None:
        if self.plan is not None:
            self.plan.close()

    def _show_report(self) -> None:
        report = self.report
        assert report is not None
        lines = Text()
        lines.append(f"Deleted {count_files(len(report.deleted))}")
        notes = []
        if report.already_gone:
            gone = len(report.already_gone)
            notes.append(f"{gone:,} {'was' if gone == 1 else 'were'} already gone")
        if report.confirmed_by_lookup:
            notes.append(
                f"{len(report.confirmed_by_lookup):,} after a lost answer, confirmed by lookup"
            )
        if notes:
            lines.append(f" ({'; '.join(notes)})")
        lines.append(".")
        if report.failed:
            lines.append(f"\n{count_files(len(report.failed))} could not be deleted.")
        if report.uncertain:
            lines.append(
                f"\n{count_files(len(report.uncertain))} may have been deleted: the answer "
                "was lost and a lookup could not tell."
            )
        if report.not_attempted:
            count = len(report.not_attempted)
            lines.append(f"\n{count_files(count)} {'was' if count == 1 else 'were'} not attempted")
            if report.stop_reason:
                lines.append(" (")
                lines.append_text(plain(report.stop_reason))
                lines.append(")")
            lines.append(".")
        if report.log_error:
            lines.append("\n")
            lines.append_text(plain(report.log_error))
        self.query_one("#summary", Static).update(lines)
        failed = [*report.failed, *report.uncertain]
        reasons = {file.id: reason for file, reason in failed}

        def reason(file: FileObject) -> Text:
            return Text("\n    ").append_text(plain(reasons[file.id], style="italic"))

        failures = file_lines([file for file, _ in failed], reason)
        self.query_one("#failure-lines", Static).update(failures)
        self.query_one("#failures").set_class(not (report.failed or report.uncertain), "hidden")

    # -- actions ----------------------------------------------------------------------------

    def action_undo(self) -> None:
        if self.phase != "undo":
            return
        self.workers.cancel_group(self, "delete")
        self.dismiss(None)

    def _show_title(self, title: str) -> None:
        self.query_one("#title", Static).update(Text(title))

    def action_stop(self) -> None:
        job = self._job
        if self.phase != "running" or job is None or job.stopping:
            return
        job.stop("stopped by you")
        self._show_title("Stopping…")
        self._show_progress(job.progress)
        self.query_one("#stop", Button).disabled = True

    def action_retry(self) -> None:
        if self.report is None or not self.report.retryable or self.phase != "report":
            return
        self._run(self.report.retryable, undo=False)

    def action_close(self) -> None:
        self.dismiss(self.report)
