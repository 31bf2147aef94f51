"""``orbrowse --demo``: the command line starts the emulator and hands the app settings."""

from __future__ import annotations

import gc
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from orbrowse import cli
from orbrowse.cli import browser_parser, start_demo
from orbrowse.commands import COMMAND_NAMES
from orbrowse.config import load_settings


def test_demo_settings_point_at_a_running_emulator_that_stops_with_the_stack(
    tmp_path: Path,
) -> None:
    user_config = tmp_path / "config.toml"
    user_config.write_text('workspace = "22222222-2222-4222-8222-222222222222"\n')
    settings = load_settings(config_path=user_config, env={})
    with ExitStack() as stack:
        demo = start_demo(stack, settings, workspace=None)
        assert demo.api_key and demo.api_key != settings.api_key
        assert demo.workspace is None  # the user's config does not choose the demo's workspace
        assert demo.config_path is not None and demo.config_path.parent != tmp_path
        answer = httpx.get(
            f"{demo.base_url}/files", headers={"Authorization": f"Bearer {demo.api_key}"}
        )
        assert answer.status_code == 200
        assert answer.json()["data"], "the demo has files"
        demo_folder = demo.config_path.parent
    assert not demo_folder.exists(), "the throw-away config folder is removed"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{demo.base_url}/files", timeout=2)


def test_help_lists_every_subcommand_from_the_one_list(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        browser_parser().parse_args(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    for name in COMMAND_NAMES:
        assert name in text


def test_the_browser_starts_with_the_collector_paused_and_leaves_it_running(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # orbrowse.startup_gc: the app resumes it once drawn; main does if the app never ran.
    seen: list[bool] = []

    def browser(options: object) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(cli, "run_browser", browser)
    try:
        assert cli.main(["--api-key", "sk-or-v1-test"]) == 0
        assert seen == [False]
        assert gc.isenabled()
    finally:
        gc.enable()
