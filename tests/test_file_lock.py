"""File locks (orbrowse/file_lock.py): flock's guarantees where fcntl exists, and orbrowse
starting and working where it does not (Windows has no fcntl: ``import fcntl`` at the top of
the part file and deletion plan modules kept orbrowse from starting there)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from orbrowse import file_lock
from orbrowse.emulator.server import RunningEmulator
from tests.cli import child_env, run_child
from tests.conftest import DEFAULT_WORKSPACE_ID

WITHOUT_FCNTL = """
import sys
sys.modules["fcntl"] = None  # `import fcntl` now raises ImportError, as on Windows
from orbrowse.cli import main
raise SystemExit(main(sys.argv[1:]))
"""

EVERY_MODULE = """
import importlib, pkgutil, sys
sys.modules["fcntl"] = None
import orbrowse
from orbrowse import file_lock
for info in pkgutil.walk_packages(orbrowse.__path__, "orbrowse."):
    if not info.name.endswith(".__main__"):  # that one runs orbrowse
        importlib.import_module(info.name)
print(file_lock.KIND)
"""


def test_a_lock_keeps_every_other_open_out_until_it_is_closed(tmp_path: Path) -> None:
    assert file_lock.KIND == "flock"
    path = tmp_path / "plan.jsonl"
    path.write_bytes(b"x")
    holder = os.open(path, os.O_WRONLY | os.O_APPEND)
    other = os.open(path, os.O_RDONLY)  # this process too: the lock is the open file's
    try:
        assert file_lock.try_lock(holder)
        assert not file_lock.try_lock(other)
        assert file_lock.held_elsewhere(other)
        os.close(holder)
        holder = -1
        assert not file_lock.held_elsewhere(other)
        assert file_lock.try_lock(other)
    finally:
        os.close(other)
        if holder >= 0:
            os.close(holder)


def test_without_fcntl_every_module_imports_and_locks_say_they_guard_nothing() -> None:
    done = run_child([sys.executable, "-c", EVERY_MODULE], env=child_env(), timeout=60, input="")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["none"]


def test_without_fcntl_a_download_and_a_delete_run_through(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    # The two places that lock: a download's part file, a deletion's plan.
    store = emulator.store
    wanted = store.add_file(DEFAULT_WORKSPACE_ID, "a.csv", content=b"a,b\n", downloadable=True)
    doomed = store.add_file(DEFAULT_WORKSPACE_ID, "old.txt", content=b"x")
    env = child_env()
    env["ORBROWSE_CONFIG"] = str(tmp_path / "config.toml")
    env["ORBROWSE_DELETION_LOG"] = str(tmp_path / "deletions.jsonl")
    connect = ["--base-url", emulator.url, "--api-key", api_key]
    target = tmp_path / "out" / "a.csv"
    target.parent.mkdir()

    def orbrowse(*args: str) -> None:
        command = [sys.executable, "-c", WITHOUT_FCNTL, *args, *connect]
        done = run_child(command, env=env, timeout=60, input="", cwd=tmp_path)
        assert done.returncode == 0, done.stderr

    orbrowse("get", wanted.id, "-o", str(target))
    orbrowse("rm", "--yes", doomed.id)

    assert target.read_bytes() == b"a,b\n"
    assert [p.name for p in target.parent.iterdir()] == ["a.csv"], "no part file left"
    assert {f.id for f in store.files(DEFAULT_WORKSPACE_ID)} == {wanted.id}
    plans = list((tmp_path / "deletion-plans").rglob("*.jsonl"))
    assert [p.name.endswith(".finished.jsonl") for p in plans] == [True], plans
