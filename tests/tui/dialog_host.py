"""What the dialog tests share: a host app that pushes one dialog (waits: ``app_driver``)."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Generic, TypeVar

from textual.app import App
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Static

from orbrowse.api.retry import RetryPolicy
from orbrowse.tui.app import OrbrowseApp

APP_STYLESHEET = Path(inspect.getfile(OrbrowseApp)).parent / str(OrbrowseApp.CSS_PATH)

NO_RETRY = RetryPolicy(max_attempts=1)

ResultT = TypeVar("ResultT")


class Host(App[None], Generic[ResultT]):
    """Pushes one dialog and records what it dismissed with. Styled by the app's own
    stylesheet, as in orbrowse (its app-wide rules: placeholders, notifications)."""

    CSS_PATH = APP_STYLESHEET

    def __init__(self, dialog: ModalScreen[ResultT]) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[ResultT | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


@asynccontextmanager
async def hosting(
    dialog: ModalScreen[ResultT], size: tuple[int, int] = (80, 24)
) -> AsyncIterator[tuple[Pilot[None], Host[ResultT]]]:
    """Run a :class:`Host` for ``dialog`` under Pilot, the dialog shown."""
    host = Host(dialog)
    async with host.run_test(size=size) as pilot:
        await pilot.pause()
        yield pilot, host


def text_of(node: DOMNode, selector: str) -> str:
    return str(node.query_one(selector, Static).render())
