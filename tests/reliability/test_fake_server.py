"""The fake server itself: each failure mode answers as its docstring says."""

from __future__ import annotations

import httpx

from tests.reliability.fake_server import FakeServer


async def test_every_mode_is_a_base_url_and_requests_are_recorded(fake_server: FakeServer) -> None:
    async with httpx.AsyncClient() as http:
        listing = await http.get(fake_server.url("ok") + "/files")
        missing = await http.get(fake_server.url("ok") + "/files/or_file_Z")
        html = await http.get(fake_server.url("html") + "/files")
        wrong = await http.delete(fake_server.url("wrong-delete") + "/files/or_file_A")
    assert [f["id"] for f in listing.json()["data"]] == ["or_file_A", "or_file_B"]
    assert missing.status_code == 404
    assert html.status_code == 502 and html.text.startswith("<!DOCTYPE html>")
    assert wrong.json() == {"id": "or_file_OTHER", "deleted": True}
    assert fake_server.count("ok") == 2
    assert fake_server.count("ok", "/files/or_file_Z") == 1
    assert fake_server.requests[-1].method == "DELETE"


async def test_endless_gives_a_new_cursor_every_time(fake_server: FakeServer) -> None:
    async with httpx.AsyncClient() as http:
        first = (await http.get(fake_server.url("endless") + "/files")).json()
        second = (
            await http.get(
                fake_server.url("endless") + "/files", params={"cursor": first["cursor"]}
            )
        ).json()
    assert first["has_more"] and second["has_more"]
    assert first["cursor"] != second["cursor"]


async def test_huge_announces_gigabytes_and_keeps_sending(fake_server: FakeServer) -> None:
    async with (
        httpx.AsyncClient() as http,
        http.stream("GET", fake_server.url("huge") + "/files") as response,
    ):
        assert int(response.headers["content-length"]) == 5 * 1024**3
        received = 0
        async for chunk in response.aiter_raw():
            received += len(chunk)
            if received > 1024**2:
                break
    assert received > 1024**2


async def test_cut_closes_the_connection_without_an_answer(fake_server: FakeServer) -> None:
    async with httpx.AsyncClient() as http:
        try:
            await http.post(fake_server.url("cut") + "/files", content=b"x" * 1000)
        except httpx.RemoteProtocolError:
            pass
        else:
            raise AssertionError("the cut route answered")
    assert fake_server.requests[-1].body == b"x" * 1000
