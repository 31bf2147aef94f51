"""Fixtures for the reliability suite: the whole app against the emulator, retrying fast."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from orbrowse.api.client import RequestObserver
from orbrowse.api.retry import RetryPolicy
from orbrowse.deletion_log import DeletionLog
from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.app import OrbrowseApp
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.reliability.fake_server import FakeServer, start_fake_server
from tests.tui.app_driver import app_against

PATIENT_FAST_RETRY = RetryPolicy(
    max_attempts=10,
    max_rate_limited_attempts=20,
    base_delay=0.002,
    max_delay=0.02,
    total_budget=30.0,
)
"""As many attempts as chaos needs, without seconds of backoff."""

ONE_TRY = RetryPolicy(max_attempts=1, max_rate_limited_attempts=1)

AppFactory = Callable[..., OrbrowseApp]


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
    """The app opened on the default workspace; keywords other than ``base_url``, ``key``,
    ``retry``, ``observer`` and ``workspace`` replace :class:`Settings` fields."""

    def factory(
        *,
        base_url: str | None = None,
        key: str | None = None,
        retry: RetryPolicy = PATIENT_FAST_RETRY,
        observer: RequestObserver | None = None,
        workspace: str | None = DEFAULT_WORKSPACE_ID,
        **overrides: Any,
    ) -> OrbrowseApp:
        return app_against(
            base_url or emulator.url,
            key or api_key,
            tmp_path,
            workspace=workspace,
            retry=retry,
            deletion_log=deletion_log,
            download_dir=downloads,
            observer=observer,
            remember=False,
            **overrides,
        )

    return factory
