"""The emulated Files API as a Starlette app: every path of the reference under ``/api/v1``.

Where the reference is silent the emulator makes a choice; :data:`CHOICES` lists every one
of them (the one list: ``orbrowse serve --help`` prints it and the README points to it).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, BinaryIO
from urllib.parse import quote
from uuid import NAMESPACE_URL, uuid5

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Mount, Route

from orbrowse.api.filetypes import filename_problem, sniff
from orbrowse.api.models import MAX_UPLOAD_BYTES, WORKSPACE_QUOTA_BYTES, format_timestamp
from orbrowse.emulator.arrival import arrived_at
from orbrowse.emulator.deadline import wait_until
from orbrowse.emulator.faults import Faults, RecordedRequest, ScriptedFault
from orbrowse.emulator.keys import DEMO_MANAGEMENT_KEY, DEMO_WORKSPACE_KEY, Grant, Keys
from orbrowse.emulator.render import dumps, file_bytes, file_json, list_body
from orbrowse.emulator.store import (
    DEFAULT_PURPOSE,
    Store,
    StoredFile,
    StoredWorkspace,
    UnknownPosition,
    iter_content,
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CHOICES = """\
Where OpenRouter's documentation is silent, the emulator chooses (inferred, not confirmed):

- Shapes: the openai shape goes to requests whose User-Agent starts with OpenAI/,
  AsyncOpenAI/, AzureOpenAI/ or AsyncAzureOpenAI/ (OpenAI's Python SDK sends its client
  class name, e.g. "AsyncOpenAI/Python 3.57.0"); the anthropic shape to requests with an
  anthropic-version header (checked first); the openrouter shape to everything else.
- workspace_id must be a UUID (8-4-4-4-12 hex digits), else 400; letter case does not
  matter. A well-formed one that does not exist, or that the key may not use, is 403 (the
  API does not say which); a file id from another workspace is 404.
- A query parameter the endpoint does not take is 400, naming it (rather than silently
  ignored). GET /files takes workspace_id, provider, limit (1-1000), cursor, after,
  after_id, before_id (400: unsupported), order (asc only) and purpose (OpenAI's filter:
  only files uploaded with that purpose). Other Files calls take workspace_id and provider;
  GET /workspaces takes offset and limit.
