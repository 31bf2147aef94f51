"""``orbrowse rm ID... | rm -``: delete files through the browser's bulk engine.

Every id's metadata is fetched first (so the prompt, ``--dry-run`` and the deletion log can
name each file; ids piped in as ``orbrowse ls`` JSON lines already carry it), then one
confirmation, then the bounded-concurrency delete. Every attempt
is appended to the deletion log; the log is checked to be writable before anything goes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from orbrowse.api.errors import ResponseFormatError, describe
from orbrowse.api.models import FileObject
from orbrowse.bulk import BulkDelete, BulkProgress, DeletionSetup
from orbrowse.commands.confirm import open_prompt
from orbrowse.commands.exit_codes import ExitCode, Tally, code_for
from orbrowse.commands.lookup import Lookup, lookup_files
from orbrowse.commands.parsing import IdRecord, parse_id_records, unique
from orbrowse.commands.render import file_header, file_row, total_line
from orbrowse.commands.session import Command, CommandError, Session
from orbrowse.deletion_log import DeletionLog, default_log_path
from orbrowse.deletion_plan import (
    Plan,
    PlanBusyError,
    PlanRecorder,
    newest_unfinished,
    plans_folder,
)
from orbrowse.listing.formatting import human_size, utc_now
from orbrowse.private_file import open_private_append
from orbrowse.resume import Checked, check_ambiguous, close_if_done, to_send

ENV_DELETION_LOG = "ORBROWSE_DELETION_LOG"
PROMPT_NAMES = 10
KEY_REFUSED = "the server refused the key"


def _concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 32:
        raise argparse.ArgumentTypeError(f"{value} is out of range 1-32")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "ids",
        nargs="*",
        metavar="ID",
        help="file ids; '-' reads ids from stdin, one per line (blank lines, #comments "
        "ignored; JSON lines from `orbrowse ls` work too)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="finish the newest interrupted deletion in the workspace (no ids): files "
        "confirmed deleted are skipped, those sent without an answer are looked up first",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be deleted; delete nothing"
    )
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument(
        "--concurrency",
        type=_concurrency,
        metavar="N",
        help="deletions in flight at once, 1-32 (default: delete_concurrency from the config, "
        "else 8)",
    )
    parser.add_argument(
        "--log",
        metavar="FILE",
        help=f"deletion log to append to (default: ${ENV_DELETION_LOG}, else {default_log_path()})",
    )


def read_ids(arguments: list[str]) -> tuple[list[str], dict[str, FileObject]]:
    """The ids to delete, and the files already described by JSON lines on stdin."""
    records: list[IdRecord] = []
    for argument in arguments:
        if argument != "-":
            records.append((argument.strip(), None))
            continue
        try:
            records.extend(parse_id_records(sys.stdin))
        except ValueError as exc:
            raise CommandError(f"stdin: {exc}") from exc
    known: dict[str, FileObject] = {}
    for file_id, value in records:
        if value is None:
            continue
        try:
            known[file_id] = FileObject.from_json(value)
        except ResponseFormatError:
            continue  # not a whole file object: looked up like a bare id
    return unique(file_id for file_id, _ in records if file_id), known


def log_path(args: argparse.Namespace) -> Path:
    chosen = args.log or os.environ.get(ENV_DELETION_LOG)
    return Path(chosen).expanduser() if chosen else default_log_path()


def check_writable(path: Path) -> None:
    """Refuse to start if the log cannot be appended to: the log is the only record."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(open_private_append(path))
    except OSError as exc:
        raise CommandError(
            f"cannot write the deletion log {path}: {exc.strerror or exc}; nothing was deleted"
        ) from exc


async def look_up(
    session: Session, ids: list[str], known: dict[str, FileObject], concurrency: int
) -> tuple[list[FileObject], list[ExitCode]]:
    """The files behind ``ids``, and an exit code for each id that failed (reported here).

    Files already described on stdin (``orbrowse ls`` output) are not fetched again.
    """
    missing = [file_id for file_id in ids if file_id not in known]
    fetched: dict[str, Lookup] = {}
    if missing:
        async with session.client() as client:
            results = await lookup_files(client, missing, concurrency=concurrency)
        fetched = dict(zip(missing, results, strict=True))
    found: list[FileObject] = []
    failures: list[ExitCode] = []
    for file_id in ids:
        result = known.get(file_id) or fetched[file_id]
        if isinstance(result, Exception):
            session.output.error(f"{file_id}: {describe(result)}")
            failures.append(code_for(result))
        else:
            found.append(result)
    return found, failures


def show_plan(session: Session, files: list[FileObject]) -> None:
    output = session.output
    now = utc_now()
    if output.stdout_is_terminal:
        output.data(file_header())
        for file in files:
            output.data(file_row(file, now))
    else:
        for file in files:
            output.json_line(file.to_json())
    total = sum(f.size_bytes for f in files)
    output.message(f"would delete {total_line(len(files), total)}; nothing was deleted (dry run)")


