"""Clipboard: the exact escape bytes, the route per setup, and tmux for real.

The tmux tests run a private tmux server (tests/tmux/harness.py) with a client attached on a
pty (the user's terminal), in tmux's default configuration, with ``set-clipboard on`` and with
``allow-passthrough on``; they read tmux's buffer back and look for the OSC 52 tmux sent to
the client. Escape sequences are written to the pane's tty, as the app in the pane would.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import pyperclip
import pytest

from orbrowse.clipboard import Clipboard, ClipboardEnv, detect_environment
from orbrowse.config import ClipboardMode
from orbrowse.osc52 import (
    OSC52TooLargeError,
    osc52_sequence,
    screen_passthrough,
    tmux_passthrough,
)
from orbrowse.tmux import parse_answer, parse_version
from tests.tmux.harness import TmuxServer, tmux_server

LOCAL: dict[str, str] = {"TERM": "xterm-256color"}
SSH = {"SSH_TTY": "/dev/pts/3"}
SCREEN = {"STY": "1234.pts-0.host", "SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22"}


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

    def clipboard(
        self, mode: ClipboardMode, env: dict[str, str], max_osc_bytes: int = 100_000
    ) -> Clipboard:
        return Clipboard(
            mode,
            write_osc=self.write_osc,
            env=env,
            system_copy=self.system_copy,
            max_osc_bytes=max_osc_bytes,
        )


# -- the bytes ---------------------------------------------------------------------------------


def test_plain_sequence_exact_bytes() -> None:
    assert osc52_sequence("hello") == b"\x1b]52;c;aGVsbG8=\x07"


def test_tmux_passthrough_exact_bytes() -> None:
    assert tmux_passthrough(osc52_sequence("hello")) == (
        b"\x1bPtmux;\x1b\x1b]52;c;aGVsbG8=\x07\x1b\\"
    )


def test_screen_passthrough_is_cut_into_pieces_screen_accepts() -> None:
    sequence = osc52_sequence("x" * 600)  # 800 base64 bytes + 8
    wrapped = screen_passthrough(sequence)
    pieces = wrapped.split(b"\x1b\\")[:-1]
    assert all(piece.startswith(b"\x1bP") and len(piece) + 2 <= 256 for piece in pieces)
    assert b"".join(piece[2:] for piece in pieces) == sequence
    assert wrapped.endswith(b"\x1b\\")


def test_screen_passthrough_short_text_is_one_piece() -> None:
    assert screen_passthrough(osc52_sequence("hi")) == b"\x1bP\x1b]52;c;aGk=\x07\x1b\\"


def test_sequence_carries_utf8_and_newlines() -> None:
    text = "file-abc\nfile-déf ✓\n"
    sequence = osc52_sequence(text)
    assert sequence.startswith(b"\x1b]52;c;") and sequence.endswith(b"\x07")
    assert base64.b64decode(sequence[7:-1]).decode("utf-8") == text


def test_text_with_escapes_cannot_break_out() -> None:
    hostile = "\x1b]52;c;AAAA\x07\x1b\\rm -rf"
    inner = tmux_passthrough(osc52_sequence(hostile))[len(b"\x1bPtmux;") : -2]
    # The only ESCs are the doubled one that starts the OSC; the payload is base64.
    assert inner.count(b"\x1b") == 2
    assert base64.b64decode(inner[8:-1]).decode() == hostile


def test_size_cap() -> None:
    fits = "x" * 3 * 23  # 92 base64 + 8 = 100 bytes
    assert len(osc52_sequence(fits, max_bytes=100)) == 100
    with pytest.raises(OSC52TooLargeError, match="too large for OSC 52"):
        osc52_sequence(fits + "x", max_bytes=100)


def test_default_cap_is_100_000_bytes() -> None:
    assert osc52_sequence("x" * 74_000)
    with pytest.raises(OSC52TooLargeError):
        osc52_sequence("x" * 75_000)


# -- where we are ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ClipboardEnv(over_ssh=False, in_tmux=False)),
        ({"SSH_TTY": "/dev/pts/1"}, ClipboardEnv(over_ssh=True, in_tmux=False)),
        ({"SSH_CONNECTION": "a b c d"}, ClipboardEnv(over_ssh=True, in_tmux=False)),
        ({"SSH_CLIENT": "a b c"}, ClipboardEnv(over_ssh=True, in_tmux=False)),
        ({"SSH_TTY": ""}, ClipboardEnv(over_ssh=False, in_tmux=False)),
        ({"TMUX": "/tmp/tmux"}, ClipboardEnv(over_ssh=False, in_tmux=True)),
        ({"STY": "1.pts"}, ClipboardEnv(over_ssh=False, in_tmux=False, in_screen=True)),
        ({"STY": "1.pts", "TMUX": "/t"}, ClipboardEnv(over_ssh=False, in_tmux=True)),
    ],
)
def test_detect_environment(env: dict[str, str], expected: ClipboardEnv) -> None:
    assert detect_environment(env) == expected


@pytest.mark.parametrize(
    ("line", "version", "set_clipboard", "passthrough", "client"),
    [
        ("3.3a|bpaste,clipboard,title|external|0\n", (3, 3), "external", False, True),
        ("3.3a||on|1\n", (3, 3), "on", True, False),
        ("3.2|title|off|\n", (3, 2), "off", True, False),  # before 3.3: always passed through
        ("next-3.5|clipboard|external|1\n", (3, 5), "external", True, True),
    ],
)
def test_reading_what_tmux_says(
    line: str, version: tuple[int, int], set_clipboard: str, passthrough: bool, client: bool
) -> None:
    answer = parse_answer(line)
    assert (answer.version, answer.set_clipboard) == (version, set_clipboard)
    assert (answer.allow_passthrough, answer.client_clipboard) == (passthrough, client)


def test_version_parsing() -> None:
    assert parse_version("3.3a") == (3, 3)
    assert parse_version("tmux 2.9") == (2, 9)
    assert parse_version("master") == (0, 0)


# -- routes without tmux -----------------------------------------------------------------------


def test_auto_over_ssh_sends_plain_osc52_and_says_it_cannot_see_the_result() -> None:
    recorder = Recorder()
    result = recorder.clipboard("auto", SSH).copy("file-1\nfile-2\nfile-3", what="3 ids")
    assert (result.status, result.method) == ("sent", "osc52")
    assert result.message == (
        "Sent 3 ids to the terminal with OSC 52; if nothing was copied, "
        "enable clipboard access (OSC 52) in your terminal"
    )
    assert recorder.osc == [osc52_sequence("file-1\nfile-2\nfile-3")]
    assert recorder.system == []


def test_auto_in_screen_uses_screens_passthrough() -> None:
    recorder = Recorder()
    result = recorder.clipboard("auto", SCREEN).copy("file-1", what="1 id")
    assert (result.status, result.method) == ("sent", "screen passthrough")
    assert result.message.startswith("Sent 1 id through screen to your terminal with OSC 52;")
    assert recorder.osc == [screen_passthrough(osc52_sequence("file-1"))]


def test_auto_local_uses_pyperclip() -> None:
    recorder = Recorder()
    result = recorder.clipboard("auto", LOCAL).copy("file-1", what="the id")
    assert (result.status, result.method) == ("copied", "system")
    assert result.message == "Copied the id to the system clipboard"
    assert recorder.system == ["file-1"]
    assert recorder.osc == []


def test_auto_local_falls_back_to_osc52_when_pyperclip_has_no_clipboard() -> None:
    recorder = Recorder(pyperclip.PyperclipException("could not find a copy/paste mechanism"))
    result = recorder.clipboard("auto", LOCAL).copy("file-1", what="the id")
    assert (result.status, result.method) == ("sent", "osc52")
    assert recorder.osc == [osc52_sequence("file-1")]


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
    assert (result.status, result.method) == ("failed", "system")
    assert result.message == "Could not copy the id to the system clipboard: no mechanism"
    assert recorder.osc == []


def test_osc52_mode_locally_skips_pyperclip() -> None:
    recorder = Recorder()
    result = recorder.clipboard("osc52", LOCAL).copy("abc")
    assert (result.status, result.method) == ("sent", "osc52")
    assert result.message.startswith("Sent 3 characters to the terminal with OSC 52")
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
    result = Clipboard("osc52", write_osc=None, env=SSH).copy("a")
    assert not result.ok and "no terminal" in result.message


def test_terminal_write_error_is_reported() -> None:
    def broken(data: bytes) -> None:
        raise OSError(5, "Input/output error")

    result = Clipboard("osc52", write_osc=broken, env=SSH).copy("a", what="the id")
    assert not result.ok
    assert result.message == "Could not send the id to the terminal: Input/output error"


# -- inside a real tmux ------------------------------------------------------------------------

TEXT = "or_file_fSQP3A5F2FlpIfg4LlQIniF0\nor_file_OJ02ZVSbJwXjfJ3tkeKCa0LL"
PAYLOAD = base64.b64encode(TEXT.encode())


def pane_writer(server: TmuxServer) -> Recorder:
    """Writes escape sequences to the pane's tty, as a program in the pane does."""
    tty = server.pane_tty()

    class PaneRecorder(Recorder):
        def write_osc(self, data: bytes) -> None:
            super().write_osc(data)
            with tty.open("wb") as terminal:
                terminal.write(data)

    return PaneRecorder()


