"""Bad local input is a message, checked before anything is sent: keys, names, the config."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Button, Input

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import LocalCheckError
from orbrowse.api.keys import key_problem
from orbrowse.config import load_settings
from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.app import build_app
from orbrowse.tui.dialogs import UploadDialog
from orbrowse.tui.screens.no_key import NoKeyScreen
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.reliability.budget import MiB, run_orbrowse, time_budget
from tests.reliability.fake_server import FAKE_KEY, FakeServer
from tests.tui.app_driver import screen_shown, screen_text, settle
from tests.tui.dialog_host import Host, text_of

SECONDS = 30.0
RSS = 200 * MiB

BAD_KEYS = {
    "not ASCII": ("sk-or-v1-" + "a" * 30 + "é" + "b" * 30, "not ASCII"),
    "a line break": ("sk-or-v1-" + "a" * 30 + "\n" + "b" * 30, "a line break"),
    "a space": ("sk-or-v1-" + "a" * 30 + " " + "b" * 30, "whitespace"),
    "a control character": ("sk-or-v1-" + "a" * 30 + "\x1b" + "b" * 30, "control character"),
    "a zero-width space": ("sk-or-v1-" + "a" * 30 + "\u200b" + "b" * 30, "not ASCII"),
}


@pytest.mark.parametrize("name", sorted(BAD_KEYS))
def test_a_bad_key_is_refused_by_the_client_without_echoing_it(name: str) -> None:
    key, problem = BAD_KEYS[name]
    with pytest.raises(LocalCheckError) as caught:
        FilesClient(key, base_url="http://127.0.0.1:9/api/v1")
    assert problem in str(caught.value)
    assert "a" * 30 not in str(caught.value) and "b" * 30 not in str(caught.value)


def test_a_printable_ascii_key_passes() -> None:
    assert key_problem(FAKE_KEY) is None


@pytest.mark.parametrize("name", ["not ASCII", "a line break"])
def test_ls_with_a_bad_key_says_so_and_sends_nothing(fake_server: FakeServer, name: str) -> None:
    key, problem = BAD_KEYS[name]
    run = run_orbrowse(
        "ls", "--base-url", fake_server.url("ok"), seconds=SECONDS, rss_bytes=RSS,
        env={"OPENROUTER_API_KEY": key},
    )  # fmt: skip
    assert run.code == 3
    assert problem in run.stderr and "OPENROUTER_API_KEY" in run.stderr
    assert "network" not in run.stderr and "b" * 30 not in run.stderr
    assert fake_server.requests == []


async def test_the_browser_with_a_non_ascii_key_shows_a_message(fake_server: FakeServer) -> None:
    key, _ = BAD_KEYS["not ASCII"]
    settings = load_settings(
        api_key=key, base_url=fake_server.url("ok"), workspace=DEFAULT_WORKSPACE_ID, env={}
    )
    app = build_app(settings, env={}, remember=False)
    async with time_budget(30), app.run_test(size=(120, 30)) as pilot:
        await screen_shown(pilot, NoKeyScreen)
        text = screen_text(app)
        assert "not ASCII" in text and "Traceback" not in text
        assert "b" * 30 not in text
    assert fake_server.requests == []


def non_utf8_file(folder: Path) -> Path:
    path = Path(os.fsdecode(bytes(folder) + b"/caf\xe9.txt"))
    path.write_bytes(b"hello\n")
    return path


def test_put_of_a_name_that_is_not_utf8_names_the_name_flag(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    path = non_utf8_file(tmp_path)
    base = ["put", "--api-key", api_key, "--base-url", emulator.url, "--workspace"]
    refused = run_orbrowse(*base, DEFAULT_WORKSPACE_ID, str(path), seconds=SECONDS, rss_bytes=RSS)
    assert refused.code == 2
    assert "caf\\xe9.txt is not valid UTF-8" in refused.stderr and "--name" in refused.stderr
    assert emulator.store.files(DEFAULT_WORKSPACE_ID) == []

    named = run_orbrowse(
        *base, DEFAULT_WORKSPACE_ID, str(path), "--name", "cafe.txt", seconds=SECONDS, rss_bytes=RSS
    )
    assert named.code == 0, named.stderr
    assert [f.filename for f in emulator.store.files(DEFAULT_WORKSPACE_ID)] == ["cafe.txt"]


async def test_the_client_refuses_to_upload_a_name_that_is_not_utf8(tmp_path: Path) -> None:
    async with FilesClient(FAKE_KEY, base_url="http://127.0.0.1:9/api/v1") as client:
        with pytest.raises(LocalCheckError, match=r"not valid UTF-8.*--name"):
            await client.upload_file(non_utf8_file(tmp_path))


def test_an_unparsable_config_is_reported_once_and_the_run_goes_on(
    fake_server: FakeServer, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('page_size = 100\ntheme = "unterminated\n')
    config.chmod(0o600)
    run = run_orbrowse(
        "ls", "--api-key", FAKE_KEY, "--base-url", fake_server.url("ok"),
        "--config", str(config), seconds=SECONDS, rss_bytes=RSS,
    )  # fmt: skip
    assert run.code == 0, run.stderr
    assert [line.split('"id": "')[1][:9] for line in run.stdout.splitlines()] == [
        "or_file_A",
        "or_file_B",
    ]
    assert run.stderr.count("is not valid TOML") == 1
    assert "ignoring it" in run.stderr


def test_the_request_timeout_setting_is_checked(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("request_timeout = 12.5\n")
    assert load_settings(config_path=config, env={}).request_timeout == 12.5
    env = {"ORBROWSE_REQUEST_TIMEOUT": "7"}
    assert load_settings(config_path=config, env=env).request_timeout == 7.0
    flag = load_settings(config_path=config, env=env, request_timeout="3")
    assert flag.request_timeout == 3.0
    for bad in ("nan", "0", "-1", "soon", "1e9"):
        settings = load_settings(config_path=tmp_path / "none.toml", env={}, request_timeout=bad)
        assert settings.request_timeout == 60.0
        assert [p.key for p in settings.problems] == ["request_timeout"]


async def test_the_upload_dialog_refuses_a_name_that_is_not_utf8_with_a_message(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    path = non_utf8_file(tmp_path)
    async with FilesClient(api_key, base_url=emulator.url) as client:
        dialog = UploadDialog(client, tmp_path)
        app = Host(dialog)
        async with time_budget(30), app.run_test() as pilot:
            await pilot.pause()
            dialog.query_one("#path", Input).value = str(path)
            await settle(pilot)
            check = text_of(dialog, "#check")
            assert "caf\\xe9.txt is not valid UTF-8" in check and "--name" in check
            assert "codec" not in check and "surrogates" not in check
            assert dialog.query_one("#upload", Button).disabled
            await pilot.press("escape")
            await pilot.pause()
    assert emulator.store.files(DEFAULT_WORKSPACE_ID) == []
