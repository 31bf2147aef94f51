"""Drive programs under a real, private tmux server, as a person at a terminal would.

- :class:`TmuxServer`: its own socket (``tmux -L``), no config file (``-f /dev/null``: tmux's
  default options unless a test sets some), one session whose pane runs a command;
- ``send_text`` (``send-keys -l``: the whole text in one burst, as a paste or a fast typist over
  SSH delivers it), ``send_keys`` (key names), ``screen`` (``capture-pane``), ``wait_for``
  (polls the screen with one bounded default), ``buffer`` (``show-buffer``);
- :class:`Client`: a tmux client attached on a pty of ours, standing in for the user's
  terminal, so a test sees the bytes tmux sends to it (an OSC 52 it forwards).

Where tmux is missing, :func:`require_tmux` skips; pytest prints the reason (``-rs``).
"""

from __future__ import annotations

import fcntl
import itertools
import os
import select
import shlex
import shutil
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

WAIT_SECONDS = 15.0
"""The one bound on every wait: generous for a loaded CI machine, short enough to fail."""

_SERVER_NUMBERS = itertools.count(1)

TMUX_MISSING = "tmux is not installed (install it to run the tmux-driven tests)"


def require_tmux() -> str:
    tmux = shutil.which("tmux")
    if tmux is None:
        pytest.skip(TMUX_MISSING)  # pytest prints the reason (-rs in pyproject.toml)
    return tmux


class Client:
    """A tmux client on a pty we read: what the user's terminal would receive."""

    def __init__(self, server: TmuxServer, size: tuple[int, int], term: str) -> None:
        self._master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
        env["TERM"] = term
        self._process = subprocess.Popen(
            [server.tmux_path, "-L", server.name, "attach-session", "-t", server.session],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self._output = bytearray()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self._master, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self._output.extend(data)

    @property
    def output(self) -> bytes:
        with self._lock:
            return bytes(self._output)

    def wait_for_bytes(self, wanted: bytes, *, timeout: float = WAIT_SECONDS) -> bytes:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if wanted in self.output:
                return self.output
            time.sleep(0.02)
        raise AssertionError(f"the terminal never received {wanted!r}")

    def close(self) -> None:
        self._stop.set()
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._reader.join(timeout=2)
        os.close(self._master)


class TmuxServer:
    """A private tmux server running ``command`` in its one pane."""

    session = "main"

    def __init__(self, name: str) -> None:
        self.tmux_path = require_tmux()
        # Unique per server: a server being killed must not be mistaken for the next one.
        self.name = f"{name}-{os.getpid()}-{next(_SERVER_NUMBERS)}"
        self.clients: list[Client] = []

    def tmux(self, *args: str, stdin: bytes = b"") -> str:
        result = subprocess.run(
            [self.tmux_path, "-L", self.name, *args],
            input=stdin,
            capture_output=True,
            timeout=10,
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"tmux {args[0]} failed: {result.stderr.decode().strip()}")
        return result.stdout.decode("utf-8", "replace")

    def start(
        self,
        command: list[str],
        *,
        size: tuple[int, int] = (120, 30),
        env: Mapping[str, str] | None = None,
        options: Mapping[str, str] | None = None,
    ) -> None:
        """Start the server (no config file) and ``command`` in its pane, ``env`` added."""
        self.tmux("-f", "/dev/null", "start-server", ";", "set", "-g", "exit-empty", "off")
        for option, value in (options or {}).items():
            self.tmux("set-option", "-g", option, value)
        # The test runner's COLUMNS and LINES (GNU readline sets them in the process's C
        # environment, which children inherit, though os.environ does not show them) would
        # size the app at 80x24 whatever the pane's size: the app sees only the pane.
        unset = ["-u", "COLUMNS", "-u", "LINES"]
        prefix = ["env", *unset, *(f"{k}={v}" for k, v in (env or {}).items())]
        shell = shlex.join(prefix + command) + "; echo '[exited with' $? ']'; sleep 600"
        width, height = size
        self.tmux(
            "new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height), shell
        )

    def attach(self, *, size: tuple[int, int] = (120, 30), term: str = "xterm-256color") -> Client:
        """Attach a client on a pty (the user's terminal) and wait until tmux knows it."""
        client = Client(self, size, term)
        self.clients.append(client)
        deadline = time.monotonic() + WAIT_SECONDS
        while not self.tmux("list-clients").strip():
            if time.monotonic() > deadline:
                raise AssertionError("the tmux client never attached")
            time.sleep(0.02)
        return client

    def pane_env(self) -> dict[str, str]:
        """TMUX and TMUX_PANE as a program running in the pane sees them."""
        answer = self.tmux("display-message", "-p", "#{socket_path},#{pid},0|#{pane_id}")
        socket, pane = answer.strip().split("|")
        return {"TMUX": socket, "TMUX_PANE": pane, "PATH": os.environ.get("PATH", os.defpath)}

    def pane_tty(self) -> Path:
        return Path(self.tmux("display-message", "-p", "#{pane_tty}").strip())

    def send_text(self, text: str) -> None:
        """``text`` typed in one burst (send-keys -l: literal, no key names)."""
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def send_keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(
        self, wanted: str | Callable[[str], bool], *, timeout: float = WAIT_SECONDS
    ) -> str:
        """Poll the screen until it shows ``wanted`` (or the predicate holds); return it."""
        test = wanted if callable(wanted) else (lambda screen: wanted in screen)
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if test(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"the screen never showed {wanted!r}; it shows:\n{screen}")

    def buffer(self) -> str | None:
        """tmux's newest paste buffer, or None when it has none."""
        if not self.tmux("list-buffers").strip():
            return None
        return self.tmux("show-buffer")

    def kill(self) -> None:
        for client in self.clients:
            client.close()
        socket = subprocess.run(
            [self.tmux_path, "-L", self.name, "display-message", "-p", "#{socket_path}"],
            capture_output=True,
            timeout=10,
        ).stdout.strip()
        subprocess.run(
            [self.tmux_path, "-L", self.name, "kill-server"], capture_output=True, timeout=10
        )
        if socket:
            Path(socket.decode()).unlink(missing_ok=True)  # tmux leaves it behind


def eventually(condition: Callable[[], bool], what: str, *, timeout: float = WAIT_SECONDS) -> None:
    """Poll ``condition`` (bounded like every wait here)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


@contextmanager
def tmux_server(name: str) -> Iterator[TmuxServer]:
    server = TmuxServer(name)
    try:
        yield server
    finally:
        server.kill()
