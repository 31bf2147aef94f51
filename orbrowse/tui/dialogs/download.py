"""Download one or more files: destination folder and name, overwrite check, progress, cancel."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Button, Checkbox, Input, ProgressBar, Static

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import TargetExistsError, describe
from orbrowse.api.models import FileObject
from orbrowse.names import UnsafePathError, safe_filename, target_path, tree_target
from orbrowse.tui.dialogs._common import (
    PathInput,
    PathSuggester,
    RateMeter,
    candidates_text,
    count_files,
    folder_problem,
    plain,
    resolve_path,
    transfer_text,
)
from orbrowse.tui.dialogs.base import Dialog, DialogFrame
from orbrowse.tui.dialogs.confirm import ConfirmDialog

NOT_DOWNLOADABLE = (
    "uploaded files can't be downloaded: the API only serves files created by the server"
)
CONCURRENCY = 3
"""Files downloaded at the same time."""
MAX_LISTED = 8
MAX_FAILED_ROWS = 12
"""Failed files keep their row (with the reason) up to this many; the summary counts all."""


def missing_folder(folder: Path) -> bool:
    """``folder`` does not exist but could be created (no part of it is a file)."""
    try:
        if folder.exists():
            return False
        for parent in folder.parents:
            if parent.exists():
                return parent.is_dir()
    except OSError:
        return False
    return False


def name_problem(name: str) -> str | None:
    """Why ``name`` is not a single file name, or ``None``."""
    if not name.strip():
        return "the file name is empty"
    if "/" in name or "\\" in name or "\0" in name:
        return "the file name must be a single name, without folders"
    if name in (".", ".."):
        return "the file name may not be '.' or '..'"
    if len(name.encode("utf-8", "surrogateescape")) > 255:
        return "the file name is longer than 255 bytes"
    return None


def target_folder(target: Path) -> str | None:
    """``target`` is a folder (not a link to one): a download never replaces that."""
    try:
        if stat.S_ISDIR(os.lstat(target).st_mode):
            return f"{target.name} is a folder in {target.parent}: choose another name"
    except OSError:
        pass
    return None


def unique_targets(folder: Path, files: Sequence[FileObject]) -> list[Path]:
    """A safe path in ``folder`` for each file; names two files share get ``(2)``, ``(3)``…"""
    used: set[str] = set()
    targets = []
    for file in files:
        path = target_path(folder, file.filename)
        stem, suffix = path.stem, path.suffix
        number = 1
        while path.name in used:
            number += 1
            path = path.with_name(f"{stem} ({number}){suffix}")
        used.add(path.name)
        targets.append(path)
    return targets


def tree_targets(folder: Path, files: Sequence[FileObject], base: str = "") -> list[Path]:
    """A path under ``folder`` for each file with its server folders kept (below the folder
    path ``base``, e.g. the folder view's open folder); each segment made safe; paths two
    files share get ``(2)``, ``(3)``…"""
    used: set[Path] = set()
    targets = []
    for file in files:
        name = file.filename
        relative = name[len(base) :] if base and name.startswith(base) else name
        path = tree_target(folder, relative.split("/"))
        stem, suffix = path.stem, path.suffix
        number = 1
        while path in used:
            number += 1
            path = path.with_name(f"{stem} ({number}){suffix}")
        used.add(path)
        targets.append(path)
    return targets


@dataclass(slots=True)
class _Job:
    index: int
    file: FileObject
    target: Path
    done: int = 0
    total: int | None = None
    error: str | None = None
    finished: bool = False
    target_appeared: bool = False
    """It failed because something was put at its target meanwhile (never asked about)."""


def listed(names: Sequence[str]) -> Text:
    """The first of ``names`` (server or local text, shown as data), one a line."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for index, name in enumerate(names[:MAX_LISTED]):
        if index:
            text.append("\n")
        text.append("  ")
        text.append_text(plain(name))
    if len(names) > MAX_LISTED:
        text.append(f"\n  … and {len(names) - MAX_LISTED:,} more")
    return text


def _bar_total(job: _Job) -> int:
    """A row's bar is never indeterminate: that animation redraws 15 times a second, for each
    row (600 failed rows kept a core busy while the dialog stayed open). Before the answer
    says the size, the file's own; an empty file that has not arrived shows 0 %, not 100 %."""
    size = job.total if job.total is not None else job.file.size_bytes
    return size or (0 if job.finished else 1)


def list_names(files: Sequence[FileObject]) -> Text:
    return listed([file.filename for file in files])


class DownloadDialog(Dialog[list[Path] | None]):
    """Dismisses with the paths written, or ``None`` when cancelled.

    Only ``downloadable`` files are offered; the others are listed with the reason. Each file
    lands in a temporary file that is renamed into place only once complete, so cancelling
    leaves nothing partial behind.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "retry",
            "Retry failed",
            id="download.retry",
            tooltip="Download again the files that failed",
        ),
    ]

    busy: reactive[bool] = reactive(False, bindings=True)

    BUTTON_ACTIONS: ClassVar[dict[str, str]] = {
        "download": "download",
        "retry": "retry",
        "cancel": "cancel",
    }

    def __init__(
        self,
        client: FilesClient,
        files: Sequence[FileObject],
        default_dir: Path,
        *,
        base: str | None = None,
    ) -> None:
        """``base``: a folder is downloaded (its path's parent, e.g. the open folder): keep
        folders is on and names are taken below it."""
        super().__init__(cancel_result=None)
        self.base = base
        self.client = client
        self.files = tuple(file for file in files if file.downloadable)
        self.refused = tuple(file for file in files if not file.downloadable)
        self.default_dir = default_dir
        self.completed: list[Path] = []
        self._failed: list[_Job] = []
        self._overwrite = False
        self._meter = RateMeter()

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        count = len(self.files)
        title = (
            (f"Download {count_files(count)}" if count != 1 else "Download")
            if count
            else "Nothing to download"
        )
        with DialogFrame(classes="dialog -wide", id="dialog"):
            yield Static(Text(title), classes="dialog-title")
            if self.refused:
                if self.files:
                    explanation = f"{count_files(len(self.refused))} will be skipped: "
                    explanation += NOT_DOWNLOADABLE
                else:
                    explanation = NOT_DOWNLOADABLE[0].upper() + NOT_DOWNLOADABLE[1:] + "."
                yield Static(Text(explanation), id="refused", classes="dialog-warning")
                yield Static(list_names(self.refused), id="refused-names")
            if not self.files:
                with Horizontal(classes="dialog-buttons dialog-actions"):
                    yield Button("Close", id="cancel", variant="primary")
                return
            with Vertical(id="form"):
                yield Static(Text("Save into folder"))
                yield PathInput(
                    value=str(self.default_dir),
                    suggester=PathSuggester(self.default_dir, folders_only=True),
                    id="folder",
                )
                yield Static(Text(""), id="candidates")
                yield Static(Text(""), id="folder-problem", classes="dialog-error")
                if count == 1:
                    yield Static(Text("File name"))
                    yield Input(value=safe_filename(self.files[0].filename), id="name")
                    yield Static(Text(""), id="name-problem", classes="dialog-error")
                else:
                    yield Checkbox(
                        "Keep folders (recreate the names' folders in it)",
                        value=self.base is not None,
                        id="keep-folders",
                    )
                    yield Static(list_names(self.files), id="names")
            with Vertical(id="progress-area"):
                yield Static(Text(""), id="overall-label")
                yield ProgressBar(show_eta=False, id="overall")
                yield VerticalScroll(id="file-rows")
            yield Static(Text(""), id="summary")
            with Horizontal(classes="dialog-buttons dialog-actions"):
                yield Button("Download", id="download", variant="primary")
                yield Button("Retry failed", id="retry", variant="warning", classes="hidden")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        if self.files:
            self._validate()
            self.query_one("#folder").focus()
        else:
            self.query_one("#cancel").focus()

    # -- the form ---------------------------------------------------------------------------

    def _folder(self) -> Path:
        return resolve_path(self.query_one("#folder", Input).value, self.default_dir)

    def _validate(self) -> bool:
        """Show what is wrong with the form; ``True`` when it can download now.

        A missing folder is not an error: Download offers to create it.
        """
        folder = self._folder()
        missing = missing_folder(folder)
        folder_issue = folder_problem(folder)
        shown = f"{folder} does not exist yet: Download offers to create it" if missing else None
        self.query_one("#folder-problem", Static).update(plain(shown or folder_issue or ""))
        problem_line = self.query_one("#folder-problem")
        problem_line.set_class(missing, "dialog-warning")
        problem_line.set_class(not missing, "dialog-error")
        valid = folder_issue is None
        if len(self.files) == 1:
            name = self.query_one("#name", Input).value
            issue = name_problem(name) or (None if missing else target_folder(folder / name))
            self.query_one("#name-problem", Static).update(plain(issue or ""))
            valid = valid and issue is None
        self.query_one("#download", Button).disabled = not (valid or missing) or self.busy
        return valid

    def _targets(self) -> list[Path]:
        folder = self._folder().resolve()
        if len(self.files) == 1:
            return [folder / self.query_one("#name", Input).value]
        if self.query_one("#keep-folders", Checkbox).value:
            return tree_targets(folder, self.files, self.base or "")
        return unique_targets(folder, self.files)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#candidates", Static).update(Text(""))
        self._validate()

    @on(PathInput.Candidates)
    def _show_candidates(self, event: PathInput.Candidates) -> None:
        self.query_one("#candidates", Static).update(candidates_text(event.names))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_download()

    def action_download(self) -> None:
        if self.busy or not self.files:
            return
        if missing_folder(self._folder()):
            self._offer_folder(self._folder())
            return
        if not self._validate():
            return
        try:
            targets = self._targets()
        except UnsafePathError as exc:
            self.query_one("#summary", Static).update(plain(str(exc)))
            return
        self.completed = []
        jobs = [
            _Job(index, file, target)
            for index, (file, target) in enumerate(zip(self.files, targets, strict=True))
        ]
        self._download(jobs, ask=True)

    @work(exclusive=True, group="create-folder")
    async def _offer_folder(self, folder: Path) -> None:
        """Ask to create the missing ``folder``; once made, the download starts."""
        question = Text("Create the folder ").append_text(plain(str(folder))).append("?")
        if not await self.app.push_screen_wait(
            ConfirmDialog("Create the folder?", question, yes_label="Create")
        ):
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            problem = f"{folder} could not be created ({exc.strerror or exc})"
            self.query_one("#folder-problem", Static).update(plain(problem))
            return
        self.action_download()

    # -- downloading ------------------------------------------------------------------------

    def _row(self, job: _Job) -> Horizontal:
        return Horizontal(
            Static(plain(job.target.name), classes="row-name"),
            ProgressBar(total=_bar_total(job), show_eta=False, id=f"bar-{job.index}"),
            Static(Text("waiting"), id=f"status-{job.index}", classes="row-status"),
            classes="file-row",
        )

    def _show(self, jobs: Sequence[_Job], job: _Job, meter: RateMeter) -> None:
        self.query_one(f"#bar-{job.index}", ProgressBar).update(
            total=_bar_total(job), progress=job.done
        )
        status = self.query_one(f"#status-{job.index}", Static)
        if job.error is not None:
            status.update(plain(f"failed: {job.error}", style="bold"))
        elif job.finished:
            status.update(Text("done"))
        else:
            status.update(Text(transfer_text(job.done, job.total, meter.rate(job.done))))
        # A failed file's bytes are not kept (its part file is removed): not done.
        done = sum(j.done for j in jobs if j.error is None)
        total = sum(j.total if j.total is not None else j.file.size_bytes for j in jobs)
        self.query_one("#overall", ProgressBar).update(total=total or None, progress=done)
        finished = sum(1 for j in jobs if j.finished)
        failed = sum(1 for j in jobs if j.error is not None)
        self.query_one("#overall-label", Static).update(
            Text(
                f"{finished:,} of {count_files(len(jobs))} · "
                + (f"{failed:,} failed · " if failed else "")
                + transfer_text(done, total, self._meter.rate(done))
            )
        )

    @work(exclusive=True, group="download")
    async def _download(self, jobs: list[_Job], *, ask: bool) -> None:
        if ask:
            existing = [job.target for job in jobs if os.path.lexists(job.target)]
            self._overwrite = False
            if existing:
                verb = "exists" if len(existing) == 1 else "exist"
                names = Text(f"{count_files(len(existing))} already {verb} in the folder:\n")
                folder = self._folder().resolve()
                names.append_text(listed([str(path.relative_to(folder)) for path in existing]))
                names.append("\nReplace it?" if len(existing) == 1 else "\nReplace them?")
                if not await self.app.push_screen_wait(
                    ConfirmDialog("Replace existing files?", names, yes_label="Replace")
                ):
                    return  # the failures stay, to be retried
                self._overwrite = True
        self._failed = []
        self.busy = True
        self.add_class("-busy")
        self.query_one("#download", Button).disabled = True
        self.query_one("#retry").add_class("hidden")
        self.query_one("#summary", Static).update(Text(""))
        rows = self.query_one("#file-rows", VerticalScroll)
        await rows.remove_children()
        self.query_one("#cancel", Button).focus()
        self._meter.restart()
        limit = asyncio.Semaphore(CONCURRENCY)
        failed_rows = 0

        async def fetch(job: _Job) -> None:
            nonlocal failed_rows
            async with limit:
                # Rows only for the files in flight and the first that failed: each update of
                # a row lays out every row (a row per file took 130 s of CPU for 620 files).
                row = self._row(job)
                await rows.mount(row)
                meter = RateMeter()

                def progress(done: int, total: int | None) -> None:
                    job.done, job.total = done, total
                    self._show(jobs, job, meter)

                try:
                    job.target.parent.mkdir(parents=True, exist_ok=True)
                    path = await self.client.download_file(
                        job.file.id,
                        job.target,
                        overwrite=self._overwrite,
                        progress=progress,
                        size_bytes=job.file.size_bytes,
                    )
                except asyncio.CancelledError:
                    raise
                except TargetExistsError as error:  # it appeared while downloading: kept
                    error.hint = "r retries, asking before replacing it"
                    job.error = describe(error)
                    job.target_appeared = True
                except Exception as error:  # shown per file; the others carry on
                    job.error = describe(error)
                else:
                    job.finished = True
                    job.done = job.total = job.target.stat().st_size
                    self.completed.append(path)
                self._show(jobs, job, meter)
                if job.finished or failed_rows >= MAX_FAILED_ROWS:
                    await row.remove()  # counted in the line above the rows, and the summary
                else:
                    failed_rows += 1

        async with asyncio.TaskGroup() as group:
            for job in jobs:
                group.create_task(fetch(job))
        self.busy = False
        self._failed = [job for job in jobs if job.error is not None]
        if not self._failed:
            self.dismiss(list(self.completed))
            return
        summary = Text(
            f"{count_files(len(self._failed))} failed, "
            f"{count_files(len(jobs) - len(self._failed))} downloaded."
        )
        self.query_one("#summary", Static).update(summary)
        self.query_one("#retry").remove_class("hidden")
        self.query_one("#download").add_class("hidden")
        cancel = self.query_one("#cancel", Button)
        cancel.label = "Close"
        self.query_one("#retry", Button).focus()

    # -- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return bool(self._failed) and not self.busy
        return True

    def action_retry(self) -> None:
        if not self._failed or self.busy:
            return
        jobs = [_Job(index, job.file, job.target) for index, job in enumerate(self._failed)]
        # A file that appeared at a target while downloading was never asked about.
        ask = any(job.target_appeared for job in self._failed)
        self._download(jobs, ask=ask)

    def action_cancel(self) -> None:
        """Cancel: stops any transfer (nothing partial stays); after failures, just close."""
        if self.busy:
            self.workers.cancel_group(self, "download")
            self.dismiss(None)
        elif self.completed or self._failed:
            self.dismiss(list(self.completed))
        else:
            self.dismiss(None)
