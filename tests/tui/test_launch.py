"""The launcher (``orbrowse`` without a subcommand): the first page's request is written
before Textual is imported, while the terminal is asked about images."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from orbrowse.emulator.server import RunningEmulator
from orbrowse.preview.detect import DA1_QUERY
from tests.cli import sigint_as_in_a_terminal
from tests.conftest import DEFAULT_WORKSPACE_ID

CHILD = """
import asyncio, sys, time
from pathlib import Path

import pytest
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
    # Written before the child slept and exited; the emulator (a thread of this busy
    # process) may read it only now.
    deadline = time.monotonic() + 30
    while not (listed := [r for r in emulator.faults.requests if r.path.endswith("/files")]):
        assert time.monotonic() < deadline, "the first page's request never reached the server"
        time.sleep(0.01)
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


def start_on_pty(
    emulator: RunningEmulator, api_key: str, folder: Path
) -> tuple[subprocess.Popen[bytes], int]:
    """``orbrowse`` on the default workspace, its terminal a new pty (its ``/dev/tty``) that
    never answers the image query; the child and the pty's master end."""
    command = [sys.executable, "-m", "orbrowse", "--base-url", emulator.url, "--api-key", api_key]
    command += ["--workspace", DEFAULT_WORKSPACE_ID, "--config", str(folder / "config.toml")]
    return spawn_on_pty(command, folder)


def spawn_on_pty(command: list[str], folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    """``command`` with a new pty as its terminal (its ``/dev/tty``); the child and the pty's
    master end."""
    master, tty = os.openpty()
    env = {"PATH": os.environ.get("PATH", ""), "TERM": "xterm-256color", "HOME": str(folder)}
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
    return process, master


def read_until_written(master: int, marker: bytes, seconds: float) -> bytes:
    """What the child writes to its terminal up to and including ``marker``."""
    written = b""
    deadline = time.monotonic() + seconds
    while marker not in written and time.monotonic() < deadline:
        if select.select([master], [], [], 0.05)[0]:
            written += os.read(master, 65536)
    assert marker in written, f"never written: {marker!r}"
    return written


def interrupt_and_wait(
    process: subprocess.Popen[bytes], master: int, written: bytes
) -> tuple[int, bytes]:
    """Send SIGINT, then the exit code and all the child wrote to its terminal."""
    try:
        process.send_signal(signal.SIGINT)
        out = written + read_until_exit(master, process, 30)
        code = process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return code, out


def test_ctrl_c_while_starting_says_interrupted_without_a_traceback(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    # Ctrl+C before Textual reads the keys is SIGINT. The moment is made sure: the terminal
    # here never answers the image query, so the launcher waits on it (before_textual).
    process, master = start_on_pty(emulator, api_key, tmp_path)
    try:
        written = read_until_written(master, DA1_QUERY, 30)  # the launcher asked the terminal
        code, out = interrupt_and_wait(process, master, written)
    finally:
        os.close(master)
    assert code == 130, out
    assert b"orbrowse: interrupted" in out
    assert b"Traceback" not in out


ALT_SCREEN = b"\x1b[?1049h"
"""Textual takes the terminal: the first thing it writes as it starts mounting the app."""

PRIVATE_MODE = re.compile(rb"\x1b\[\?([0-9;]+)([hl])")


ON_BY_DEFAULT = {"7", "25"}
"""Modes a terminal starts with set: autowrap, the cursor shown (Textual turns both off)."""


def modes_left_changed(out: bytes) -> set[str]:
    """The terminal modes (``ESC [ ? n h``/``l``) that ``out`` leaves otherwise than a
    terminal starts with them."""
    last: dict[str, bool] = {}
    for numbers, switch in PRIVATE_MODE.findall(out):
        for number in numbers.decode().split(";"):
            last[number] = switch == b"h"
    return {number for number, on in last.items() if on != (number in ON_BY_DEFAULT)}


@pytest.mark.parametrize("after", [0.0, 0.05, 0.5])
def test_sigint_from_outside_while_textual_mounts_ends_as_ctrl_c_does(
    emulator: RunningEmulator, api_key: str, tmp_path: Path, after: float
) -> None:
    # kill -INT once Textual has the terminal (a typed Ctrl+C is a key by then): asyncio
    # cancelled the app's task wherever it was, so 0.05 s in it ended in Textual's error
    # screen (NoMatches on the header's title, "1 of 4 errors shown") with exit code 1, and
    # at 0 or 0.5 s silently with exit code 0.
    process, master = start_on_pty(emulator, api_key, tmp_path)
    try:
        written = read_until_written(master, ALT_SCREEN, 30)
        time.sleep(after)
        code, out = interrupt_and_wait(process, master, written)
        restored = termios.tcgetattr(master)
    finally:
        os.close(master)
    assert code == 130, out[-3000:]
    left = out[out.rindex(b"\x1b[?1049l") :]  # after Textual gave the terminal back
    assert left.rstrip().endswith(b"orbrowse: interrupted"), left
    assert b"Traceback" not in out and b"Error" not in out
    assert modes_left_changed(out) == set(), "modes Textual set were left so"
    assert out.count(b"\x1b[>") == out.count(b"\x1b[<u")  # the kitty key modes popped
    lflag = restored[3]
    assert lflag & termios.ICANON and lflag & termios.ECHO, "the terminal is left raw"


HANGS = """
import asyncio, os, signal, sys, time
from textual.app import App
from orbrowse.tui.interrupt import sigint_exits

class Hangs(App[None]):
    def on_mount(self) -> None:
        self.set_timer(0.2, self.hang)  # once the first frames are out

    def hang(self) -> None:
        os.write(2, b"HANGING")
        if sys.argv[1] == "c":  # stuck in C: this thread runs no Python signal handler
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            time.sleep(3600)
        while True:
            pass

app = Hangs()
with asyncio.Runner() as runner, sigint_exits(runner.get_loop(), app):
    runner.run(app.run_async())
"""


@pytest.mark.parametrize("stuck", ["python", "c"])
def test_a_second_sigint_ends_an_app_whose_loop_is_stuck(tmp_path: Path, stuck: str) -> None:
    # The first SIGINT asks the loop to exit the app, which a stuck loop never does; the
    # second ends the process, the terminal set back as Textual's driver sets it back.
    process, master = spawn_on_pty([sys.executable, "-c", HANGS, stuck], tmp_path)
    try:
        written = read_until_written(master, b"HANGING", 30)
        process.send_signal(signal.SIGINT)
        written += read_until_exit(master, process, 0.5)
        assert process.poll() is None, "the first SIGINT ended a stuck loop?"
        code, out = interrupt_and_wait(process, master, written)
        restored = termios.tcgetattr(master)
    finally:
        os.close(master)
    assert code == 130, out[-3000:]
    left = out[out.rindex(b"\x1b[?1049l") :]
    assert left.rstrip().endswith(b"orbrowse: interrupted"), left
    assert modes_left_changed(out) == set(), "modes Textual set were left so"
    assert out.count(b"\x1b[>") == out.count(b"\x1b[<u")  # the kitty key modes popped
    lflag = restored[3]
    assert lflag & termios.ICANON and lflag & termios.ECHO, "the terminal is left raw"
