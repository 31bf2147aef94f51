"""The themes orbrowse leaves out are exactly Textual's whose own text is under 4.5:1 on their
own background, surface or panel; the app does not offer them."""

from __future__ import annotations

from textual.app import App
from textual.color import Color

from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.themes import LEFT_OUT
from tests.tui.app_driver import AppFactory
from tests.tui.colors import AA_TEXT, contrast


def own_text_contrast(app: App[object], theme: str) -> float:
    app.theme = theme
    variables = app.get_css_variables()
    background = Color.parse(variables["background"])
    fore = Color.parse(variables["foreground"])
    grounds = [background + Color.parse(variables[name]) for name in ("surface", "panel")]
    return min(contrast(fore, ground) for ground in [background, *grounds])


def test_the_themes_left_out_are_those_whose_own_text_is_unreadable() -> None:
    app: App[object] = App()
    textual = [name for name in app.available_themes if not name.startswith("ansi-")]
    unreadable = {name for name in textual if own_text_contrast(app, name) < AA_TEXT}
    assert unreadable == LEFT_OUT
    assert {"textual-dark", "textual-light"}.isdisjoint(unreadable)


async def test_the_app_does_not_offer_them(make_app: AppFactory) -> None:
    app: OrbrowseApp = make_app(theme="solarized-dark")  # as if the config named it
    async with app.run_test():
        assert app.theme == "textual-dark"
        assert LEFT_OUT.isdisjoint(app.available_themes)
        assert "nord" in app.available_themes
