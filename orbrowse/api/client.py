"""The async client for OpenRouter's Files API: one ``httpx.AsyncClient`` for the whole session.

Every call goes through :meth:`FilesClient._send`, which maps transport failures and error
statuses to :mod:`orbrowse.api.errors` and retries what :class:`RetryPolicy` allows. Bodies are
parsed into the frozen models of :mod:`orbrowse.api.models`; callers never see JSON.

Replies are bounded: a JSON answer is read as a stream and refused past
:data:`MAX_JSON_BYTES` (an error body is cut at :data:`MAX_ERROR_BODY_BYTES`), and each metadata
request, its retries and its body included, ends within ``request_timeout`` seconds.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import platform
import re
import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self, TypeVar
from urllib.parse import quote, urlencode
from urllib.request import getproxies

import httpx

from orbrowse import __version__
from orbrowse.api.cookieless import CookielessClient
from orbrowse.api.decoding import ACCEPT_ENCODING, decoded_chunks
from orbrowse.api.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    InsecureTransportError,
    LocalCheckError,
    NotFoundError,
    OpenRouterError,
    OutcomeUnknownError,
    RateLimitError,
    RateLimitHoldError,
    ResponseFormatError,
    ResponseTooLargeError,
    TargetExistsError,
    error_for_status,
)
from orbrowse.api.keys import key_problem
from orbrowse.api.models import (
    FileObject,
    FilePage,
    KeyInfo,
    Workspace,
    WorkspacePage,
    parse_deleted_id,
)
from orbrowse.api.network import AsyncioTransport
from orbrowse.api.pacing import RateLimiter
from orbrowse.api.pager import Pager, parse_page, report_body, report_sent
from orbrowse.api.partfile import PartFile, target_problem
from orbrowse.api.retry import RetryPolicy
from orbrowse.api.rules import upload_problem

T = TypeVar("T")

DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
APP_URL = "https://github.com/orbrowse/orbrowse"
APP_TITLE = "orbrowse"
APP_CATEGORIES = "cli-agent"

Progress = Callable[[int, int | None], None]
"""Called with (bytes done, total bytes or None) as a transfer advances."""

CHUNK_SIZE = 256 * 1024

# Metadata calls answer quickly; transfers may legitimately take minutes. httpx's write
# timeout applies to each socket write, so a slow 100 MiB upload never trips it as a whole.
METADATA_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
TRANSFER_TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=120.0, pool=30.0)
DEFAULT_STALL_TIMEOUT = 60.0
"""Seconds a download may receive nothing before it fails (``stall_timeout`` in the config)."""

DEFAULT_REQUEST_TIMEOUT = 60.0
"""Seconds one metadata request may take in all: every attempt, the waits between them and
the body (``request_timeout`` in the config, ``--request-timeout``). The per-read timeouts
above only catch a server that goes silent; this one also ends a server that trickles."""

MAX_JSON_BYTES = 8 * 1024 * 1024
"""The largest JSON answer orbrowse reads (a page of 1,000 files is about 200 KB)."""

MAX_ERROR_BODY_BYTES = 64 * 1024
"""How much of an error answer's body is read for its message; the rest is not."""