@pytest.fixture
def tmux() -> Iterator[TmuxServer]:
    with tmux_server("clip-unit") as server:
        yield server


def start(
    server: TmuxServer, options: dict[str, str] | None = None, term: str = "xterm-256color"
) -> None:
    server.start(["sleep", "600"], options=options)
    server.attach(term=term)


@pytest.fixture
def failing_load_buffer(tmp_path: Path, tmux: TmuxServer) -> dict[str, str]:
    """PATH with a ``tmux`` that runs the real one except that load-buffer fails."""
    shim = tmp_path / "bin" / "tmux"
    shim.parent.mkdir()
    shim.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = load-buffer ]; then echo "load-buffer: refused" >&2; exit 1; fi\n'
        f'exec {tmux.tmux_path} "$@"\n'
    )
    shim.chmod(0o755)
    return {"PATH": f"{shim.parent}{os.pathsep}{os.environ.get('PATH', '')}"}


TMUX_CONFIGURATIONS = {
    "default": {},
    "set-clipboard on": {"set-clipboard": "on"},
    "allow-passthrough on": {"allow-passthrough": "on"},
    "set-clipboard off": {"set-clipboard": "off"},
}


@pytest.mark.parametrize(
    ("config", "kept"),
    [("default", False), ("set-clipboard on", True), ("allow-passthrough on", False)],
)
def test_what_tmux_does_with_an_osc52_a_program_writes(
    tmux: TmuxServer, config: str, kept: bool
) -> None:
    """The measurement behind the routes (and the README's clipboard table)."""
    tmux.start(["sleep", "600"], options=TMUX_CONFIGURATIONS[config])
    with tmux.pane_tty().open("wb") as pane:
        pane.write(osc52_sequence(TEXT) + b"after-the-osc52")
    tmux.wait_for("after-the-osc52")  # tmux has read past the sequence
    assert tmux.buffer() == (TEXT if kept else None)


