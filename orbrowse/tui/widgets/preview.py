"""The preview pane: the first bytes of the file under the cursor, or why there are none.

A dumb widget: the screen's :class:`~orbrowse.tui.preview_loader.PreviewLoader` reads the
content and hands over a :class:`~orbrowse.preview.model.Preview` or a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from orbrowse.preview.model import Preview

LOADING = "loading preview…"


@dataclass(frozen=True, slots=True)
class PaneState:
    """What the pane shows: a preview, or a message (``loading`` for a read in flight)."""

    preview: Preview | None = None
    message: str = ""
    loading: bool = False


class PreviewPane(Widget):
    """Draws a :class:`PaneState`; the content is clipped to the pane's size."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"preview-pane--title", "preview-pane--message"}

    DEFAULT_CSS = """
    PreviewPane {
        height: 1fr;
        padding: 0 1;
        background: $surface;
        color: $foreground;
        overflow: hidden;
        & > .preview-pane--title { color: $text-muted; text-style: bold; }
        & > .preview-pane--message { color: $text-muted; text-style: italic; }
    }
    """

    state: reactive[PaneState] = reactive(PaneState)

    def show(self, preview: Preview) -> None:
        self.state = PaneState(preview=preview)

    def show_message(self, message: str) -> None:
        self.state = PaneState(message=message)

    def show_loading(self) -> None:
        self.state = PaneState(message=LOADING, loading=True)

    def clear(self) -> None:
        if self.state != PaneState():
            self.state = PaneState()

    @property
    def text(self) -> str:
        """What the pane says, as plain text (for tests and the status)."""
        state = self.state
        if state.preview is not None:
            return state.preview.summary()
        return state.message

    def render(self) -> RenderableType:
        state = self.state
        preview = state.preview
        if preview is None:
            style = self.get_component_rich_style("preview-pane--message")
            return Text(state.message, style=style, end="")
        title = Text(
            preview.summary(),
            self.get_component_rich_style("preview-pane--title"),
            no_wrap=True,
            overflow="ellipsis",
        )
        rows = max(1, self.content_size.height - 1)
        return Group(title, preview.body(max_lines=rows, max_rows=rows))