@dataclass(frozen=True, slots=True)
class ContentSample:
    """The first bytes of a file (:meth:`FilesClient.read_content`)."""

    data: bytes
    complete: bool
    """Whether ``data`` is the whole file."""
    total_bytes: int | None
    """The size the server announced, if it did."""


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One attempt at one request, for ``--debug-log``. Holds no credentials."""

    method: str
    url: str
    attempt: int
    status: int | None
    elapsed: float
    error: str | None = None


RequestObserver = Callable[[RequestRecord], None]


def is_loopback_host(host: str) -> bool:
    if host in ("localhost", "localhost.") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_transport_security(base_url: str, *, allow_insecure_http: bool) -> httpx.URL:
    """The parsed base URL; refuses to send a key over plain HTTP to a host off this machine."""
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise LocalCheckError(f"The base URL {base_url!r} is not a valid URL") from exc
    if url.scheme not in ("http", "https") or not url.host:
        raise LocalCheckError(f"The base URL {base_url!r} must start with https:// or http://")
    if url.userinfo:
        # httpx would send them as Basic auth instead of the key, and logs would show them.
        raise LocalCheckError(
            f"The base URL for {url.host} must not hold a user name or password "
            "(orbrowse authenticates with the API key)"
        )
    if url.scheme == "http" and not allow_insecure_http and not is_loopback_host(url.host):
        raise InsecureTransportError(
            f"Refusing to send the API key over plain HTTP to {url.host}; use https:// "
            "or pass --allow-insecure-http"
        )
    return url


# getaddrinfo's words for "no such host" on Linux, macOS and Windows.
_NAME_NOT_FOUND = re.compile(
    r"Name or service not known|nodename nor servname|No address associated|"
    r"Temporary failure in name resolution|getaddrinfo failed|Errno -[235]\b",
    re.IGNORECASE,
)


def _proxy_in_environment() -> bool:
    """Whether the environment names a proxy for HTTPS (as httpx reads it)."""
    proxies = getproxies()
    return bool(proxies.get("https") or proxies.get("all"))


def _translate_transport_error(exc: httpx.TransportError) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError()
    if isinstance(exc, httpx.ConnectError):
        try:
            host = exc.request.url.host
        except RuntimeError:  # no request attached
            host = ""
        if _NAME_NOT_FOUND.search(str(exc)):
            return APIConnectionError(
                f"Could not find the server {host}: its name does not resolve"
            )
        return APIConnectionError(
            f"Could not connect to the server {host}" if host else "Could not connect to the server"
        )
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return APIConnectionError("The connection was lost before the answer was complete")
    return APIConnectionError(f"Network error: {type(exc).__name__}")


def _not_sent(exc: BaseException) -> bool:
    """Whether a failure certainly happened before the request reached the server: no
    connection (none opened in time, or none free in the pool in time)."""
    return isinstance(exc, APIConnectionError) and (
        not exc.sent
        or isinstance(exc.__cause__, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    )


def _may_have_acted(error: OpenRouterError) -> bool:
    """Whether a failed attempt may still have changed something on the server.

    A connection that never opened (or never came free), a rate limit and a 4xx refusal did
    not; a connection lost after sending, a timeout, a 5xx or an unreadable answer may have.
    """
    if isinstance(error, APIConnectionError):
        return not _not_sent(error)
    if isinstance(error, ResponseFormatError):
        return True
    return error.status is not None and error.status >= 500


async def _read_body(response: httpx.Response, limit: int) -> bytes:
    """The (decoded) body of a streamed response, refused past ``limit`` bytes.

    The announced Content-Length is checked first, so a reply that says it is huge is not
    read at all; a reply that does not say, or is compressed, is counted as it is decoded."""
    declared = _content_length(response)
    if declared is not None and declared > limit:
        raise ResponseTooLargeError(_too_large(f"{declared:,} bytes", limit))
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in decoded_chunks(response):
            size += len(chunk)
            if size > limit:
                raise ResponseTooLargeError(_too_large(f"more than {limit:,} bytes", limit))
            chunks.append(chunk)
    except httpx.TransportError as exc:
        raise _translate_transport_error(exc) from exc
    return b"".join(chunks)


async def _read_head(response: httpx.Response, limit: int) -> bytes:
    """At most ``limit`` bytes of a streamed body (an error's message); the rest is dropped.

    A connection lost before the body ends is a lost answer, as for any other body."""
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in decoded_chunks(response):
            chunks.append(chunk[: limit - size])
            size += len(chunks[-1])
            if size >= limit:
                break
    except httpx.TransportError as exc:
        raise _translate_transport_error(exc) from exc
    return b"".join(chunks)


async def _send_direct(
    http: httpx.AsyncClient,
    transport: httpx.AsyncBaseTransport,
    request: httpx.Request,
    *,
    stream: bool,
) -> httpx.Response:
    """``request`` sent on ``transport`` as ``http.send`` would send it there (its event
    hooks called), without the layers that do nothing for this API: no auth flow (the key is a
    header), no redirect loop (a redirect is refused by the caller), no cookie jar (none is
    kept), no stream wrapper timing ``elapsed``. 0.54 → 0.48 ms of client CPU per delete at 8
    in flight (``benchmarks/profile_speed.py delete --runs 8``)."""
    for hook in http.event_hooks["request"]:
        await hook(request)
    try:
        response = await transport.handle_async_request(request)
    except httpx.RequestError as exc:
        exc.request = request  # as httpx's request_context does: errors name their host
        raise
    response.request = request
    try:
        for hook in http.event_hooks["response"]:
            await hook(response)
        if not stream:
            await response.aread()
    except BaseException:
        await response.aclose()
        raise
    return response


def _too_large(size: str, limit: int) -> str:
    return (
        f"an answer of {size}, over the {limit // (1024 * 1024)} MiB orbrowse reads "
        "from one API reply"
    )


def _more_than_the_file(content: str, size_bytes: int) -> str:
    return f"{content} for a file of {size_bytes:,} bytes (its size_bytes)"


def _decode_json(response: httpx.Response, body: bytes | None = None) -> object:
    content_type = response.headers.get("content-type", "")
    if body is None:
        body = response.content
    if "html" in content_type.lower() or body.lstrip()[:1] == b"<":
        raise ResponseFormatError("an HTML page instead of JSON (a proxy or gateway in between?)")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ResponseFormatError("the body is not valid JSON") from exc


class FilesClient:
    """Async client for the Files API and the workspace calls. Use ``async with``."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        workspace_id: str | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        allow_insecure_http: bool = False,
        observer: RequestObserver | None = None,
        max_connections: int = 16,
        stall_timeout: float = DEFAULT_STALL_TIMEOUT,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        _http: httpx.AsyncClient | None = None,
        _limiter: RateLimiter | None = None,
        _direct: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        problem = key_problem(api_key)
        if problem:
            raise LocalCheckError(problem)
        url = check_transport_security(base_url, allow_insecure_http=allow_insecure_http)
        self.base_url = str(url).rstrip("/")
        self.workspace_id = workspace_id
        self.retry = retry or RetryPolicy()
        self.observer = observer
        self.stall_timeout = stall_timeout
        self.request_timeout = request_timeout
        self._api_key = api_key
        self._owns_http = _http is None
        self.limiter = _limiter or RateLimiter()
        """Paces requests by the server's rate-limit headers; shared by with_workspace."""
        limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        self._direct: httpx.AsyncBaseTransport | None = _direct
        """The transport requests go to straight from here (:func:`_send_direct`): orbrowse's
        own, when it made it; with a transport given, or httpx's for a proxy, ``self._http``
        sends them (its mounts pick the proxy)."""
        if (
            _http is None
            and transport is None
            and (url.scheme == "http" or not _proxy_in_environment())
        ):
            # Plain HTTP (the emulator, a local proxy) never uses TLS, and redirects are not
            # followed, so skip loading the CA bundle: it is a tenth of a second of start-up.
            # A transport of our own turns off httpx's proxies from the environment, so with
            # HTTPS_PROXY or ALL_PROXY set, HTTPS keeps httpx's default transport.
            transport = AsyncioTransport(verify=url.scheme == "https", limits=limits)
            self._direct = transport
        self._http = _http or CookielessClient(
            base_url=self.base_url + "/",
            headers={
                "Authorization": f"Bearer {api_key}",
                "Accept-Encoding": ACCEPT_ENCODING,
                "HTTP-Referer": APP_URL,
                "X-OpenRouter-Title": APP_TITLE,
                "X-OpenRouter-Categories": APP_CATEGORIES,
                "User-Agent": f"orbrowse/{__version__} (python {platform.python_version()})",
            },
            timeout=METADATA_TIMEOUT,
            transport=transport,
            follow_redirects=False,
            limits=limits,
            event_hooks={"request": [report_sent]},
        )

    def __repr__(self) -> str:
        # The key stays out of reprs, tracebacks and logs.
        return f"FilesClient(base_url={self.base_url!r}, workspace_id={self.workspace_id!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    def with_workspace(self, workspace_id: str | None) -> FilesClient:
        """A client for another workspace sharing this one's connections (this one owns them)."""
        return FilesClient(
            self._api_key,
            base_url=self.base_url,
            workspace_id=workspace_id,
            retry=self.retry,
            observer=self.observer,
            allow_insecure_http=True,  # already checked for this base URL
            stall_timeout=self.stall_timeout,
            request_timeout=self.request_timeout,
            _http=self._http,
            _limiter=self.limiter,
            _direct=self._direct,
        )

    # -- plumbing -------------------------------------------------------------------------

    def _params(self, **extra: object) -> dict[str, str]:
        params: dict[str, str] = {}
        if self.workspace_id:
            params["workspace_id"] = self.workspace_id
        for key, value in extra.items():
            if value is not None:
                params[key] = str(value)
        return params

    def _url(self, path: str, params: Mapping[str, str] | None) -> str:
        """The request's whole URL: httpx parses a URL once per copy, and a relative path with
        params would be copied twice more (joined to the base URL, then given the query)."""
        url = f"{self.base_url}/{path}"
        return f"{url}?{urlencode(params)}" if params else url

    def _observe(
        self,
        request: httpx.Request,
        attempt: int,
        started: float,
        status: int | None,
        error: str | None,
    ) -> None:
        if self.observer is not None:
            self.observer(
                RequestRecord(
                    method=request.method,
                    url=str(request.url),
                    attempt=attempt,
                    status=status,
                    elapsed=time.monotonic() - started,
                    error=error,
                )
            )

    async def _attempt(
        self, request: httpx.Request, attempt: int, *, stream: bool
    ) -> httpx.Response:
        started = time.monotonic()
        try:
            if self._direct is None:
                response = await self._http.send(request, stream=stream)
            else:
                response = await _send_direct(self._http, self._direct, request, stream=stream)
        except httpx.TransportError as exc:
            error = _translate_transport_error(exc)
            self._observe(request, attempt, started, None, str(error))
            raise error from exc
        self._observe(request, attempt, started, response.status_code, None)
        self.limiter.observe(response.status_code, response.headers)
        if response.status_code >= 300:
            try:
                body = await _read_head(response, MAX_ERROR_BODY_BYTES)
            finally:
                await response.aclose()
            if 300 <= response.status_code < 400:
                # Following would hand the key to wherever the redirect points.
                raise ResponseFormatError(
                    f"a redirect ({response.status_code}) that orbrowse does not follow"
                )
            raise error_for_status(response.status_code, body, response.headers)
        return response

    async def _send(
        self,
        build: Callable[[], httpx.Request],
        *,
        stream: bool = False,
        retry_when: Callable[[OpenRouterError], bool] | None = None,
    ) -> httpx.Response:
        """Send the request ``build`` makes (anew for each attempt), retrying per the policy."""

        async def once(attempt: int) -> httpx.Response:
            return await self._attempt(build(), attempt, stream=stream)

        return await self._retrying(once, retry_when=retry_when)

    async def _retrying(
        self,
        once: Callable[[int], Awaitable[T]],
        *,
        retry_when: Callable[[OpenRouterError], bool] | None = None,
        deadline: float | None = None,
        failures: list[OpenRouterError] | None = None,
    ) -> T:
        """``once(attempt)`` until it succeeds or the policy (or ``deadline``) says stop.

        Each failed attempt's error is appended to ``failures`` when given."""
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            await self.limiter.wait()
            try:
                return await once(attempt)
            except OpenRouterError as error:
                if failures is not None:
                    failures.append(error)
                if retry_when is not None and not retry_when(error):
                    raise
                now = time.monotonic()
                delay = self.retry.delay_for(error, attempt, now - started)
                if delay is None or (deadline is not None and now + delay >= deadline):
                    raise
                if isinstance(error, RateLimitError):
                    delay = self.limiter.retry_delay(delay, attempt)
                await asyncio.sleep(delay)

    async def _json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        on_attempt: Callable[[], None] | None = None,
        retry_when: Callable[[OpenRouterError], bool] | None = None,
        file_id: str | None = None,
    ) -> object:
        """Send a metadata request and decode its JSON body, within ``request_timeout``.

        A 404 says why it is likely: ``file_id`` names the file the path is about; without
        one, the path itself (a listing, the key) should exist, so the base URL is wrong."""

        sending = False  # whether the request_timeout can cut an attempt on the wire

        async def once(attempt: int) -> object:
            nonlocal sending
            if on_attempt is not None:
                on_attempt()
            request = self._http.build_request(method, self._url(path, params))
            sending = True
            try:
                response = await self._attempt(request, attempt, stream=True)
                try:
                    raw = await _read_body(response, MAX_JSON_BYTES)
                finally:
                    await response.aclose()
                await report_body(raw)  # a page: the next one's request may go out first
                decoded = _decode_json(response, raw)
            except asyncio.CancelledError:
                raise  # cut on the wire by the timeout: ``sending`` stays set
            except BaseException:
                sending = False
                raise
            sending = False
            return decoded

        limit = self.request_timeout
        failures: list[OpenRouterError] = []
        try:
            async with asyncio.timeout(limit):
                return await self._retrying(
                    once,
                    retry_when=retry_when,
                    deadline=time.monotonic() + limit,
                    failures=failures,
                )
        except NotFoundError as error:
            error.hint = _not_found_hint(error, self.base_url, file_id) or error.hint
            raise
        except TimeoutError:
            held = not sending and (
                self.limiter.holding or bool(failures and isinstance(failures[-1], RateLimitError))
            )
            if held:
                message = (
                    f"The server's rate limit held the request longer than {limit:g} s "
                    "(request_timeout)"
                )
            else:
                message = (
                    f"The server did not finish answering within {limit:g} s (request_timeout)"
                )
            if failures:  # cut short while retrying: what the server said before is news too
                message += f"; the attempt before: {failures[-1]}"
            # Cut while waiting for the rate limit or between attempts: this one never left.
            # Held: not the network; the server asked to wait, longer than allowed.
            timeout = (RateLimitHoldError if held else APITimeoutError)(message, sent=sending)
            if retry_when is not None:
                retry_when(timeout)  # the caller hears of every failed attempt (delete_file)
            raise timeout from None

    # -- files ------------------------------------------------------------------------------

    async def _page_body(self, limit: int | None, cursor: str | None, after: str | None) -> object:
        if limit is not None and not 1 <= limit <= 1000:
            raise LocalCheckError(f"A page size of {limit} is out of range 1–1000")
        return await self._json(
            "GET", "files", params=self._params(limit=limit, cursor=cursor, after=after)
        )

    async def list_files(
        self, *, limit: int | None = None, cursor: str | None = None, after: str | None = None
    ) -> FilePage:
        """One page of the workspace's files, oldest first."""
        return parse_page(await self._page_body(limit, cursor, after), limit)

    async def iter_pages(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> AsyncIterator[FilePage]:
        """Every page from ``cursor`` (or the start) to the end, through one :class:`Pager`.

        A file id already yielded is dropped from later pages, a listing that would loop ends
        with :class:`ResponseFormatError`, and the next page's request is on the wire while
        this one is parsed and used.
        """
        pager = self.pager(limit=limit, cursor=cursor)
        pager.always_ahead = True
        try:
            while pager.has_more:
                yield await pager.next_page()
        finally:
            await pager.aclose()

    def pager(self, *, limit: int | None = None, cursor: str | None = None) -> Pager:
        """A :class:`Pager` over this client's workspace: ask it for one page at a time."""
        return Pager(self._page_body, limit=limit, cursor=cursor)

    async def get_file(self, file_id: str) -> FileObject:
        body = await self._json(
            "GET", f"files/{_path_id(file_id)}", params=self._params(), file_id=file_id
        )
        return FileObject.from_json(body)

    async def delete_file(self, file_id: str) -> str:
        """Delete one file; returns its id once the server confirmed exactly that deletion.

        A retried delete that ends in 404 after an attempt that may have reached the server
        counts as done: that attempt deleted the file and its answer was lost. When the outcome
        is not known (the last attempt failed after an earlier one may have acted, or the
        confirmation names another file or says it was not deleted) this raises
        :class:`OutcomeUnknownError`: look the file up to learn whether it is gone.
        """
        failures: list[OpenRouterError] = []

        def note(error: OpenRouterError) -> bool:
            failures.append(error)
            return True

        try:
            body = await self._json(
                "DELETE",
                f"files/{_path_id(file_id)}",
                params=self._params(),
                retry_when=note,
                file_id=file_id,
            )
        except NotFoundError as error:
            if any(_may_have_acted(e) for e in failures[:-1]):
                if error.from_api:
                    return file_id
                # A proxy's 404 says nothing about the file an earlier attempt may have hit.
                raise OutcomeUnknownError(f"{error}; the file may have been deleted") from error
            raise
        except OpenRouterError as error:
            if _may_have_acted(error) or any(_may_have_acted(e) for e in failures[:-1]):
                raise OutcomeUnknownError(f"{error}; the file may have been deleted") from error
            raise
        try:
            confirmed = parse_deleted_id(body)
        except ResponseFormatError as error:
            raise OutcomeUnknownError(f"{error}; the file may have been deleted") from error
        if confirmed != file_id:
            raise OutcomeUnknownError(
                f"the server confirmed the deletion of {confirmed!r}, not of {file_id!r}"
            )
        return file_id

    async def upload_file(
        self, path: Path, *, filename: str | None = None, progress: Progress | None = None
    ) -> FileObject:
        """Upload ``path``, streamed from disk. Checked locally against the API's rules first.

        Retried only when the body can be re-sent from the start and the server certainly did
        not keep the file: a 429, a 503, or no connection to send it on (none opened, or none
        free in the pool, in time).
        """
        problem = upload_problem(path, filename=filename)
        if problem:
            raise LocalCheckError(problem)
        name = filename if filename is not None else path.name
        size = path.stat().st_size
        boundary = uuid.uuid4().hex
        head = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{_quote(name)}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        total = len(head) + size + len(tail)

        async def body() -> AsyncGenerator[bytes, None]:
            sent = 0
            yield head
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK_SIZE):
                    sent += len(chunk)
                    yield chunk
                    if progress is not None:
                        progress(sent, size)
            if sent != size:
                raise LocalCheckError(f"{path.name} changed size while it was being uploaded")
            yield tail

        bodies: list[AsyncGenerator[bytes, None]] = []

        def build() -> httpx.Request:
            bodies.append(body())
            return self._http.build_request(
                "POST",
                self._url("files", self._params()),
                content=bodies[-1],
                headers={
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Content-Length": str(total),
                },
                timeout=TRANSFER_TIMEOUT,
            )

        def safe_to_resend(error: OpenRouterError) -> bool:
            return error.status in (429, 503) or _not_sent(error)

        try:
            response = await self._send(build, stream=True, retry_when=safe_to_resend)
            try:
                reply = await _read_body(response, MAX_JSON_BYTES)
            finally:
                await response.aclose()
        except APIConnectionError as error:
            if _not_sent(error):
                raise
            # The body may have arrived whole: re-sending could store the file twice.
            raise type(error)(
                f"{error}. The server may have kept {name}: refresh the list to check "
                "before uploading it again"
            ) from error
        finally:
            # A cancelled or failed send leaves its body suspended with the file open.
            for sent_body in bodies:
                await sent_body.aclose()
        return FileObject.from_json(_decode_json(response, reply))

    async def download_file(
        self,
        file_id: str,
        destination: Path,
        *,
        overwrite: bool = False,
        progress: Progress | None = None,
        size_bytes: int | None = None,
    ) -> Path:
        """Stream a file's content to ``destination`` through a ``.part`` file beside it.

        ``size_bytes`` (the file's, from its metadata) caps the download: a server that
        announces or sends more is stopped there with :class:`ResponseTooLargeError`, not
        retried, and nothing is kept.

        Nothing at ``destination`` is replaced without ``overwrite``: not a file, a FIFO or a
        symlink, dangling or not; with it the directory entry is replaced, never what a link
        points to. The ``.part`` file is named after the file id and held under an exclusive
        lock while it is written (:mod:`orbrowse.api.partfile`): one that a killed run left is
        taken over and the rest asked for with a ``Range`` request (the API documents none, so
        a server answering 200 sends everything again and the part starts over); a retry after
        a lost connection does the same. Another run's live part file makes this one refuse.
        The part file is renamed into place only once every byte arrived; on any failure or
        cancellation it is removed. The file gets the permissions the umask allows, as curl
        and wget give. A download that receives nothing for ``stall_timeout`` seconds fails.
        """
        folder = destination.parent
        if not folder.is_dir():
            if folder.exists():
                raise LocalCheckError(f"{folder} is not a folder")
            raise LocalCheckError(f"The folder {folder} does not exist")
        _check_target(destination, overwrite)
        started = time.monotonic()
        attempt = 0
        with PartFile(destination, file_id) as part:
            while True:
                attempt += 1
                try:
                    await self._download_into(part, file_id, destination.name, progress, size_bytes)
                    break
                except OpenRouterError as error:
                    delay = self.retry.delay_for(error, attempt, time.monotonic() - started)
                    if delay is None:
                        raise
                    await asyncio.sleep(delay)
            _check_target(destination, overwrite, appeared=True)
            part.rename_to(destination, overwrite=overwrite)
        return destination

    def _stalled(self) -> APITimeoutError:
        return APITimeoutError(
            f"The download made no progress for {self.stall_timeout:g} s (stall_timeout)"
        )

    def _transfer_timeout(self) -> httpx.Timeout:
        stall = self.stall_timeout
        return httpx.Timeout(connect=10.0, read=stall, write=stall, pool=30.0)

    async def _download_into(
        self,
        part: PartFile,
        file_id: str,
        name: str,
        progress: Progress | None,
        size_bytes: int | None,
    ) -> None:
        """One attempt: the rest of the file (or all of it) into ``part``, flushed and synced."""
        offset = part.size
        headers = {"Accept": "application/octet-stream"}
        if offset:
            # Byte ranges count the bytes as stored: no content encoding in between.
            headers |= {"Range": f"bytes={offset}-", "Accept-Encoding": "identity"}

        def build() -> httpx.Request:
            return self._http.build_request(
                "GET",
                self._url(f"files/{_path_id(file_id)}/content", self._params()),
                headers=headers,
                timeout=self._transfer_timeout(),
            )

        try:
            response = await self._send(build, stream=True, retry_when=lambda _: False)
        except APITimeoutError as error:
            if isinstance(error.__cause__, httpx.ReadTimeout):  # no answer for stall_timeout
                raise self._stalled() from error
            raise
        except APIStatusError as error:
            if error.status == 416 and offset:  # the kept bytes do not fit: start over
                part.restart()
                raise APIConnectionError("The server refused to resume; starting over") from error
            raise
        try:
            content_type = response.headers.get("content-type", "")
            if not content_type.startswith("application/octet-stream"):
                raise ResponseFormatError(f"content of type {content_type!r} instead of bytes")
            # With a content encoding, Content-Length counts encoded bytes: no check then.
            encoded = response.headers.get("content-encoding", "identity") != "identity"
            if response.status_code == 206:  # asked for or not, a part must run to the end
                expected: int | None = _resumed_total(response, offset)
            else:
                part.restart()
                expected = None if encoded else _content_length(response)
            if size_bytes is not None and expected is not None and expected > size_bytes:
                raise ResponseTooLargeError(
                    _more_than_the_file(f"{expected:,} bytes of content", size_bytes)
                )
            try:
                async for chunk in decoded_chunks(response, CHUNK_SIZE):
                    if size_bytes is not None and part.size + len(chunk) > size_bytes:
                        raise ResponseTooLargeError(_more_than_the_file("more content", size_bytes))
                    part.write(chunk)
                    if progress is not None:
                        progress(part.size, expected)
                if expected is not None and part.size != expected:
                    raise APIConnectionError(
                        f"The download ended after {part.size:,} of {expected:,} bytes"
                    )
                part.finish()
            except httpx.TimeoutException as exc:
                raise self._stalled() from exc
            except httpx.TransportError as exc:
                raise _translate_transport_error(exc) from exc
            except OSError as exc:
                raise LocalCheckError(f"Could not write {name}: {exc.strerror or exc}") from exc
        finally:
            await response.aclose()

    # -- bounded reads (the preview) ---------------------------------------------------------

    async def read_content(self, file_id: str, max_bytes: int) -> ContentSample:
        """At most ``max_bytes`` of a file's content, streamed; the rest is never read.

        The connection is closed as soon as the cap is reached, so a 50 MiB file costs about
        ``max_bytes`` of transfer. Retried like a metadata call while no byte has arrived.
        """
        if max_bytes < 0:
            raise LocalCheckError(f"A read of {max_bytes} bytes makes no sense")

        def build() -> httpx.Request:
            return self._http.build_request(
                "GET",
                self._url(f"files/{_path_id(file_id)}/content", self._params()),
                headers={"Accept": "application/octet-stream"},
                timeout=TRANSFER_TIMEOUT,
            )

        response = await self._send(build, stream=True)
        try:
            content_type = response.headers.get("content-type", "")
            if not content_type.startswith("application/octet-stream"):
                raise ResponseFormatError(f"content of type {content_type!r} instead of bytes")
            encoded = response.headers.get("content-encoding", "identity") != "identity"
            total = None if encoded else _content_length(response)
            chunks: list[bytes] = []
            received = 0
            try:
                async for chunk in decoded_chunks(response, min(CHUNK_SIZE, max(max_bytes, 1))):
                    room = max_bytes - received
                    chunks.append(chunk[:room])
                    received += min(len(chunk), room)
                    if len(chunk) >= room:
                        break
            except httpx.TransportError as exc:
                raise _translate_transport_error(exc) from exc
            data = b"".join(chunks)
            complete = len(data) < max_bytes or total == len(data)
            return ContentSample(data=data, complete=complete, total_bytes=total)
        finally:
            await response.aclose()

    # -- workspaces and keys ------------------------------------------------------------------

    async def list_workspaces(self, *, offset: int = 0, limit: int = 50) -> WorkspacePage:
        """One page of workspaces (management keys only; others get PermissionDeniedError)."""
        body = await self._json(
            "GET", "workspaces", params={"offset": str(offset), "limit": str(limit)}
        )
        return WorkspacePage.from_json(body)

    async def iter_workspaces(self, *, page_size: int = 100) -> AsyncIterator[Workspace]:
        """Every workspace, page by page; a page with no workspace not seen before ends the
        listing with :class:`ResponseFormatError` (a server claiming more forever)."""
        offset = 0
        seen: set[str] = set()
        while True:
            page = await self.list_workspaces(offset=offset, limit=page_size)
            fresh = [w for w in page.workspaces if w.id not in seen]
            if page.workspaces and not fresh:
                raise ResponseFormatError("the workspace listing repeats itself; stopping")
            seen.update(w.id for w in fresh)
            for workspace in fresh:
                yield workspace
            offset += len(page.workspaces)
            if not page.workspaces or offset >= page.total_count:
                return

    async def get_workspace(self, id_or_slug: str) -> Workspace:
        try:
            body = await self._json("GET", f"workspaces/{_path_id(id_or_slug)}")
        except NotFoundError as error:
            if error.from_api:
                error.hint = "no such workspace, or this key cannot see it"
            raise
        if not isinstance(body, dict) or "data" not in body:
            raise ResponseFormatError("workspace answer has no 'data'")
        return Workspace.from_json(body["data"])

    async def get_key_info(self) -> KeyInfo:
        """What the key in use is allowed to do, and the workspace it works in."""
        body = await self._json("GET", "key")
        return KeyInfo.from_json(body)


