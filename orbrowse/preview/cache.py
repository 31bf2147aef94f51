"""Previews kept per file id, least recently used first out, within a memory budget."""

from __future__ import annotations

from collections import OrderedDict

from orbrowse.preview.model import Preview

DEFAULT_BUDGET = 4 * 1024 * 1024


class PreviewCache:
    """An LRU of :class:`Preview` by file id whose entries' ``cost`` sums to at most ``budget``."""

    def __init__(self, budget: int = DEFAULT_BUDGET) -> None:
        self.budget = budget
        self.used = 0
        self._entries: OrderedDict[str, Preview] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, file_id: str) -> Preview | None:
        preview = self._entries.get(file_id)
        if preview is not None:
            self._entries.move_to_end(file_id)
        return preview

    def put(self, preview: Preview) -> None:
        """Keep ``preview``; one larger than the whole budget is not kept."""
        self.discard(preview.file_id)
        if preview.cost > self.budget:
            return
        self._entries[preview.file_id] = preview
        self.used += preview.cost
        while self.used > self.budget:
            _, oldest = self._entries.popitem(last=False)
            self.used -= oldest.cost

    def discard(self, file_id: str) -> None:
        old = self._entries.pop(file_id, None)
        if old is not None:
            self.used -= old.cost
