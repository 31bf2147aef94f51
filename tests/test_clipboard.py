"""Clipboard: exact OSC 52 bytes, tmux wrapping, the size cap, and mode selection."""

from __future__ import annotations

import base64

import pyperclip
import pytest

from orbrowse.clipboard import (
    Clipboard,
    ClipboardEnv,
    OSC52TooLargeError,
    detect_environment,
    osc52_sequence,
)
from orbrowse.config import ClipboardMode

LOCAL: dict[str, str] = {"TERM": "xterm-256color"}
SSH = {"SSH_TTY": "/dev/pts/3"}
SSH_TMUX = {"SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22", "TMUX": "/tmp/tmux-0/default,1,0"}
LOCAL_TMUX = {"TMUX": "/tmp/tmux-0/default,1,0"}


class Recorder:
    """Stands in for the terminal (OSC 52 writes) and pyperclip (system copies)."""

    def __init__(self, system_error: Exception | None = None) -> None:
        self.osc: list[bytes] = []
        self.system: list[str] = []
        self.system_error = system_error

    def write_osc(self, data: bytes) -> None:
        self.osc.append(data)

    def system_copy(self, text: str) -> None:
        if self.system_error is not None:
            raise self.system_error
        self.system.append(text)

    def clipboard(self, mode: ClipboardMode, env: dict[str, str], **kwargs: int) -> Clipboard:
        return Clipboard(
            mode,
            write_osc=self.write_osc,
            env=env,
            system_copy=self.system_copy,
            max_osc_bytes=kwargs.get("max_osc_bytes", 100_000),
        )


def test_plain_sequence_exact_bytes() -> None:
    assert osc52_sequence("hello", in_tmux=False) == b"\x1b]52;c;aGVsbG8=\x07"


def test_tmux_sequence_exact_bytes() -> None:
    assert osc52_sequence("hello", in_tmux=True) == (b"\x1bPtmux;\x1b\x1b]52;c;aGVsbG8=\x07\x1b\\")


def test_sequence_carries_utf8_and_newlines() -> None:
    text = "file-abc\nfile-déf ✓\n"
    sequence = osc52_sequence(text, in_tmux=False)
    assert sequence.startswith(b"\x1b]52;c;") and sequence.endswith(b"\x07")
    assert base64.b64decode(sequence[7:-1]).decode("utf-8") == text


def test_text_with_escapes_cannot_break_out() -> None:
    hostile = "\x1b]52;c;AAAA\x07\x1b\\rm -rf"
    sequence = osc52_sequence(hostile, in_tmux=True)
    inner = sequence[len(b"\x1bPtmux;") : -2]
    # The only ESCs are the doubled one that starts the OSC; the payload is base64.
    assert inner.count(b"\x1b") == 2
    assert base64.b64decode(inner[8:-1]).decode() == hostile


def test_size_cap() -> None:
    # 3 bytes encode to 4; the plain frame is 8 bytes.
    fits = "x" * 3 * 23  # 92 base64 + 8 = 100 bytes
    assert len(osc52_sequence(fits, in_tmux=False, max_bytes=100)) == 100
    with pytest.raises(OSC52TooLargeError, match="too large for OSC 52"):
        osc52_sequence(fits + "x", in_tmux=False, max_bytes=100)
    # The tmux frame is longer, so the same text no longer fits.
    with pytest.raises(OSC52TooLargeError):
        osc52_sequence(fits, in_tmux=True, max_bytes=100)


def test_default_cap_is_100_000_bytes() -> None:
    assert osc52_sequence("x" * 74_000, in_tmux=False)
    with pytest.raises(OSC52TooLargeError):
        osc52_sequence("x" * 75_000, in_tmux=False)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ClipboardEnv(over_ssh=False, in_tmux=False)),
        ({"SSH_TTY": "/dev/pts/1"}, ClipboardEnv(over_ssh=True, in_tmux=False)),
        ({"SSH_CONNECTION": "a b c d"}, ClipboardEnv(over_ssh=True, in_tmux=False)),
        ({"SSH_CLIENT": "a b c"}, ClipboardEnv(over_ssh=True, in_tmux=False)),
        ({"SSH_TTY": ""}, ClipboardEnv(over_ssh=False, in_tmux=False)),
        ({"TMUX": "/tmp/tmux"}, ClipboardEnv(over_ssh=False, in_tmux=True)),
        (SSH_TMUX, ClipboardEnv(over_ssh=True, in_tmux=True)),
    ],
)
def test_detect_environment(env: dict[str, str], expected: ClipboardEnv) -> None:
    assert detect_environment(env) == expected