- purpose on upload (a form field, as OpenAI's SDK sends it) is kept and echoed in the
  openai shape; default user_data; one of assistants, batch, evals, fine-tune, user_data,
  vision, else 400.
- Auth is checked first (401), then the query parameters, then the workspace.
- The management key works in the default workspace unless workspace_id says otherwise;
  GET /key reports that workspace.
- Upload checks run in this order: missing part or empty (400), too large (413), filename
  (400), type (400), workspace quota (403).
- A cursor, after or after_id naming an id never seen in the workspace is 400. Cursors are
  standard base64 of {"cursor":"<last id>"}.
- Error messages are the spec's examples where it has one, else a short sentence.
- Retry-After on a random 503 or 429 is 1 second unless the test sets it.
"""

API_PREFIX = "/api/v1"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

MESSAGES: dict[int, str] = {
    400: "Invalid request parameters",
    401: "Missing Authentication header",
    402: "Insufficient credits",
    403: "Only management keys can perform this operation",
    404: "Resource not found",
    405: "Method not allowed",
    408: "Request timeout",
    409: "Conflict",
    413: "Request payload too large",
    429: "Rate limit exceeded",
    499: "Client closed request",
    500: "Internal Server Error",
    502: "Provider returned error",
    503: "Service temporarily unavailable",
    504: "Gateway timeout",
}
NO_CREDENTIALS = "No auth credentials found"
UNKNOWN_KEY = "User not found."
MANAGEMENT_ONLY = MESSAGES[403]
NO_WORKSPACE_ACCESS = "Workspace not found or not accessible with this API key"

PURPOSES = frozenset(("assistants", "batch", "fine-tune", "vision", "user_data", "evals"))
"""The ``purpose`` values an upload may name (OpenAI's Files API)."""

_FILES_PARAMS = frozenset(("workspace_id", "provider"))
_LIST_PARAMS = _FILES_PARAMS | {
    "limit",
    "cursor",
    "after",
    "after_id",
    "before_id",
    "order",
    "purpose",
}
_WORKSPACES_PARAMS = frozenset(("offset", "limit"))
_NO_PARAMS: frozenset[str] = frozenset()
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class ApiError(Exception):
    """Raised by a handler; turned into the documented error envelope."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        metadata: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or MESSAGES.get(status, "Error"))
        self.status = status
        self.message = message or MESSAGES.get(status, "Error")
        self.metadata = metadata
        self.headers = headers or {}


def error_body(status: int, message: str, metadata: dict[str, Any] | None = None) -> bytes:
    envelope = {
        "error": {"code": status, "message": message, "metadata": metadata},
        "openrouter_metadata": None,
        "user_id": None,
    }
    return json.dumps(envelope, separators=(",", ":")).encode()


def error_response(error: ApiError) -> Response:
    return Response(
        error_body(error.status, error.message, error.metadata),
        status_code=error.status,
        headers=error.headers,
        media_type="application/json",
    )


def format_seconds(seconds: float) -> str:
    """``Retry-After`` value: whole seconds when whole, else a decimal (for fast tests)."""
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


# shapes ----------------------------------------------------------------------------------


_OPENAI_AGENTS = ("OpenAI/", "AsyncOpenAI/", "AzureOpenAI/", "AsyncAzureOpenAI/")


def shape_of(request: Request) -> str:
    if "anthropic-version" in request.headers:
        return "anthropic"
    if request.headers.get("user-agent", "").startswith(_OPENAI_AGENTS):
        return "openai"
    return "openrouter"


def json_response(body: bytes) -> Response:
    return Response(body, media_type="application/json")


def check_params(request: Request, allowed: frozenset[str]) -> None:
    """``ApiError(400)`` naming the first query parameter the endpoint does not take."""
    for name in request.query_params:
        if name not in allowed:
            shown = name if len(name) <= 64 else name[:64] + "…"
            raise ApiError(400, f"Invalid request parameters: unknown query parameter {shown!r}")


def canonical_uuid(value: str, what: str) -> str:
    """The lower-case form of a UUID; ``ApiError(400)`` if ``value`` is not one."""
    if _UUID.fullmatch(value) is None:
        raise ApiError(400, f"Invalid request parameters: {what} must be a UUID")
    return value.lower()


def workspace_json(workspace: StoredWorkspace) -> dict[str, Any]:
    created = format_timestamp(workspace.created_at)
    return {
        "id": workspace.id,
        "name": workspace.name,
        "slug": workspace.slug,
        "description": workspace.description,
        "created_at": created,
        "updated_at": created,
        "created_by": "user_orbrowse_demo",
        "default_guardrail_id": str(uuid5(NAMESPACE_URL, f"guardrail:{workspace.id}")),
        "default_text_model": None,
        "default_image_model": None,
        "default_provider_sort": None,
        "io_logging_api_key_ids": None,
        "io_logging_sampling_rate": 1.0,
        "is_data_discount_logging_enabled": False,
        "is_observability_broadcast_enabled": False,
        "is_observability_io_logging_enabled": False,
        "include_byok_in_budgets": False,
        "disabled_server_tools": [],
    }


def key_json(grant: Grant, workspace_id: str) -> dict[str, Any]:
    return {
        "label": grant.label,
        "workspace_id": workspace_id,
        "is_management_key": grant.is_management,
        "is_provisioning_key": grant.is_management,
        "is_free_tier": False,
        "include_byok_in_limit": False,
        "limit": None,
        "limit_remaining": None,
        "limit_reset": None,
        "usage": 0.0,
        "usage_daily": 0.0,
        "usage_weekly": 0.0,
        "usage_monthly": 0.0,
        "byok_usage": 0.0,
        "byok_usage_daily": 0.0,
        "byok_usage_weekly": 0.0,
        "byok_usage_monthly": 0.0,
        "allowed_data_regions": ["global"],
        "budgets": [],
        "effective_budget": None,
        "creator_user_id": "user_orbrowse_demo",
        "organization_id": None,
        "expires_at": None,
        "free_model_daily_requests": {"limit": 1000, "remaining": 1000, "used": 0},
        "rate_limit": {
            "interval": "10s",
            "note": "This field is deprecated and safe to ignore.",
            "requests": -1,
        },
    }


# cursors ---------------------------------------------------------------------------------


def encode_cursor(file_id: str) -> str:
    """Standard base64 of ``{"cursor":"<id>"}``, as in the published examples."""
    raw = json.dumps({"cursor": file_id}, separators=(",", ":")).encode()
    return base64.b64encode(raw).decode("ascii")


def decode_cursor(cursor: str) -> str:
    """The id inside a cursor; ``ApiError(400)`` if it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        data = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(400, "Invalid cursor") from exc
    if not isinstance(data, dict) or not isinstance(data.get("cursor"), str):
        raise ApiError(400, "Invalid cursor")
    file_id: str = data["cursor"]
    return file_id


# the app ---------------------------------------------------------------------------------


class EmulatorApp:
    """Handlers over one store and one set of keys."""

    def __init__(self, store: Store, keys: Keys) -> None:
        self.store = store
        self.keys = keys

    def authenticate(self, request: Request) -> Grant:
        header = request.headers.get("authorization")
        if not header:
            raise ApiError(401, NO_CREDENTIALS)
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, NO_CREDENTIALS)
        grant = self.keys.grant(token.strip())
        if grant is None:
            raise ApiError(401, UNKNOWN_KEY)
        return grant

    def home_workspace(self, grant: Grant) -> str:
        return grant.workspace_id or self.store.default_workspace_id

    def files_workspace(self, request: Request, grant: Grant) -> str:
        """The workspace a Files call works in, after the ``provider`` and access checks."""
        provider = request.query_params.get("provider")
        if provider is not None:
            if provider not in ("openai", "anthropic"):
                raise ApiError(400, "Invalid request parameters: unknown provider")
            raise ApiError(400, f"No {provider} API key is stored for this account")
        requested = request.query_params.get("workspace_id")
        if requested is None or requested == "":
            return self.home_workspace(grant)
        workspace = self.workspace_by_id(canonical_uuid(requested, "workspace_id"))
        if workspace is None:
            raise ApiError(403, NO_WORKSPACE_ACCESS)
        if not grant.is_management and workspace.id.lower() != self.home_workspace(grant).lower():
            raise ApiError(403, NO_WORKSPACE_ACCESS)
        return workspace.id

    def workspace_by_id(self, canonical: str) -> StoredWorkspace | None:
        """The workspace whose id is ``canonical`` (lower case) in any letter case."""
        found = self.store.workspace(canonical)
        if found is not None and found.id == canonical:
            return found
        for workspace in self.store.workspaces():
            if workspace.id.lower() == canonical:
                return workspace
        return None

    def management(self, request: Request) -> Grant:
        grant = self.authenticate(request)
        if not grant.is_management:
            raise ApiError(403, MANAGEMENT_ONLY)
        return grant

    # files -----------------------------------------------------------------------------------

    async def list_files(self, request: Request) -> Response:
        grant = self.authenticate(request)
        check_params(request, _LIST_PARAMS)
        workspace_id = self.files_workspace(request, grant)
        params = request.query_params
        if params.get("before_id"):
            raise ApiError(400, "before_id is not supported by OpenRouter storage")
        if params.get("order", "asc") != "asc":
            raise ApiError(400, "Only order=asc is supported by OpenRouter storage")
        limit = _int_param(params.get("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT, "limit")
        given = [name for name in ("cursor", "after", "after_id") if params.get(name)]
        if len(given) > 1:
            raise ApiError(400, "Invalid request parameters: do not combine cursor and after")
        after: str | None = None
        if given == ["cursor"]:
            after = decode_cursor(params["cursor"])
        elif given:
            after = params[given[0]]
        purpose = params.get("purpose") or None
        try:
            page = self.store.page(workspace_id, after=after, limit=limit, purpose=purpose)
        except UnknownPosition as exc:
            what = "cursor" if given == ["cursor"] else f"'{given[0]}' id"
            raise ApiError(400, f"Invalid {what}") from exc
        last_id = page.files[-1].id if page.files else None
        cursor = encode_cursor(last_id) if page.has_more and last_id else None
        body = list_body(page.files, shape_of(request), has_more=page.has_more, cursor=cursor)
        return json_response(body)

    async def upload(self, request: Request) -> Response:
        grant = self.authenticate(request)
        check_params(request, _FILES_PARAMS)
        workspace_id = self.files_workspace(request, grant)
        declared = request.headers.get("content-length")
        if (
            declared is not None
            and declared.isdigit()
            and int(declared) > MAX_UPLOAD_BYTES + 1024 * 1024
        ):
            raise ApiError(413)
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise ApiError(400, "Invalid request parameters: expected multipart/form-data")
        try:
            async with request.form(max_files=1, max_fields=10) as form:
                stored = await self._accept(form.get("file"), form.get("purpose"), workspace_id)
        except HTTPException as exc:
            raise ApiError(400, f"Invalid request parameters: {exc.detail}") from exc
        return json_response(file_bytes(stored, shape_of(request)))

    async def _accept(self, part: object, purpose: object, workspace_id: str) -> StoredFile:
        """Check an uploaded part (and its ``purpose`` field) and store it."""
        if not isinstance(part, UploadFile):
            raise ApiError(400, "Invalid request parameters: a 'file' part is required")
        if purpose is None or purpose == "":
            purpose = DEFAULT_PURPOSE
        if not isinstance(purpose, str) or purpose not in PURPOSES:
            choices = ", ".join(sorted(PURPOSES))
            raise ApiError(400, f"Invalid request parameters: purpose must be one of {choices}")
        size = part.size if part.size is not None else await _measure(part.file)
        if size == 0:
            raise ApiError(400, "The file is empty")
        if size > MAX_UPLOAD_BYTES:
            raise ApiError(413)
        filename = part.filename or ""
        problem = filename_problem(filename)
        if problem is not None:
            raise ApiError(400, f"Invalid filename: {problem}")
        mime = await run_in_threadpool(sniff, part.file)
        if mime is None:
            raise ApiError(400, "Unsupported file type")
        if self.store.used_bytes(workspace_id) + size > WORKSPACE_QUOTA_BYTES:
            raise ApiError(403, "Workspace storage quota exceeded (10 GiB)")
        return await run_in_threadpool(
            lambda: self.store.add_file_from(
                workspace_id, filename, part.file, mime_type=mime, purpose=purpose
            )
        )

    def _file(
        self, request: Request, act: Callable[[str, str], StoredFile | None] | None = None
    ) -> tuple[StoredFile, Grant]:
        """The file the path names, passed through ``act`` (by default the store's ``get``);
        404 when the workspace holds no such file."""
        grant = self.authenticate(request)
        check_params(request, _FILES_PARAMS)
        workspace_id = self.files_workspace(request, grant)
        stored = (act or self.store.get)(workspace_id, request.path_params["file_id"])
        if stored is None:
            raise ApiError(404)
        return stored, grant

    async def retrieve(self, request: Request) -> Response:
        stored, _ = self._file(request)
        return json_response(file_bytes(stored, shape_of(request)))

    async def delete(self, request: Request) -> Response:
        stored, _ = self._file(request, self.store.delete)
        shape = shape_of(request)
        if shape == "openai":
            body: dict[str, Any] = {
                "_shape": "openai",
                "id": stored.id,
                "object": "file",
                "deleted": True,
            }
        else:
            body = {"_shape": shape, "id": stored.id, "type": "file_deleted"}
        return json_response(dumps(body))

    async def content(self, request: Request) -> Response:
        stored, _ = self._file(request)
        if not stored.downloadable:
            raise ApiError(
                400,
                "This file was uploaded and cannot be downloaded; only server-created "
                "files can be downloaded",
            )
        basename = stored.filename.rsplit("/", 1)[-1]
        return StreamingResponse(
            iter_content(stored),
            media_type="application/octet-stream",
            headers={
                "content-length": str(stored.size_bytes),
                "content-disposition": f"attachment; filename*=UTF-8''{_quote(basename)}",
            },
        )

    # workspaces and keys -------------------------------------------------------------------

    async def list_workspaces(self, request: Request) -> Response:
        self.management(request)
        check_params(request, _WORKSPACES_PARAMS)
        offset = _int_param(request.query_params.get("offset"), 0, 0, None, "offset")
        limit = _int_param(request.query_params.get("limit"), 50, 1, 100, "limit")
        workspaces = self.store.workspaces()
        chosen = workspaces[offset : offset + limit]
        body = {"data": [workspace_json(w) for w in chosen], "total_count": len(workspaces)}
        return json_response(dumps(body))

    async def get_workspace(self, request: Request) -> Response:
        self.management(request)
        check_params(request, _NO_PARAMS)
        ref: str = request.path_params["ref"]
        workspace = self.store.workspace(ref)
        if workspace is None and _UUID.fullmatch(ref):
            workspace = self.workspace_by_id(ref.lower())
        if workspace is None:
            raise ApiError(404)
        return json_response(dumps({"data": workspace_json(workspace)}))

    async def get_key(self, request: Request) -> Response:
        grant = self.authenticate(request)
        check_params(request, _NO_PARAMS)
        return json_response(dumps({"data": key_json(grant, self.home_workspace(grant))}))


def _int_param(raw: str | None, default: int, low: int, high: int | None, name: str) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ApiError(400, f"Invalid request parameters: {name} must be an integer") from exc
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ApiError(400, f"Invalid request parameters: {name} must be {bound}")
    return value


async def _measure(stream: BinaryIO) -> int:
    def measure() -> int:
        stream.seek(0, 2)
        return stream.tell()

    return await run_in_threadpool(measure)


def _quote(name: str) -> str:
    return quote(name, safe="")


# fault middleware --------------------------------------------------------------------------


class _Dropped(Exception):
    """Raised from ``send`` to stop a handler whose response is being cut."""


def _contains_drop(exc: BaseException) -> bool:
    if isinstance(exc, _Dropped):
        return True
    if isinstance(exc, BaseExceptionGroup):
        return any(_contains_drop(inner) for inner in exc.exceptions)
    return False


class _QuietIncompleteResponses(logging.Filter):
    """Drops uvicorn's error line for the responses we cut on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "ASGI callable returned without completing response."


_quiet_filter = _QuietIncompleteResponses()


def install_log_filter() -> None:
    logger = logging.getLogger("uvicorn.error")
    if _quiet_filter not in logger.filters:
        logger.addFilter(_quiet_filter)


def _not_before(deadline: float, send: Send) -> Send:
    """``send`` holding the answer's first message until ``deadline`` (``time.monotonic()``).

    The latency is a deadline, not a sleep before the handler: the request is handled while
    the answer waits, so the round trip is the latency (plus the timer's lateness), not the
    latency plus the handler's time, as the latency floor in ``benchmarks/`` assumes; the
    deadline is kept as closely as the machine wakes a thread, never early
    (:mod:`orbrowse.emulator.deadline`)."""
    waiting = True

    async def held(message: Message) -> None:
        nonlocal waiting
        if waiting:
            waiting = False
            await wait_until(deadline)
        await send(message)

    return held


class FaultMiddleware:
    """Applies :class:`Faults` around the app (the order is in the faults module docstring)."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        faults = self.faults
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope.get("headers", [])
        }
        method: str = scope["method"]
        path: str = scope["path"]
        request = RecordedRequest(
            method=method,
            path=path,
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            received_at=arrived_at(scope),
        )
        faults.record(request)
        if faults.latency_ms > 0:
            send = _not_before(request.received_at + faults.latency_ms / 1000, send)
        await faults.wait_while_held(path)
        scripted = faults.take_scripted(method, path)
        if scripted is not None and scripted.kind == "fail":
            await _send_scripted(scripted, send)
            return
        drop = scripted is not None
        if not drop:
            rate_key = headers.get("authorization") or str(scope.get("client"))
            decision = faults.check_rate(rate_key)
            if decision is not None and not decision.allowed:
                error = ApiError(
                    429,
                    metadata={"error_type": "rate_limit_exceeded"},
                    headers={
                        "retry-after": str(decision.retry_after),
                        "x-ratelimit-limit": str(decision.limit),
                        "x-ratelimit-remaining": str(decision.remaining),
                        "x-ratelimit-reset": str(decision.reset_ms),
                    },
                )
                await error_response(error)(scope, receive, send)
                return
            if faults.random_rate_limited():
                limited = ApiError(
                    429,
                    metadata={"error_type": "rate_limit_exceeded"},
                    headers={"retry-after": format_seconds(faults.rate_limited_retry_after)},
                )
                await error_response(limited)(scope, receive, send)
                return
            status = faults.random_failure()
            if status is not None:
                extra = {}
                if status == 503:
                    extra["retry-after"] = format_seconds(faults.failure_retry_after)
                await error_response(ApiError(status, headers=extra))(scope, receive, send)
                return
            drop = faults.random_drop()
        if drop:
            await self._cut(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _cut(self, scope: Scope, receive: Receive, send: Send) -> None:
        budget = 0
        sent = 0

        async def cutting_send(message: Message) -> None:
            nonlocal budget, sent
            if message["type"] == "http.response.start":
                length = next(
                    (
                        int(value)
                        for name, value in message.get("headers", [])
                        if name.lower() == b"content-length"
                    ),
                    0,
                )
                budget = length // 2
                await send(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body: bytes = message.get("body", b"")
            room = budget - sent
            if len(body) >= room:
                await send({"type": "http.response.body", "body": body[:room], "more_body": True})
                raise _Dropped
            sent += len(body)
            await send({"type": "http.response.body", "body": body, "more_body": True})

        try:
            await self.app(scope, receive, cutting_send)
        except BaseException as exc:
            if not _contains_drop(exc):
                raise


async def _send_scripted(fault: ScriptedFault, send: Send) -> None:
    headers: list[tuple[bytes, bytes]] = [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in (fault.headers or {}).items()
    ]
    if fault.retry_after is not None:
        headers.append((b"retry-after", format_seconds(fault.retry_after).encode()))
    if fault.body is not None:
        body = fault.body
        content_type = fault.content_type or "application/json"
    else:
        metadata = {"error_type": "rate_limit_exceeded"} if fault.status == 429 else None
        body = error_body(
            fault.status, fault.message or MESSAGES.get(fault.status, "Error"), metadata
        )
        content_type = fault.content_type or "application/json"
    headers.append((b"content-type", content_type.encode()))
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": fault.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# factory ----------------------------------------------------------------------------------


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    return error_response(ApiError(status, MESSAGES.get(status, str(exc.detail))))


def create_app(store: Store, faults: Faults, keys: Keys) -> Starlette:
    """The emulator's ASGI app, with every route under ``/api/v1`` and faults applied."""
    handlers = EmulatorApp(store, keys)
    routes = [
        Route("/files", handlers.list_files, methods=["GET"]),
        Route("/files", handlers.upload, methods=["POST"]),
        Route("/files/{file_id}", handlers.retrieve, methods=["GET"]),
        Route("/files/{file_id}", handlers.delete, methods=["DELETE"]),
        Route("/files/{file_id}/content", handlers.content, methods=["GET"]),
        Route("/workspaces", handlers.list_workspaces, methods=["GET"]),
        Route("/workspaces/{ref}", handlers.get_workspace, methods=["GET"]),
        Route("/key", handlers.get_key, methods=["GET"]),
    ]
    app = Starlette(
        routes=[Mount(API_PREFIX, routes=routes)],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
    )
    app.add_middleware(FaultMiddleware, faults=faults)
    install_log_filter()
    return app


__all__ = [
    "API_PREFIX",
    "DEMO_MANAGEMENT_KEY",
    "DEMO_WORKSPACE_KEY",
    "ApiError",
    "EmulatorApp",
    "FaultMiddleware",
    "Keys",
    "create_app",
    "decode_cursor",
    "encode_cursor",
    "file_json",
]
