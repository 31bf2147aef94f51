"""Shared fixtures: a real emulator on a free loopback port, and the keys it accepts.

The ``emulator`` store holds a default workspace (``DEFAULT_WORKSPACE_ID``, empty) and one
other workspace (``OTHER_WORKSPACE_ID``) with two files. Tests add what they need through
``emulator.store`` and inject faults through ``emulator.faults``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orbrowse.emulator.faults import Faults
from orbrowse.emulator.keys import DEMO_MANAGEMENT_KEY, DEMO_WORKSPACE_KEY, Keys
from orbrowse.emulator.server import RunningEmulator, start_emulator
from orbrowse.emulator.store import Store

DEFAULT_WORKSPACE_ID = "11111111-1111-4111-8111-111111111111"
OTHER_WORKSPACE_ID = "22222222-2222-4222-8222-222222222222"


def fixture_store() -> Store:
    """The small store behind the ``emulator`` fixture."""
    store = Store()
    created = datetime(2026, 1, 1, tzinfo=UTC)
    store.add_workspace(
        DEFAULT_WORKSPACE_ID, "Default", "default", created_at=created, default=True
    )
    store.add_workspace(OTHER_WORKSPACE_ID, "Other", "other", created_at=created)
    store.add_file(OTHER_WORKSPACE_ID, "other/notes.txt", content=b"other workspace notes\n")
    store.add_file(OTHER_WORKSPACE_ID, "other/chart.png", size_bytes=2048, downloadable=True)
    return store


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    """A running emulator (function-scoped: every test gets fresh data and no faults)."""
    with start_emulator(store=fixture_store(), faults=Faults(seed=1234), keys=Keys()) as running:
        yield running


@pytest.fixture
def api_key() -> str:
    """The emulator's management key (every workspace, the workspace calls)."""
    return DEMO_MANAGEMENT_KEY


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    """An empty folder for the app's downloads."""
    folder = tmp_path / "downloads"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def workspace_key() -> str:
    """An ordinary key bound to the default workspace (403 on the workspace calls)."""
    return DEMO_WORKSPACE_KEY


@pytest.fixture
def lasting_notifications(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's notifications last until the test has looked. A toast lasts 5 s, and an
    expired one is gone from the app; on a loaded machine (tracemalloc, parallel runs) that
    can pass before the test looks, or even before the app has taken it in. What a test
    checks is that the notification was raised."""
    from orbrowse.tui.app import OrbrowseApp

    monkeypatch.setattr(OrbrowseApp, "NOTIFICATION_TIMEOUT", 300.0)
