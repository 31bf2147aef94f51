"""What the dialog tests share: a host app that pushes one dialog, and small waits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

from textual.app import App
from textual.dom import DOMNode
from textual.pilot import Pilot
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


async def until(condition: Callable[[], bool]) -> None:
    """Wait (up to 10 s) for something another thread or the app does."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
