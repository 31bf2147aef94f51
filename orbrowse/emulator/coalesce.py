"""An answer's head and a small body written to the socket together, as one segment.

uvicorn writes an answer's status line and headers when the app sends
``http.response.start``, and its body with ``http.response.body``: two ``send`` calls, two TCP
segments, each a wake-up of the client, where a web server (nginx, a CDN's edge) sends a small
answer in one. Sent in one, a bare-socket client's "back" leg in
``benchmarks/trace_deletes.py`` (answer let go to its first read) went from 0.257 to 0.095 ms
median. :class:`CoalescingWrites` gives
uvicorn's protocol a transport that holds a small write until the next one (or the end of the
loop's turn) and sends both in one call. A write larger than :data:`HOLD_AT_MOST`, a close
and the end of the turn send what is held first, so nothing waits longer than the turn that
wrote it, and order is kept.
"""

from __future__ import annotations

import asyncio
from typing import Any

HOLD_AT_MOST = 64 * 1024
"""The largest write held back for the next one: an answer's head, a small body."""


class _HoldingTransport(asyncio.Transport):
    """``transport`` with each small write held until the next write, a close, or the end of
    the loop's turn."""

    def __init__(self, transport: Any) -> None:  # uvloop's transports are not asyncio's
        super().__init__()
        self._transport: asyncio.Transport = transport
        self._held = b""
        self._loop = asyncio.get_running_loop()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._held:
            held, self._held = self._held, b""
            self._transport.write(held + data)
        elif len(data) <= HOLD_AT_MOST:
            self._held = bytes(data)
            self._loop.call_soon(self.flush)
        else:
            self._transport.write(data)

    def writelines(self, list_of_data: Any) -> None:
        self.write(b"".join(list_of_data))

    def flush(self) -> None:
        if self._held:
            held, self._held = self._held, b""
            self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._held = b""
        self._transport.abort()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def get_write_buffer_size(self) -> int:
        return len(self._held) + self._transport.get_write_buffer_size()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._transport.set_write_buffer_limits(high, low)

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()


class CoalescingWrites(asyncio.Protocol):
    """A mixin for uvicorn's HTTP protocols: they write through a :class:`_HoldingTransport`."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(_HoldingTransport(transport))
