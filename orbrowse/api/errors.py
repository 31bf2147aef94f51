"""Everything the Files client raises. The tree is the documentation::

    OpenRouterError                  base of all; ``str(error)`` is fit to show a person
    ├── APIStatusError               the server answered with an error status
    │   ├── BadRequestError          400  invalid request, unsupported type, not downloadable
    │   ├── AuthenticationError      401  missing, bad or revoked key
    │   ├── PermissionDeniedError    403  workspace not allowed, management key needed, quota full
    │   ├── NotFoundError            404  unknown id, or an id of another workspace
    │   ├── PayloadTooLargeError     413  upload over 100 MiB
    │   ├── RateLimitError           429  carries ``retry_after``
    │   └── ServerError              5xx  (503 carries ``retry_after``)
    ├── APIConnectionError           no usable answer: refused, DNS, reset, dropped mid-body
    │   └── APITimeoutError          the server did not answer in time
    │       └── RateLimitHoldError   held by the server's rate limit past request_timeout
    ├── ResponseFormatError          the answer was not what the API documents (bad JSON, HTML, …)
    │   └── ResponseTooLargeError    the answer is larger than orbrowse reads (never retried)
    ├── OutcomeUnknownError          a delete may have taken effect but no answer says so
    ├── LocalCheckError              refused before sending: empty, too large, unreadable, …
    │   └── TargetExistsError        a download's target exists; the caller says how to replace it
    ├── InsecureTransportError       the key would travel over plain HTTP to a remote host
    └── TransferCancelledError       the user cancelled an upload or a download

Server-provided messages are kept as data (``server_message``); they are never markup.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import ClassVar


class OpenRouterError(Exception):
    """Base of every error the client raises."""

    status: int | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class APIStatusError(OpenRouterError):
    """The server answered with an error status."""

    summary: ClassVar[str] = "The request failed"
    hint: str = ""
    """What to do about it; the client may replace it where it knows better (e.g. a 404)."""

    def __init__(
        self,
        status: int,
        server_message: str,
        *,
        retry_after: float | None = None,
        error_type: str | None = None,
        from_api: bool = True,
    ) -> None:
        self.status = status
        self.server_message = server_message
        self.from_api = from_api
        """Whether the body was the API's JSON error envelope (not a proxy's or a web page)."""
        self.retry_after = retry_after
        self.error_type = error_type
        text = f"{self.summary} ({status})"
        if server_message:
            text += f": {server_message}"
        super().__init__(text)


class BadRequestError(APIStatusError):
    summary = "The server refused the request"


class AuthenticationError(APIStatusError):
    summary = "The API key was rejected"
    hint = "check OPENROUTER_API_KEY, --api-key or the config file"


class PermissionDeniedError(APIStatusError):
    summary = "This key may not do that"
    hint = "a management key or another workspace may be needed"


class NotFoundError(APIStatusError):
    summary = "Not found"
    hint = "the file may have been deleted, or belongs to another workspace"


class PayloadTooLargeError(APIStatusError):
    summary = "The file is too large"
    hint = "the API takes at most 100 MiB per file"


class RateLimitError(APIStatusError):
    summary = "Rate limited by the server"
    hint = "wait a moment and try again"


class ServerError(APIStatusError):
    summary = "The server had a problem"
    hint = "try again shortly"


class APIConnectionError(OpenRouterError):
    """No usable answer came back: the connection was refused, reset or dropped."""

    hint = "check the network and the base URL, then retry"

    def __init__(self, message: str = "Could not reach the server", *, sent: bool = True) -> None:
        super().__init__(message)
        self.sent = sent
        """False when the request certainly never left: it was still waiting for its turn."""


class APITimeoutError(APIConnectionError):
    """The server did not answer in time."""

    def __init__(
        self, message: str = "The server did not answer in time", *, sent: bool = True
    ) -> None:
        super().__init__(message, sent=sent)


class RateLimitHoldError(APITimeoutError):
    """The server's rate limit held a request past ``request_timeout``: the server answered
    before (it asked to wait), so it can be reached."""

    hint = "wait for the rate limit to refill, or raise request_timeout"


class ResponseFormatError(OpenRouterError):
    """The server's answer was not what the API documents."""

    hint = "the server or a proxy in between answered something unexpected"

    def __init__(self, detail: str) -> None:
        super().__init__(f"Unexpected answer from the server: {detail}")
        self.detail = detail


