"""A streamed reply's body, decoded from its Content-Encoding in pieces of bounded size.

httpx decodes each raw chunk whole: one 64 KiB chunk of a gzip bomb becomes about 64 MiB in
memory before the caller can count a byte of it. Here the decompressor hands out at most
``piece`` bytes at a time and decodes nothing more until the caller asks, so the caps the
client keeps on what it reads (a JSON reply, an error's message, a preview, a download) are
caps on memory and work too.

Compression stays on (rather than asking every capped read for ``identity``): listing pages
are the client's hot path and shrink several-fold in gzip (see CONTRIBUTING, "Bounded
replies"). We ask only for the encodings decoded here (:data:`ACCEPT_ENCODING`), so an
installed brotli or zstandard never makes httpx ask for one we cannot bound; a server that
sends another anyway is refused.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator

import httpx

from orbrowse.api.errors import ResponseFormatError

ACCEPT_ENCODING = "gzip, deflate"

PIECE = 256 * 1024
"""The most decoded bytes one step hands out (the client's chunk size)."""

_GZIP_WBITS = zlib.MAX_WBITS | 16


class _Inflater:
    """gzip or deflate (zlib-wrapped, or raw as some servers send it, as httpx accepts)."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._first = True
        self._inflate = zlib.decompressobj(_GZIP_WBITS if self._gzip else zlib.MAX_WBITS)

    def pieces(self, data: bytes, piece: int) -> Iterator[bytes]:
        """``data`` decoded, at most ``piece`` bytes per item, each decoded when asked for."""
        while not self._inflate.eof:  # past the end (a second gzip member) is ignored, as httpx
            try:
                out = self._inflate.decompress(data, piece)
            except zlib.error as exc:
                if self._first and not self._gzip:
                    self._first = False
                    self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise ResponseFormatError(f"a body whose compression is broken ({exc})") from exc
            self._first = False
            data = self._inflate.unconsumed_tail
            if out:
                yield out
            if not data and len(out) < piece:  # all input used and no output held back
                return


def _encoding(response: httpx.Response) -> str | None:
    """The one encoding to undo (None for none); refused: several, or one not asked for."""
    header: str = response.headers.get("content-encoding", "")
    codings = [c.strip().lower() for c in header.split(",")]
    codings = [c for c in codings if c not in ("", "identity")]
    if not codings:
        return None
    if len(codings) > 1 or codings[0] not in ("gzip", "x-gzip", "deflate"):
        raise ResponseFormatError(
            f"a body in an encoding orbrowse did not ask for: {', '.join(codings)[:40]!r}"
        )
    return codings[0]


async def decoded_chunks(response: httpx.Response, piece: int = PIECE) -> AsyncIterator[bytes]:
    """The decoded body of a streamed ``response``, no item longer than ``piece`` bytes.

    Stop iterating at any time: nothing past what was handed out has been decoded."""
    encoding = _encoding(response)
    if encoding is None:
        async for chunk in response.aiter_raw(piece):
            yield chunk
        return
    inflater = _Inflater(encoding)
    async for raw in response.aiter_raw(piece):
        for out in inflater.pieces(raw, piece):
            yield out
