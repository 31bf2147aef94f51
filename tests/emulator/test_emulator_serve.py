"""``serve_main`` as a real process: one listening line, the keys, exit 0 on SIGTERM."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from orbrowse.emulator.keys import DEMO_MANAGEMENT_KEY, DEMO_WORKSPACE_KEY


def _start(*args: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "orbrowse.emulator", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    match = re.fullmatch(r"listening on (http://127\.0\.0\.1:(\d+)/api/v1)", first)
    assert match, first
    assert int(match.group(2)) > 0
    extra = [process.stdout.readline().strip() for _ in range(2)]
    return process, match.group(1), extra


def _stop(process: subprocess.Popen[str], sig: signal.Signals) -> tuple[int, str]:
    process.send_signal(sig)
    _, err = process.communicate(timeout=20)
    return process.returncode, err


def test_serve_prints_the_url_and_keys_and_exits_0_on_sigterm() -> None:
    process, url, lines = _start("--files", "120")
    try:
        assert lines[0] == f"management key: {DEMO_MANAGEMENT_KEY}"
        assert lines[1].startswith(f"workspace key: {DEMO_WORKSPACE_KEY}")
        headers = {"Authorization": f"Bearer {DEMO_MANAGEMENT_KEY}"}
        body = httpx.get(f"{url}/files", params={"limit": 1000}, headers=headers).json()
        assert len(body["data"]) == 120
    finally:
        code, err = _stop(process, signal.SIGTERM)
    assert code == 0, err


def test_serve_with_a_seed_file_and_own_key_exits_0_on_sigint(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(
        json.dumps(
            {
                "workspaces": [
                    {
                        "id": "44444444-4444-4444-8444-444444444444",
                        "name": "Seeded",
                        "slug": "seeded",
                        "files": [
                            {"filename": "a.txt", "text": "hello\n"},
                            {"filename": "out/b.bin", "base64": "AAEC", "downloadable": True},
                            {
                                "filename": "out/c.png",
                                "size_bytes": 1000,
                                "created_at": "2026-09-01T12:00:00Z",
                            },
                        ],
                    }
                ]
            }
        )
    )
    key = "sk-or-v1-my-own-secret-key-1234"
    process, url, lines = _start("--seed", str(seed), "--api-key", key)
    try:
        assert key not in lines[0] and lines[0].startswith("management key: sk-or-v1-")
        headers = {"Authorization": f"Bearer {key}"}
        body = httpx.get(f"{url}/files", headers=headers).json()
        assert [f["filename"] for f in body["data"]] == ["a.txt", "out/b.bin", "out/c.png"]
        assert body["data"][2]["created_at"] == "2026-09-01T12:00:00Z"
        content = httpx.get(f"{url}/files/{body['data'][1]['id']}/content", headers=headers)
        assert content.content == b"\x00\x01\x02"
        demo = {"Authorization": f"Bearer {DEMO_MANAGEMENT_KEY}"}
        assert httpx.get(f"{url}/files", headers=demo).status_code == 401
    finally:
        code, err = _stop(process, signal.SIGINT)
    assert code == 0, err
