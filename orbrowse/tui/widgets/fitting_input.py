"""An input whose placeholder, cut for width, ends in "…".

Textual's ``Input`` wraps a placeholder longer than the box and shows its first line: the
text stops at a word with no sign that more was there ("…paste a workspace ID", its
"(UUID)" gone). This one shows the placeholder whole when it fits, else cut with "…".
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual import events
from textual.widgets import Input

from orbrowse.listing.formatting import fit


class FittingInput(Input):
    """An ``Input`` whose placeholder is cut with "…" to the box's width."""

    def __init__(self, *, placeholder: str = "", **keywords: Any) -> None:
        super().__init__(placeholder=placeholder, **keywords)
        self.whole_placeholder = placeholder
        """The placeholder as given; ``placeholder`` is what fits of it."""

    def on_resize(self, _event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        whole = self.whole_placeholder
        self.placeholder = fit(whole, width) if cell_len(whole) > width else whole
