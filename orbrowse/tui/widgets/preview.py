"""The preview pane: the first bytes of the file under the cursor, or why there are none.

A dumb widget: the screen's :class:`~orbrowse.tui.preview_loader.PreviewLoader` reads the
content and hands over a :class:`~orbrowse.preview.model.Preview` or a message.

Images are drawn by the protocol chosen at start-up (``orbrowse.preview.detect``):
half blocks are text; Kitty placeholders are text too, once the image was sent to the terminal
through ``write`` (Textual's writer queue, so it lands before the frame that shows it). Sixel is
not text: the pane draws blanks where the image goes, and whenever a frame repaints any of the
pane the image is written again after that frame (``after_frame``), at the cells' position.
Never while another screen (a dialog) is on top: the dialog's frame covers the image.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.control import Control
from rich.text import Text
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from orbrowse.preview import kitty, sixel
from orbrowse.preview.detect import HALF_BLOCKS, Graphics
from orbrowse.preview.image import PixelFit, fit_pixels
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

    def __init__(
        self,
        *,
        graphics: Graphics = HALF_BLOCKS,
        write: Callable[[str], None] | None = None,
        after_frame: Callable[[object, str], None] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.graphics = graphics
        self.write = write or (lambda data: None)
        """Writes to the terminal before the next frame (Kitty's image transfers)."""
        self.after_frame = after_frame or (lambda owner, data: None)
        """Writes to the terminal after the frame being composed (Sixel)."""
        self._kitty: tuple[str, int, int, int] | None = None
        """(file id, image id, columns, rows) of the image the terminal holds."""
        self._sixel: tuple[str, PixelFit, str] | None = None
        """(file id, fit, Sixel data) of the last image encoded."""
        self._overlay: tuple[int, str] | None = None
        """(first row below the title, Sixel data) while the pane shows a Sixel image."""

    def on_unmount(self) -> None:
        if self._kitty is not None:
            self.write(kitty.delete(self._kitty[1]))
            self._kitty = None

    def watch_state(self, state: PaneState) -> None:
        if self._kitty is not None and (state.preview is None or state.preview.image is None):
            self.write(kitty.delete(self._kitty[1]))
            self._kitty = None

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
        self._overlay = None  # a Sixel only while this render draws one
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
        if preview.image is not None and self.graphics.protocol != "halfblock":
            body = self._graphic(preview, self.content_size.width, rows)
        else:
            back = self.background_colors[1].rgb
            body = preview.body(max_lines=rows, max_rows=rows, background=back)
        return Group(title, body)

    def _graphic(self, preview: Preview, columns: int, rows: int) -> RenderableType:
        assert preview.image is not None
        thumbnail = preview.image.thumbnail
        if self.graphics.protocol == "kitty":
            fit = fit_pixels(thumbnail.size, columns, min(rows, kitty.MAX_ROWS), self.graphics.cell)
            sent = self._kitty
            if sent is None or sent[0] != preview.file_id or sent[2:] != (fit.columns, fit.rows):
                if sent is not None:
                    self.write(kitty.delete(sent[1]))
                image_id = kitty.new_image_id()
                self.write(kitty.transmit(thumbnail, image_id, fit.columns, fit.rows))
                self._kitty = sent = (preview.file_id, image_id, fit.columns, fit.rows)
            return kitty.Placeholders(sent[1], fit.columns, fit.rows)
        cell_width, cell_height = self.graphics.cell
        columns = min(columns, sixel.MAX_SIDE // cell_width)
        fit = fit_pixels(
            thumbnail.size,
            columns,
            min(rows, sixel.MAX_SIDE // cell_height),
            (cell_width, cell_height),
        )
        cached = self._sixel
        if cached is None or cached[0] != preview.file_id or cached[1] != fit:
            scaled = thumbnail.resize((fit.width, fit.height))
            cached = self._sixel = (preview.file_id, fit, sixel.encode(scaled))
        self._overlay = (1, cached[2])
        return Text("\n" * (fit.rows - 1), end="")

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        overlay = self._overlay
        if overlay is not None and self.app.screen is self.screen:  # not under a dialog
            # The frame repaints (part of) the pane, blanks over the image: draw it again after.
            top, data = overlay
            content = self.content_region
            move = Control.move_to(content.x, content.y + top).segment.text
            self.after_frame(self, "\x1b7" + move + data + "\x1b8")  # cursor saved, restored
        return lines
