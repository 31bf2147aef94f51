"""A scrollable view of a Rich renderable drawn once at the view's width, with line search.

The renderable is rendered to lines on resize only; ``render_line`` returns cached strips
(the line API, as in toolong), so scrolling a long preview costs nothing. Search runs over
the very text that is shown, so a match is always where the reader sees it.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

MATCH_STYLE = Style(reverse=True)


class RenderedView(ScrollView, can_focus=True):
    """Shows ``renderable``; :meth:`find` moves to the next line containing a text."""

    DEFAULT_CSS = """
    RenderedView {
        height: 1fr;
        background: $surface;
    }
    """

    def __init__(self, renderable: RenderableType, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.renderable = renderable
        self.lines: list[Strip] = []
        self.texts: list[str] = []
        self.match_line: int | None = None
        self._width = 0

    def set_renderable(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._width = 0
        self._layout_lines()

    def on_resize(self) -> None:
        self._layout_lines()

    def watch_show_vertical_scrollbar(self) -> None:
        # The scrollbar came (or went) after the lines were drawn for the width without it:
        # drawn again for the width left, or the lines stick out by its 2 columns and a
        # horizontal scrollbar takes a row.
        self.call_after_refresh(self._layout_lines)

    def _layout_lines(self) -> None:
        width = max(1, self.scrollable_content_region.width)
        if width == self._width and self.lines:
            return
        self._width = width
        console = self.app.console
        options = console.options.update(width=width, height=None, highlight=False)
        rendered = console.render_lines(self.renderable, options, pad=False)
        self.lines = [Strip(Segment.simplify(line)) for line in rendered]
        self.texts = ["".join(segment.text for segment in line) for line in rendered]
        content_width = max((strip.cell_length for strip in self.lines), default=0)
        self.virtual_size = Size(max(content_width, width), len(self.lines))
        self.refresh()

    def find(self, query: str, *, forward: bool = True) -> int | None:
        """Scroll to the next (or previous) line holding ``query``, case-insensitively."""
        needle = query.casefold()
        if not needle or not self.texts:
            return None
        count = len(self.texts)
        start = self.match_line if self.match_line is not None else (-1 if forward else count)
        for step in range(1, count + 1):
            index = (start + step) % count if forward else (start - step) % count
            if needle in self.texts[index].casefold():
                self.match_line = index
                self.scroll_to(y=max(0, index - 2), animate=False)
                self.refresh()
                return index
        return None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        base = self.rich_style
        strip = self.lines[index].crop_extend(scroll_x, scroll_x + width, base).apply_style(base)
        if index == self.match_line:
            strip = strip.apply_style(MATCH_STYLE)
        return strip
