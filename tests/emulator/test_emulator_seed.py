"""Generated and seeded data: realistic, reproducible, fast enough for 100,000 files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orbrowse.api.models import WORKSPACE_QUOTA_BYTES
from orbrowse.emulator.seed import DEMO_WORKSPACES, SeedError, demo_store, generate_files, load_seed
from orbrowse.emulator.store import Store, mime_for_name


def test_demo_store_is_reproducible() -> None:
    first, second = demo_store(300), demo_store(300)
    default = DEMO_WORKSPACES[0][0]
    assert first.default_workspace_id == default
    assert [w.id for w in first.workspaces()] == [w[0] for w in DEMO_WORKSPACES]
    assert first.files(default) == second.files(default)
    assert all(first.count(w.id) > 0 for w in first.workspaces())


def test_generated_files_look_real() -> None:
    store = Store()
    store.add_workspace("ws", "W", "w")
    now = datetime(2026, 10, 1, tzinfo=UTC)
    files = generate_files(store, "ws", 100_000, now=now)
    assert len(files) == store.count("ws") == 100_000
    assert len({f.id for f in files}) == 100_000
    times = [f.created_at for f in files]
    assert times == sorted(times) and times[-1] <= now
    assert (times[-1] - times[0]).days > 200
    share = sum(f.downloadable for f in files) / len(files)
    assert 0.15 < share < 0.25
    assert all(f.filename.startswith("outputs/") for f in files if f.downloadable)
    assert sum("/" in f.filename for f in files) > 50_000
    assert all(f.mime_type == mime_for_name(f.filename) for f in files[:1000])
    assert store.used_bytes("ws") <= WORKSPACE_QUOTA_BYTES
    sizes = sorted(f.size_bytes for f in files)
    assert sizes[0] < 1000 and sizes[-1] > 1_000_000


def test_load_seed_rejects_a_file_with_two_contents(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    entry = {"filename": "a.txt", "text": "x", "size_bytes": 3}
    seed.write_text(
        json.dumps({"workspaces": [{"id": "w", "name": "W", "slug": "w", "files": [entry]}]})
    )
    with pytest.raises(SeedError, match="exactly one"):
        load_seed(Store(), seed)


def test_load_seed_rejects_a_missing_workspace_list(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text("{}")
    with pytest.raises(SeedError):
        load_seed(Store(), seed)
