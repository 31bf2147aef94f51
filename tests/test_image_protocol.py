"""Which image protocol: the terminal's replies (through a real pty and a fake terminal on its
other end), the environment (tmux, screen, dumb), and the config / environment override."""

from __future__ import annotations

import os
import termios
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from orbrowse.config import load_settings
from orbrowse.preview.detect import (
    CELL_SIZE_QUERY,
    DA1_QUERY,
    FIRST_QUERY,
    KITTY_QUERY,
    ask_terminal,
    choose,
    detect,
    parse_reply,
    typed_ahead,
)

KITTY_OK = b"\x1b_Gi=4242;OK\x1b\\"
DA1_PLAIN = b"\x1b[?62;22c"
DA1_SIXEL = b"\x1b[?62;4;22c"
CELL = b"\x1b[6;20;9t"

Answer = Callable[[bytes], bytes]
"""What the fake terminal writes back for the bytes it has received so far."""


class FakeTerminal:
    """The terminal end of a pty: records what the program wrote and answers each query."""

    def __init__(self, master: int, answer: Answer) -> None:
        self.master = master
        self.answer = answer
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        import select

        answered = 0
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if not ready:
                continue
            try:
                self.received += os.read(self.master, 4096)
            except OSError:
                return
            # One answer per DA1 query received (queries end with DA1).
            while self.received.count(DA1_QUERY) > answered:
                answered += 1
                os.write(self.master, self.answer(bytes(self.received)))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


@contextmanager
def terminal(answer: Answer) -> Iterator[tuple[int, FakeTerminal]]:
    master, slave = os.openpty()
    fake = FakeTerminal(master, answer)
    try:
        yield slave, fake
    finally:
        fake.stop()
        os.close(slave)
        os.close(master)


def xterm_with_sixel(received: bytes) -> bytes:
    return CELL + DA1_SIXEL


def kitty(received: bytes) -> bytes:
    reply = KITTY_OK if received.endswith(KITTY_QUERY + DA1_QUERY) else CELL
    return reply + DA1_PLAIN


def plain_vt(received: bytes) -> bytes:
    return DA1_PLAIN


def silent(received: bytes) -> bytes:
    return b""


TERMINAL = {"TERM": "xterm-256color"}


def test_a_sixel_terminal_is_asked_once_and_its_cell_size_kept() -> None:
    with terminal(xterm_with_sixel) as (tty, fake):
        graphics = detect("auto", TERMINAL, tty)
    assert graphics.protocol == "sixel"
    assert graphics.cell == (9, 20)
    assert bytes(fake.received) == CELL_SIZE_QUERY + DA1_QUERY  # no Kitty query sent


def test_kitty_answers_the_second_round() -> None:
    with terminal(kitty) as (tty, fake):
        graphics = detect("auto", TERMINAL, tty)
    assert graphics.protocol == "kitty"
    assert bytes(fake.received) == CELL_SIZE_QUERY + DA1_QUERY + KITTY_QUERY + DA1_QUERY


def test_a_terminal_without_graphics_gets_half_blocks() -> None:
    with terminal(plain_vt) as (tty, _fake):
        assert detect("auto", TERMINAL, tty).protocol == "halfblock"


def test_a_silent_terminal_costs_one_bounded_wait_and_never_the_kitty_query() -> None:
    # A Kitty reply arriving after we stopped listening would reach Textual as keystrokes.
    with terminal(silent) as (tty, fake):
        started = time.monotonic()
        reply = ask_terminal(tty, timeout=0.2)
        waited = time.monotonic() - started
    assert reply == b""
    assert parse_reply(reply).answered is False
    assert KITTY_QUERY not in fake.received
    assert waited < 5  # bounded (generous: the machine is shared)


def test_the_terminal_mode_is_restored_and_stray_keys_do_not_break_it() -> None:
    def with_keys(received: bytes) -> bytes:
        return b"\xc3j\xff" + DA1_PLAIN  # a cut UTF-8 character, a key, an invalid byte

    with terminal(with_keys) as (tty, _fake):
        before = termios.tcgetattr(tty)
        assert detect("auto", TERMINAL, tty).protocol == "halfblock"
        assert termios.tcgetattr(tty) == before


def test_keys_typed_while_the_terminal_is_asked_are_kept_for_the_app() -> None:
    # Over SSH the user types ahead while orbrowse starts: those keys reach the query's read
    # with the replies, and were lost with them.
    def typing(received: bytes) -> bytes:
        return b"jj" + CELL + "é".encode() + DA1_PLAIN if received == FIRST_QUERY else b""

    typed: list[str] = []
    with terminal(typing) as (tty, _fake):
        assert detect("auto", TERMINAL, tty, typed).protocol == "halfblock"
    assert typed == ["jjé"]


