"""The one pager over ``GET /files``: cursor state, the fallbacks and the loop guards.

:meth:`FilesClient.iter_pages` and the browser's listing worker both page through a
:class:`Pager`: they ask for the next page and use it. The pager

- follows ``cursor``, or ``after=<last_id>`` for the list shapes without a cursor,
- drops a file id it already gave out (a page that overlaps an earlier one),
- ends with :class:`ResponseFormatError` when a cursor repeats, when pages keep coming empty
  while claiming more, or when a page claims more but names no way to get it; the page that
  showed the problem is still handed out first,
- and keeps the next request on the wire while the current page is parsed and used: as soon
  as a body arrives its cursor is read, the next request is started and given the loop to go
  out, and only then is the body turned into :class:`FileObject` s. A body that ends in its
  cursor (the API's key order) starts the next request before it is even decoded as JSON
  (:func:`report_body`); the decoded page must agree, or that request is cancelled.

A failed request leaves the position where it was, so the next call asks again from the
last good page.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

import httpx

from orbrowse.api.errors import OpenRouterError, ResponseFormatError
from orbrowse.api.models import FileObject, FilePage

MAX_EMPTY_PAGES = 3
MAX_PAGE_SIZE = 1000

PageFetch = Callable[[int | None, str | None, str | None], Awaitable[object]]
"""``(limit, cursor, after)`` to the decoded JSON body of one ``GET /files``."""

Position = tuple[str | None, str | None]
"""``(cursor, after)``: which page to ask for next."""

WIRE_WAIT = 0.05
"""The longest a page waits for the next request to be written before it is parsed. The
request needs a few turns of the loop (pool lock, connection, write) before its bytes reach
the socket; without them, parsing would hold it back. A transport that does not report
(httpcore's ``trace`` extension) costs at most this per page."""

SETTLE_TURNS = 50
"""Turns of the loop :meth:`Pager.settle` gives at most: a page already received took 4 (100
files) to 8 (1,000) against the emulator (the response's reads, its close, the JSON)."""

_WRITTEN_EVENTS = frozenset(
    {"http11.send_request_headers.complete", "http2.send_request_headers.complete"}
)
_SENT_EVENTS = _WRITTEN_EVENTS | {
    "connection.connect_tcp.started",  # a new connection: on its way without us
}
_on_sent: ContextVar[Callable[[str], None] | None] = ContextVar("orbrowse_on_sent", default=None)
_on_body: ContextVar[Callable[[bytes], Awaitable[None]] | None] = ContextVar(
    "orbrowse_on_body", default=None
)

_TAIL_CURSOR = re.compile(rb'"cursor"\s*:\s*"([A-Za-z0-9+/=_.:-]{1,2048})"\s*}\s*\Z')
"""A body ending in its envelope's ``cursor`` (the API's key order: ``data`` first, the
cursor last): base64-like text only, anything else waits for the decoded body."""


async def report_body(raw: bytes) -> None:
    """Tells a pager waiting for this page the raw body, before it is decoded (the client
    calls this for every JSON answer; only a page request has a pager to tell)."""
    on_body = _on_body.get()
    if on_body is not None:
        await on_body(raw)


def _tail_position(raw: bytes) -> Position | None:
    """The next page's position as the body's tail gives it, if it ends in a cursor."""
    match = _TAIL_CURSOR.search(raw, max(0, len(raw) - 2100))
    return None if match is None else (match[1].decode("ascii"), None)


async def report_sent(request: httpx.Request) -> None:
    """An httpx ``request`` event hook: tells a waiting pager when its request is written."""
    on_sent = _on_sent.get()
    if on_sent is None:
        return

    async def trace(name: str, info: dict[str, object]) -> None:
        if name in _SENT_EVENTS:
            on_sent(name)

    request.extensions["trace"] = trace


class Pager:
    """Pages of one workspace's files, from ``cursor`` (or the start) to the end."""

    def __init__(
        self, fetch: PageFetch, *, limit: int | None = None, cursor: str | None = None
    ) -> None:
        self._fetch = fetch
        self.limit = limit
        """The size the next request asks for; the caller may change it between pages."""
        self.has_more = True
        self.pages = 0
        """Pages handed out so far."""
        self.round_trip: float | None = None
        """Seconds from request to body of the last page handed out."""
        self._position: Position = (cursor, None)
        self._seen_ids: set[str] = set()
        self._seen_cursors: set[str] = set()
        self._empty_pages = 0
        self._problem: ResponseFormatError | None = None
        self._pending: _Request | None = None
        self._early: _Request | None = None
        """The next page's request, started from the raw body's tail while a caller waited
        for this page with ``ahead`` (:meth:`_from_tail`); taken once the body is decoded
        and agrees, else cancelled."""
        self._waiting_ahead: _Request | None = None
        self.always_ahead = False
        """Whether every page is taken with ``ahead`` (:meth:`FilesClient.iter_pages`): then
        the next request goes out from the raw tail even when no caller is waiting yet."""

    @property
    def next_cursor(self) -> str | None:
        """The cursor the next request sends (``None`` at the start or with ``after``)."""
        return self._position[0]

    @property
    def in_flight(self) -> bool:
        """Whether the next page's request has been sent and not yet taken."""
        return self._pending is not None and not self._pending.task.done()

    def prefetch(self) -> None:
        """Send the next page's request now, unless it is already on its way."""
        if self.has_more and self._problem is None and self._pending is None:
            self._start(self._position)

    async def prefetch_sent(self, *, written: bool = False) -> None:
        """:meth:`prefetch`, then give the loop to the request until it is on its way (its
        bytes written, or a new connection started), or with ``written`` until its bytes are
        written; at most :data:`WIRE_WAIT`."""
        self.prefetch()
        if self._pending is not None:
            await self._pending.until_sent(written=written)

    async def next_page(self, *, ahead: bool = True) -> FilePage:
        """The next page, with files already handed out dropped.

        With ``ahead``, the request after this page goes out before this page is parsed.
        Raises the request's :class:`OpenRouterError` (the position stays, so calling again
        retries) or :class:`ResponseFormatError` for a listing that would loop.
        """
        if self._problem is not None:
            raise self._problem
        if not self.has_more:
            raise RuntimeError("the listing is complete")
        if self._pending is None or self._pending.position != self._position:
            await self._drop_pending()
            self._start(self._position)
        assert self._pending is not None
        limit = self._pending.limit
        self._waiting_ahead = self._pending if ahead else None
        try:
            # Shielded: a caller cancelled while waiting leaves the request for the next call.
            body = await asyncio.shield(self._pending.task)
        except OpenRouterError:
            self._pending = None
            self._cancel_early()
            raise
        finally:
            self._waiting_ahead = None
        following = self._take(body, ahead=ahead)
        if following is not None:
            await following.until_sent()
        try:
            page = self._use(body, limit)
        except ResponseFormatError:
            await self._drop_pending()
            raise
        if self._pending_is_stale():
            await self._drop_pending()
        return page

    async def settle(self, turns: int = SETTLE_TURNS) -> None:
        """Give the request in flight up to ``turns`` turns of the loop, until it is done: an
        answer already received is read and decoded now (for :meth:`ready_page`); one still
        on its way costs a few idle turns."""
        pending = self._pending
        for _ in range(turns):
            if pending is None or pending.task.done():
                return
            await asyncio.sleep(0)

    def ready_page(self, *, ahead: bool = True) -> FilePage | None:
        """The next page if its answer is already here, parsed now without giving the loop
        away (the browser's first frame can then show rows); else ``None``, and
        :meth:`next_page` waits for it. A failed request, or a page that cannot be used, is
        left to :meth:`next_page` to raise."""
        pending = self._pending
        if (
            pending is None
            or pending.position != self._position
            or not pending.task.done()
            or pending.task.cancelled()
            or pending.task.exception() is not None
            or self._problem is not None
            or not self.has_more
        ):
            return None
        body, limit = pending.task.result(), pending.limit
        self._take(body, ahead=ahead)
        try:
            page = self._use(body, limit)
        except ResponseFormatError:
            self.cancel()
            self._pending = pending  # next_page takes it again, and raises
            return None
        if self._pending_is_stale():
            self.cancel()
        return page

    def _take(self, body: object, *, ahead: bool) -> _Request | None:
        """Take the pending request's ``body``; with ``ahead``, start (and return) the request
        for the page after it, from what the body says, before it is parsed."""
        assert self._pending is not None
        self.round_trip = self._pending.round_trip
        self._pending = None
        early, self._early = self._early, None
        peeked = _next_position(*_peek_page(body))
        if ahead and peeked is not None and peeked[0] not in self._seen_cursors:
            if early is not None and early.position == peeked:
                self._pending = early
                return early
            _discard(early)
            return self._start(peeked)
        _discard(early)
        return None

    def _use(self, body: object, limit: int | None) -> FilePage:
        page = self._fresh(parse_page(body, limit))
        self.pages += 1
        self._advance(page)
        return page

    def _pending_is_stale(self) -> bool:
        """Whether the request started ahead no longer asks for the next page."""
        return self._pending is not None and (
            not self.has_more
            or self._problem is not None
            or self._pending.position != self._position
        )

    def cancel(self) -> None:
        """Cancel a request still in flight, without waiting for it to end."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.task.cancel()
        self._cancel_early()

    def _cancel_early(self) -> None:
        early, self._early = self._early, None
        _discard(early)

    async def _from_tail(self, request: _Request, raw: bytes) -> None:
        """``request``'s raw body is here: when a caller waits for it with ``ahead`` and the
        body ends in a cursor, the next page's request goes out now, before the decoding
        (a page of 1,000 files decodes in 1.5-2 ms; the next request waits for nothing)."""
        if self._early is not None or self._pending is not request:
            return
        if not (self.always_ahead or self._waiting_ahead is request):
            return
        position = _tail_position(raw)
        if position is None or position[0] in self._seen_cursors:
            return
        self._early = _Request(position, self.limit, self._fetch, self._from_tail)
        await self._early.until_sent()

    async def aclose(self) -> None:
        """Cancel a request still in flight."""
        await self._drop_pending()

    def _start(self, position: Position) -> _Request:
        self._pending = _Request(position, self.limit, self._fetch, self._from_tail)
        return self._pending

    def _fresh(self, page: FilePage) -> FilePage:
        seen = self._seen_ids
        kept: list[FileObject] = []
        for file in page.files:  # each id once, also within the page
            if file.id not in seen:
                seen.add(file.id)
                kept.append(file)
        fresh = tuple(kept)
        if len(fresh) == len(page.files):
            return page
        return FilePage(fresh, page.has_more, page.cursor, page.first_id, page.last_id)

    def _advance(self, page: FilePage) -> None:
        """Move past ``page``; a sign of a loop is kept for the next call to raise."""
        self.has_more = page.has_more
        if not page.has_more:
            return
        self._empty_pages = 0 if page.files else self._empty_pages + 1
        if self._empty_pages >= MAX_EMPTY_PAGES:
            self._problem = ResponseFormatError(
                "the server keeps sending empty pages that claim more"
            )
            return
        position = _next_position(page.has_more, page.cursor, page.last_id)
        if position is None:
            self._problem = ResponseFormatError("the page says there is more but gives no cursor")
            return
        cursor = position[0]
        if cursor is not None:
            if cursor in self._seen_cursors:
                self._problem = ResponseFormatError(
                    "the listing cursor repeats; stopping to avoid a loop"
                )
                return
            self._seen_cursors.add(cursor)
        self._position = position

    async def _drop_pending(self) -> None:
        self._cancel_early()
        pending, self._pending = self._pending, None
        if pending is None:
            return
        request = pending.task
        if request.done():
            if not request.cancelled():
                request.exception()  # retrieved, so asyncio does not warn about it
            return
        request.cancel()
        with contextlib.suppress(asyncio.CancelledError, OpenRouterError):
            await request


def _discard(request: _Request | None) -> None:
    """Cancel a request no longer wanted; one already failed has its error retrieved, so
    asyncio does not warn about it."""
    if request is None:
        return
    if request.task.done():
        if not request.task.cancelled():
            request.task.exception()
        return
    request.task.cancel()


class _Request:
    """One page request in flight, and whether its bytes have gone out yet."""

    def __init__(
        self,
        position: Position,
        limit: int | None,
        fetch: PageFetch,
        on_body: Callable[[_Request, bytes], Awaitable[None]],
    ) -> None:
        self.position = position
        self.limit = limit
        self.sent = asyncio.Event()
        self.written = asyncio.Event()
        self.started = time.monotonic()
        self.finished: float | None = None
        token = _on_sent.set(self._reported)
        body_token = _on_body.set(functools.partial(on_body, self))
        try:  # the task copies this context: report_sent and report_body find this request
            self.task: asyncio.Future[object] = asyncio.ensure_future(fetch(limit, *position))
        finally:
            _on_body.reset(body_token)
            _on_sent.reset(token)
        self.task.add_done_callback(self._finish)

    def _finish(self, _task: object) -> None:
        self.finished = time.monotonic()

    def _reported(self, event: str) -> None:
        self.sent.set()
        if event in _WRITTEN_EVENTS:
            self.written.set()

    @property
    def round_trip(self) -> float | None:
        return None if self.finished is None else self.finished - self.started

    async def until_sent(self, *, written: bool = False) -> None:
        """Give the loop to the request until it is on its way (``written``: until its bytes
        are written), done, or WIRE_WAIT passed."""
        event = self.written if written else self.sent
        if event.is_set() or self.task.done():
            return
        waiter = asyncio.ensure_future(event.wait())
        try:
            await asyncio.wait(
                (waiter, self.task), timeout=WIRE_WAIT, return_when="FIRST_COMPLETED"
            )
        finally:
            waiter.cancel()


def parse_page(body: object, limit: int | None) -> FilePage:
    """A decoded ``GET /files`` body as a :class:`FilePage`, no larger than ``limit``."""
    page = FilePage.from_json(body)
    if limit is not None and len(page.files) > limit:
        raise ResponseFormatError(
            f"a page of {len(page.files)} files when at most {limit} were asked for"
        )
    return page


def _peek_page(body: object) -> tuple[bool, str | None, str | None]:
    """``has_more``, ``cursor`` and the last id of an unparsed page, where they look right."""
    if type(body) is not dict:
        return False, None, None
    cursor = body.get("cursor")
    last_id = body.get("last_id")
    return (
        body.get("has_more") is True,
        cursor if type(cursor) is str and cursor else None,
        last_id if type(last_id) is str and last_id else None,
    )


def _next_position(has_more: bool, cursor: str | None, last_id: str | None) -> Position | None:
    """The (cursor, after) that asks for the page after this one; ``None`` at the end.

    The openai and anthropic list shapes have no cursor: they page with the last id."""
    if not has_more:
        return None
    if cursor:
        return cursor, None
    if last_id:
        return None, last_id
    return None
