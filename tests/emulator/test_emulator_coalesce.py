"""A small answer's head and body leave in one write; big writes, closes and the end of the
loop's turn send what is held, in order."""

from __future__ import annotations

import asyncio

from orbrowse.emulator.coalesce import HOLD_AT_MOST, _HoldingTransport


class Written(asyncio.Transport):
    """A transport that notes each write and whether it was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def get_write_buffer_size(self) -> int:
        return 0


async def test_a_head_then_a_small_body_are_one_write_and_the_turn_ends_with_nothing_held() -> None:
    socket_side = Written()
    holding = _HoldingTransport(socket_side)
    holding.write(b"HTTP/1.1 200 OK\r\n\r\n")
    assert socket_side.writes == []
    holding.write(b'{"id":"x"}')
    holding.write(b"tail")
    assert socket_side.writes == [b'HTTP/1.1 200 OK\r\n\r\n{"id":"x"}']
    await asyncio.sleep(0)  # the loop's turn ends: what is held goes
    assert socket_side.writes[-1] == b"tail"


async def test_a_big_write_is_not_held_and_a_close_sends_what_is_held_first() -> None:
    socket_side = Written()
    holding = _HoldingTransport(socket_side)
    big = b"x" * (HOLD_AT_MOST + 1)
    holding.write(big)
    assert socket_side.writes == [big]
    holding.write(b"last")
    holding.close()
    assert socket_side.writes == [big, b"last"] and socket_side.closed
