"""The pytest plugin (``orbrowse.pytest_plugin``): its fixtures, and its use from outside."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from orbrowse.pytest_plugin import DEFAULT_WORKSPACE_ID, OpenRouterEmulator

OUTSIDE = Path(__file__).parent / "outside_project" / "outside_tests.py"


def _run_outside(
    tmp_path: Path, *args: str, autoload: bool = True
) -> subprocess.CompletedProcess[str]:
    """pytest in an empty folder holding only the outside project's test file."""
    shutil.copy(OUTSIDE, tmp_path / "test_outside.py")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    if not autoload:
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_an_outside_project_uses_the_installed_plugin(tmp_path: Path) -> None:
    result = _run_outside(tmp_path, "test_outside.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout
    assert not (tmp_path / "conftest.py").exists()


def test_the_plugin_can_be_turned_off_and_on_by_name(tmp_path: Path) -> None:
    off = _run_outside(tmp_path, "-p", "no:orbrowse", "test_outside.py")
    assert off.returncode == 1
    assert "fixture 'openrouter_emulator' not found" in off.stdout

    bare = _run_outside(tmp_path, "test_outside.py", autoload=False)
    assert bare.returncode == 1 and "fixture 'openrouter_emulator' not found" in bare.stdout
    on = _run_outside(tmp_path, "-p", "orbrowse.pytest_plugin", "test_outside.py", autoload=False)
    assert on.returncode == 0, on.stdout + on.stderr
    assert "6 passed" in on.stdout


def test_loading_the_plugin_imports_no_emulator() -> None:
    heavy = ("starlette", "uvicorn", "orbrowse.emulator", "httpx")
    code = (
        "import sys, orbrowse.pytest_plugin\n"
        f"print(sorted(m for m in sys.modules if m.startswith({heavy!r})))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"


def test_the_fixture_gives_keys_that_do_what_they_say(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    assert openrouter_emulator.base_url.startswith("http://127.0.0.1:")
    assert openrouter_emulator.base_url.endswith("/api/v1")
    assert openrouter_emulator.workspace_id == DEFAULT_WORKSPACE_ID
    with httpx.Client(base_url=openrouter_emulator.base_url) as http:
        ordinary = {"Authorization": f"Bearer {openrouter_emulator.api_key}"}
        management = {"Authorization": f"Bearer {openrouter_emulator.management_key}"}
        assert http.get("/workspaces", headers=ordinary).status_code == 403
        assert http.get("/workspaces", headers=management).status_code == 200
        key = http.get("/key", headers=ordinary).json()["data"]
    assert key["workspace_id"] == DEFAULT_WORKSPACE_ID and key["is_management_key"] is False
    assert [r.path for r in openrouter_emulator.requests] == [
        "/api/v1/workspaces",
        "/api/v1/workspaces",
        "/api/v1/key",
    ]


def test_seed_adds_generated_and_given_files(openrouter_emulator: OpenRouterEmulator) -> None:
    made = openrouter_emulator.seed(files=30)
    more = openrouter_emulator.seed(files=30)
    given = openrouter_emulator.seed(
        files=[{"filename": "a.txt", "text": "hi\n", "purpose": "assistants"}]
    )
    assert len(made) == len(more) == 30 and not {f.id for f in made} & {f.id for f in more}
    assert given[0].purpose == "assistants" and given[0].size_bytes == 3
    assert openrouter_emulator.files() == [*made, *more, *given]


def test_seed_rejects_a_bad_entry_with_a_clear_message(
    openrouter_emulator: OpenRouterEmulator,
) -> None:
    from orbrowse.emulator.seed import SeedError

    with pytest.raises(SeedError, match="exactly one of"):
        openrouter_emulator.seed(files=[{"filename": "a.txt"}])


def test_reset_forgets_data_faults_and_requests(openrouter_emulator: OpenRouterEmulator) -> None:
    openrouter_emulator.seed(files=3)
    openrouter_emulator.seed(
        workspaces=[{"id": "0b6c3c3e-2f7e-4c59-9a57-3f0d4a3e8b10", "name": "R", "slug": "r"}]
    )
    openrouter_emulator.faults.latency_ms = 50
    openrouter_emulator.faults.fail_next(500)
    httpx.get(openrouter_emulator.base_url + "/key")

    openrouter_emulator.reset()

    assert openrouter_emulator.files() == []
    assert [w.id for w in openrouter_emulator.store.workspaces()] == [DEFAULT_WORKSPACE_ID]
    assert openrouter_emulator.faults.latency_ms == 0 and openrouter_emulator.faults.pending == 0
    assert openrouter_emulator.requests == []
