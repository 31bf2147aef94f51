"""WCAG contrast: how far apart two colours' luminances are, and a colour made readable."""

from __future__ import annotations

from functools import lru_cache

Rgb = tuple[int, int, int]

AA_TEXT = 4.5
"""WCAG AA's least contrast ratio for text."""


def luminance(rgb: Rgb) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    channels = [value / 255 for value in rgb]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Rgb, b: Rgb) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def is_dark(background: Rgb) -> bool:
    """White text contrasts more with it than black does."""
    return contrast(background, (255, 255, 255)) > contrast(background, (0, 0, 0))


@lru_cache(maxsize=256)  # a syntax theme has a few dozen colours, a preview thousands of tokens
def readable(rgb: Rgb, background: Rgb, ratio: float = AA_TEXT) -> Rgb:
    """``rgb``, or the least mix of it toward white (on a dark background) or black that
    reaches ``ratio`` against ``background``: the hue stays as far as it can."""
    target = (255, 255, 255) if is_dark(background) else (0, 0, 0)
    for step in range(21):
        share = step / 20
        mixed = (
            round(rgb[0] + (target[0] - rgb[0]) * share),
            round(rgb[1] + (target[1] - rgb[1]) * share),
            round(rgb[2] + (target[2] - rgb[2]) * share),
        )
        if contrast(mixed, background) >= ratio:
            return mixed
    return target