FILE_ID_PREFIXES = ("or_file_", "file_", "file-")
"""How file ids begin: ``or_file_`` today, ``file_`` before 2026-07-28, ``file-`` (openai)."""


def _not_found_hint(error: NotFoundError, base_url: str, file_id: str | None) -> str | None:
    """Why a 404 is likely, where it is more than "the file may have been deleted"."""
    url = httpx.URL(base_url)
    shown = f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}{url.path}"  # no userinfo
    if not error.from_api:
        return f"the reply is not the Files API's: check --base-url ({shown})"
    if file_id is None:
        return f"the API has no such path under {shown}: check --base-url"
    if not file_id.startswith(FILE_ID_PREFIXES):
        return "that is not a file id (file ids look like or_file_…)"
    return None


def _path_id(value: str) -> str:
    """An id as one path segment: ids are opaque, so anything unsafe in a URL path is escaped."""
    if not value or value in (".", ".."):
        raise LocalCheckError(f"{value!r} is not a valid id")
    return quote(value, safe="")


def _quote(name: str) -> str:
    return name.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _check_target(destination: Path, overwrite: bool, *, appeared: bool = False) -> None:
    problem = target_problem(destination, overwrite=overwrite)
    if problem is None:
        return
    if not appeared:
        raise problem
    if isinstance(problem, TargetExistsError):
        raise TargetExistsError(str(destination), link=problem.link, appeared=True)
    raise LocalCheckError(f"{problem} (it appeared while downloading)")


_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")


def _resumed_total(response: httpx.Response, offset: int) -> int:
    """The file's size from a 206 that continues at ``offset``; anything else is refused."""
    if response.headers.get("content-encoding", "identity") != "identity":
        raise ResponseFormatError("a resumed download with a content encoding")
    match = _CONTENT_RANGE.fullmatch(response.headers.get("content-range", "").strip())
    if match is None or int(match[1]) != offset or int(match[2]) + 1 != int(match[3]):
        raise ResponseFormatError(
            f"a partial answer that does not continue at byte {offset:,} to the end"
        )
    return int(match[3])


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None
