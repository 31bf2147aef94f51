"""The launcher (``orbrowse`` without a subcommand): the first page's request is written
before Textual is imported, while the terminal is asked about images."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from orbrowse.emulator.server import RunningEmulator
from tests.conftest import DEFAULT_WORKSPACE_ID

CHILD = """
import asyncio, sys, time
from pathlib import Path
from orbrowse.config import load_settings
from orbrowse.tui.launch import before_textual

url, key, workspace, folder = sys.argv[1:5]
settings = load_settings(
    api_key=key, base_url=url, workspace=workspace,
    config_path=Path(folder) / "config.toml", env={},
)
loop = asyncio.new_event_loop()
client, early, graphics, typed = loop.run_until_complete(before_textual(settings, None, {}))
print("early", early is not None and early[0] == workspace)
print("graphics", graphics.protocol)
print("textual", "textual" in sys.modules, flush=True)
time.sleep(0.5)  # the loop does not run again: the request went out in before_textual
"""


def test_the_first_page_request_is_written_before_textual_is_imported(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    emulator.faults.clear()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, emulator.url, api_key, DEFAULT_WORKSPACE_ID, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["early True", "graphics halfblock", "textual False"]
    listed = [r for r in emulator.faults.requests if r.path.endswith("/files")]
    assert len(listed) == 1
