"""5. Start-up: from launching ``orbrowse`` on a pseudo-terminal to the first file row drawn,
against a script that imports the SDK and prints the first page (also on a pty)."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from benchmarks._config import Config, interleaved
from benchmarks._emulator import KEY, Emulator
from benchmarks._pty import times_until_text
from benchmarks._results import Row
from orbrowse.api.client import FilesClient
from orbrowse.emulator.seed import DEMO_WORKSPACES

LATENCY_MS = 20.0
WORKSPACE = DEMO_WORKSPACES[0][0]
SDK_SCRIPT = """\
import sys
from openrouter import OpenRouter

with OpenRouter(api_key=sys.argv[2], server_url=sys.argv[1]) as sdk:
    page = sdk.files.list()
    for file in page.result.data:
        print(file.filename, file.size_bytes, file.created_at)
"""


async def _first_filename(url: str) -> str:
    async with FilesClient(KEY, base_url=url) as client:
        page = await client.list_files(limit=1)
    return page.files[0].filename


def run(config: Config) -> list[Row]:
    case = f"first file row on screen, {LATENCY_MS:.0f} ms"
    ours = Row("startup", case, "orbrowse", "s")
    sdk = Row("startup", case, "sdk script", "s")
    # CPU until the row is drawn: on a machine short of cores, steadier than the wall time.
    ours_cpu = Row("startup", case, "orbrowse CPU", "s CPU")
    sdk_cpu = Row("startup", case, "sdk script CPU", "s CPU")

    def measure(argv: list[str], wall: Row, cpu: Row) -> None:
        seconds, cpu_seconds = times_until_text(argv, needle, env=env)
        wall.samples.append(seconds)
        cpu.samples.append(cpu_seconds)

    orbrowse_bin = str(Path(sys.executable).with_name("orbrowse"))
    with (
        Emulator(files=3000, latency_ms=LATENCY_MS) as emulator,
        tempfile.TemporaryDirectory(prefix="orbrowse-bench-") as folder,
    ):
        # The basename: the table may draw the folder part in another style.
        needle = asyncio.run(_first_filename(emulator.url)).rsplit("/", 1)[-1]
        script = Path(folder) / "sdk_first_page.py"
        script.write_text(SDK_SCRIPT, encoding="utf-8")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": folder,  # no user config, no deletion log of the user's
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "LANG": "C.UTF-8",
        }
        orbrowse_argv = [
            orbrowse_bin,
            "--base-url",
            emulator.url,
            "--api-key",
            KEY,
            "--workspace",
            WORKSPACE,
            "--config",
            str(Path(folder) / "config.toml"),
        ]
        # The first file's name is what is timed: the flat list shows it first.
        (Path(folder) / "config.toml").write_text('view = "flat"\n', encoding="utf-8")
        sdk_argv = [sys.executable, str(script), emulator.url, KEY]
        interleaved(
            config.runs,
            lambda: measure(orbrowse_argv, ours, ours_cpu),
            lambda: measure(sdk_argv, sdk, sdk_cpu),
        )
    ours.compare("sdk script", sdk.median, "≤ 1.00× sdk", lambda r: r <= 1.0)
    ours_cpu.compare("sdk script CPU", sdk_cpu.median)
    absolute = Row("startup", case, "orbrowse (absolute)", "s", list(ours.samples))
    absolute.target = "< 1 s"
    absolute.met = absolute.median < 1.0
    return [ours, sdk, absolute, ours_cpu, sdk_cpu]
