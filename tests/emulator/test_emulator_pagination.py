"""Cursor pagination: complete, stable under deletes, bounded, and O(page)."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from orbrowse.emulator.seed import generate_files
from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import Store


def _walk(http: httpx.Client, limit: int) -> tuple[list[str], int]:
    ids: list[str] = []
    pages = 0
    params: dict[str, str | int] = {"limit": limit}
    while True:
        body = http.get("/files", params=params).raise_for_status().json()
        pages += 1
        ids.extend(item["id"] for item in body["data"])
        assert len(body["data"]) <= limit
        if not body["has_more"]:
            assert body["cursor"] is None
            return ids, pages
        assert body["cursor"] and body["last_id"] == body["data"][-1]["id"]
        params = {"limit": limit, "cursor": body["cursor"]}


@pytest.mark.parametrize("limit", [7, 100, 999, 1000])
def test_every_file_exactly_once_in_insertion_order(
    emulator: RunningEmulator, http: httpx.Client, limit: int
) -> None:
    workspace = emulator.store.default_workspace_id
    generate_files(emulator.store, workspace, 2500, seed=limit)
    expected = [f.id for f in emulator.store.files(workspace)]
    ids, pages = _walk(http, limit)
    assert ids == expected
    assert len(set(ids)) == 2500
    assert pages == -(-2500 // limit)


def test_default_limit_is_100_and_empty_page_has_null_ids(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    empty = http.get("/files").json()
    assert empty["data"] == [] and empty["has_more"] is False
    assert empty["first_id"] is None and empty["last_id"] is None and empty["cursor"] is None
    generate_files(emulator.store, emulator.store.default_workspace_id, 150)
    assert len(http.get("/files").json()["data"]) == 100


def test_cursor_is_standard_base64_of_the_last_id(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    generate_files(emulator.store, emulator.store.default_workspace_id, 5)
    body = http.get("/files", params={"limit": 2}).json()
    decoded = json.loads(base64.b64decode(body["cursor"], validate=True))
    assert decoded == {"cursor": body["last_id"]}


def test_stable_when_the_cursor_file_and_later_files_are_deleted(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    workspace = emulator.store.default_workspace_id
    generate_files(emulator.store, workspace, 300)
    before = [f.id for f in emulator.store.files(workspace)]
    first = http.get("/files", params={"limit": 100}).json()
    doomed = {before[99], *before[100:105], before[150]}
    for file_id in doomed:
        assert http.delete(f"/files/{file_id}").status_code == 200
    rest: list[str] = []
    params = {"limit": 100, "cursor": first["cursor"]}
    while True:
        body = http.get("/files", params=params).json()
        rest.extend(item["id"] for item in body["data"])
        if not body["has_more"]:
            break
        params = {"limit": 100, "cursor": body["cursor"]}
    assert rest == [i for i in before[100:] if i not in doomed]


def test_after_and_after_id_page_like_the_cursor(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    generate_files(emulator.store, emulator.store.default_workspace_id, 30)
    first = http.get("/files", params={"limit": 10}).json()
    by_cursor = http.get("/files", params={"limit": 10, "cursor": first["cursor"]}).json()
    by_after = http.get("/files", params={"limit": 10, "after": first["last_id"]}).json()
    by_after_id = http.get("/files", params={"limit": 10, "after_id": first["last_id"]}).json()
    assert by_cursor["data"] == by_after["data"] == by_after_id["data"]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "1001"},
        {"limit": "-5"},
        {"limit": "ten"},
        {"cursor": "not base64!"},
        {"cursor": base64.b64encode(b"[1, 2]").decode()},
        {"cursor": base64.b64encode(b'{"cursor":"or_file_unknownunknownunknown1"}').decode()},
        {"after": "or_file_unknownunknownunknown1"},
        {"cursor": base64.b64encode(b'{"cursor":"x"}').decode(), "after": "y"},
        {"before_id": "or_file_x"},
        {"order": "desc"},
    ],
)
def test_bad_list_parameters_answer_400(
    emulator: RunningEmulator, http: httpx.Client, params: dict[str, str]
) -> None:
    generate_files(emulator.store, emulator.store.default_workspace_id, 3)
    response = http.get("/files", params=params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 400


def test_limit_bounds_are_inclusive(emulator: RunningEmulator, http: httpx.Client) -> None:
    generate_files(emulator.store, emulator.store.default_workspace_id, 3)
    assert len(http.get("/files", params={"limit": 1}).json()["data"]) == 1
    assert len(http.get("/files", params={"limit": 1000}).json()["data"]) == 3


def test_a_deep_page_of_100000_files_touches_only_that_page(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    workspace = emulator.store.default_workspace_id
    files = generate_files(emulator.store, workspace, 100_000)
    anchor = files[98_000].id
    before = emulator.store.entries_scanned
    body = http.get("/files", params={"limit": 50, "after": anchor}).json()
    assert [item["id"] for item in body["data"]] == [f.id for f in files[98_001:98_051]]
    assert body["has_more"] is True
    assert emulator.store.entries_scanned - before <= 51


def test_compaction_keeps_cursors_of_deleted_files_valid() -> None:
    store = Store()
    store.add_workspace("ws", "W", "w")
    files = generate_files(store, "ws", 5000)
    ids = [f.id for f in files]
    # Delete most files (compaction runs) including the cursor anchor at 2999.
    kept = {ids[i] for i in range(0, 5000, 7)}
    for file_id in ids:
        if file_id not in kept:
            store.delete("ws", file_id)
    page = store.page("ws", after=ids[2999], limit=3)
    expected = [i for i in ids[3000:] if i in kept][:3]
    assert [f.id for f in page.files] == expected
    assert store.count("ws") == len(kept)
    assert [f.id for f in store.files("ws")] == [i for i in ids if i in kept]
