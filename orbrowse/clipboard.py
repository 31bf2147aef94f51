"""Put text on the user's clipboard, wherever the user is.

Three modes:

- ``osc52``: ask the terminal to do it with an OSC 52 escape sequence (wrapped in a DCS
  passthrough inside tmux). Works over SSH, since the terminal is on the user's machine.
- ``system``: the local clipboard through pyperclip.
- ``auto``: over SSH, OSC 52 only (the remote machine's clipboard is of no use to the
  user); locally pyperclip, falling back to OSC 52 when pyperclip has no clipboard.

The escape bytes go through a ``write_osc`` callable (the TUI writes to its driver, the CLI to
``/dev/tty``) and pyperclip is called only through ``system_copy``, so tests see exactly what
would have been sent and replace pyperclip at its own boundary.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

import pyperclip

from orbrowse.config import ClipboardMode

CopyMethod = Literal["osc52", "osc52 (tmux)", "system"]

DEFAULT_OSC52_MAX_BYTES: Final = 100_000
"""Many terminals drop longer OSC 52 sequences (xterm and tmux limit them), so we refuse."""

_ESC: Final = b"\x1b"
_BEL: Final = b"\x07"


class OSC52TooLargeError(ValueError):
    """The text does not fit in one OSC 52 sequence under the cap."""


def osc52_sequence(text: str, *, in_tmux: bool, max_bytes: int = DEFAULT_OSC52_MAX_BYTES) -> bytes:
    """The bytes that ask the terminal to put ``text`` on the clipboard.

    ``ESC ] 52 ; c ; <base64 of UTF-8> BEL``; inside tmux wrapped as a DCS passthrough
    ``ESC P tmux; <sequence with every ESC doubled> ESC \\``. Raises
    :class:`OSC52TooLargeError` when the resulting bytes would exceed ``max_bytes``.
    """
    payload = base64.b64encode(text.encode("utf-8"))
    sequence = _ESC + b"]52;c;" + payload + _BEL
    if in_tmux:
        sequence = _ESC + b"Ptmux;" + sequence.replace(_ESC, _ESC + _ESC) + _ESC + b"\\"
    if len(sequence) > max_bytes:
        raise OSC52TooLargeError(
            f"{len(text.encode('utf-8')):,} bytes is too large for OSC 52 "
            f"(the limit is {max_bytes:,} bytes encoded)"
        )
    return sequence


@dataclass(frozen=True, slots=True)
class ClipboardEnv:
    """Where we run, as far as copying is concerned."""

    over_ssh: bool
    in_tmux: bool


def detect_environment(env: Mapping[str, str]) -> ClipboardEnv:
    """Over SSH when any of SSH_TTY, SSH_CONNECTION, SSH_CLIENT is set; in tmux when TMUX is."""
    over_ssh = any(env.get(name) for name in ("SSH_TTY", "SSH_CONNECTION", "SSH_CLIENT"))
    return ClipboardEnv(over_ssh=over_ssh, in_tmux=bool(env.get("TMUX")))


@dataclass(frozen=True, slots=True)
class CopyResult:
    """What happened: how it was copied (or last tried), whether it worked, and a sentence."""

    method: CopyMethod
    ok: bool
    message: str


def _pyperclip_copy(text: str) -> None:
    pyperclip.copy(text)


class Clipboard:
    """Copies text by the configured mode; see the module docstring for the rules."""

    def __init__(
        self,
        mode: ClipboardMode = "auto",
        *,
        write_osc: Callable[[bytes], None] | None,
        env: Mapping[str, str],
        system_copy: Callable[[str], None] = _pyperclip_copy,
        max_osc_bytes: int = DEFAULT_OSC52_MAX_BYTES,
    ) -> None:
        self.mode: ClipboardMode = mode
        self.environment = detect_environment(env)
        self._write_osc = write_osc
        self._system_copy = system_copy
        self._max_osc_bytes = max_osc_bytes

    @property
    def _osc_method(self) -> CopyMethod:
        return "osc52 (tmux)" if self.environment.in_tmux else "osc52"

    def copy(self, text: str, *, what: str | None = None) -> CopyResult:
        """Copy ``text``; ``what`` names it for the message ("3 ids"), else its length."""
        label = what if what is not None else _describe(text)
        if self.mode == "osc52" or (self.mode == "auto" and self.environment.over_ssh):
            return self._copy_osc(text, label)
        system = self._copy_system(text, label)
        if system.ok or self.mode == "system":
            return system
        fallback = self._copy_osc(text, label)
        if fallback.ok:
            return fallback
        return CopyResult(fallback.method, False, f"{system.message}; {fallback.message}")

    def _copy_osc(self, text: str, label: str) -> CopyResult:
        method = self._osc_method
        shown = "OSC 52 (tmux)" if method == "osc52 (tmux)" else "OSC 52"
        if self._write_osc is None:
            return CopyResult(method, False, f"Could not copy {label}: no terminal for OSC 52")
        try:
            data = osc52_sequence(
                text, in_tmux=self.environment.in_tmux, max_bytes=self._max_osc_bytes
            )
        except OSC52TooLargeError as exc:
            return CopyResult(method, False, f"Could not copy {label}: {exc}")
        try:
            self._write_osc(data)
        except OSError as exc:
            return CopyResult(
                method, False, f"Could not copy {label} via {shown}: {exc.strerror or exc}"
            )
        return CopyResult(method, True, f"Copied {label} via {shown}")

    def _copy_system(self, text: str, label: str) -> CopyResult:
        try:
            self._system_copy(text)
        except (pyperclip.PyperclipException, OSError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return CopyResult(
                "system", False, f"Could not copy {label} to the system clipboard: {reason}"
            )
        return CopyResult("system", True, f"Copied {label} to the system clipboard")


def _describe(text: str) -> str:
    count = len(text)
    return f"{count:,} character" + ("" if count == 1 else "s")
