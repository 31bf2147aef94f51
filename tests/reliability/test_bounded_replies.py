"""Broken servers are bounded in memory and time, and named truthfully.

Each test states its budget: memory (tracemalloc peak in this process, or the peak RSS of an
``orbrowse`` subprocess) and seconds, and fails past it. The budgets are blow-up and hang
guards, far above a correct run; before the fixes these runs read hundreds of MiB (the fake
server's ``huge`` routes are capped at 256–512 MiB here so a regression cannot exhaust the
machine) or waited without end.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.pilot import Pilot

from orbrowse.api.client import MAX_JSON_BYTES, FilesClient
from orbrowse.api.errors import (
    APITimeoutError,
    NotFoundError,
    RateLimitError,
    ResponseFormatError,
    ResponseTooLargeError,
    ServerError,
    describe,
    parse_retry_after,
)
from orbrowse.api.retry import NO_RETRY, RetryPolicy
from orbrowse.config import load_settings
from orbrowse.tui.app import OrbrowseApp, build_app
from orbrowse.tui.screens.browser import BrowserScreen
from tests.reliability.budget import MiB, memory_budget, run_orbrowse, time_budget
from tests.reliability.fake_server import FAKE_KEY, FakeServer
from tests.tui.app_driver import notifications, screen_shown, status_of, wait_until

FAST = RetryPolicy(base_delay=0.01, max_delay=0.05)
WORKSPACE = "11111111-1111-4111-8111-111111111111"

LS_SECONDS = 30.0
LS_RSS = 200 * MiB
"""``orbrowse ls`` needs about 50–70 MiB RSS for the interpreter and its imports."""


@pytest.fixture
def fake(fake_server: FakeServer) -> Iterator[FakeServer]:
    fake_server.options.huge_length = 256 * MiB
    yield fake_server


def client_for(
    fake: FakeServer, mode: str, *, retry: RetryPolicy = FAST, request_timeout: float = 60.0
) -> FilesClient:
    return FilesClient(
        FAKE_KEY, base_url=fake.url(mode), retry=retry, request_timeout=request_timeout
    )


def ls(fake: FakeServer, mode: str, *args: str) -> list[str]:
    return ["ls", "--api-key", FAKE_KEY, "--base-url", fake.url(mode), *args]


# -- the client --------------------------------------------------------------------------------


async def test_a_reply_announcing_gigabytes_is_refused_unread(fake: FakeServer) -> None:
    with memory_budget(16 * MiB) as spent:
        async with time_budget(20), client_for(fake, "huge") as client:
            with pytest.raises(ResponseTooLargeError) as caught:
                await client.list_files()
    assert "268,435,456 bytes" in str(caught.value) and "8 MiB" in str(caught.value)
    assert fake.count("huge") == 1  # never retried
    assert spent.peak_bytes < MAX_JSON_BYTES


@pytest.mark.parametrize("mode", ["huge-chunked", "gzip-bomb"])
async def test_a_reply_without_a_length_is_cut_at_the_cap(fake: FakeServer, mode: str) -> None:
    """``gzip-bomb``: 64 KiB on the wire decodes to 64 MiB; the cap counts decoded bytes as
    they are decoded."""
    with memory_budget(40 * MiB):
        async with time_budget(20), client_for(fake, mode) as client:
            with pytest.raises(ResponseTooLargeError) as caught:
                await client.get_file("or_file_A")
    assert "more than 8,388,608 bytes" in str(caught.value)
    assert fake.count(mode) == 1


@pytest.mark.parametrize("mode", ["huge-error", "gzip-bomb-error"])
async def test_an_error_reply_is_read_only_as_far_as_its_message(
    fake: FakeServer, mode: str
) -> None:
    with memory_budget(8 * MiB):
        async with time_budget(20), client_for(fake, mode, retry=NO_RETRY) as client:
            with pytest.raises(ServerError):
                await client.list_files()
    assert fake.count(mode) == 1


async def test_a_gzip_bombed_preview_reads_only_its_bytes(fake: FakeServer) -> None:
    with memory_budget(8 * MiB):
        async with time_budget(20), client_for(fake, "gzip-bomb", retry=NO_RETRY) as client:
            sample = await client.read_content("or_file_A", 64 * 1024)
    assert sample.data == b" " * (64 * 1024) and not sample.complete


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw"])
async def test_a_compressed_listing_is_decoded_whole(fake: FakeServer, encoding: str) -> None:
    fake.options.extra["encoding"] = encoding
    async with client_for(fake, "encoded", retry=NO_RETRY) as client:
        page = await client.list_files()
    assert [f.id for f in page.files] == [f"or_file_{n}" for n in range(200)]


async def test_an_encoding_the_client_did_not_ask_for_is_refused(fake: FakeServer) -> None:
    fake.options.extra["encoding"] = "br"
    async with client_for(fake, "encoded", retry=NO_RETRY) as client:
        with pytest.raises(ResponseFormatError) as caught:
            await client.list_files()
    assert "an encoding orbrowse did not ask for: 'br'" in str(caught.value)


async def test_the_client_asks_only_for_encodings_it_decodes_in_bounded_pieces(
    fake: FakeServer,
) -> None:
    async with client_for(fake, "ok") as client:
        await client.list_files()
    assert fake.requests[-1].headers["accept-encoding"] == "gzip, deflate"


async def test_a_trickling_reply_ends_at_the_request_timeout(fake: FakeServer) -> None:
    fake.options.trickle_interval = 0.25  # each byte well inside the 30 s read timeout
    async with time_budget(15), client_for(fake, "trickle", request_timeout=1.5) as client:
        with pytest.raises(APITimeoutError) as caught:
            await client.list_files()
    assert str(caught.value) == (
        "The server did not finish answering within 1.5 s (request_timeout)"
    )
    assert fake.count("trickle") == 1


async def test_retries_stop_at_the_request_timeout_with_the_real_error(fake: FakeServer) -> None:
    patient = RetryPolicy(max_attempts=1000, base_delay=0.2, max_delay=0.2, total_budget=1000)
    async with (
        time_budget(15),
        client_for(fake, "html", retry=patient, request_timeout=1.0) as client,
    ):
        with pytest.raises((ServerError, APITimeoutError)) as caught:
            await client.list_files()
    # The policy gives up when the next wait would pass the deadline, or the deadline cuts
    # an attempt short: either way the server's own answer is in the message.
    assert "HTML page" in describe(caught.value)
    assert 2 <= fake.count("html") <= 12  # retried, but only while the deadline allowed


async def test_an_html_page_with_200_is_an_error_and_not_retried(fake: FakeServer) -> None:
    async with client_for(fake, "html-200") as client:
        with pytest.raises(ResponseFormatError, match="HTML page"):
            await client.list_files()
    assert fake.count("html-200") == 1


async def test_header_garbage_around_a_good_reply_is_ignored(fake: FakeServer) -> None:
    async with client_for(fake, "garbage-headers") as client:
        page = await client.list_files()
    assert [f.id for f in page.files] == ["or_file_A"]


@pytest.mark.parametrize("mode", ["wrong-path", "wrong-path-html"])
async def test_a_wrong_base_url_path_says_check_the_base_url(fake: FakeServer, mode: str) -> None:
    async with client_for(fake, mode) as client:
        for call in (client.list_files(), client.get_file("or_file_A")):
            with pytest.raises(NotFoundError) as caught:
                await call
            text = describe(caught.value)
            assert "check --base-url" in text and "deleted" not in text, text


async def test_a_404_for_the_listing_itself_says_check_the_base_url(fake: FakeServer) -> None:
    async def listing_gone(request: object, writer: object, options: object) -> None:
        from tests.reliability.fake_server import error_json, respond_json

        await respond_json(writer, 404, error_json(404, "Not Found"))  # type: ignore[arg-type]

    fake.add_route("no-listing", listing_gone)
    async with client_for(fake, "no-listing") as client:
        with pytest.raises(NotFoundError) as caught:
            await client.list_files()
    assert "check --base-url" in describe(caught.value)


async def test_a_404_for_something_that_is_not_a_file_id_says_so(fake: FakeServer) -> None:
    async with client_for(fake, "ok") as client:
        with pytest.raises(NotFoundError) as banana:
            await client.get_file("banana")
        with pytest.raises(NotFoundError) as gone:
            await client.get_file("or_file_Z")
    assert "not a file id" in describe(banana.value)
    assert "deleted" not in describe(banana.value)
    assert "may have been deleted" in describe(gone.value)


# -- Retry-After ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "nan"},
        {"Retry-After": "NaN"},
        {"Retry-After": "inf"},
        {"Retry-After": "-inf"},
        {"Retry-After": "1e999"},
        {"Retry-After": "soon"},
        {"retry-after-ms": "nan"},
        {"retry-after-ms": "inf", "Retry-After": "nan"},
    ],
)
def test_retry_after_that_is_not_a_finite_number_or_a_date_is_ignored(
    headers: dict[str, str],
) -> None:
    assert parse_retry_after(headers) is None


def test_retry_after_numbers_and_dates_still_count() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after({"Retry-After": "2.5"}) == 2.5
    assert parse_retry_after({"retry-after-ms": "nan", "Retry-After": "3"}) == 3.0
    assert parse_retry_after({"Retry-After": "Thu, 01 Jan 2026 00:00:10 GMT"}, now=now) == 10.0


async def test_a_retry_after_of_nan_leaves_the_policy_its_backoff(fake: FakeServer) -> None:
    policy = RetryPolicy(max_rate_limited_attempts=3, base_delay=0.01, max_delay=0.02)
    async with client_for(fake, "retry-after", retry=policy) as client:
        with pytest.raises(RateLimitError) as caught:
            await client.list_files()
    assert caught.value.retry_after is None
    delay = policy.delay_for(caught.value, 1, 0.0)
    assert delay is not None and math.isfinite(delay) and delay >= policy.base_delay / 2
    assert fake.count("retry-after") == 3


# -- orbrowse ls / info as a subprocess ----------------------------------------------------------


def test_ls_refuses_a_huge_reply_quickly_in_bounded_memory(fake: FakeServer) -> None:
    fake.options.huge_length = 512 * MiB
    run = run_orbrowse(*ls(fake, "huge"), seconds=LS_SECONDS, rss_bytes=LS_RSS)
    assert run.code == 5
    assert "536,870,912 bytes" in run.stderr and "MiB" in run.stderr
    assert fake.count("huge") == 1


def test_ls_stops_a_trickle_at_the_request_timeout(fake: FakeServer) -> None:
    fake.options.trickle_interval = 0.5
    run = run_orbrowse(
        *ls(fake, "trickle", "--request-timeout", "2"), seconds=LS_SECONDS, rss_bytes=LS_RSS
    )
    assert run.code == 5
    assert "did not finish answering within 2 s (request_timeout)" in run.stderr


def test_the_request_timeout_comes_from_the_environment_too(fake: FakeServer) -> None:
    fake.options.trickle_interval = 0.5
    run = run_orbrowse(
        *ls(fake, "trickle"),
        seconds=LS_SECONDS,
        rss_bytes=LS_RSS,
        env={"ORBROWSE_REQUEST_TIMEOUT": "1.5"},
    )
    assert "within 1.5 s (request_timeout)" in run.stderr


def test_ls_against_endless_pages_ends_with_a_message(fake: FakeServer) -> None:
    run = run_orbrowse(*ls(fake, "endless"), seconds=LS_SECONDS, rss_bytes=LS_RSS)
    assert run.code == 5
    assert "Unexpected answer from the server" in run.stderr
    assert fake.count("endless") < 20


def test_ls_against_a_gateway_error_page_says_so_without_the_html(fake: FakeServer) -> None:
    run = run_orbrowse(*ls(fake, "html"), seconds=LS_SECONDS, rss_bytes=LS_RSS)
    assert run.code == 5
    assert "HTML page" in run.stderr and "<" not in run.stderr


def test_ls_with_a_wrong_base_url_path_says_so(fake: FakeServer) -> None:
    run = run_orbrowse(*ls(fake, "wrong-path"), seconds=LS_SECONDS, rss_bytes=LS_RSS)
    assert run.code == 4
    assert "check --base-url" in run.stderr and "deleted" not in run.stderr


def test_info_of_something_that_is_not_a_file_id_says_so(fake: FakeServer) -> None:
    run = run_orbrowse(
        "info", "banana", "--api-key", FAKE_KEY, "--base-url", fake.url("ok"),
        seconds=LS_SECONDS, rss_bytes=LS_RSS,
    )  # fmt: skip
    assert run.code == 4
    assert "banana" in run.stderr and "not a file id" in run.stderr
    assert "deleted" not in run.stderr


# -- the browser -----------------------------------------------------------------------------------


def browser_app(fake: FakeServer, mode: str, request_timeout: float) -> OrbrowseApp:
    settings = load_settings(api_key=FAKE_KEY, base_url=fake.url(mode), workspace=WORKSPACE, env={})
    settings = replace(settings, request_timeout=request_timeout, config_path=None)
    return build_app(settings, env={}, remember=False, retry=NO_RETRY)


async def load_error_shown(pilot: Pilot[Any], screen: BrowserScreen, text: str) -> None:
    """Wait for the listing to fail, then for a notification: both must say ``text``."""
    await wait_until(pilot, lambda: screen.load_error is not None, "the error")
    assert text in (screen.load_error or "")
    app = pilot.app
    await wait_until(
        pilot, lambda: text in "\n".join(notifications(app)), f"a notification of {text!r}"
    )


@pytest.mark.usefixtures("lasting_notifications")
async def test_the_browser_stays_responsive_and_says_what_it_waits_for(fake: FakeServer) -> None:
    fake.options.trickle_interval = 0.5
    app = browser_app(fake, "trickle", request_timeout=6)
    async with time_budget(40), app.run_test(size=(140, 30)) as pilot:
        screen = await screen_shown(pilot, BrowserScreen)
        await wait_until(pilot, lambda: "waiting for page 1 (" in status_of(app), "the wait")
        await pilot.press("question_mark")  # the app answers keys while the reply trickles
        await wait_until(pilot, lambda: app.screen is not screen, "the help screen")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back to the browser")
        await load_error_shown(pilot, screen, "within 6 s (request_timeout)")
        assert "waiting for page" not in status_of(app)


@pytest.mark.usefixtures("lasting_notifications")
async def test_the_browser_refuses_a_huge_reply_in_bounded_memory(fake: FakeServer) -> None:
    app = browser_app(fake, "huge", request_timeout=60)
    with memory_budget(96 * MiB):
        async with time_budget(40), app.run_test(size=(140, 30)) as pilot:
            screen = await screen_shown(pilot, BrowserScreen)
            await load_error_shown(pilot, screen, "268,435,456 bytes")
    assert fake.count("huge", "/files") == 1


async def test_a_workspace_listing_that_repeats_itself_ends(fake: FakeServer) -> None:
    async def same_page(request: Any, writer: Any, options: Any) -> None:
        from tests.reliability.fake_server import respond_json

        page = {"data": [{"id": WORKSPACE, "name": "W", "slug": "w"}], "total_count": 10**9}
        await respond_json(writer, 200, page)

    fake.add_route("same-workspaces", same_page)
    async with client_for(fake, "same-workspaces") as client:
        with pytest.raises(ResponseFormatError, match="repeat"):
            async for _ in client.iter_workspaces():
                pass
    assert fake.count("same-workspaces") == 2  # the second page gave nothing new: stop there
