"""Downloads, keys, workspaces, the error envelope and the three ``_shape`` s."""

from __future__ import annotations

import hashlib

import httpx

from orbrowse.emulator.server import RunningEmulator
from tests.conftest import DEFAULT_WORKSPACE_ID, OTHER_WORKSPACE_ID

ENVELOPE_KEYS = {"error", "openrouter_metadata", "user_id"}


def _assert_error(response: httpx.Response, status: int, message: str | None = None) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == ENVELOPE_KEYS
    assert body["error"]["code"] == status
    if message is not None:
        assert body["error"]["message"] == message


# downloads ------------------------------------------------------------------------------------


def test_download_of_an_upload_answers_400(emulator: RunningEmulator, http: httpx.Client) -> None:
    stored = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "up.txt", content=b"mine")
    _assert_error(http.get(f"/files/{stored.id}/content"), 400)


def test_download_is_byte_exact_for_given_content(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    content = bytes(range(256)) * 1000
    stored = emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "outputs/blob.png", content=content, downloadable=True
    )
    response = http.get(f"/files/{stored.id}/content")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-length"] == str(len(content))
    assert response.content == content


def test_generated_content_is_stable_and_streamed(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    size = 3 * 1024 * 1024 + 17
    stored = emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "outputs/chart.png", size_bytes=size, downloadable=True
    )
    digests = []
    for _ in range(2):
        digest = hashlib.sha256()
        received = 0
        with http.stream("GET", f"/files/{stored.id}/content") as response:
            assert response.headers["content-length"] == str(size)
            for chunk in response.iter_bytes():
                digest.update(chunk)
                received += len(chunk)
        assert received == size
        digests.append(digest.hexdigest())
    assert digests[0] == digests[1]
    assert digests[0] == hashlib.sha256(emulator.store.content_of(stored)).hexdigest()
    assert emulator.store.content_of(stored).startswith(b"\x89PNG\r\n\x1a\n")


def test_unknown_file_answers_404(http: httpx.Client) -> None:
    for path in ("/files/or_file_nothere", "/files/or_file_nothere/content"):
        _assert_error(http.get(path), 404, "Resource not found")
    _assert_error(http.delete("/files/or_file_nothere"), 404, "Resource not found")


def test_delete_answers_the_documented_body(emulator: RunningEmulator, http: httpx.Client) -> None:
    stored = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "a.txt", content=b"a")
    response = http.delete(f"/files/{stored.id}")
    assert response.json() == {"_shape": "openrouter", "id": stored.id, "type": "file_deleted"}
    assert emulator.store.get(DEFAULT_WORKSPACE_ID, stored.id) is None
    _assert_error(http.delete(f"/files/{stored.id}"), 404)


# keys and workspaces ----------------------------------------------------------------------------


def test_missing_and_unknown_keys_answer_401(
    anonymous: httpx.Client, emulator: RunningEmulator
) -> None:
    _assert_error(anonymous.get("/files"), 401, "No auth credentials found")
    bad = {"Authorization": "Bearer sk-or-v1-nope"}
    for path in ("/files", "/key", "/workspaces"):
        _assert_error(anonymous.get(path, headers=bad), 401, "User not found.")


def test_ids_of_another_workspace_answer_404(emulator: RunningEmulator, http: httpx.Client) -> None:
    theirs = emulator.store.files(OTHER_WORKSPACE_ID)[0]
    _assert_error(http.get(f"/files/{theirs.id}"), 404)
    _assert_error(http.delete(f"/files/{theirs.id}"), 404)
    scoped = http.get(f"/files/{theirs.id}", params={"workspace_id": OTHER_WORKSPACE_ID})
    assert scoped.json()["id"] == theirs.id


def test_unknown_workspace_answers_403(http: httpx.Client) -> None:
    response = http.get("/files", params={"workspace_id": "33333333-3333-4333-8333-333333333333"})
    _assert_error(response, 403)