@pytest.mark.parametrize("config", TMUX_CONFIGURATIONS)
def test_in_tmux_the_text_lands_in_tmuxs_buffer_and_reaches_the_terminal(
    tmux: TmuxServer, config: str
) -> None:
    start(tmux, TMUX_CONFIGURATIONS[config])
    recorder = pane_writer(tmux)
    env = {**tmux.pane_env(), **SSH}
    result = recorder.clipboard("auto", env).copy(TEXT, what="2 ids")
    assert tmux.buffer() == TEXT
    tmux.clients[0].wait_for_bytes(PAYLOAD)  # tmux sent it on with OSC 52
    assert (result.status, result.method) == ("copied", "tmux buffer")
    assert result.message == (
        "Copied 2 ids to tmux's buffer and sent it to your terminal's clipboard"
    )
    assert recorder.osc == []  # tmux did it all: nothing written to the pane


def test_in_tmux_locally_the_system_clipboard_comes_first(tmux: TmuxServer) -> None:
    start(tmux)
    recorder = pane_writer(tmux)
    result = recorder.clipboard("auto", tmux.pane_env()).copy(TEXT, what="2 ids")
    assert (result.status, result.method) == ("copied", "system")
    assert recorder.system == [TEXT]
    assert tmux.buffer() is None


def test_in_tmux_locally_without_a_system_clipboard_tmux_is_used(tmux: TmuxServer) -> None:
    start(tmux)
    recorder = pane_writer(tmux)
    recorder.system_error = pyperclip.PyperclipException("no mechanism")
    result = recorder.clipboard("auto", tmux.pane_env()).copy(TEXT, what="2 ids")
    assert (result.status, result.method) == ("copied", "tmux buffer")
    assert tmux.buffer() == TEXT


