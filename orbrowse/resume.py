"""Finishing an interrupted deletion: the CLI's ``rm --resume`` and the browser's offer.

Files confirmed deleted are skipped. Ambiguous ones (the delete went out and no answer was
recorded, or its outcome was unknown) are looked up first: the API's own 404 means the
earlier request deleted it (recorded as deleted, confirmed by lookup); a file still there,
or a lookup that fails, goes back to be deleted with the rest (a delete that then meets a
404 counts it as already gone).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from orbrowse.api.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from orbrowse.api.models import FileObject
from orbrowse.bulk import BulkReport, DeletionSetup
from orbrowse.deletion_log import RESULT_DELETED_CONFIRMED
from orbrowse.deletion_plan import Plan, PlanRecorder


@dataclass(frozen=True, slots=True)
class Checked:
    """The ambiguous files looked up: gone (deleted before the interruption) or not."""

    gone: list[FileObject]
    still_there: list[FileObject]


async def check_ambiguous(
    setup: DeletionSetup, files: Sequence[FileObject], recorder: PlanRecorder
) -> Checked:
    """Look up ``files``; each one found gone is recorded in the plan and the log.

    A refused key (401/403) is raised: nothing more can be done with it.
    """
    client, log = setup.client, setup.log
    gate = asyncio.Semaphore(max(1, setup.concurrency))

    async def gone(file: FileObject) -> bool:
        async with gate:
            try:
                await client.get_file(file.id)
            except NotFoundError as error:
                return error.from_api  # a proxy's 404 says nothing about the file
            except (AuthenticationError, PermissionDeniedError):
                raise
            except Exception:
                return False  # unknown: the delete will tell
            return False

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(gone(file)) for file in files]
    checked = Checked([], [])
    for file, task in zip(files, tasks, strict=True):
        if not task.result():
            checked.still_there.append(file)
            continue
        checked.gone.append(file)
        recorder.outcome(file.id, RESULT_DELETED_CONFIRMED)
        if log is not None:
            log.record(file, RESULT_DELETED_CONFIRMED, workspace=setup.workspace_id)
    return checked


def to_send(plan: Plan, checked: Checked) -> list[FileObject]:
    """What the resumed run deletes: the ambiguous files still there, then the rest."""
    return [*checked.still_there, *plan.to_delete]


def close_if_done(recorder: PlanRecorder, report: BulkReport) -> bool:
    """Mark the plan finished when every file got an answer (failures included: they were
    reported); a run stopped early, or with files whose outcome is unknown, stays open."""
    if report.not_attempted or report.uncertain:
        return False
    recorder.close_as("finished")
    return True