def test_workspace_key_is_bound_to_its_workspace(
    emulator: RunningEmulator, anonymous: httpx.Client, workspace_key: str
) -> None:
    headers = {"Authorization": f"Bearer {workspace_key}"}
    stored = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "mine.txt", content=b"x")
    listed = anonymous.get("/files", headers=headers).json()
    assert [item["id"] for item in listed["data"]] == [stored.id]
    own = anonymous.get("/files", headers=headers, params={"workspace_id": DEFAULT_WORKSPACE_ID})
    assert own.status_code == 200
    other = anonymous.get("/files", headers=headers, params={"workspace_id": OTHER_WORKSPACE_ID})
    _assert_error(other, 403)
    for path in ("/workspaces", f"/workspaces/{DEFAULT_WORKSPACE_ID}"):
        _assert_error(
            anonymous.get(path, headers=headers),
            403,
            "Only management keys can perform this operation",
        )
    key = anonymous.get("/key", headers=headers).json()["data"]
    assert key["workspace_id"] == DEFAULT_WORKSPACE_ID and key["is_management_key"] is False


def test_workspaces_list_and_get(http: httpx.Client) -> None:
    body = http.get("/workspaces").json()
    assert body["total_count"] == 2
    assert [w["id"] for w in body["data"]] == [DEFAULT_WORKSPACE_ID, OTHER_WORKSPACE_ID]
    expected_fields = {
        "id", "name", "slug", "description", "created_at", "updated_at", "created_by",
        "default_guardrail_id", "default_text_model", "default_image_model",
        "default_provider_sort", "io_logging_api_key_ids", "io_logging_sampling_rate",
        "is_data_discount_logging_enabled", "is_observability_broadcast_enabled",
        "is_observability_io_logging_enabled",
    }  # fmt: skip
    assert expected_fields <= set(body["data"][0])
    second = http.get("/workspaces", params={"offset": 1, "limit": 1}).json()
    assert [w["slug"] for w in second["data"]] == ["other"] and second["total_count"] == 2
    by_slug = http.get("/workspaces/other").json()["data"]
    assert by_slug["id"] == OTHER_WORKSPACE_ID
    assert http.get(f"/workspaces/{OTHER_WORKSPACE_ID}").json()["data"]["slug"] == "other"
    _assert_error(http.get("/workspaces/nope"), 404)
    for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}):
        _assert_error(http.get("/workspaces", params=params), 400)


def test_key_reports_the_management_key(http: httpx.Client) -> None:
    data = http.get("/key").json()["data"]
    assert data["is_management_key"] is True
    assert data["workspace_id"] == DEFAULT_WORKSPACE_ID
    assert isinstance(data["label"], str)


def test_unknown_routes_and_methods_use_the_envelope(http: httpx.Client) -> None:
    _assert_error(http.get("/nowhere"), 404)
    _assert_error(http.put("/files"), 405)


def test_provider_without_a_stored_key_answers_400(http: httpx.Client) -> None:
    _assert_error(http.get("/files", params={"provider": "openai"}), 400)


# shapes --------------------------------------------------------------------------------------


def test_shapes_follow_the_request_headers(emulator: RunningEmulator, http: httpx.Client) -> None:
    stored = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "a.md", content=b"# A\n")
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, "b.md", content=b"# B\n")
    anthropic = {"anthropic-version": "2023-06-01"}
    openai = {"User-Agent": "OpenAI/Python 1.54.0"}

    default = http.get("/files", params={"limit": 1}).json()
    assert default["_shape"] == "openrouter" and default["cursor"]
    assert all(item["_shape"] == "openrouter" for item in default["data"])

    page = http.get("/files", params={"limit": 1}, headers=anthropic).json()
    assert page["_shape"] == "anthropic" and "cursor" not in page and page["has_more"]
    assert page["data"][0]["_shape"] == "anthropic"
    assert page["data"][0]["size_bytes"] == 4
    one = http.get(f"/files/{stored.id}", headers=anthropic).json()
    assert one["_shape"] == "anthropic" and one["type"] == "file"

    page = http.get("/files", params={"limit": 1}, headers=openai).json()
    assert page["_shape"] == "openai" and page["object"] == "list" and "cursor" not in page
    item = page["data"][0]
    assert item == {
        "_shape": "openai",
        "id": stored.id,
        "object": "file",
        "bytes": 4,
        "created_at": int(stored.created_at.timestamp()),
        "filename": "a.md",
        "purpose": "user_data",
        "status": "processed",
    }
    after = http.get("/files", params={"after": page["last_id"]}, headers=openai).json()
    assert [i["filename"] for i in after["data"]] == ["b.md"]
    deleted = http.delete(f"/files/{stored.id}", headers=openai).json()
    assert deleted == {"_shape": "openai", "id": stored.id, "object": "file", "deleted": True}
