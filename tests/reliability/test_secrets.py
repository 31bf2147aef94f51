"""The key stays secret: not on screen, not in logs or error messages, never over plain HTTP
to another machine, never carried along a redirect; --debug-log records requests without it."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import (
    APIConnectionError,
    AuthenticationError,
    InsecureTransportError,
    LocalCheckError,
    OpenRouterError,
    ResponseFormatError,
)
from orbrowse.config import load_settings
from orbrowse.debug_log import DebugLog
from orbrowse.emulator.faults import Faults
from orbrowse.emulator.keys import Keys
from orbrowse.emulator.server import RunningEmulator, start_emulator
from orbrowse.tui.app import build_app
from orbrowse.tui.dialogs.help import HelpScreen
from tests.cli import Cli
from tests.conftest import DEFAULT_WORKSPACE_ID, fixture_store
from tests.reliability.conftest import ONE_TRY, AppFactory
from tests.tui.app_driver import browsing, screen_text, wait_until

# Not shaped like sk-or-…: nothing may rely on pattern redaction to hide it.
SECRET = "plainsecret-7f3a9c1e5b2d4f60a8e1"


@pytest.fixture
def secret_emulator() -> Iterator[RunningEmulator]:
    with start_emulator(
        store=fixture_store(), faults=Faults(seed=9), keys=Keys(management_key=SECRET)
    ) as running:
        running.store.add_file(DEFAULT_WORKSPACE_ID, "a.bin", content=b"abc", downloadable=True)
        running.store.add_file(DEFAULT_WORKSPACE_ID, "b.txt", size_bytes=9)
        yield running


async def test_the_key_is_never_on_screen_nor_in_a_screenshot(
    secret_emulator: RunningEmulator, make_app: AppFactory, tmp_path: Path
) -> None:
    debug = tmp_path / "debug.jsonl"
    with DebugLog(debug) as log:
        app = make_app(base_url=secret_emulator.url, key=SECRET, observer=log.record)
        async with browsing(app, size=(160, 40)) as (pilot, screen):
            seen = [screen_text(app), app.export_screenshot()]
            await pilot.press("question_mark")
            await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
            seen.append(screen_text(app))
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is screen, "back")
            await pilot.press("a", "x")
            await pilot.pause()
            seen.append(screen_text(app))
            await pilot.press("escape")
            await pilot.pause()
            seen.append(app.export_screenshot())
            assert "a.bin" in seen[0]
    for shown in seen:
        assert SECRET not in shown
        assert SECRET[-8:] not in shown  # not even a long tail of it
    text = debug.read_text()
    assert SECRET not in text and "Authorization" not in text
    assert stat.S_IMODE(debug.stat().st_mode) == 0o600
    entries = [json.loads(line) for line in text.splitlines()]
    assert any(e["method"] == "GET" and "/files" in e["url"] for e in entries)


async def test_no_error_message_or_repr_carries_the_key(
    secret_emulator: RunningEmulator, tmp_path: Path
) -> None:
    errors: list[BaseException] = []
    async with FilesClient(SECRET, base_url=secret_emulator.url, retry=ONE_TRY) as client:
        assert SECRET not in repr(client)
        secret_emulator.faults.fail_next(500, message=f"boom {SECRET[:4]}")
        for call in (
            client.get_file("or_file_missing"),
            client.get_file("or_file_missing"),
            client.download_file("or_file_missing", tmp_path / "x"),
        ):
            try:
                await call
            except OpenRouterError as error:
                errors.append(error)
    async with FilesClient(SECRET + "-wrong", base_url=secret_emulator.url) as wrong:
        with pytest.raises(AuthenticationError) as raised:
            await wrong.list_files()
        errors.append(raised.value)
    with pytest.raises(InsecureTransportError) as insecure:
        FilesClient(SECRET, base_url="http://files.example.com/api/v1")
    errors.append(insecure.value)
    async with FilesClient(SECRET, base_url="http://127.0.0.1:9/api/v1", retry=ONE_TRY) as gone:
        with pytest.raises(APIConnectionError) as refused:
            await gone.list_files()
        errors.append(refused.value)
    assert len(errors) == 6
    for caught in errors:
        for text in (str(caught), repr(caught), str(caught.__cause__ or "")):
            assert SECRET not in text


async def test_plain_http_to_a_remote_host_is_refused_clearly_in_the_app(
    tmp_path: Path,
) -> None:
    settings = load_settings(
        api_key=SECRET,
        base_url="http://files.example.com/api/v1",
        config_path=tmp_path / "config.toml",
        env={},
    )
    app = build_app(settings, env={}, remember=False, download_dir=tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Refusing to send the API key over plain HTTP" in text.replace("\n", " ") or (
            "plain HTTP" in text
        )
        assert SECRET not in text
        assert app.client is None  # no client, so nothing was sent anywhere
    # With the explicit flag the client is built (and would send over http).
    allowed = build_app(
        load_settings(
            api_key=SECRET,
            base_url="http://files.example.com/api/v1",
            allow_insecure_http=True,
            config_path=tmp_path / "config.toml",
            env={},
        ),
        env={},
        remember=False,
    )
    assert allowed.client is not None
    await allowed.client.aclose()


async def test_a_redirect_to_another_host_is_not_followed_and_carries_no_key(
    secret_emulator: RunningEmulator, emulator: RunningEmulator
) -> None:
    elsewhere = emulator.url + "/files"
    for status in (301, 302, 307, 308):
        secret_emulator.faults.fail_next(
            status, method="GET", path_contains="/files", body=b"", headers={"Location": elsewhere}
        )
    async with FilesClient(SECRET, base_url=secret_emulator.url) as client:
        for _ in range(4):
            with pytest.raises(ResponseFormatError, match="redirect"):
                await client.list_files()
    assert emulator.faults.requests == []  # the other host never heard from us
    assert secret_emulator.faults.pending == 0


def test_cli_debug_log_and_deletion_log_hold_no_key(
    secret_emulator: RunningEmulator, tmp_path: Path
) -> None:
    cli = Cli(secret_emulator.url, SECRET, tmp_path)
    debug = tmp_path / "cli-debug.jsonl"
    listed = cli("ls", "--debug-log", str(debug))
    assert listed.code == 0
    target = secret_emulator.store.files(DEFAULT_WORKSPACE_ID)[1]
    removed = cli("rm", target.id, "--yes", "--debug-log", str(debug))
    assert removed.code == 0
    assert secret_emulator.store.get(DEFAULT_WORKSPACE_ID, target.id) is None
    for path in (debug, cli.deletion_log):
        text = path.read_text()
        assert text.strip()
        assert SECRET not in text and "Bearer" not in text
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert any('"DELETE"' in line for line in debug.read_text().splitlines())


def test_a_base_url_with_a_password_is_refused_before_it_can_reach_a_log(
    secret_emulator: RunningEmulator,
) -> None:
    # httpx would send the URL's user and password as Basic auth in place of the key, and
    # the URL (password included) would go to --debug-log and the client's repr.
    with_password = secret_emulator.url.replace("http://", "http://bob:pw-0123456789@")
    with pytest.raises(LocalCheckError) as refused:
        FilesClient(SECRET, base_url=with_password)
    assert "pw-0123456789" not in str(refused.value)
    assert "user name or password" in str(refused.value)
