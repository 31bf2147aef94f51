"""``orbrowse serve --state FILE``: workspaces and files survive a restart; writes are atomic."""

from __future__ import annotations

import io
import json
import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from orbrowse.emulator.keys import DEMO_MANAGEMENT_KEY
from orbrowse.emulator.seed import load_seed
from orbrowse.emulator.state import StateKeeper, save_state, state_data
from orbrowse.emulator.store import Store
from tests.emulator.test_emulator_serve import _start, _stop

WS_A = "0b6c3c3e-2f7e-4c59-9a57-3f0d4a3e8b10"
WS_B = "44444444-4444-4444-8444-444444444444"
AUTH = {"Authorization": f"Bearer {DEMO_MANAGEMENT_KEY}"}


def _store() -> Store:
    store = Store()
    store.add_workspace(WS_A, "Research", "research", created_at=datetime(2025, 5, 1, tzinfo=UTC))
    store.add_workspace(
        WS_B,
        "Default",
        "default",
        description="ünïcødé",
        default=True,
        created_at=datetime(2025, 6, 1, 8, 30, tzinfo=UTC),
    )
    store.add_file(
        WS_B,
        "outputs/chart.csv",
        content=b"a,b\n1,2\n",
        downloadable=True,
        created_at=datetime(2026, 1, 2, 3, 4, 5, 678_901, tzinfo=UTC),
    )
    store.add_file(WS_B, "big/generated.pdf", size_bytes=300_000, downloadable=True)
    store.add_file_from(
        WS_A, "notes/up.md", io.BytesIO(b"# up\n"), mime_type="text/markdown", purpose="assistants"
    )
    return store


def test_state_round_trips_through_the_seed_loader(tmp_path: Path) -> None:
    store = _store()
    path = tmp_path / "state.json"
    save_state(store, path)

    again = load_seed(Store(), path)

    assert state_data(again) == state_data(store)
    assert again.default_workspace_id == WS_B
    for before, after in zip(store.files(WS_B), again.files(WS_B), strict=True):
        assert after == before  # id, name, type, size, time to the microsecond, flags
        assert again.content_of(after) == store.content_of(before)
    upload = again.files(WS_A)[0]
    assert (upload.filename, upload.purpose, upload.size_bytes) == ("notes/up.md", "assistants", 5)
    assert upload.downloadable is False
    assert [w.description for w in again.workspaces()] == [None, "ünïcødé"]


def test_a_failed_write_leaves_the_old_state_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store()
    path = tmp_path / "state.json"
    save_state(store, path)
    old = path.read_bytes()
    store.add_file(WS_A, "new.txt", content=b"new\n")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        save_state(store, path)

    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_the_keeper_writes_after_a_change_and_on_stop(tmp_path: Path) -> None:
    store = _store()
    path = tmp_path / "state.json"
    keeper = StateKeeper(store, path, interval=0.05)
    keeper.start()
    try:
        assert path.exists()
        added = store.add_file(WS_A, "later.txt", content=b"later\n")
        deadline = time.monotonic() + 10
        while added.id not in path.read_text() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert added.id in path.read_text()
        store.delete(WS_A, added.id)
    finally:
        keeper.stop()
    assert added.id not in path.read_text()
    assert keeper.error is None


def test_serve_keeps_files_across_a_restart(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(
        json.dumps(
            {
                "workspaces": [
                    {
                        "id": WS_B,
                        "name": "Default",
                        "slug": "default",
                        "files": [
                            {
                                "filename": "outputs/result.json",
                                "text": '{"ok": true}\n',
                                "downloadable": True,
                            },
                            {"filename": "old.txt", "text": "old\n"},
                        ],
                    }
                ]
            }
        )
    )
    state = tmp_path / "state.json"

    process, url, _ = _start("--seed", str(seed), "--state", str(state))
    try:
        listed = httpx.get(f"{url}/files", headers=AUTH).json()["data"]
        old = next(f["id"] for f in listed if f["filename"] == "old.txt")
        assert httpx.delete(f"{url}/files/{old}", headers=AUTH).status_code == 200
        uploaded = httpx.post(
            f"{url}/files", headers=AUTH, files={"file": ("new/notes.md", b"# new\n")}
        ).json()
    finally:
        code, err = _stop(process, signal.SIGTERM)
    assert code == 0, err

    process, url, _ = _start("--state", str(state))  # no --seed: the state file alone
    try:
        listed = httpx.get(f"{url}/files", headers=AUTH).json()["data"]
        result = next(f for f in listed if f["filename"] == "outputs/result.json")
        content = httpx.get(f"{url}/files/{result['id']}/content", headers=AUTH)
    finally:
        code, err = _stop(process, signal.SIGTERM)
    assert code == 0, err
    assert [f["filename"] for f in listed] == ["outputs/result.json", "new/notes.md"]
    assert listed[1] == uploaded
    assert content.content == b'{"ok": true}\n'


def test_serve_refuses_a_state_file_it_cannot_read_or_write(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    nowhere = tmp_path / "missing-folder" / "state.json"
    for path, expected in ((bad, "cannot read seed file"), (nowhere, "cannot write")):
        result = subprocess.run(
            [sys.executable, "-m", "orbrowse.emulator", "--port", "0", "--state", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2 and expected in result.stderr
        assert result.stdout == ""
