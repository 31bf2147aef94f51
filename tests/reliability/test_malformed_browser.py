"""Malformed answers reach the browser, not only the client: a clear message, no crash, no loop.

Each case is a scripted ``200`` (or a proxy's ``502``) on the listing; afterwards the browser
still runs, says what went wrong with ``r`` to retry, and ``r`` recovers once the server is sane.
"""

from __future__ import annotations

import json

import pytest

from orbrowse.emulator.server import RunningEmulator
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.reliability.conftest import ONE_TRY, AppFactory
from tests.tui.app_driver import browsing, notifications, wait_until

ITEM = {
    "_shape": "openrouter",
    "id": "or_file_aaaaaaaaaaaaaaaaaaaaaaaa",
    "type": "file",
    "filename": "a.txt",
    "mime_type": "text/plain",
    "size_bytes": 3,
    "created_at": "2026-01-01T00:00:00Z",
    "downloadable": False,
}


def page(items: list[dict[str, object]], **extra: object) -> bytes:
    body: dict[str, object] = {
        "_shape": "openrouter",
        "data": items,
        "has_more": False,
        "first_id": None,
        "last_id": None,
        "cursor": None,
    }
    body.update(extra)
    return json.dumps(body).encode()


def item(n: int, **changes: object) -> dict[str, object]:
    return {**ITEM, "id": f"or_file_{n:024d}", "filename": f"f{n}.txt", **changes}


MALFORMED = {
    "invalid JSON": (200, b'{"data": [', "application/json"),
    "missing fields": (200, page([{"_shape": "openrouter", "id": "or_file_x"}]), None),
    "wrong types": (200, page([item(1, size_bytes="big", downloadable="yes")]), None),
    "data not a list": (200, page([], data={"0": ITEM}), None),
    "unknown _shape without the fields": (
        200,
        page([{"_shape": "martian", "ident": "x", "octets": 3}], _shape="martian"),
        None,
    ),
    "a JSON string": (200, b'"hello"', None),
    "page larger than limit": (200, page([item(n) for n in range(6)]), None),
    "HTML from a proxy": (
        502,
        b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1>[b]nginx[/b]</body></html>",
        "text/html",
    ),
    "HTML with status 200": (200, b"<html><body>Login required</body></html>", "text/html"),
}


async def test_an_unknown_shape_with_known_fields_is_tolerated(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    # models.py sniffs the fields when _shape is unknown (a new shape must not break listing).
    body = page([item(1, _shape="martian")], _shape="martian")
    emulator.faults.fail_next(200, method="GET", path_contains="/files", body=body)
    app = make_app(page_size=5, retry=ONE_TRY)
    async with browsing(app, size=(120, 30)) as (_, screen):
        assert screen.load_error is None
        assert [f.id for f in screen.files.loaded_files()] == [item(1)["id"]]


@pytest.mark.parametrize("case", sorted(MALFORMED))
async def test_a_malformed_listing_is_a_clear_error_and_r_recovers(
    case: str, emulator: RunningEmulator, make_app: AppFactory
) -> None:
    status, body, content_type = MALFORMED[case]
    real = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "real.txt", size_bytes=4)
    emulator.faults.fail_next(
        status, method="GET", path_contains="/files", body=body, content_type=content_type
    )
    app = make_app(page_size=5, retry=ONE_TRY)
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        assert screen.load_error is not None
        text = "\n".join(notifications(app, titled=True))
        assert "Unexpected answer from the server" in text or "(502)" in text, text
        assert "Press r to retry" in text
        assert "[b]nginx" not in text and "Traceback" not in text
        assert screen.files.loaded_count == 0  # nothing half-parsed was shown
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.fetching and screen.load_error is None, "r")
        assert [f.id for f in screen.files.loaded_files()] == [real.id]


async def test_a_looping_cursor_stops_the_listing_instead_of_spinning(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    # Every answer claims more and hands back the same cursor: a server stuck in a loop.
    looping = page([item(1), item(2)], has_more=True, cursor="c2FtZQ==", last_id=item(2)["id"])
    emulator.faults.fail_next(200, method="GET", path_contains="/files", body=looping, count=500)
    app = make_app(page_size=5, retry=ONE_TRY)
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        await pilot.press("L")
        await wait_until(pilot, lambda: screen.load_error is not None, "the loop to be noticed")
        text = "\n".join(notifications(app, titled=True))
        assert "cursor repeats" in text, text
        listed = [f.id for f in screen.files.loaded_files()]
        assert listed == [item(1)["id"], item(2)["id"]]
        requests = [r for r in emulator.faults.requests if r.path.endswith("/files")]
        assert len(requests) <= 3
        assert app.is_running