def confirmed(session: Session, files: list[FileObject], *, stdin_is_data: bool) -> bool:
    prompt = open_prompt(stdin_is_data=stdin_is_data)
    if prompt is None:  # checked before the lookup too; the terminal may have gone since
        raise CommandError(
            "no terminal to confirm on; pass --yes to delete without asking", ExitCode.PARTIAL
        )
    with prompt:
        lines = [f"  {f.filename}  ({human_size(f.size_bytes)}, {f.id})" for f in files]
        if len(lines) > PROMPT_NAMES:
            hidden = len(lines) - PROMPT_NAMES
            lines = [*lines[:PROMPT_NAMES], f"  … and {hidden:,} more"]
        prompt.say("\n".join(lines))
        total = total_line(len(files), sum(f.size_bytes for f in files))
        where = asyncio.run(session.workspace_named()).full  # as the browser names it
        return prompt.ask(f"Delete {total} from workspace {where}? This cannot be undone.")


def open_plan(
    session: Session, log: DeletionLog, files: list[FileObject], resumed: Plan | None
) -> PlanRecorder:
    """The plan to record into: ``resumed``'s, else a new one of ``files`` written now."""
    workspace = session.settings.workspace
    try:
        if resumed is not None:
            return PlanRecorder.open(resumed.path)
        return PlanRecorder.create(plans_folder(log.path, workspace), files, workspace=workspace)
    except PlanBusyError as exc:
        raise CommandError(f"{exc}; nothing was deleted") from exc
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise CommandError(f"cannot write the deletion plan: {why}; nothing was deleted") from exc


@dataclass(eq=False)
class Deletion:
    """One bulk delete (or the rest of ``resumed``); ``job`` stays readable after an
    interruption."""

    session: Session
    files: list[FileObject]
    log: DeletionLog
    plan: PlanRecorder
    resumed: Plan | None = None
    checked: Checked | None = field(default=None, init=False)
    job: BulkDelete | None = field(default=None, init=False)

    async def run(self, concurrency: int) -> None:
        output = self.session.output

        def on_progress(progress: BulkProgress) -> None:
            failed = f", {progress.failed:,} failed" if progress.failed else ""
            unknown = f", {progress.uncertain:,} unknown" if progress.uncertain else ""
            output.progress(f"deleting {progress.done:,} of {progress.total:,}{failed}{unknown}")

        workspace = self.session.settings.workspace
        async with self.session.client() as client:
            setup = DeletionSetup(client, workspace, self.log, concurrency)
            files = self.files
            if self.resumed is not None:
                output.progress(f"looking up {len(self.resumed.ambiguous):,} files sent before")
                self.checked = await check_ambiguous(setup, self.resumed.ambiguous, self.plan)
                files = to_send(self.resumed, self.checked)
            self.job = setup.job(files, on_progress=on_progress, plan=self.plan)
            await self.job.run()
            close_if_done(self.plan, self.job.report)


def report(session: Session, deletion: Deletion, tally: Tally) -> None:
    """The ids deleted now on stdout; everything else, and the summary, on stderr.

    Exit code: files already gone count as not found (4 when every file was), files whose
    outcome is unknown or that were not deleted as a network or server error (5).
    """
    output = session.output
    output.clear_progress()
    if deletion.checked is not None and deletion.checked.gone:
        output.message(
            f"{len(deletion.checked.gone):,} files sent before the interruption were found "
            "deleted (confirmed by lookup)"
        )
    if deletion.job is None:
        return
    result = deletion.job.report
    deleted_now = result.deleted_now
    for file in deleted_now:
        output.data(file.id)
        tally.ok()
    output.flush()
    for file in result.already_gone:
        output.error(f"{file.id} ({file.filename}): already gone; nothing was deleted")
        tally.fail(ExitCode.NOT_FOUND)
    refused = (result.stop_reason or "").startswith(KEY_REFUSED)
    code = ExitCode.AUTH if refused else ExitCode.SERVER
    for file, reason in result.failed:
        output.error(f"{file.id} ({file.filename}): not deleted: {reason}")
        tally.fail(code)
    for file, reason in result.uncertain:
        output.error(f"{file.id} ({file.filename}): may have been deleted: {reason}")
        tally.fail(ExitCode.SERVER)
    if result.not_attempted:
        why = result.stop_reason or "stopped"
        count = len(result.not_attempted)
        files = "file was" if count == 1 else "files were"
        output.error(f"{count:,} {files} not attempted ({why})")
        for _ in result.not_attempted:
            tally.fail(code)
    if result.log_error:
        output.error(result.log_error)
    parts = [f"deleted {total_line(len(deleted_now), sum(f.size_bytes for f in deleted_now))}"]
    if result.confirmed_by_lookup:
        parts.append(
            f"{len(result.confirmed_by_lookup):,} of them after a lost answer, confirmed by lookup"
        )
    if result.already_gone:
        parts.append(f"{len(result.already_gone):,} already gone")
    not_deleted = len(result.failed) + len(result.not_attempted)
    if not_deleted:
        parts.append(f"{not_deleted:,} not deleted")
    if result.uncertain:
        parts.append(f"{len(result.uncertain):,} may have been deleted")
    output.message(", ".join(parts))
    output.message(f"deletion log: {deletion.log.path}")
    if result.stopped:
        output.message("to finish it: orbrowse rm --resume")


