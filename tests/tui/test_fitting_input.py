"""The placeholder is cut to the box's width whenever the box is drawn, even when Textual sends
it no Resize."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from orbrowse.tui.widgets.fitting_input import FittingInput

PLACEHOLDER = "filter: text re:regex type:image/ >10MB older:30d, ! inverts"


class HiddenBoxApp(App[None]):
    CSS = "#hidden-column { display: none; } #box { dock: bottom; height: 3; }"

    def compose(self) -> ComposeResult:
        with Vertical(id="hidden-column"):
            yield Static("fields", id="fields")
        yield FittingInput(placeholder=PLACEHOLDER, id="box")

    def on_mount(self) -> None:
        self.query_one(FittingInput).display = False


def placeholder_line(app: App[None]) -> str:
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    [line] = [line for line in lines if "filter: text" in line]
    return line[line.index("filter: text") :].rstrip(" █▌▐▎▊")


async def test_a_box_shown_after_a_hidden_widget_refreshed_cuts_its_placeholder() -> None:
    # The widget in the hidden column refreshes: Textual marks its map of the screen to be
    # rebuilt lazily. Shown then, the box looks up its size as it is marked for repainting,
    # which rebuilds the map with the box in place: the layout after it found the box neither
    # shown nor resized and sent it no Resize (the browser's filter box at 60 columns, once the
    # detail pane was mounted after the first frame).
    app = HiddenBoxApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        app.query_one("#fields", Static).update("other fields")
        await pilot.pause()
        app.query_one(FittingInput).display = True
        await pilot.pause()
        shown = placeholder_line(app)
        assert shown.endswith("…"), shown
        assert PLACEHOLDER.startswith(shown[:-1])


async def test_a_box_made_wider_shows_its_placeholder_whole() -> None:
    app = HiddenBoxApp()
    async with app.run_test(size=(40, 10)) as pilot:
        app.query_one(FittingInput).display = True
        await pilot.pause()
        assert placeholder_line(app).endswith("…")
        await pilot.resize_terminal(100, 10)
        await pilot.pause()
        assert placeholder_line(app) == PLACEHOLDER