def test_terminal_without_clipboard_feature_gets_it_through_passthrough(
    tmux: TmuxServer,
) -> None:
    # TERM=screen: tmux knows no clipboard support for it, so load-buffer -w sends nothing.
    start(tmux, {"allow-passthrough": "on"}, term="screen")
    recorder = pane_writer(tmux)
    result = recorder.clipboard("osc52", tmux.pane_env()).copy(TEXT, what="2 ids")
    assert tmux.buffer() == TEXT
    assert recorder.osc == [tmux_passthrough(osc52_sequence(TEXT))]
    tmux.clients[0].wait_for_bytes(b"]52;c;" + PAYLOAD)  # the passthrough reached it
    assert (result.status, result.method) == ("sent", "tmux passthrough")
    assert result.message.startswith("Copied 2 ids to tmux's buffer and sent it to your")


def test_terminal_without_clipboard_feature_and_no_passthrough_is_said(
    tmux: TmuxServer,
) -> None:
    start(tmux, term="screen")
    recorder = pane_writer(tmux)
    result = recorder.clipboard("osc52", tmux.pane_env()).copy(TEXT, what="2 ids")
    assert tmux.buffer() == TEXT
    assert recorder.osc == []
    assert (result.status, result.method) == ("copied", "tmux buffer")
    assert "tmux does not pass it to your terminal's clipboard" in result.message


@pytest.mark.parametrize(
    ("option", "sent", "seen", "buffer", "method"),
    [
        # tmux takes the bare OSC 52 itself (into its buffer, and on to the terminal)
        pytest.param(
            "set-clipboard",
            osc52_sequence(TEXT),
            PAYLOAD,
            TEXT,
            "tmux osc52",
            id="set-clipboard on",
        ),
        # a passthrough goes through to the terminal and does not touch tmux's buffer
        pytest.param(
            "allow-passthrough",
            tmux_passthrough(osc52_sequence(TEXT)),
            b"]52;c;" + PAYLOAD,
            None,
            "tmux passthrough",
            id="allow-passthrough on",
        ),
    ],
)
def test_load_buffer_failing_sends_osc52_the_way_tmux_takes_it(
    tmux: TmuxServer,
    failing_load_buffer: dict[str, str],
    option: str,
    sent: bytes,
    seen: bytes,
    buffer: str | None,
    method: str,
) -> None:
    start(tmux, {option: "on"})
    recorder = pane_writer(tmux)
    env = {**tmux.pane_env(), **failing_load_buffer}
    result = recorder.clipboard("osc52", env).copy(TEXT, what="2 ids")
    assert recorder.osc == [sent]
    tmux.clients[0].wait_for_bytes(seen)
    assert tmux.buffer() == buffer
    assert (result.status, result.method) == ("sent", method)
    assert "load-buffer: refused" in result.message


def test_load_buffer_failing_in_the_default_config_fails_honestly(
    tmux: TmuxServer, failing_load_buffer: dict[str, str]
) -> None:
    start(tmux)
    recorder = pane_writer(tmux)
    env = {**tmux.pane_env(), **failing_load_buffer}
    result = recorder.clipboard("osc52", env).copy(TEXT, what="2 ids")
    assert recorder.osc == []
    assert tmux.buffer() is None
    assert result.status == "failed"
    assert result.message == (
        "Could not copy 2 ids: tmux load-buffer failed: load-buffer: refused, and tmux "
        "ignores OSC 52 from programs (set-clipboard is external, allow-passthrough is off)"
    )


def test_tmux_that_does_not_answer_is_given_up_on(tmp_path: Path) -> None:
    hanging = tmp_path / "tmux"
    hanging.write_text("#!/bin/sh\nexec /bin/sleep 30\n")
    hanging.chmod(0o755)
    recorder = Recorder()
    env = {"TMUX": "/nonexistent/socket,1,0", "PATH": str(tmp_path)}
    result = recorder.clipboard("osc52", env).copy("abc", what="1 id")
    assert (result.status, result.method) == ("sent", "tmux osc52")
    assert "could not ask tmux: tmux did not answer within 1 s" in result.message
    assert "lands only if tmux's set-clipboard is on" in result.message
    assert recorder.osc == [osc52_sequence("abc")]


def test_no_tmux_command_is_said(tmp_path: Path) -> None:
    recorder = Recorder()
    env = {"TMUX": "/nonexistent/socket,1,0", "PATH": str(tmp_path)}
    result = recorder.clipboard("osc52", env).copy("abc", what="1 id")
    assert "could not ask tmux: the tmux command was not found" in result.message
