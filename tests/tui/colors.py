"""Contrast of what a widget draws, as WCAG measures it."""

from __future__ import annotations

from textual.app import App
from textual.color import Color
from textual.filter import dim_color
from textual.strip import Strip
from textual.widget import Widget

from orbrowse.preview import contrast as wcag
from orbrowse.preview.contrast import AA_TEXT

__all__ = ["AA_TEXT", "component_contrast", "contrast", "lowest_contrast", "offered_themes"]


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    return wcag.contrast(a.rgb, b.rgb)


def offered_themes(app: App[object]) -> list[str]:
    """Every theme the app offers (``theme`` in the config, the palette's theme list) whose
    colours are its own: the ``ansi-*`` themes draw in the terminal's palette, unknown here."""
    return sorted(name for name in app.available_themes if not name.startswith("ansi-"))


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
