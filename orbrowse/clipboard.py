"""Put text on the user's clipboard, wherever the user is, and say only what is known.

The route, in ``auto`` mode:

- locally (no SSH): the system clipboard through pyperclip; without one, the terminal route;
- the terminal route:
  - inside tmux (``TMUX``): ask tmux (:mod:`orbrowse.tmux`), then ``tmux load-buffer -w -``,
    which fills tmux's buffer and has tmux send the text to the outer terminal. If tmux
    will not forward it but allows passthrough, a passthrough-wrapped OSC 52 follows. If
    load-buffer fails, a bare OSC 52 when ``set-clipboard`` is ``on`` (tmux takes it), else
    the passthrough when allowed;
  - inside GNU screen (``STY``): OSC 52 in screen's own passthrough;
  - otherwise (over SSH, or a local terminal): a plain OSC 52.

``osc52`` mode always takes the terminal route, ``system`` only pyperclip.

A result is ``copied`` when we saw it land (pyperclip returned; tmux loaded its buffer),
``sent`` when an escape sequence went to a terminal that may or may not act on it (the message
then says how to enable it), ``failed`` otherwise.

The escape bytes go through a ``write_osc`` callable (the TUI writes to its driver) and
pyperclip is called only through ``system_copy``, so tests see exactly what would have been
sent and replace pyperclip at its own boundary. tmux is the real one named by ``TMUX``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from orbrowse.config import ClipboardMode
from orbrowse.osc52 import (
    DEFAULT_OSC52_MAX_BYTES,
    OSC52TooLargeError,
    osc52_sequence,
    screen_passthrough,
    tmux_passthrough,
)
from orbrowse.tmux import TmuxClipboard, TmuxError, ask_tmux, load_buffer

__all__ = [
    "DEFAULT_OSC52_MAX_BYTES",
    "Clipboard",
    "ClipboardEnv",
    "CopyResult",
    "OSC52TooLargeError",
    "detect_environment",
]

CopyMethod = Literal[
    "system", "tmux buffer", "tmux osc52", "tmux passthrough", "screen passthrough", "osc52"
]
CopyStatus = Literal["copied", "sent", "failed"]

ENABLE_HINT = "if nothing was copied, enable clipboard access (OSC 52) in your terminal"


@dataclass(frozen=True, slots=True)
class ClipboardEnv:
    """Where we run, as far as copying is concerned."""

    over_ssh: bool
    in_tmux: bool
    in_screen: bool = False


def detect_environment(env: Mapping[str, str]) -> ClipboardEnv:
    """Over SSH when SSH_TTY, SSH_CONNECTION or SSH_CLIENT is set; tmux: TMUX; screen: STY."""
    over_ssh = any(env.get(name) for name in ("SSH_TTY", "SSH_CONNECTION", "SSH_CLIENT"))
    in_tmux = bool(env.get("TMUX"))
    return ClipboardEnv(over_ssh, in_tmux, in_screen=bool(env.get("STY")) and not in_tmux)


@dataclass(frozen=True, slots=True)
class CopyResult:
    """The route taken (or last tried), what is known of the outcome, and a sentence."""

    method: CopyMethod
    status: CopyStatus
    message: str

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def _pyperclip_copy(text: str) -> None:
    import pyperclip  # with the first copy: its platform probing (ctypes) is not start-up's

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
        self._env = dict(env)
        self._write_osc = write_osc
        self._system_copy = system_copy
        self._max_osc_bytes = max_osc_bytes

    def copy(self, text: str, *, what: str | None = None) -> CopyResult:
        """Copy ``text``; ``what`` names it for the message ("3 ids"), else its length."""
        label = what if what is not None else _describe(text)
        if self.mode == "osc52" or (self.mode == "auto" and self.environment.over_ssh):
            return self._copy_terminal(text, label)
        system = self._copy_system(text, label)
        if system.ok or self.mode == "system":
            return system
        fallback = self._copy_terminal(text, label)
        if fallback.ok:
            return fallback
        return CopyResult(fallback.method, "failed", f"{system.message}; {fallback.message}")

    # -- routes ---------------------------------------------------------------------------------

    def _copy_system(self, text: str, label: str) -> CopyResult:
        import pyperclip

        try:
            self._system_copy(text)
        except (pyperclip.PyperclipException, OSError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return CopyResult(
                "system", "failed", f"Could not copy {label} to the system clipboard: {reason}"
            )
        return CopyResult("system", "copied", f"Copied {label} to the system clipboard")

    def _copy_terminal(self, text: str, label: str) -> CopyResult:
        if self.environment.in_tmux:
            return self._copy_tmux(text, label)
        if self.environment.in_screen:
            return self._send(
                "screen passthrough",
                text,
                label,
                screen_passthrough,
                f"Sent {label} through screen to your terminal with OSC 52; {ENABLE_HINT}",
            )
        return self._send(
            "osc52",
            text,
            label,
            None,
            f"Sent {label} to the terminal with OSC 52; {ENABLE_HINT}",
        )

    def _copy_tmux(self, text: str, label: str) -> CopyResult:
        try:
            tmux = ask_tmux(self._env)
        except TmuxError as error:
            # tmux takes a bare OSC 52 when set-clipboard is on; we could not ask whether it is.
            return self._send(
                "tmux osc52",
                text,
                label,
                None,
                f"Sent {label} to tmux with OSC 52, which lands only if tmux's set-clipboard "
                f"is on (could not ask tmux: {error})",
            )
        try:
            load_buffer(text, self._env, forward=tmux.version >= (3, 2))
        except TmuxError as error:
            return self._tmux_escape(text, label, tmux, str(error))
        if tmux.forwards_loaded_buffer:
            return CopyResult(
                "tmux buffer",
                "copied",
                f"Copied {label} to tmux's buffer and sent it to your terminal's clipboard",
            )
        if tmux.allow_passthrough:
            sent = self._send(
                "tmux passthrough",
                text,
                label,
                tmux_passthrough,
                f"Copied {label} to tmux's buffer and sent it to your terminal with OSC 52; "
                + ENABLE_HINT,
            )
            if sent.ok:
                return sent
        return CopyResult(
            "tmux buffer",
            "copied",
            f"Copied {label} to tmux's buffer (paste with prefix ]); tmux does not pass it to "
            "your terminal's clipboard (no client, or its terminal lacks tmux's clipboard "
            "feature)",
        )

    def _tmux_escape(self, text: str, label: str, tmux: TmuxClipboard, why: str) -> CopyResult:
        """load-buffer failed: an escape sequence tmux acts on, if there is one."""
        if tmux.set_clipboard == "on":
            return self._send(
                "tmux osc52",
                text,
                label,
                None,
                f"Sent {label} to tmux with OSC 52 (set-clipboard is on: tmux keeps it and "
                f"passes it to your terminal) after {why}",
            )
        if tmux.allow_passthrough:
            return self._send(
                "tmux passthrough",
                text,
                label,
                tmux_passthrough,
                f"Sent {label} through tmux to your terminal with OSC 52 after {why}; "
                + ENABLE_HINT,
            )
        return CopyResult(
            "tmux buffer",
            "failed",
            f"Could not copy {label}: {why}, and tmux ignores OSC 52 from programs "
            f"(set-clipboard is {tmux.set_clipboard}, allow-passthrough is off)",
        )

    def _send(
        self,
        method: CopyMethod,
        text: str,
        label: str,
        wrap: Callable[[bytes], bytes] | None,
        message: str,
    ) -> CopyResult:
        """Write OSC 52 for ``text`` (wrapped by ``wrap``) to the terminal."""
        if self._write_osc is None:
            return CopyResult(method, "failed", f"Could not copy {label}: no terminal for OSC 52")
        try:
            data = osc52_sequence(text, max_bytes=self._max_osc_bytes)
        except OSC52TooLargeError as exc:
            return CopyResult(method, "failed", f"Could not copy {label}: {exc}")
        try:
            self._write_osc(wrap(data) if wrap is not None else data)
        except OSError as exc:
            return CopyResult(
                method,
                "failed",
                f"Could not send {label} to the terminal: {exc.strerror or exc}",
            )
        return CopyResult(method, "sent", message)


def _describe(text: str) -> str:
    count = len(text)
    return f"{count:,} character" + ("" if count == 1 else "s")
