"""Fixtures for driving the whole app against the emulator the way a person does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from orbrowse.config import Settings, load_settings
from orbrowse.deletion_log import DeletionLog
from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.app import OrbrowseApp, build_app

FIXED_NOW = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)

AppFactory = Callable[..., OrbrowseApp]


@pytest.fixture
def make_app(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> AppFactory:
    """Build the app against the emulator with a private config, log and download folder."""

    def factory(
        *,
        key: str | None = None,
        workspace: str | None = None,
        env: dict[str, str] | None = None,
        **overrides: Any,
    ) -> OrbrowseApp:
        settings: Settings = load_settings(
            api_key=key or api_key,
            base_url=emulator.url,
            workspace=workspace,
            config_path=tmp_path / "config.toml",
            env={},
        )
        settings = replace(settings, **overrides)
        downloads = tmp_path / "downloads"
        downloads.mkdir(exist_ok=True)
        return build_app(
            settings,
            env=env or {},
            clock=lambda: FIXED_NOW,
            deletion_log=DeletionLog(tmp_path / "deletions.jsonl"),
            download_dir=downloads,
        )

    return factory