def carry_out(deletion: Deletion, concurrency: int, tally: Tally) -> int:
    """Run ``deletion`` and report it, however it ends; the exit code."""
    with deletion.plan:
        try:
            asyncio.run(deletion.run(concurrency))
        finally:
            report(deletion.session, deletion, tally)
    return tally.exit_code


def describe_plan(plan: Plan) -> str:
    """``a deletion of 500 files (2026-…) stopped after 210: 205 deleted, 8 to look up, …``."""
    parts = [f"{len(plan.gone):,} deleted"]
    if plan.ambiguous:
        parts.append(f"{len(plan.ambiguous):,} sent without an answer, to look up")
    parts.append(f"{len(plan.to_delete):,} to delete")
    return (
        f"a deletion of {len(plan.files):,} file{'' if len(plan.files) == 1 else 's'} "
        f"({plan.created}) stopped after "
        f"{plan.settled:,}: {', '.join(parts)}"
    )


async def key_workspace(session: Session) -> str | None:
    """The workspace the key works in (``GET /key``): where no ``--workspace`` goes."""
    async with session.client() as client:
        return (await client.get_key_info()).workspace_id


def resume(args: argparse.Namespace, session: Session) -> int:
    """``rm --resume``: finish the newest unfinished plan of the workspace. Without
    ``--workspace`` that is the key's own: its plans filed under its id (the browser's) count
    too."""
    output = session.output
    log = DeletionLog(log_path(args))
    workspaces = [session.settings.workspace]
    if workspaces == [None]:  # the browser files the key's workspace under its id
        workspaces.append(asyncio.run(key_workspace(session)))
    plans = []
    for workspace in dict.fromkeys(w.lower() if w else None for w in workspaces):
        try:
            folder = plans_folder(log.path, workspace)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        found = newest_unfinished(folder, warn=output.warning)
        if found is not None:
            plans.append(found)
    plan = max(plans, key=lambda found: found.path.name, default=None)
    if plan is None:
        output.message(f"no unfinished deletion to resume in {session.workspace_label}")
        return ExitCode.OK
    output.message(describe_plan(plan))
    remaining = plan.remaining
    if args.dry_run:
        if remaining:
            show_plan(session, remaining)
        return ExitCode.OK
    asyncio.run(session.refuse_if_read_only("delete"))
    if remaining and not args.yes and not confirmed(session, remaining, stdin_is_data=False):
        output.message("nothing was deleted")
        return ExitCode.PARTIAL
    check_writable(log.path)
    concurrency: int = args.concurrency or session.settings.delete_concurrency
    deletion = Deletion(session, [], log, open_plan(session, log, [], plan), plan)
    return carry_out(deletion, concurrency, Tally())


def run(args: argparse.Namespace, session: Session) -> int:
    if args.resume:
        if args.ids:
            raise CommandError("--resume takes no ids: it finishes the interrupted deletion")
        return resume(args, session)
    if not args.ids:
        raise CommandError("no ids given: give ids, '-' to read them from stdin, or --resume")
    stdin_is_data = "-" in args.ids
    ids, known = read_ids(args.ids)
    if not ids:
        session.output.message("no ids given; nothing to delete")
        return ExitCode.OK
    if not args.dry_run:
        asyncio.run(session.refuse_if_read_only("delete"))
    ask = not (args.yes or args.dry_run)
    if ask:
        prompt = open_prompt(stdin_is_data=stdin_is_data)
        if prompt is None:
            raise CommandError(
                "refusing to delete without confirmation: there is no terminal to ask on. "
                "Pass --yes to delete without asking (or --dry-run to see what would go).",
                ExitCode.PARTIAL,
            )
        prompt.close()
    log = DeletionLog(log_path(args))
    if not args.dry_run:
        check_writable(log.path)
    concurrency: int = args.concurrency or session.settings.delete_concurrency

    files, failures = asyncio.run(look_up(session, ids, known, concurrency))
    tally = Tally(failures=failures)
    if not files:
        return tally.exit_code
    if args.dry_run:
        show_plan(session, files)
        tally.succeeded = len(files)
        return tally.exit_code
    if ask and not confirmed(session, files, stdin_is_data=stdin_is_data):
        session.output.message("nothing was deleted")
        return ExitCode.PARTIAL
    deletion = Deletion(session, files, log, open_plan(session, log, files, None))
    return carry_out(deletion, concurrency, tally)


COMMAND = Command(
    name="rm",
    help="delete files",
    description=(
        "Delete files, irreversibly (the API has no trash). Asks for confirmation on the "
        "terminal unless --yes; without a terminal to ask on it refuses (exit 1). The ids "
        "deleted now are printed on stdout; files already gone, not deleted or that may have "
        "been deleted (the answer was lost and a lookup could not tell) are listed on stderr. "
        "Every attempt is appended to the deletion log. Before the first request the plan "
        "is written beside the log (deletion-plans/), and each step after it: an interrupted "
        "deletion (Ctrl+C, a closed terminal, a crash) is finished with --resume."
    ),
    add_arguments=add_arguments,
    run=run,
)