class OutcomeUnknownError(OpenRouterError):
    """A delete was sent, but its answer was lost or contradicts the request.

    The file may or may not be gone: look it up to know (``GET /files/{id}``).
    """


class ResponseTooLargeError(ResponseFormatError):
    """The answer is larger than orbrowse will read; retrying would only fetch it again."""


class LocalCheckError(OpenRouterError):
    """A request refused locally, before anything was sent."""


class TargetExistsError(LocalCheckError):
    """Something stands at a download's target and replacing it was not asked for.

    How to replace it depends on where the user is (``get --force``, or the browser's
    download dialog), so the caller sets ``hint``."""

    def __init__(self, destination: str, *, link: bool = False, appeared: bool = False) -> None:
        what = " (a symbolic link)" if link else ""
        when = " (it appeared while downloading)" if appeared else ""
        super().__init__(f"{destination} already exists{what}{when}")
        self.link = link
        self.hint = ""


class InsecureTransportError(OpenRouterError):
    """The API key would be sent over plain HTTP to a host that is not loopback."""


class TransferCancelledError(OpenRouterError):
    """An upload or download was cancelled by the user."""

    def __init__(self, message: str = "Cancelled") -> None:
        super().__init__(message)


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    413: PayloadTooLargeError,
    429: RateLimitError,
}

_MAX_MESSAGE_CHARS = 500


def _seconds(text: str, scale: float = 1.0) -> float | None:
    """A finite number of seconds, or ``None`` (``nan``, ``inf`` and words are not waits)."""
    try:
        value = float(text) / scale
    except ValueError:
        return None
    return max(0.0, value) if math.isfinite(value) else None


def parse_retry_after(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date).

    Anything else (``nan``, ``inf``, a word) is ignored: the policy's own backoff applies.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    millis = lowered.get("retry-after-ms")
    if millis is not None:
        seconds = _seconds(millis, 1000.0)
        if seconds is not None:
            return seconds
    value = lowered.get("retry-after")
    if value is None:
        return None
    seconds = _seconds(value)
    if seconds is not None:
        return seconds
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def _server_message(body: bytes) -> tuple[str, str | None, bool]:
    """The message and error type of an error envelope, or a short description of the body,
    and whether the body was the API's envelope."""
    try:
        decoded = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        decoded = None
    if isinstance(decoded, dict):
        error = decoded.get("error")
        if isinstance(error, dict):
            message = error.get("message")
            metadata = error.get("metadata")
            error_type = metadata.get("error_type") if isinstance(metadata, dict) else None
            if isinstance(message, str):
                return (
                    message[:_MAX_MESSAGE_CHARS],
                    error_type if isinstance(error_type, str) else None,
                    True,
                )
        if isinstance(error, str):
            return error[:_MAX_MESSAGE_CHARS], None, True
    text = body[:2000].decode("utf-8", "replace").strip()
    if text.lstrip().lower().startswith(("<!doctype", "<html")):
        return "the server answered with an HTML page (a proxy or gateway error?)", None, False
    if not text:
        return "", None, False
    return text[:200], None, False


def error_for_status(status: int, body: bytes, headers: Mapping[str, str]) -> APIStatusError:
    """Build the exception for an error answer from its status, body and headers."""
    message, error_type, from_api = _server_message(body)
    cls = _STATUS_CLASSES.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else APIStatusError
    retry_after = parse_retry_after(headers) if status in (429, 503) else None
    return cls(status, message, retry_after=retry_after, error_type=error_type, from_api=from_api)


def describe(error: BaseException) -> str:
    """One line for a person: what happened and, where known, what to do."""
    text = str(error) or type(error).__name__
    hint = getattr(error, "hint", "")
    if not hint:
        return text
    if text.endswith((".", "!", "?")):
        return f"{text} {hint[0].upper()}{hint[1:]}."
    return f"{text}; {hint}"
