"""Fault injection: scripted failures and drops, random failures, rate limits, latency."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from orbrowse.emulator.faults import Faults
from orbrowse.emulator.server import RunningEmulator
from tests.conftest import DEFAULT_WORKSPACE_ID


def test_fail_next_answers_the_envelope_then_recovers(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    emulator.faults.fail_next(503, method="GET", path_contains="/files", count=2, retry_after=0)
    assert http.get("/key").status_code == 200  # does not match the path
    for _ in range(2):
        response = http.get("/files")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "0"
        assert response.json() == {
            "error": {"code": 503, "message": "Service temporarily unavailable", "metadata": None},
            "openrouter_metadata": None,
            "user_id": None,
        }
    assert http.get("/files").status_code == 200
    assert emulator.faults.pending == 0


def test_fail_next_matches_the_method(emulator: RunningEmulator, http: httpx.Client) -> None:
    emulator.faults.fail_next(500, method="DELETE", message="boom")
    assert http.get("/files").status_code == 200
    response = http.delete("/files/or_file_whatever")
    assert response.status_code == 500 and response.json()["error"]["message"] == "boom"


def test_fail_next_can_send_any_body(emulator: RunningEmulator, http: httpx.Client) -> None:
    emulator.faults.fail_next(
        200, body=b'{"_shape": "openrouter", "data": [', path_contains="/files"
    )
    emulator.faults.fail_next(502, body=b"<html>Bad gateway</html>", content_type="text/html")
    broken = http.get("/files")
    assert broken.status_code == 200 and broken.content.endswith(b"[")
    html = http.get("/files")
    assert html.status_code == 502 and html.headers["content-type"] == "text/html"
    assert html.text == "<html>Bad gateway</html>"


def test_scripted_429_carries_the_error_type(emulator: RunningEmulator, http: httpx.Client) -> None:
    emulator.faults.fail_next(429, retry_after=0.25)
    response = http.get("/files")
    assert response.status_code == 429 and response.headers["retry-after"] == "0.25"
    assert response.json()["error"]["metadata"] == {"error_type": "rate_limit_exceeded"}


def test_drop_next_cuts_the_response_after_the_handler_ran(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    stored = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "gone.txt", content=b"x")
    emulator.faults.drop_next(method="DELETE")
    with pytest.raises(httpx.RemoteProtocolError):
        http.delete(f"/files/{stored.id}")
    assert emulator.store.get(DEFAULT_WORKSPACE_ID, stored.id) is None
    assert http.get("/files").status_code == 200


def test_drop_next_cuts_a_download_midway(emulator: RunningEmulator, http: httpx.Client) -> None:
    size = 2 * 1024 * 1024
    stored = emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "outputs/big.png", size_bytes=size, downloadable=True
    )
    emulator.faults.drop_next(path_contains="/content")
    received = 0
    with (
        pytest.raises(httpx.RemoteProtocolError),
        http.stream("GET", f"/files/{stored.id}/content") as response,
    ):
        assert response.headers["content-length"] == str(size)
        for chunk in response.iter_bytes():
            received += len(chunk)
    assert 0 < received < size
    assert len(http.get(f"/files/{stored.id}/content").content) == size


def test_random_failures_are_500_or_503(emulator: RunningEmulator, http: httpx.Client) -> None:
    emulator.faults.fail_rate = 1.0
    emulator.faults.failure_retry_after = 0
    statuses = {http.get("/files").status_code for _ in range(40)}
    assert statuses == {500, 503}
    emulator.faults.fail_rate = 0.0
    assert http.get("/files").status_code == 200


def test_seeded_random_failures_repeat() -> None:
    def sequence() -> list[int | None]:
        faults = Faults(fail_rate=0.5, seed=7)
        return [faults.random_failure() for _ in range(50)]

    first = sequence()
    assert first == sequence()
    assert None in first and 500 in first and 503 in first


def test_random_503_carries_retry_after(emulator: RunningEmulator, http: httpx.Client) -> None:
    emulator.faults.fail_rate = 1.0
    for _ in range(40):
        response = http.get("/files")
        if response.status_code == 503:
            assert response.headers["retry-after"] == "1"
            return
    pytest.fail("no 503 in 40 failures")


def test_drop_rate_drops_connections(emulator: RunningEmulator, http: httpx.Client) -> None:
    emulator.faults.drop_rate = 1.0
    with pytest.raises(httpx.RemoteProtocolError):
        http.get("/files")


def test_rate_limit_answers_429_per_key(
    emulator: RunningEmulator, http: httpx.Client, anonymous: httpx.Client, workspace_key: str
) -> None:
    emulator.faults.rate_limit_rps = 0.01  # one request, then a 100 s refill
    assert http.get("/files").status_code == 200
    limited = http.get("/files")
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "100"
    assert limited.headers["x-ratelimit-limit"] == "1"
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert int(limited.headers["x-ratelimit-reset"]) > 1_700_000_000_000  # epoch milliseconds
    assert limited.json()["error"] == {
        "code": 429,
        "message": "Rate limit exceeded",
        "metadata": {"error_type": "rate_limit_exceeded"},
    }
    other = {"Authorization": f"Bearer {workspace_key}"}
    assert anonymous.get("/files", headers=other).status_code == 200


def test_latency_delays_every_answer(emulator: RunningEmulator, http: httpx.Client) -> None:
    emulator.faults.latency_ms = 3000
    with pytest.raises(httpx.ReadTimeout):
        http.get("/files", timeout=0.2)
    emulator.faults.latency_ms = 0


def test_requests_are_logged_and_clear_resets(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    emulator.faults.fail_rate = 1.0
    http.get("/files", params={"limit": 5}, headers={"X-OpenRouter-Title": "tests"})
    last = emulator.faults.requests[-1]
    assert (last.method, last.path, last.query) == ("GET", "/api/v1/files", "limit=5")
    assert last.headers["x-openrouter-title"] == "tests"
    emulator.faults.fail_next(500)
    emulator.faults.clear()
    assert emulator.faults.requests == [] and emulator.faults.pending == 0
    assert http.get("/files").status_code == 200


def test_the_request_log_keeps_the_newest_max_requests() -> None:
    from orbrowse.emulator.faults import RecordedRequest

    faults = Faults(max_requests=2)
    for number in range(5):
        faults.record(RecordedRequest(method="GET", path=f"/{number}", query="", headers={}))
    assert [r.path for r in faults.requests] == ["/3", "/4"]

    silent = Faults(max_requests=0)
    silent.record(RecordedRequest(method="GET", path="/", query="", headers={}))
    assert silent.requests == []


def wait_for_a_held_request(emulator: RunningEmulator) -> None:
    deadline = time.monotonic() + 30
    while emulator.faults.held == 0:
        assert time.monotonic() < deadline, "no request was ever held"
        time.sleep(0.01)


def test_a_hold_on_a_path_lets_other_requests_through(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    stored = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "a.txt", content=b"x", downloadable=True)
    emulator.faults.hold(path_contains="/content")
    try:
        assert http.get(f"/files/{stored.id}").status_code == 200  # not held
        assert emulator.faults.held == 0
        with ThreadPoolExecutor(1) as pool:
            content = pool.submit(http.get, f"/files/{stored.id}/content")
            wait_for_a_held_request(emulator)
            assert not content.done()
            emulator.faults.release()
            assert content.result(timeout=30).content == b"x"
    finally:
        emulator.faults.release()


def test_a_hold_after_one_lets_the_first_request_through_and_holds_the_next(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    emulator.faults.hold(path_contains="/files", after=1)
    try:
        assert http.get("/files").status_code == 200  # the first goes on
        assert emulator.faults.held == 0
        with ThreadPoolExecutor(1) as pool:
            second = pool.submit(http.get, "/files")
            wait_for_a_held_request(emulator)
            assert not second.done()
            emulator.faults.release()
            assert second.result(timeout=30).status_code == 200
    finally:
        emulator.faults.release()
