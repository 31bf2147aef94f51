"""Contrast of what a widget draws, as WCAG measures it."""

from __future__ import annotations

from textual._compositor import visible_screen_stack
from textual.app import App
from textual.color import Color
from textual.filter import dim_color
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Checkbox, RadioButton

from orbrowse.preview import contrast as wcag
from orbrowse.preview.contrast import AA_TEXT
from orbrowse.tui.themes import LEFT_OUT

__all__ = [
    "AA_TEXT",
    "component_contrast",
    "contrast",
    "low_text",
    "lowest_contrast",
    "offered_themes",
]


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    return wcag.contrast(a.rgb, b.rgb)


def offered_themes(app: App[object]) -> list[str]:
    """Every theme orbrowse offers (``theme`` in the config, the palette's theme list) whose
    colours are its own: the ``ansi-*`` themes draw in the terminal's palette, unknown here.
    ``app`` may be another app hosting one of orbrowse's dialogs (it has every theme)."""
    offered = (name for name in app.available_themes if name not in LEFT_OUT)
    return sorted(name for name in offered if not name.startswith("ansi-"))


def component_contrast(widget: Widget, component: str) -> float:
    """The ratio of a component class's text colour to the background it is drawn on (its
    own, else the widget's), as the widget resolves them for the current theme."""
    style = widget.get_component_rich_style(component)
    assert style.color is not None, f"{component} has no colour"
    back = widget.background_colors[1]
    if style.bgcolor is not None:
        back = Color.from_rich_color(style.bgcolor)
    return contrast(Color.from_rich_color(style.color), back)


def lowest_contrast(widget: Widget, strip: Strip) -> float:
    """The lowest ratio of any visible text in a line the widget rendered, its dim text
    dimmed as Textual draws it (blended towards the background)."""
    back = widget.background_colors[1].rich_color
    ratios = []
    for segment in strip:
        style = segment.style
        if not segment.text.strip() or style is None or style.color is None:
            continue
        under = style.bgcolor or back
        fore = dim_color(under, style.color) if style.dim else style.color
        assert fore.triplet is not None and under.triplet is not None, style
        ratios.append(wcag.contrast(fore.triplet, under.triplet))
    assert ratios, f"no text in {strip.text!r}"
    return min(ratios)


def _is_drawing(char: str) -> bool:
    """Box drawing and block elements: borders, scrollbars, bars and half-block images are
    lines and shapes, not text."""
    return 0x2500 <= ord(char) <= 0x259F


def _is_emoji(char: str) -> bool:
    """A pictograph (the palette's 🔎): terminals draw it in its own colours."""
    return ord(char) >= 0x1F000


def low_text(screen: Screen[object], floor: float = AA_TEXT) -> dict[str, float]:
    """Every run of text the screen draws under ``floor`` against the background it is drawn
    on, as ``"y:x 'text'"`` -> its ratio, dim text dimmed as Textual draws it. Only the
    screen's own enabled widgets count (WCAG exempts inactive components): what a dialog's
    see-through backdrop shows of the screen below is out of use while the dialog is up, and
    so is a disabled button or a footer key greyed out (an unchecked box's faint mark is a
    state, not text). Lines and blocks (borders,
    scrollbars, bars) are not text."""
    compositor = screen._compositor
    visible_screen_stack.set(screen.app._background_screens)
    strips = compositor.render_strips()
    low: dict[str, float] = {}
    for y, strip in enumerate(strips):
        x = 0
        for segment in strip:
            start, x = x, x + segment.cell_length
            text, style = segment.text, segment.style
            if style is None or style.color is None:
                continue
            if all(c.isspace() or _is_drawing(c) or _is_emoji(c) for c in text):
                continue
            drawn_by, _ = compositor.get_widget_at(start, y)
            if drawn_by is screen or drawn_by.is_disabled or drawn_by.has_class("-disabled"):
                continue
            if isinstance(drawn_by, Checkbox | RadioButton) and not drawn_by.value and text == "X":
                continue  # an unchecked box's mark, faint on purpose: a state, not text
            under = style.bgcolor
            assert under is not None, (y, start, text)
            fore = dim_color(under, style.color) if style.dim else style.color
            assert fore.triplet is not None and under.triplet is not None, style
            ratio = wcag.contrast(fore.triplet, under.triplet)
            if ratio < floor:
                low[f"{y}:{start} {text.strip()[:24]!r}"] = round(ratio, 2)
    return low
