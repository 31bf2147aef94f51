"""The emulator answers third-party SDKs as the real API would (issue 14's deviations).

Each test here failed before its fix: the async OpenAI client got the openrouter shape, a
malformed ``workspace_id`` answered 403, an upper-case UUID was refused, unknown query
parameters were ignored, and ``purpose`` on upload was not kept.
"""

from __future__ import annotations

from collections.abc import Iterator

import anthropic
import httpx
import openai
import pytest
from openrouter import OpenRouter, errors

from orbrowse.emulator.server import RunningEmulator
from tests.conftest import DEFAULT_WORKSPACE_ID, OTHER_WORKSPACE_ID


@pytest.fixture
def openai_client(emulator: RunningEmulator, api_key: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(api_key=api_key, base_url=emulator.url, max_retries=0) as client:
        yield client


def _error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == status
    message: str = body["error"]["message"]
    return message


# AsyncOpenAI gets the openai shape ----------------------------------------------------------


async def test_async_openai_client_gets_the_openai_shape(
    emulator: RunningEmulator, api_key: str
) -> None:
    stored = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "notes/a.md", content=b"# A\n")
    async with openai.AsyncOpenAI(api_key=api_key, base_url=emulator.url) as client:
        page = await client.files.list()
        listed = page.data[0]
        fetched = await client.files.retrieve(stored.id)
        deleted = await client.files.delete(stored.id)

    assert emulator.faults.requests[0].headers["user-agent"].startswith("AsyncOpenAI/Python ")
    for item in (listed, fetched):
        assert item.id == stored.id and item.object == "file"
        assert item.bytes == 4
        assert item.created_at == int(stored.created_at.timestamp())
        assert item.purpose == "user_data" and item.status == "processed"
    assert deleted.deleted is True and deleted.id == stored.id


def test_sync_openai_client_still_gets_the_openai_shape(
    emulator: RunningEmulator, openai_client: openai.OpenAI
) -> None:
    stored = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "a.txt", content=b"abc\n")
    item = openai_client.files.retrieve(stored.id)
    assert item.bytes == 4 and isinstance(item.created_at, int)


# workspace_id: a UUID, in any letter case ---------------------------------------------------


@pytest.mark.parametrize("value", ["default", "not-a-uuid", DEFAULT_WORKSPACE_ID + "0", "1" * 36])
def test_a_workspace_id_that_is_not_a_uuid_answers_400(http: httpx.Client, value: str) -> None:
    message = _error(http.get("/files", params={"workspace_id": value}), 400)
    assert "workspace_id must be a UUID" in message


def test_the_sdk_sees_a_malformed_workspace_id_as_a_bad_request(
    emulator: RunningEmulator, api_key: str
) -> None:
    with (
        OpenRouter(api_key=api_key, server_url=emulator.url) as sdk,
        pytest.raises(errors.BadRequestResponseError),
    ):
        sdk.files.list(workspace_id="research")


def test_an_unknown_well_formed_workspace_id_still_answers_403(http: httpx.Client) -> None:
    _error(http.get("/files", params={"workspace_id": "33333333-3333-4333-8333-333333333333"}), 403)


def test_an_upper_case_workspace_id_names_the_same_workspace(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    expected = [f.id for f in emulator.store.files(OTHER_WORKSPACE_ID)]
    upper = "ABCDEF01-2345-4678-9ABC-DEF012345678"
    emulator.store.add_workspace(upper.lower(), "Hex", "hex")
    response = http.get("/files", params={"workspace_id": OTHER_WORKSPACE_ID.upper()})
    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["data"]] == expected
    response = http.get("/files", params={"workspace_id": upper})
    assert response.status_code == 200, response.text
    assert response.json()["data"] == []

    # an ordinary key may name its own workspace in upper case too
    emulator.keys.extra_keys["sk-or-v1-hex-key"] = upper.lower()
    stored = emulator.store.add_file(upper.lower(), "mine.txt", content=b"x")
    own = httpx.get(
        f"{emulator.url}/files/{stored.id}",
        params={"workspace_id": upper},
        headers={"Authorization": "Bearer sk-or-v1-hex-key"},
    )
    assert own.status_code == 200, own.text


