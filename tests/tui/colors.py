"""Contrast of what a widget draws, as WCAG measures it."""

from __future__ import annotations

from textual.color import Color
from textual.widget import Widget

AA_TEXT = 4.5
"""WCAG AA's least contrast ratio for text."""


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""

    def luminance(color: Color) -> float:
        channels = [v / 255 for v in color.rgb]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def component_contrast(widget: Widget, component: str) -> float:
    """The ratio of a component class's text colour to the background it is drawn on (its
    own, else the widget's), as the widget resolves them for the current theme."""
    style = widget.get_component_rich_style(component)
    assert style.color is not None, f"{component} has no colour"
    back = widget.background_colors[1]
    if style.bgcolor is not None:
        back = Color.from_rich_color(style.bgcolor)
    return contrast(Color.from_rich_color(style.color), back)
