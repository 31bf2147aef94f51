"""Where you are: a one-line banner naming the workspace in its config colour, and the same
colour and label on the border of every dialog opened over it.

The colour comes from the config (already checked against a list of names and hex forms);
one that Textual cannot read is dropped here too, never raised. Labels and names are plain
text in a ``Text``: config or server text never becomes markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App
from textual.color import BLACK, WHITE, Color, ColorParseError
from textual.widget import Widget
from textual.widgets import Static

from orbrowse.listing.workspace_label import WorkspaceLabel
from orbrowse.preview.contrast import is_dark
from orbrowse.tui.base import OrbrowseBase


def parse_color(text: str) -> Color | None:
    """The Textual colour of a config colour, or ``None`` (none set, or not readable)."""
    if not text:
        return None
    try:
        return Color.parse(text)
    except ColorParseError:
        return None


def open_workspace(app: App[object]) -> tuple[WorkspaceLabel, Color | None] | None:
    """The open workspace's label and colour, or ``None`` when none is open (or not our app)."""
    if not isinstance(app, OrbrowseBase) or app.workspace is None:
        return None
    choice = app.workspace
    return app.label_for(choice), parse_color(app.settings.style_of(choice.id).color)


def text_on(color: Color) -> Color:
    """Black or white, whichever contrasts more with ``color`` as WCAG measures it (Textual's
    ``get_contrast_text`` goes by brightness: white on red, 4.0:1, where black is 5.3)."""
    return WHITE if is_dark(color.rgb) else BLACK


def stands_out(label: WorkspaceLabel, color: Color | None) -> bool:
    """Whether the workspace is set apart (a label, a colour or read-only)."""
    return bool(label.badge) or color is not None


class WorkspaceBanner(Static):
    """``🔒 PROD · Production (production, 5d3f2a1c) · read-only``, on the workspace's colour.

    Hidden for a workspace the config does not set apart (no label, colour or lock).
    """

    DEFAULT_CSS = """
    WorkspaceBanner {
        height: 1;
        padding: 0 1;
        background: $warning-muted;
        color: $text;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text(""), id=id)
        self.display = False

    def show(self, label: WorkspaceLabel, color: Color | None) -> None:
        self.display = stands_out(label, color)
        suffix = " · read-only" if label.read_only else ""
        self.update(Text(label.full + suffix, end=""))
        if color is not None:
            self.styles.background = color
            self.styles.color = text_on(color)
            self.styles.auto_color = False  # $text is "auto": Textual's choice, not this one
        else:
            self.styles.clear_rule("background")
            self.styles.clear_rule("color")
            self.styles.clear_rule("auto_color")

    def show_open_workspace(self) -> None:
        """Show the app's open workspace (nothing, when none is open)."""
        found = open_workspace(self.app)
        if found is not None:
            self.show(*found)


def mark_frame(frame: Widget) -> None:
    """Put the open workspace's lock and label on ``frame``'s border, in its colour."""
    found = open_workspace(frame.app)
    if found is None or not stands_out(*found):
        return
    label, color = found
    frame.border_title = Text(f" {label.badge or label.description} ")
    if color is not None:
        frame.styles.border = ("thick", color)
        frame.styles.border_title_color = text_on(color)
        frame.styles.border_title_background = color
