"""What the dialog tests share: a host app that pushes one dialog (waits: ``app_driver``)."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.app import App
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from orbrowse.api.retry import RetryPolicy

NO_RETRY = RetryPolicy(max_attempts=1)

ResultT = TypeVar("ResultT")


class Host(App[None], Generic[ResultT]):
    """Pushes one dialog and records what it dismissed with."""

    def __init__(self, dialog: ModalScreen[ResultT]) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[ResultT | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


def text_of(node: DOMNode, selector: str) -> str:
    return str(node.query_one(selector, Static).render())
