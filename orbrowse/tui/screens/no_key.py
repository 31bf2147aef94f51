"""Shown when no API key was found: where to put one, and that the demo needs none."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from orbrowse.config import Settings
from orbrowse.tui.widgets.footer import Footer


class NoKeyScreen(Screen[None]):
    CSS_PATH = "screens.tcss"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]  # noqa: RUF012 (Textual's)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit", id="no_key.quit", tooltip="Quit orbrowse")
    ]

    def __init__(self, settings: Settings, problem: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.problem = problem

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="no-key"):
            yield Static(self._message(), id="no-key-text")
        yield Footer()

    def _message(self) -> Text:
        text = Text()
        if self.problem:
            text.append("orbrowse cannot connect\n\n", style="bold")
            text.append(self.problem + "\n\n")
        else:
            text.append("No OpenRouter API key found\n\n", style="bold")
        text.append("orbrowse looks for a key, in this order:\n")
        text.append("  • the --api-key flag\n")
        text.append("  • the OPENROUTER_API_KEY environment variable\n")
        config = str(self.settings.config_path) if self.settings.config_path else "the config file"
        text.append(f'  • api_key = "…" in {config}\n\n')
        text.append("To try orbrowse without a key, run ")
        text.append("orbrowse --demo", style="bold")
        text.append(": it browses a local emulator filled with demo files.\n\nPress q to quit.")
        return text
