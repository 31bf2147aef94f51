"""The folder view's path above the table (``/ data / exports /``), fitted to its width each
time it is drawn: a deep path gives up its first segments, never where you are."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual.widgets import Static

from orbrowse.listing.folders import Folder, breadcrumb


class Breadcrumb(Static):
    """Shows :meth:`show`'s folder; styled in the browser's stylesheet (``#breadcrumb``)."""

    _folder: Folder | None = None

    def show(self, folder: Folder) -> None:
        self._folder = folder
        self.refresh()

    def render(self) -> RenderResult:
        if self._folder is None:
            return Text("")
        width = self.content_size.width or None
        return Text(breadcrumb(self._folder, width), no_wrap=True, overflow="ellipsis")
