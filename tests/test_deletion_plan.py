"""Deletion plans: written whole and private, read back as untrusted input."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from orbrowse import deletion_plan
from orbrowse.deletion_log import RESULT_DELETED, default_log_path, uncertain_result
from orbrowse.deletion_plan import (
    PlanBusyError,
    PlanRecorder,
    Status,
    forget,
    newest_unfinished,
    plan_paths,
    plans_folder,
    read_plan,
)
from tests.factories import file_object

WS = "11111111-1111-4111-8111-111111111111"


def make_plan(tmp_path: Path, count: int = 4) -> PlanRecorder:
    files = [file_object(f"or_file_{n}", f"reports/{n}.pdf", size_bytes=n) for n in range(count)]
    return PlanRecorder.create(plans_folder(tmp_path / "deletions.jsonl", WS), files, workspace=WS)


def test_plan_is_private_and_every_step_reads_back(tmp_path: Path) -> None:
    with make_plan(tmp_path) as recorder:
        assert recorder.path.parent == tmp_path / "deletion-plans" / WS
        assert stat.S_IMODE(recorder.path.stat().st_mode) == 0o600
        recorder.sending("or_file_0")
        recorder.outcome("or_file_0", RESULT_DELETED)
        recorder.sending("or_file_1")  # then the process died
        recorder.sending("or_file_2")
        recorder.outcome("or_file_2", uncertain_result("the connection was lost"))
    plan = read_plan(recorder.path)
    assert plan is not None and plan.unfinished and plan.workspace == WS
    assert [f.filename for f in plan.files] == [f"reports/{n}.pdf" for n in range(4)]
    assert [f.size_bytes for f in plan.files] == [0, 1, 2, 3]
    assert plan.status["or_file_1"] is Status.SENDING
    assert [f.id for f in plan.gone] == ["or_file_0"]
    assert [f.id for f in plan.ambiguous] == ["or_file_1", "or_file_2"]
    assert [f.id for f in plan.to_delete] == ["or_file_3"]
    assert plan.settled == 2


def test_torn_and_hostile_lines_are_skipped_with_a_warning(tmp_path: Path) -> None:
    with make_plan(tmp_path) as recorder:
        recorder.outcome("or_file_0", RESULT_DELETED)
    with recorder.path.open("a") as out:
        out.write(json.dumps({"outcome": "../../etc", "result": RESULT_DELETED}) + "\n")
        out.write(json.dumps({"outcome": "or_file_unplanned", "result": RESULT_DELETED}) + "\n")
        out.write(json.dumps({"file": {"id": "x y", "filename": "a"}}) + "\n")
        out.write(json.dumps([1, 2]) + "\n")
        out.write('{"outcome": "or_file_1", "res')  # kill -9 in the middle of a line
    warnings: list[str] = []
    plan = read_plan(recorder.path, warn=warnings.append)
    assert plan is not None
    assert plan.skipped_lines == 5
    assert warnings == [f"deletion plan {recorder.path}: 5 damaged lines skipped"]
    assert [f.id for f in plan.gone] == ["or_file_0"]
    assert len(plan.files) == 4


def test_not_a_plan_too_large_or_empty_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = plans_folder(tmp_path / "deletions.jsonl", WS)
    folder.mkdir(parents=True)
    (folder / "a.jsonl").write_text('{"something": "else"}\n')
    (folder / "b.jsonl").write_text(
        json.dumps({"orbrowse_deletion_plan": 1, "workspace": WS, "created": "t"}) + "\n"
    )
    warnings: list[str] = []
    assert newest_unfinished(folder, warn=warnings.append) is None
    assert len(warnings) == 2
    with make_plan(tmp_path) as recorder:
        pass
    monkeypatch.setattr(deletion_plan, "MAX_PLAN_BYTES", 100)
    assert read_plan(recorder.path, warn=warnings.append) is None
    assert "larger than" in warnings[-1]


def test_running_plans_are_locked_and_forgotten_ones_are_not_offered(tmp_path: Path) -> None:
    folder = plans_folder(tmp_path / "deletions.jsonl", WS)
    older = make_plan(tmp_path)
    older.close()
    with make_plan(tmp_path) as running:
        newest = newest_unfinished(folder)
        assert newest is not None and newest.path == older.path  # the running one is skipped
        with pytest.raises(PlanBusyError):
            PlanRecorder.open(running.path)
    newest = newest_unfinished(folder)
    assert newest is not None and newest.path == running.path
    forget(newest)
    again = newest_unfinished(folder)
    assert again is not None and again.path == older.path
    with PlanRecorder.open(older.path) as recorder:
        recorder.close_as("finished")
    assert newest_unfinished(folder) is None
    # Closed plans are kept under other names, never read again when looking for one.
    assert sorted(p.name.split(".")[-2] for p in folder.iterdir()) == ["finished", "forgotten"]
    assert not plan_paths(folder)


def test_a_plan_moved_to_another_workspace_is_ignored(tmp_path: Path) -> None:
    with make_plan(tmp_path) as recorder:
        pass
    elsewhere = plans_folder(tmp_path / "deletions.jsonl", None)
    elsewhere.mkdir(parents=True)
    moved = recorder.path.rename(elsewhere / recorder.path.name)
    warnings: list[str] = []
    assert newest_unfinished(elsewhere, warn=warnings.append) is None
    assert "belongs to workspace" in warnings[0]
    assert read_plan(moved) is None


def test_plans_folder_refuses_a_workspace_that_is_not_a_name(tmp_path: Path) -> None:
    assert plans_folder(tmp_path / "log", None).name == "key-workspace"
    # A log that is not a file of its own (--log /dev/null): plans go to the default folder.
    assert plans_folder(Path("/dev/null"), None).parent.parent == default_log_path().parent
    with pytest.raises(ValueError):
        plans_folder(tmp_path / "log", "../elsewhere")