@pytest.mark.parametrize(
    ("reply", "keys"),
    [
        (CELL + DA1_PLAIN, ""),
        (b"q" + KITTY_OK + DA1_SIXEL + b"\r", "q\r"),
        (b"\xc3j\xff" + DA1_PLAIN, "j"),  # a cut UTF-8 character and an invalid byte
        (b"j\x1b[B" + DA1_PLAIN + b"k", "j\x1b[Bk"),  # an arrow key (was dropped, and the k)
        (b"\x1bOB\x1b[6~\x1b[H\x1b[F\x1b[1;5A\x1b[Z", "\x1bOB\x1b[6~\x1b[H\x1b[F\x1b[1;5A\x1b[Z"),
        (b"/x\x1b[6;20", "/x"),  # a reply cut by the wait's end is never typed
        (b"j\x1b[B\x1b[", "j\x1b[B"),  # nor a key cut short
        (b"j\x1bO", "j"),
        (b"a\x1b[?2026;2$yb\x1b_Gi=7;OK\x1b\\c", "abc"),  # replies not asked for: dropped
        (b"q\x1b_Gi=4242;O", "q"),  # a Kitty reply cut short
        (b"\x1bjk\x1b", "\x1bjk"),  # Escape then j (escape_keys); an Escape last is not known
    ],
)
def test_typed_ahead_is_what_is_not_a_reply(reply: bytes, keys: str) -> None:
    assert typed_ahead(reply) == keys


def test_not_a_terminal_is_not_asked(tmp_path: Path) -> None:
    with (tmp_path / "file").open("w+b") as file:
        assert ask_terminal(file.fileno()) is None
        assert detect("auto", TERMINAL, file.fileno()).protocol == "halfblock"


def never_asked() -> bytes:
    raise AssertionError("the terminal was asked")


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"TERM": "dumb"}, "TERM is dumb"),
        ({}, "TERM is unset"),
        ({"TERM": "screen.xterm-256color", "STY": "1234.pts-0.host"}, "GNU screen"),
        ({"TERM": "linux"}, "Linux console"),
    ],
)
def test_where_graphics_cannot_pass_the_terminal_is_not_asked(
    env: dict[str, str], reason: str
) -> None:
    graphics = choose("auto", env, never_asked)
    assert graphics.protocol == "halfblock" and reason in graphics.reason


TMUX = {"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0"}


def test_inside_tmux_half_blocks_unless_tmux_reports_sixel() -> None:
    # tmux answers DA1 itself and drops the Kitty query (we never wrap it for passthrough).
    assert choose("auto", TMUX, lambda: CELL + DA1_PLAIN).protocol == "halfblock"
    assert choose("auto", TMUX, lambda: b"").protocol == "halfblock"
    # Even a Kitty answer (passthrough on, the outer terminal replied) is not trusted there.
    assert choose("auto", TMUX, lambda: KITTY_OK + DA1_PLAIN).protocol == "halfblock"
    sixel = choose("auto", TMUX, lambda: b"\x1b[?1;2;4c")
    assert sixel.protocol == "sixel" and "tmux" in sixel.reason


def test_sixel_wins_over_kitty_when_both_answer() -> None:
    # WezTerm and Konsole answer both; they draw Kitty's placeholders as boxes.
    assert choose("auto", TERMINAL, lambda: KITTY_OK + DA1_SIXEL).protocol == "sixel"


def test_a_bad_kitty_answer_or_an_absurd_cell_size_counts_for_nothing() -> None:
    reply = parse_reply(b"\x1b_Gi=4242;ENOTSUPPORTED\x1b\\\x1b[6;0;9999t" + DA1_PLAIN)
    assert reply.answered and not reply.kitty and reply.cell is None


@pytest.mark.parametrize("mode", ["kitty", "sixel", "halfblock"])
def test_the_override_is_taken_as_said_without_asking(mode: str) -> None:
    graphics = choose(mode, TMUX, never_asked)  # type: ignore[arg-type]
    assert graphics.protocol == mode


def test_the_override_from_the_config_and_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('images = "Sixel"\n')
    assert load_settings(config_path=config, env={}).images == "sixel"
    env = {"ORBROWSE_IMAGES": "halfblock"}
    assert load_settings(config_path=config, env=env).images == "halfblock"
    config.write_text('images = "jpeg"\n')
    settings = load_settings(config_path=config, env={})
    assert settings.images == "auto"
    assert any("images" in str(problem) for problem in settings.problems)
