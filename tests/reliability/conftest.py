"""Fixtures for the reliability suite: the whole app against the emulator, retrying fast."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orbrowse.api.retry import RetryPolicy
from orbrowse.deletion_log import DeletionLog
from orbrowse.emulator.server import RunningEmulator
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.reliability.fake_server import FakeServer, start_fake_server
from tests.tui.app_driver import AppFactory as AppFactory
from tests.tui.app_driver import app_factory

PATIENT_FAST_RETRY = RetryPolicy(
    max_attempts=10,
    max_rate_limited_attempts=20,
    base_delay=0.002,
    max_delay=0.02,
    total_budget=30.0,
)
"""As many attempts as chaos needs, without seconds of backoff."""

ONE_TRY = RetryPolicy(max_attempts=1, max_rate_limited_attempts=1)


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    """The broken server of :mod:`tests.reliability.fake_server`; ``fake_server.url(mode)``."""
    with start_fake_server() as server:
        yield server


@pytest.fixture
def deletion_log(tmp_path: Path) -> DeletionLog:
    return DeletionLog(tmp_path / "state" / "deletions.jsonl")


@pytest.fixture
def make_app(
    emulator: RunningEmulator,
    api_key: str,
    tmp_path: Path,
    downloads: Path,
    deletion_log: DeletionLog,
) -> AppFactory:
    """The app opened on the default workspace, retrying patiently, remembering nothing
    (:func:`~tests.tui.app_driver.app_factory` says what a call may change)."""
    return app_factory(
        emulator.url,
        api_key,
        tmp_path,
        deletion_log=deletion_log,
        download_dir=downloads,
        retry=PATIENT_FAST_RETRY,
        workspace=DEFAULT_WORKSPACE_ID,
        remember=False,
    )
