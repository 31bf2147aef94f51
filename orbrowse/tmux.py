"""Ask the tmux we run inside how it handles the clipboard, and hand it text.

Only two commands, both bounded in time and neither with the text on its command line:

- :func:`ask_tmux`: ``tmux display-message -p`` with the version, the attached client's
  terminal features and the effective ``set-clipboard`` and ``allow-passthrough`` of our pane;
- :func:`load_buffer`: ``tmux load-buffer -w -`` with the text on stdin. It fills tmux's
  paste buffer and, with ``-w`` (tmux 3.2+), tmux itself sends the text to the client's
  terminal with OSC 52 when that terminal has tmux's ``clipboard`` feature. Measured on tmux
  3.3a: this happens whatever ``set-clipboard`` says, unlike an OSC 52 written by a program,
  which tmux takes only with ``set-clipboard on``.

The tmux server is the one named by ``TMUX`` in the environment we are given.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

ASK_TIMEOUT: Final = 1.0
LOAD_TIMEOUT: Final = 2.0
_FORMAT: Final = "#{version}|#{client_termfeatures}|#{set-clipboard}|#{allow-passthrough}"


class TmuxError(Exception):
    """tmux could not be asked or did not do what was asked; the message says why."""


@dataclass(frozen=True, slots=True)
class TmuxClipboard:
    """What tmux says about the clipboard for our pane."""

    version: tuple[int, int]
    set_clipboard: str
    """``on``, ``external`` (the default) or ``off``."""
    allow_passthrough: bool
    client_clipboard: bool
    """The attached client's terminal has tmux's ``clipboard`` feature (tmux sends it OSC 52)."""

    @property
    def forwards_loaded_buffer(self) -> bool:
        """``load-buffer -w`` will send the text on to the client's terminal."""
        return self.version >= (3, 2) and self.client_clipboard


def parse_version(text: str) -> tuple[int, int]:
    """``"3.3a"`` → ``(3, 3)``; ``"next-3.4"`` → ``(3, 4)``; unknown → ``(0, 0)``."""
    match = re.search(r"(\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def parse_answer(line: str) -> TmuxClipboard:
    """Read :data:`_FORMAT` as tmux expanded it."""
    parts = line.strip().split("|")
    if len(parts) != 4:
        raise TmuxError(f"unexpected answer from tmux: {line.strip()[:80]!r}")
    version_text, features, set_clipboard, passthrough = parts
    version = parse_version(version_text)
    if version < (3, 3) and passthrough == "":
        passthrough = "1"  # before 3.3 tmux always passed DCS sequences through
    return TmuxClipboard(
        version=version,
        set_clipboard=set_clipboard or "external",
        allow_passthrough=passthrough not in ("", "0", "off"),
        client_clipboard="clipboard" in features.split(","),
    )


def _command(env: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    path = env.get("PATH") or os.environ.get("PATH") or os.defpath
    tmux = shutil.which("tmux", path=path)
    if tmux is None:
        raise TmuxError("the tmux command was not found")
    child_env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
    child_env.update(env)
    return tmux, child_env


def _run(
    env: Mapping[str, str], args: list[str], *, stdin: bytes, timeout: float
) -> subprocess.CompletedProcess[bytes]:
    tmux, child_env = _command(env)
    try:
        result = subprocess.run(
            [tmux, *args],
            input=stdin,
            capture_output=True,
            env=child_env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TmuxError(f"tmux did not answer within {timeout:g} s") from None
    except OSError as error:
        raise TmuxError(f"could not run tmux: {error.strerror or error}") from None
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise TmuxError(f"tmux {args[0]} failed: {reason[0][:120] if reason else 'no reason'}")
    return result


def ask_tmux(env: Mapping[str, str], *, timeout: float = ASK_TIMEOUT) -> TmuxClipboard:
    """The clipboard settings of the tmux named by ``env["TMUX"]``, for our pane."""
    result = _run(env, ["display-message", "-p", _FORMAT], stdin=b"", timeout=timeout)
    return parse_answer(result.stdout.decode("utf-8", "replace"))


def load_buffer(
    text: str, env: Mapping[str, str], *, forward: bool, timeout: float = LOAD_TIMEOUT
) -> None:
    """Put ``text`` in tmux's paste buffer; ``forward`` adds ``-w`` (needs tmux 3.2+)."""
    args = ["load-buffer", "-w", "-"] if forward else ["load-buffer", "-"]
    _run(env, args, stdin=text.encode("utf-8"), timeout=timeout)
