"""The themes orbrowse offers: Textual's, less those whose own text colour is under 4.5:1
(WCAG AA) on their own panels.

Their text is the theme: atom-one-dark's $foreground is 3.45:1 on its $panel (the header,
the footer, every dialog), solarized-dark's 4.11 on its $surface (the file list), solarized-
light's 4.39, tokyo-night's 4.23 on its $panel. Any rule that made them readable would draw
their text in another colour than theirs (tests/tui/test_themes.py measures every theme)."""

from __future__ import annotations

LEFT_OUT = frozenset({"atom-one-dark", "solarized-dark", "solarized-light", "tokyo-night"})
"""Not registered in the app: neither the config's ``theme`` nor the palette's list has them."""
