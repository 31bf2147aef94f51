"""The launcher (``orbrowse`` without a subcommand): the first page's request is written
before Textual is imported, while the terminal is asked about images."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

from orbrowse.emulator.server import RunningEmulator
from orbrowse.preview.detect import DA1_QUERY
from tests.cli import sigint_as_in_a_terminal
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


def read_until_exit(master: int, process: subprocess.Popen[bytes], seconds: float) -> bytes:
    """What the child writes to its terminal until it exits (or ``seconds`` pass)."""
    out = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        elif process.poll() is not None:
            break
    return out


def test_ctrl_c_while_starting_says_interrupted_without_a_traceback(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    # Ctrl+C before Textual reads the keys is SIGINT. The moment is made sure: the terminal
    # here never answers the image query, so the launcher waits on it (before_textual).
    master, tty = os.openpty()
    command = [sys.executable, "-m", "orbrowse", "--base-url", emulator.url, "--api-key", api_key]
    command += ["--workspace", DEFAULT_WORKSPACE_ID, "--config", str(tmp_path / "config.toml")]
    env = {"PATH": os.environ.get("PATH", ""), "TERM": "xterm-256color", "HOME": str(tmp_path)}
    with sigint_as_in_a_terminal():
        process = subprocess.Popen(
            command,
            stdin=tty,
            stdout=tty,
            stderr=tty,
            env=env,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),  # the pty is /dev/tty
        )
    os.close(tty)
    try:
        written = b""
        deadline = time.monotonic() + 30
        while DA1_QUERY not in written and time.monotonic() < deadline:
            if select.select([master], [], [], 0.1)[0]:
                written += os.read(master, 4096)
        assert DA1_QUERY in written, "the launcher asked the terminal"
        process.send_signal(signal.SIGINT)
        out = written + read_until_exit(master, process, 30)
        code = process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    assert code == 130, out
    assert b"orbrowse: interrupted" in out
    assert b"Traceback" not in out