def test_auto_over_ssh_uses_osc52_only() -> None:
    recorder = Recorder()
    result = recorder.clipboard("auto", SSH).copy("file-1\nfile-2\nfile-3", what="3 ids")
    assert result.ok and result.method == "osc52"
    assert result.message == "Copied 3 ids via OSC 52"
    assert recorder.osc == [osc52_sequence("file-1\nfile-2\nfile-3", in_tmux=False)]
    assert recorder.system == []


def test_auto_over_ssh_in_tmux_wraps() -> None:
    recorder = Recorder()
    result = recorder.clipboard("auto", SSH_TMUX).copy("file-1", what="3 ids")
    assert (result.ok, result.method, result.message) == (
        True,
        "osc52 (tmux)",
        "Copied 3 ids via OSC 52 (tmux)",
    )
    assert recorder.osc == [b"\x1bPtmux;\x1b\x1b]52;c;ZmlsZS0x\x07\x1b\\"]


def test_auto_local_uses_pyperclip() -> None:
    recorder = Recorder()
    result = recorder.clipboard("auto", LOCAL).copy("file-1", what="the id")
    assert (result.ok, result.method) == (True, "system")
    assert result.message == "Copied the id to the system clipboard"
    assert recorder.system == ["file-1"]
    assert recorder.osc == []


def test_auto_local_falls_back_to_osc52_when_pyperclip_has_no_clipboard() -> None:
    recorder = Recorder(pyperclip.PyperclipException("could not find a copy/paste mechanism"))
    result = recorder.clipboard("auto", LOCAL_TMUX).copy("file-1", what="the id")
    assert (result.ok, result.method) == (True, "osc52 (tmux)")
    assert result.message == "Copied the id via OSC 52 (tmux)"
    assert recorder.osc == [osc52_sequence("file-1", in_tmux=True)]


def test_auto_local_both_fail_says_why() -> None:
    recorder = Recorder(pyperclip.PyperclipException("no mechanism"))
    result = recorder.clipboard("auto", LOCAL, max_osc_bytes=20).copy("x" * 100)
    assert not result.ok
    assert "no mechanism" in result.message
    assert "too large for OSC 52" in result.message
    assert recorder.osc == []


def test_system_mode_never_sends_osc52() -> None:
    recorder = Recorder(pyperclip.PyperclipException("no mechanism"))
    result = recorder.clipboard("system", SSH).copy("file-1", what="the id")
    assert (result.ok, result.method) == (False, "system")
    assert result.message == "Could not copy the id to the system clipboard: no mechanism"
    assert recorder.osc == []


def test_system_mode_copies_over_ssh_when_asked() -> None:
    recorder = Recorder()
    result = recorder.clipboard("system", SSH).copy("file-1")
    assert result.ok and recorder.system == ["file-1"] and recorder.osc == []


def test_osc52_mode_locally_skips_pyperclip() -> None:
    recorder = Recorder()
    result = recorder.clipboard("osc52", LOCAL).copy("abc")
    assert (result.ok, result.method, result.message) == (
        True,
        "osc52",
        "Copied 3 characters via OSC 52",
    )
    assert recorder.system == []
    assert recorder.osc == [b"\x1b]52;c;YWJj\x07"]


def test_too_large_is_reported_not_sent() -> None:
    recorder = Recorder()
    result = recorder.clipboard("osc52", SSH).copy("x" * 80_000, what="80,000 ids")
    assert not result.ok
    assert result.message.startswith(
        "Could not copy 80,000 ids: 80,000 bytes is too large for OSC 52"
    )
    assert recorder.osc == []


def test_no_terminal_writer() -> None:
    clipboard = Clipboard("osc52", write_osc=None, env=SSH)
    result = clipboard.copy("a")
    assert not result.ok and "no terminal" in result.message


def test_terminal_write_error_is_reported() -> None:
    def broken(data: bytes) -> None:
        raise OSError(5, "Input/output error")

    result = Clipboard("osc52", write_osc=broken, env=SSH).copy("a", what="the id")
    assert not result.ok
    assert result.message == "Could not copy the id via OSC 52: Input/output error"


def test_single_character_message() -> None:
    assert Recorder().clipboard("osc52", SSH).copy("a").message == "Copied 1 character via OSC 52"
