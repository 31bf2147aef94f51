"""The one way to build the API client from settings (the browser and every subcommand)."""

from __future__ import annotations

from orbrowse.api.client import FilesClient, RequestObserver
from orbrowse.api.retry import RetryPolicy
from orbrowse.config import Settings


class NoKeyError(ValueError):
    """The settings hold no API key, so there is nothing to connect with."""


def client_for(
    settings: Settings,
    *,
    observer: RequestObserver | None = None,
    retry: RetryPolicy | None = None,
) -> FilesClient:
    """A client for ``settings`` (use ``async with``, or ``aclose()``; one per event loop).

    Raises :class:`NoKeyError` without a key, and the client's own errors for a base URL it
    refuses (plain http to another host without ``allow_insecure_http``).
    """
    if not settings.api_key:
        raise NoKeyError("no API key")
    return FilesClient(
        settings.api_key,
        base_url=settings.base_url,
        workspace_id=settings.workspace,
        allow_insecure_http=settings.allow_insecure_http,
        observer=observer,
        retry=retry,
        stall_timeout=settings.stall_timeout,
        request_timeout=settings.request_timeout,
    )
