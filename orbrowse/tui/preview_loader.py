"""Follows the cursor with a preview: waits for it to rest, reads a bounded sample, caches it.

Holding ``j`` costs no request: each move restarts a short timer and cancels the read in
flight, and a read starts only when the cursor has rested for :data:`REST_SECONDS`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.dom import DOMNode
from textual.worker import Worker

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import OpenRouterError, describe
from orbrowse.api.models import FileObject
from orbrowse.preview.cache import PreviewCache
from orbrowse.preview.model import DISABLED_REASON, UPLOADED_REASON, Preview, build_preview
from orbrowse.tui.widgets.preview import PreviewPane

REST_SECONDS = 0.15


class PreviewLoader:
    """Owned by a screen (``host``), which runs the reads as its workers."""

    def __init__(
        self,
        host: DOMNode,
        client: FilesClient,
        pane: PreviewPane,
        *,
        max_bytes: int,
        cache: PreviewCache | None = None,
        rest_seconds: float = REST_SECONDS,
        active: Callable[[], bool] = lambda: True,
    ) -> None:
        self.host = host
        self.client = client
        self.pane = pane
        self.max_bytes = max_bytes
        self.cache = cache or PreviewCache()
        self.rest_seconds = rest_seconds
        self.active = active
        """Whether the pane is shown at all: no reads for a collapsed pane."""
        self.wanted: FileObject | None = None
        self.reads_started = 0
        self._timer: asyncio.TimerHandle | None = None
        self._worker: Worker[None] | None = None

    def follow(self, file: FileObject | None) -> None:
        """The cursor is on ``file`` now: show its preview once the cursor rests there."""
        if file is not None and file == self.wanted and self._busy():
            return
        self.wanted = file
        self._stop()
        if file is None or not self.active():
            self.pane.clear()
            return
        if not file.downloadable:
            self.pane.show_message(UPLOADED_REASON)
            return
        if self.max_bytes <= 0:
            self.pane.show_message(DISABLED_REASON)
            return
        cached = self.cache.get(file.id)
        if cached is not None:
            self.pane.show(cached)
            return
        self.pane.clear()
        # A bare loop timer: a Textual Timer would start (and cancel) a task on every move.
        self._timer = asyncio.get_running_loop().call_later(self.rest_seconds, self._rested)

    def refresh(self) -> None:
        """Show the wanted file again: the pane was shown again, or hidden.

        A read already on its way for it is kept: the screen resumes (its first time, and back
        from every dialog) while a read is in flight, and cancelling it would send a second."""
        if self.wanted is not None and self._busy() and self.active():
            return
        file, self.wanted = self.wanted, None
        self.follow(file)

    @property
    def idle(self) -> bool:
        """No rest timer running and no read in flight."""
        return not self._busy()

    def _busy(self) -> bool:
        return self._timer is not None or (
            self._worker is not None and not self._worker.is_finished
        )

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._worker is not None and not self._worker.is_finished:
            self._worker.cancel()
        self._worker = None

    def _rested(self) -> None:
        self._timer = None
        file = self.wanted
        if file is not None and self.active():
            self._start(file)

    def _start(self, file: FileObject) -> Worker[None]:
        async def load() -> None:
            # A function, not a coroutine object: a worker cancelled before it starts then
            # leaves no coroutine that was never awaited.
            await self._load(file)

        self._worker = self.host.run_worker(
            load, group="preview", exclusive=True, exit_on_error=False
        )
        return self._worker

    async def fetch(self, file: FileObject) -> Preview:
        """The preview of ``file``: from the cache, or read (at most ``max_bytes``) and kept."""
        cached = self.cache.get(file.id)
        if cached is not None:
            return cached
        self.reads_started += 1
        sample = await self.client.read_content(file.id, self.max_bytes)
        # Decoding an image may take a few milliseconds: not on the event loop.
        preview = await asyncio.to_thread(
            build_preview, file, sample.data, complete=sample.complete
        )
        self.cache.put(preview)
        return preview

    async def _load(self, file: FileObject) -> None:
        self.pane.show_loading()
        try:
            preview = await self.fetch(file)
        except OpenRouterError as error:
            if self.wanted == file:
                self.pane.show_message(f"No preview: {describe(error)}")
            return
        if self.wanted == file:
            self.pane.show(preview)
