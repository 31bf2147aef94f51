"""``orbrowse info``, ``get`` and ``put`` against the emulator."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from tests.cli import Cli
from tests.conftest import DEFAULT_WORKSPACE_ID

CSV = b"name,size\nreport,1024\n"


@pytest.fixture
def cli(emulator: RunningEmulator, api_key: str, tmp_path: Path) -> Cli:
    return Cli(emulator.url, api_key, tmp_path)


def test_info_prints_each_file_as_json(emulator: RunningEmulator, cli: Cli) -> None:
    first = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "a/first.csv", content=CSV)
    second = emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "second.png", size_bytes=4096, downloadable=True
    )

    result = cli("info", second.id, first.id)

    assert result.code == 0, result.stderr
    rows = [json.loads(line) for line in result.lines]
    assert [(r["id"], r["filename"], r["size_bytes"]) for r in rows] == [
        (second.id, "second.png", 4096),
        (first.id, "a/first.csv", len(CSV)),
    ]
    assert rows[0]["downloadable"] is True


def test_info_unknown_id_exits_4_and_mixed_exits_1(emulator: RunningEmulator, cli: Cli) -> None:
    known = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "known.csv", content=CSV)

    unknown = cli("info", "or_file_doesnotexist000000000")
    mixed = cli("info", known.id, "or_file_doesnotexist000000000")

    assert unknown.code == 4
    assert unknown.stdout == ""
    assert "or_file_doesnotexist000000000" in unknown.stderr
    assert "Not found" in unknown.stderr
    assert mixed.code == 1
    assert [json.loads(line)["id"] for line in mixed.lines] == [known.id]


def result_csv(emulator: RunningEmulator, name: str, folder: Path) -> tuple[StoredFile, Path]:
    """A downloadable CSV on the server, and an empty ``folder`` made to get it into."""
    folder.mkdir()
    stored = emulator.store.add_file(DEFAULT_WORKSPACE_ID, name, content=CSV, downloadable=True)
    return stored, folder


def test_get_saves_identical_bytes_and_refuses_to_overwrite(
    emulator: RunningEmulator, cli: Cli, tmp_path: Path
) -> None:
    stored, folder = result_csv(emulator, "outputs/result.csv", tmp_path / "work")

    saved = cli("get", stored.id, cwd=folder)
    (folder / "result.csv").write_bytes(b"mine")
    again = cli("get", stored.id, cwd=folder)

    assert saved.code == 0, saved.stderr
    assert saved.lines == [str(folder / "result.csv")]
    assert again.code == 2
    assert "already exists" in again.stderr
    assert "--force" in again.stderr
    assert (folder / "result.csv").read_bytes() == b"mine"


def test_get_keeps_a_file_that_appears_while_downloading_and_names_force(
    emulator: RunningEmulator, cli: Cli, tmp_path: Path
) -> None:
    stored, folder = result_csv(emulator, "result.csv", tmp_path / "out")
    emulator.faults.hold(path_contains="/content")
    try:
        with ThreadPoolExecutor(1) as pool:
            running = pool.submit(cli, "get", stored.id, cwd=folder)
            deadline = time.monotonic() + 30
            while emulator.faults.held == 0 and not running.done():
                assert time.monotonic() < deadline, "the download never reached the server"
                time.sleep(0.01)
            (folder / "result.csv").write_bytes(b"mine")
            emulator.faults.release()
            result = running.result(timeout=60)
    finally:
        emulator.faults.release()

    assert result.code == 2
    assert "already exists (it appeared while downloading); pass --force" in result.stderr
    assert (folder / "result.csv").read_bytes() == b"mine"
    assert [p.name for p in folder.iterdir()] == ["result.csv"]


def test_get_to_an_explicit_path(emulator: RunningEmulator, cli: Cli, tmp_path: Path) -> None:
    stored = emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "../../escape.csv", content=CSV, downloadable=True
    )
    target = tmp_path / "copy.csv"

    result = cli("get", stored.id, "-o", str(target))

    assert result.code == 0, result.stderr
    assert target.read_bytes() == CSV
    assert not (tmp_path.parent / "escape.csv").exists()


def test_get_into_a_missing_folder_or_a_file_says_which(
    emulator: RunningEmulator, cli: Cli, tmp_path: Path
) -> None:
    stored, _ = result_csv(emulator, "result.csv", tmp_path / "out")
    (tmp_path / "notes").write_bytes(b"a file")

    missing = cli("get", stored.id, "-o", str(tmp_path / "none" / "copy.csv"))
    file_as_folder = cli("get", stored.id, "-o", str(tmp_path / "notes" / "copy.csv"))

    assert missing.code == 2 and file_as_folder.code == 2
    assert f"the folder {tmp_path / 'none'} does not exist" in missing.stderr
    assert f"{tmp_path / 'notes'} is not a folder" in file_as_folder.stderr  # "does not exist"
    assert "copy.csv" not in {p.name for p in tmp_path.rglob("*")}


def test_get_uploaded_file_is_refused_clearly(
    emulator: RunningEmulator, cli: Cli, tmp_path: Path
) -> None:
    uploaded = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "mine.csv", content=CSV)

    result = cli("get", uploaded.id)

    assert result.code == 2
    assert "uploaded file" in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "mine.csv").exists()


def test_put_uploads_and_prints_metadata(
    emulator: RunningEmulator, cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "report.md"
    path.write_bytes(b"# Report\n\nAll good.\n")

    result = cli("put", str(path), "--name", "reports/2026.md")

    assert result.code == 0, result.stderr
    [row] = [json.loads(line) for line in result.lines]
    assert row["filename"] == "reports/2026.md"
    assert row["size_bytes"] == path.stat().st_size
    [stored] = emulator.store.files(DEFAULT_WORKSPACE_ID)
    assert (stored.id, stored.filename) == (row["id"], "reports/2026.md")
    assert emulator.store.content_of(stored) == path.read_bytes()


def test_put_checks_every_path_before_uploading_any(
    emulator: RunningEmulator, cli: Cli, tmp_path: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("fine\n")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")

    result = cli("put", str(good), str(empty), str(tmp_path / "missing.txt"))

    assert result.code == 2
    assert "empty" in result.stderr
    assert "missing.txt does not exist" in result.stderr
    assert emulator.store.files(DEFAULT_WORKSPACE_ID) == []
