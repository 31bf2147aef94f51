"""A test file as another project would write it: no conftest.py, only the installed plugin.

``tests/emulator/test_pytest_plugin.py`` copies it into an empty folder as
``test_outside.py`` and runs pytest there in a subprocess, with the plugin on and off.
"""

from __future__ import annotations

import httpx
import openai
import pytest
from openrouter import OpenRouter, errors


def test_the_official_sdk_lists_seeded_files(openrouter_emulator):
    openrouter_emulator.seed(files=[{"filename": "notes/a.md", "text": "# A\n"}])
    openrouter_emulator.seed(files=120)

    with OpenRouter(
        api_key=openrouter_emulator.api_key, server_url=openrouter_emulator.base_url
    ) as sdk:
        seen = []
        page = sdk.files.list(limit=50)
        while page is not None:
            seen.extend(item.filename for item in page.result.data)
            page = page.next()

    assert len(seen) == 121 and seen[0] == "notes/a.md"
    assert [r.method for r in openrouter_emulator.requests] == ["GET"] * 3


def test_httpx_with_the_management_key_sees_every_workspace(openrouter_emulator):
    openrouter_emulator.seed(
        workspaces=[
            {
                "id": "0b6c3c3e-2f7e-4c59-9a57-3f0d4a3e8b10",
                "name": "Research",
                "slug": "research",
                "files": [{"filename": "paper.pdf", "size_bytes": 2048}],
            }
        ]
    )
    headers = {"Authorization": f"Bearer {openrouter_emulator.management_key}"}
    with httpx.Client(base_url=openrouter_emulator.base_url, headers=headers) as http:
        names = [w["name"] for w in http.get("/workspaces").json()["data"]]
        files = http.get("/files", params={"workspace_id": "0b6c3c3e-2f7e-4c59-9a57-3f0d4a3e8b10"})
    assert names == ["Default", "Research"]
    assert [f["filename"] for f in files.json()["data"]] == ["paper.pdf"]


def test_the_openai_sdk_uploads_and_deletes(openrouter_emulator):
    client = openai.OpenAI(
        api_key=openrouter_emulator.api_key, base_url=openrouter_emulator.base_url
    )
    created = client.files.create(file=("batch.jsonl", b'{"q": 1}\n'), purpose="batch")
    assert created.purpose == "batch" and created.bytes == 9
    assert client.files.delete(created.id).deleted is True
    assert openrouter_emulator.files() == []


def test_faults_reach_the_client(openrouter_emulator):
    openrouter_emulator.faults.fail_next(503, path_contains="/files", retry_after=0)
    with httpx.Client(base_url=openrouter_emulator.base_url) as http:
        auth = {"Authorization": f"Bearer {openrouter_emulator.api_key}"}
        first = http.get("/files", headers=auth)
        second = http.get("/files", headers=auth)
    assert (first.status_code, second.status_code) == (503, 200)

    openrouter_emulator.faults.rate_limited_rate = 1.0
    with (
        OpenRouter(
            api_key=openrouter_emulator.api_key, server_url=openrouter_emulator.base_url
        ) as sdk,
        pytest.raises(errors.TooManyRequestsResponseError),
    ):
        sdk.files.list()


@pytest.mark.parametrize("round_number", [1, 2])
def test_the_shared_emulator_is_reset_between_tests(openrouter_emulator_shared, round_number):
    assert openrouter_emulator_shared.files() == []
    assert openrouter_emulator_shared.requests == []
    assert openrouter_emulator_shared.faults.fail_rate == 0
    openrouter_emulator_shared.seed(files=5)
    openrouter_emulator_shared.faults.fail_rate = 1.0
    with httpx.Client(base_url=openrouter_emulator_shared.base_url) as http:
        auth = {"Authorization": f"Bearer {openrouter_emulator_shared.api_key}"}
        assert http.get("/files", headers=auth).status_code in (500, 503)
