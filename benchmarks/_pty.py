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

# The pty answers as a terminal does (xterm's replies, without Sixel): orbrowse asks for the
# cell size and the device attributes before it starts, and a pty nobody answers would cost
# its 1 s wait instead of the round trip a real terminal costs.
_ANSWERS = {b"\x1b[16t": b"\x1b[6;20;10t", b"\x1b[c": b"\x1b[?62;22c"}


def _answer(fd: int, output: bytes) -> None:
    for query, reply in _ANSWERS.items():
        for _ in range(output.count(query)):
            os.write(fd, reply)


def times_until_text(
    argv: Sequence[str],
    needle: str,
    *,
    env: Mapping[str, str],
    columns: int = 120,
    lines: int = 40,
    timeout: float = 30.0,
) -> tuple[float, float]:
    """Seconds from starting ``argv`` on a pty until ``needle`` appears in what it draws, and
    the CPU seconds the process used by then (on a machine short of cores, the steadier).

    The process is killed as soon as the text is seen.
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
            _answer(fd, chunk)
            # An escape sequence split across reads stays until its end arrives, then goes.
            seen = _ESCAPES.sub(b"", seen[-8192:] + chunk)
            if wanted in seen:
                wall = time.perf_counter() - started
                # SIGKILL: the CPU counted is the start-up's, not the clean-up's.
                return wall, _end(pid, (signal.SIGKILL,))
    finally:
        _end(pid)
        os.close(fd)


def output_until_exit(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    columns: int = 120,
    lines: int = 40,
    timeout: float = 60.0,
) -> str:
    """What ``argv`` draws on a pty until it exits (escape sequences stripped)."""
    started = time.perf_counter()
    pid, fd = os.forkpty()
    if pid == 0:
        try:
            os.execve(argv[0], list(argv), dict(env))
        finally:
            os._exit(127)
    seen = b""
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the pty: it exited
                break
            if not chunk:
                break
            _answer(fd, chunk)
            seen += chunk
    finally:
        _end(pid)
        os.close(fd)
    return _ESCAPES.sub(b"", seen).decode("utf-8", "replace")


def _end(pid: int, signals: Sequence[int] = (signal.SIGTERM, signal.SIGKILL)) -> float:
    """End the process; the CPU seconds (user and system) it used (0 if already reaped)."""
    for sig in signals:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            done, _status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                return usage.ru_utime + usage.ru_stime
            time.sleep(0.01)
    with contextlib.suppress(ChildProcessError):
        _pid, _status, usage = os.wait4(pid, 0)
        return usage.ru_utime + usage.ru_stime
    return 0.0
