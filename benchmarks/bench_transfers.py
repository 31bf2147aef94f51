"""4. Transfers: upload and download of a 100 MiB file; throughput and peak memory growth,
each transfer in its own process."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from benchmarks._child import run_child
from benchmarks._config import Config, interleaved
from benchmarks._emulator import KEY, Emulator
from benchmarks._results import Row
from orbrowse.api.client import FilesClient

CHILD = Path(__file__).resolve().parent / "_transfer_child.py"
MIB = 1024 * 1024
MEMORY_TARGET_MIB = 32.0


def _write_pdf(path: Path, size: int) -> None:
    """A file the server accepts (PDF magic bytes), of incompressible content."""
    with path.open("wb") as out:
        out.write(b"%PDF-1.7\n")
        left = size - 9
        while left > 0:
            chunk = min(left, 4 * MIB)
            out.write(os.urandom(chunk))
            left -= chunk


def _child(impl: str, op: str, url: str, arg: str, folder: Path) -> dict[str, float | str]:
    return run_child([str(CHILD), impl, op, url, KEY, arg, str(folder)], f"{impl} {op}")


async def _delete(url: str, file_id: str) -> None:
    async with FilesClient(KEY, base_url=url) as client:
        await client.delete_file(file_id)


def run(config: Config) -> list[Row]:
    size_mib = config.scale(100, 10)
    size = size_mib * MIB
    seed = {
        "workspaces": [
            {
                "id": "5d3f2a1c-8e4b-4c7a-9f61-2b0e7d9a4c11",
                "name": "Default",
                "slug": "default",
                "files": [
                    {"filename": "outputs/big.pdf", "size_bytes": size, "downloadable": True}
                ],
            }
        ]
    }
    rows: list[Row] = []
    with (
        tempfile.TemporaryDirectory(prefix="orbrowse-bench-") as name,
        Emulator(seed=seed) as emulator,
    ):
        folder = Path(name)
        source = folder / "upload.pdf"
        _write_pdf(source, size)
        big_id = asyncio.run(_first_id(emulator.url))
        for op in ("upload", "download"):
            arg = str(source) if op == "upload" else big_id
            rows += _measure(config, op, size_mib, emulator.url, arg, folder)
    return rows


def _measure(config: Config, op: str, size_mib: int, url: str, arg: str, folder: Path) -> list[Row]:
    case = f"{op} {size_mib} MiB"
    impls = ("orbrowse", "sdk")
    seconds = {impl: Row("transfers", case, impl, "s") for impl in impls}
    speed = {impl: Row("transfers", case, impl, "MiB/s") for impl in impls}
    memory = {impl: Row("transfers", case, impl, "MiB peak growth") for impl in impls}

    def once(impl: str) -> None:
        result = _child(impl, op, url, arg, folder)
        elapsed = float(result["seconds"])
        seconds[impl].samples.append(elapsed)
        speed[impl].samples.append(size_mib / elapsed)
        memory[impl].samples.append(float(result["growth_kib"]) / 1024)
        if op == "upload":  # keep the workspace (and the emulator's disk) small
            asyncio.run(_delete(url, str(result["id"])))
        else:
            (folder / "downloaded.bin").unlink(missing_ok=True)

    interleaved(config.runs, lambda: once("orbrowse"), lambda: once("sdk"))
    ours = memory["orbrowse"]
    seconds["orbrowse"].compare("sdk", seconds["sdk"].median)
    speed["orbrowse"].compare("sdk", speed["sdk"].median)
    ours.compare("sdk", memory["sdk"].median, f"< {MEMORY_TARGET_MIB:.0f} MiB (max)")
    ours.met = ours.high < MEMORY_TARGET_MIB
    return [row for impl in impls for row in (seconds[impl], speed[impl], memory[impl])]


async def _first_id(url: str) -> str:
    async with FilesClient(KEY, base_url=url) as client:
        page = await client.list_files(limit=1)
    return page.files[0].id
