"""Upload validation: statuses, sniffed types, filename rules, quota."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import httpx
import pytest

from orbrowse.api.filetypes import filename_problem
from orbrowse.api.models import MAX_UPLOAD_BYTES, WORKSPACE_QUOTA_BYTES
from orbrowse.emulator.server import RunningEmulator


def _zip(*names: str) -> bytes:
    """A zip with fixed timestamps: the bytes (and the test ids built from them) never vary,
    which pytest-xdist needs to collect the same tests in every worker."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("[Content_Types].xml", *names):
            entry = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(entry, "<Types/>" if name.startswith("[") else "<xml/>")
    return buffer.getvalue()


def _upload(http: httpx.Client, name: str, content: bytes, **params: str) -> httpx.Response:
    return http.post("/files", files={"file": (name, content)}, params=params)


@pytest.mark.parametrize(
    ("content", "mime"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"fLaC\x00\x00\x00\x22", "audio/flac"),
        (b"OggS\x00\x02", "audio/ogg"),
        (b"ID3\x04\x00\x00\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64\x00", "audio/mpeg"),
        (
            _zip("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            _zip("xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            _zip("ppt/presentation.xml"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (b'{"a": [1, 2, 3]}\n', "application/json"),
        (b'{"a": 1}\n{"a": 2}\n{"a": 3}\n', "application/x-ndjson"),
        (b"name,size,kind\na.txt,12,text\nb.png,99,image\n", "text/csv"),
        (b"# Title\n\nSome *text* and a [link](https://example.com).\n", "text/markdown"),
        ("plain words, caf\u00e9\n".encode(), "text/plain"),
    ],
)
def test_types_are_sniffed_from_content_not_name(
    http: httpx.Client, content: bytes, mime: str
) -> None:
    response = _upload(http, "misleading.bin", content)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["mime_type"] == mime
    assert body["size_bytes"] == len(content)
    assert body["downloadable"] is False
    assert body["_shape"] == "openrouter" and body["type"] == "file"
    assert body["id"].startswith("or_file_") and len(body["id"]) == len("or_file_") + 24


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02binary",
        b"MZ\x90\x00executable",
        _zip("random/thing.txt"),
        b"\xff\xfe\xfa invalid utf-8",
        b"text with a \x00 NUL",
    ],
)
def test_other_types_answer_400(http: httpx.Client, content: bytes) -> None:
    response = _upload(http, "x.bin", content)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 400


def test_empty_file_answers_400(http: httpx.Client) -> None:
    assert _upload(http, "empty.txt", b"").status_code == 400


def test_missing_file_part_answers_400(http: httpx.Client) -> None:
    response = http.post("/files", files={"document": ("a.txt", b"hello")})
    assert response.status_code == 400


def test_more_than_100_mib_answers_413(emulator: RunningEmulator, http: httpx.Client) -> None:
    response = _upload(http, "big.txt", b"a" * (MAX_UPLOAD_BYTES + 1))
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": 413,
        "message": "Request payload too large",
        "metadata": None,
    }
    assert emulator.store.files(emulator.store.default_workspace_id) == []


@pytest.mark.parametrize(
    "name",
    [
        "/leading.txt",
        "trailing/",
        "a//b.txt",
        "a/./b.txt",
        "a/../b.txt",
        "..",
        "x" * 256,
        "bad<name>.txt",
        "pipe|.txt",
        "what?.txt",
        "star*.txt",
        "colon:.txt",
    ],
)
def test_bad_filenames_answer_400(http: httpx.Client, name: str) -> None:
    response = _upload(http, name, b"hello\n")
    assert response.status_code == 400, name
    assert "filename" in response.json()["error"]["message"].lower()


@pytest.mark.parametrize(
    "name", ['quote".txt', "tab\there.txt", "nl\nx.txt", "del\x7f.txt", "back\\slash.txt", ""]
)
def test_names_httpx_cannot_send_raw_are_refused_by_the_rules(name: str) -> None:
    # httpx percent-escapes quotes and control characters in multipart filenames.
    assert filename_problem(name) is not None


@pytest.mark.parametrize("name", ["reports/2026/q1 summary.txt", "x" * 255, "caf\u00e9.txt"])
def test_good_filenames_are_kept(http: httpx.Client, name: str) -> None:
    response = _upload(http, name, b"hello\n")
    assert response.status_code == 200
    assert response.json()["filename"] == name


def test_a_full_workspace_answers_403(emulator: RunningEmulator, http: httpx.Client) -> None:
    workspace = emulator.store.default_workspace_id
    emulator.store.add_file(workspace, "huge.pdf", size_bytes=WORKSPACE_QUOTA_BYTES - 5)
    assert _upload(http, "fits.txt", b"12345").status_code == 200
    response = _upload(http, "over.txt", b"1")
    assert response.status_code == 403
    assert emulator.store.used_bytes(workspace) == WORKSPACE_QUOTA_BYTES


def test_upload_lands_in_the_requested_workspace(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    other = next(
        w.id for w in emulator.store.workspaces() if w.id != emulator.store.default_workspace_id
    )
    body = _upload(http, "there.txt", b"hi\n", workspace_id=other).json()
    stored = emulator.store.get(other, body["id"])
    assert stored is not None and emulator.store.content_of(stored) == b"hi\n"
    assert emulator.store.get(emulator.store.default_workspace_id, body["id"]) is None


def test_uploads_are_kept_on_disk_and_removed_on_delete(
    emulator: RunningEmulator, http: httpx.Client
) -> None:
    content = b"line of text\n" * 10_000
    body = _upload(http, "disk.txt", content).json()
    stored = emulator.store.get(emulator.store.default_workspace_id, body["id"])
    assert stored is not None and stored.content is None and stored.content_path is not None
    assert emulator.store.content_of(stored) == content
    assert http.delete(f"/files/{body['id']}").status_code == 200
    assert not Path(stored.content_path).exists()
