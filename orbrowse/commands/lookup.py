"""Fetch metadata for many ids at once, with bounded concurrency, keeping their order."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import AuthenticationError, OpenRouterError, PermissionDeniedError
from orbrowse.api.models import FileObject

Lookup = FileObject | OpenRouterError
"""A file's metadata, or why it could not be fetched."""


async def lookup_files(
    client: FilesClient, ids: Sequence[str], *, concurrency: int = 8
) -> list[Lookup]:
    """Each id's metadata or error, in the order given.

    A refused key (401/403) would fail every id the same way: it is raised instead.
    """
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(file_id: str) -> Lookup:
        async with gate:
            try:
                return await client.get_file(file_id)
            except (AuthenticationError, PermissionDeniedError):
                raise
            except OpenRouterError as error:
                return error

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(file_id)) for file_id in ids]
    except ExceptionGroup as failure:
        # Raise the refused key itself, so the caller sees one plain error.
        first = failure.exceptions[0]
        if isinstance(first, OpenRouterError):
            raise first from None
        raise
    return [task.result() for task in tasks]
