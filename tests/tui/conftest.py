"""Fixtures for driving the whole app against the emulator the way a person does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from orbrowse.api.client import FilesClient
from orbrowse.api.retry import RetryPolicy
from orbrowse.deletion_log import DeletionLog
from orbrowse.emulator.seed import generate_files
from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.app import OrbrowseApp
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import FIXED_NOW as FIXED_NOW
from tests.tui.app_driver import AppFactory as AppFactory
from tests.tui.app_driver import app_factory
from tests.tui.dialog_host import NO_RETRY

FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.005)
"""Retries as the app does them, without the seconds of backoff (failures stay failures)."""


@pytest.fixture
def deletion_log_path(tmp_path: Path) -> Path:
    return tmp_path / "deletions.jsonl"


@pytest.fixture
def make_app(
    emulator: RunningEmulator,
    api_key: str,
    tmp_path: Path,
    downloads: Path,
    deletion_log_path: Path,
) -> AppFactory:
    """Build the app against the emulator with a private config, log and download folder;
    no workspace unless asked for (:func:`~tests.tui.app_driver.app_factory` says the rest)."""
    return app_factory(
        emulator.url,
        api_key,
        tmp_path,
        deletion_log=DeletionLog(deletion_log_path),
        download_dir=downloads,
        retry=FAST_RETRY,
        workspace=None,
        remember=True,
    )


PAGE = 100
"""Files per listing page in the ``app`` fixture (the default, said here because tests
count pages)."""


@pytest.fixture
def app(make_app: AppFactory) -> OrbrowseApp:
    """The app opened straight on the default workspace, as most tests browse it."""
    return make_app(workspace=DEFAULT_WORKSPACE_ID, page_size=PAGE)


@pytest.fixture
async def client(emulator: RunningEmulator, api_key: str) -> AsyncIterator[FilesClient]:
    """A client with no retries, for dialogs that talk to the emulator themselves."""
    async with FilesClient(api_key, base_url=emulator.url, retry=NO_RETRY) as files_client:
        yield files_client


THOUSAND = 1000


@pytest.fixture
def thousand(emulator: RunningEmulator) -> list[str]:
    """1,000 files in the default workspace; their ids in listing order."""
    stored = generate_files(emulator.store, DEFAULT_WORKSPACE_ID, THOUSAND, now=FIXED_NOW)
    return [file.id for file in stored]