def test_workspaces_get_accepts_an_upper_case_id(http: httpx.Client) -> None:
    response = http.get(f"/workspaces/{OTHER_WORKSPACE_ID.upper()}")
    assert response.status_code == 200, response.text
    assert response.json()["data"]["id"] == OTHER_WORKSPACE_ID


# unknown query parameters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/files", {"ids": "or_file_a,or_file_b"}),
        ("/files", {"limit": "5", "sort": "desc"}),
        ("/files/or_file_xxxxxxxxxxxxxxxxxxxxxxxx", {"expand": "1"}),
        ("/workspaces", {"page": "2"}),
        ("/key", {"verbose": "1"}),
    ],
)
def test_an_unknown_query_parameter_answers_400_naming_it(
    http: httpx.Client, path: str, params: dict[str, str]
) -> None:
    unknown = next(name for name in params if name not in ("limit",))
    message = _error(http.get(path, params=params), 400)
    assert f"unknown query parameter '{unknown}'" in message


def test_an_unknown_parameter_on_delete_deletes_nothing(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    stored = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "keep.txt", content=b"x")
    _error(http.delete(f"/files/{stored.id}", params={"force": "true"}), 400)
    assert emulator.store.get(DEFAULT_WORKSPACE_ID, stored.id) is not None


def test_anthropic_sdk_sees_an_unknown_parameter_as_a_bad_request(
    emulator: RunningEmulator, api_key: str
) -> None:
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, "a.md", content=b"# A\n")
    base = emulator.url.removesuffix("/v1")
    with anthropic.Anthropic(api_key=api_key, base_url=base, max_retries=0) as client:
        listed = list(client.beta.files.list())
        assert [item.filename for item in listed] == ["a.md"]
        with pytest.raises(anthropic.BadRequestError, match="ids"):
            client.beta.files.list(extra_query={"ids": listed[0].id})


# purpose: echoed on create, a filter on list ------------------------------------------------


def test_purpose_given_on_create_is_echoed_and_kept(
    emulator: RunningEmulator, openai_client: openai.OpenAI
) -> None:
    created = openai_client.files.create(file=("batch.jsonl", b'{"a": 1}\n'), purpose="batch")
    assert created.purpose == "batch"
    assert openai_client.files.retrieve(created.id).purpose == "batch"
    stored = emulator.store.get(DEFAULT_WORKSPACE_ID, created.id)
    assert stored is not None and stored.purpose == "batch"


def test_create_without_purpose_is_user_data(http: httpx.Client) -> None:
    response = http.post(
        "/files",
        files={"file": ("a.txt", b"hello\n")},
        headers={"User-Agent": "OpenAI/Python 3.57.0"},
    )
    assert response.status_code == 200 and response.json()["purpose"] == "user_data"


def test_an_unknown_purpose_on_create_is_refused(openai_client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="purpose"):
        openai_client.files.create(file=("a.txt", b"hello\n"), purpose="nonsense")  # type: ignore[arg-type]


def test_the_purpose_filter_lists_only_that_purpose_across_pages(
    openai_client: openai.OpenAI,
) -> None:
    wanted = []
    for number in range(7):
        purpose = "assistants" if number % 2 == 0 else "user_data"
        made = openai_client.files.create(file=(f"f{number}.txt", b"text\n"), purpose=purpose)
        if purpose == "assistants":
            wanted.append(made.id)

    pages = openai_client.files.list(purpose="assistants", limit=2)
    assert [item.id for item in pages] == wanted  # auto-pagination over has_more / after
    assert all(item.purpose == "assistants" for item in pages)
    assert list(openai_client.files.list(purpose="vision")) == []


def test_serve_help_lists_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    from orbrowse.emulator.server import serve_main

    with pytest.raises(SystemExit) as exited:
        serve_main(["--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    assert "AsyncOpenAI/" in shown and "workspace_id must be a UUID" in shown
    assert "query parameter the endpoint does not take is 400" in shown
