"""Wait for the listing to end before acting on folders: "listing… N files so far".

The API has no prefix filter: which files lie under a folder is known only once the whole
workspace is listed. Deleting, downloading or copying a folder first waits here; the browser
keeps listing meanwhile. Escape cancels (nothing is done); if the listing stops on an error,
Enter (or ``r``) asks the browser to go on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Static

from orbrowse.listing.formatting import visible_text
from orbrowse.tui.dialogs.base import Dialog, DialogFrame

POLL_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class ListingState:
    """What the dialog shows: files listed so far, whether that is all, why it stopped."""

    loaded: int
    complete: bool
    error: str | None = None


class WaitForListingDialog(Dialog[bool]):
    """Dismisses with ``True`` once the listing is complete, ``False`` when cancelled."""

    AUTO_FOCUS = "#cancel"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "retry",
            "Go on listing",
            id="wait_listing.retry",
            tooltip="After an error: ask the browser to list on from where it stopped",
        ),
    ]

    def __init__(
        self, what: str, state: Callable[[], ListingState], retry: Callable[[], None]
    ) -> None:
        super().__init__(cancel_result=False)
        self.what = what
        self._state = state
        self._retry = retry
        self._done = False

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog -small"):
            yield Static(Text(f"{self.what}: listing the workspace first"), classes="dialog-title")
            yield Static(
                Text(
                    "A folder's files are known only once every file is listed "
                    "(the API has no folder filter)."
                ),
                classes="dialog-hint",
            )
            yield Static(Text(""), id="progress")
            with Horizontal(classes="dialog-buttons dialog-actions"):
                yield Button("Go on listing", id="retry", variant="warning", classes="hidden")
                yield Button("Cancel", id="cancel", variant="primary")

    def on_mount(self) -> None:
        self._poll()
        self.set_interval(POLL_SECONDS, self._poll)

    def _poll(self) -> None:
        if self._done:
            return
        state = self._state()
        if state.complete:
            self._done = True
            self.dismiss(True)
            return
        text = f"listing… {state.loaded:,} files so far"
        if state.error:
            text += f"\nstopped: {visible_text(state.error)}"
        self.query_one("#progress", Static).update(Text(text))
        self.query_one("#retry").set_class(state.error is None, "hidden")

    def action_retry(self) -> None:
        if self._state().error is not None:
            self._retry()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "retry":
            self.action_retry()
        elif not self._done:
            self._done = True
            self.dismiss(False)
