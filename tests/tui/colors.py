"""Contrast of what a widget draws, as WCAG measures it."""

from __future__ import annotations

from textual.color import Color
from textual.widget import Widget

from orbrowse.preview import contrast as wcag
from orbrowse.preview.contrast import AA_TEXT

__all__ = ["AA_TEXT", "component_contrast", "contrast"]


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    return wcag.contrast(a.rgb, b.rgb)


def component_contrast(widget: Widget, component: str) -> float:
    """The ratio of a component class's text colour to the background it is drawn on (its
    own, else the widget's), as the widget resolves them for the current theme."""
    style = widget.get_component_rich_style(component)
    assert style.color is not None, f"{component} has no colour"
    back = widget.background_colors[1]
    if style.bgcolor is not None:
        back = Color.from_rich_color(style.bgcolor)
    return contrast(Color.from_rich_color(style.color), back)
