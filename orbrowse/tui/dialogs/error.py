"""An error that needs more than a notification: what happened and what to do."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from orbrowse.tui.dialogs._common import CSS_PATH, plain


class ErrorDialog(ModalScreen[bool]):
    """Shows an error; dismisses with ``True`` only when the user chose Retry.

    ``message`` and ``hint`` are shown as plain text: server messages can never style it.
    """

    CSS_PATH = CSS_PATH
    AUTO_FOCUS = "#close"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="dialog.close"),
        Binding("r", "retry", "Retry", id="dialog.retry"),
    ]

    def __init__(self, title: str, message: str, hint: str = "", *, retry: bool = False) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._message = message
        self._hint = hint
        self._retry = retry

    @classmethod
    def from_error(cls, title: str, error: BaseException, *, retry: bool = False) -> ErrorDialog:
        """The dialog for an exception of the client (its message and its hint)."""
        hint = getattr(error, "hint", "")
        return cls(
            title,
            str(error) or type(error).__name__,
            hint if isinstance(hint, str) else "",
            retry=retry,
        )

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small -error"):
            yield Static(Text(self._title), classes="dialog-title")
            yield Static(plain(self._message), id="message")
            if self._hint:
                yield Static(plain(self._hint), id="hint", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                if self._retry:
                    yield Button("Retry", id="retry", variant="primary")
                yield Button("Close", id="close")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self._retry
        return True

    def action_close(self) -> None:
        self.dismiss(False)

    def action_retry(self) -> None:
        self.dismiss(True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "retry")
