"""An input whose placeholder, cut for width, ends in "…".

Textual's ``Input`` wraps a placeholder longer than the box and shows its first line: the
text stops at a word with no sign that more was there ("…paste a workspace ID", its
"(UUID)" gone). This one shows the placeholder whole when it fits, else cut with "…".
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.strip import Strip
from textual.widgets import Input

from orbrowse.listing.formatting import fit


class FittingInput(Input):
    """An ``Input`` whose placeholder is cut with "…" to the box's width."""

    def __init__(self, *, placeholder: str = "", **keywords: Any) -> None:
        super().__init__(placeholder=placeholder, **keywords)
        self.whole_placeholder = placeholder
        """The placeholder as given; ``placeholder`` is what fits of it."""

    def render_line(self, y: int) -> Strip:
        # Fitted as it is drawn, not on Resize: Textual (8.2.8) can leave a box shown after the
        # first layout without one. A refresh of a widget it has not placed (one in a hidden
        # column, one mounted late) marks its map of the screen for a lazy rebuild; the box,
        # marked for repainting as it is shown, looks up its size and so rebuilds the map with
        # itself in place, and the layout that follows, comparing against that map, finds the
        # box neither shown nor resized (benchmarks/README.md, start-up).
        if y == 0 and not self.value:
            width = self.scrollable_content_region.width
            whole = self.whole_placeholder
            fitted = fit(whole, width) if cell_len(whole) > width else whole
            if fitted != self.placeholder:
                self.set_reactive(Input.placeholder, fitted)  # being drawn now: no refresh
        return super().render_line(y)
