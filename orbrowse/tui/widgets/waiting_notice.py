"""A line in the middle of an empty screen saying what the app waits for (the workspaces, over
a slow link), so a blank terminal is never all a user sees."""

from __future__ import annotations

from textual.widgets import Static


class WaitingNotice(Static):
    """Centred, dimmed text on the screen behind what comes next."""

    DEFAULT_CSS = """
    WaitingNotice {
        width: 1fr;
        height: 1fr;
        content-align: center middle;
        color: $text-muted;
    }
    """
