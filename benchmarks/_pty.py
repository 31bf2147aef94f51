"""Run a command under a pseudo-terminal and time how long until some text is on screen."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import termios
import time
from collections.abc import Mapping, Sequence

# CSI and OSC sequences, and the other two-byte escapes: what is left is the text drawn.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


def time_until_text(
    argv: Sequence[str],
    needle: str,
    *,
    env: Mapping[str, str],
    columns: int = 120,
    lines: int = 40,
    timeout: float = 30.0,
) -> float:
    """Seconds from starting ``argv`` on a pty until ``needle`` appears in what it draws.

    The process is ended (SIGTERM, then SIGKILL) as soon as the text is seen.
    """
    wanted = needle.encode()
    started = time.perf_counter()
    pid, fd = os.forkpty()
    if pid == 0:  # the child: become the command
        try:
            os.execve(argv[0], list(argv), dict(env))
        finally:
            os._exit(127)
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        seen = b""
        while True:
            left = timeout - (time.perf_counter() - started)
            if left <= 0:
                raise TimeoutError(f"{needle!r} not drawn within {timeout} s: {seen[-400:]!r}")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the pty (exited)
                raise RuntimeError(f"exited before drawing {needle!r}: {seen[-400:]!r}") from None
            if not chunk:
                raise RuntimeError(f"exited before drawing {needle!r}: {seen[-400:]!r}")
            # An escape sequence split across reads stays until its end arrives, then goes.
            seen = _ESCAPES.sub(b"", seen[-8192:] + chunk)
            if wanted in seen:
                return time.perf_counter() - started
    finally:
        _end(pid)
        os.close(fd)


def _end(pid: int) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                return
            time.sleep(0.01)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
