"""Offer to finish a deletion that was cut short: resume it, show its files, or forget it."""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from orbrowse.api.models import FileObject
from orbrowse.deletion_plan import Plan
from orbrowse.listing.formatting import human_size
from orbrowse.listing.workspace_label import WorkspaceLabel
from orbrowse.tui.dialogs._common import count_files, file_lines, workspace_line
from orbrowse.tui.dialogs.base import Dialog, DialogFrame

OfferChoice = Literal["resume", "forget"]
MAX_SHOWN = 500
"""Files listed by Show (the rest are counted)."""


def _size(file: FileObject) -> Text:
    return Text("  ").append(human_size(file.size_bytes), style="italic")


def offer_question(plan: Plan) -> str:
    """``A deletion of 1,200 files stopped after 700. Resume, show, or forget it?``"""
    return (
        f"A deletion of {count_files(len(plan.files))} stopped after {plan.settled:,}. "
        "Resume, show, or forget it?"
    )


class ResumeOfferDialog(Dialog[OfferChoice | None]):
    """Dismisses with ``"resume"``, ``"forget"``, or ``None`` (ask again next time)."""

    AUTO_FOCUS = "#show"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "resume",
            "Resume the deletion",
            id="offer.resume",
            tooltip="Delete the files the plan has left, after the usual confirmation",
        ),
        Binding(
            "s",
            "show",
            "Show the files left",
            id="offer.show",
            tooltip="List the files the unfinished deletion has left",
        ),
        Binding(
            "f",
            "forget",
            "Forget it",
            id="offer.forget",
            tooltip="Forget the unfinished deletion: it is never offered again",
        ),
    ]

    BUTTON_ACTIONS: ClassVar[dict[str, str]] = {name: name for name in ("show", "resume", "forget")}

    def __init__(self, plan: Plan, workspace: WorkspaceLabel | None = None) -> None:
        super().__init__(cancel_result=None)
        self.plan = plan
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        plan = self.plan
        remaining = plan.remaining
        parts = [f"{len(plan.gone):,} deleted"]
        if plan.ambiguous:
            parts.append(f"{len(plan.ambiguous):,} sent without an answer (looked up first)")
        parts.append(f"{len(plan.to_delete):,} to delete")
        left = sum(file.size_bytes for file in remaining)
        with DialogFrame(classes="dialog -wide -danger"):
            yield Static(Text("Unfinished deletion"), classes="dialog-title")
            if self.workspace is not None:
                yield workspace_line(self.workspace)
            yield Static(Text(offer_question(plan)), id="question")
            yield Static(
                Text(f"{' · '.join(parts)} ({human_size(left)} left); started {plan.created}"),
                id="counts",
            )
            with VerticalScroll(id="offer-files", classes="hidden"):
                lines = file_lines(remaining[:MAX_SHOWN], _size)
                if len(remaining) > MAX_SHOWN:
                    lines.append(f"\n… and {len(remaining) - MAX_SHOWN:,} more")
                yield Static(lines, id="offer-file-lines")
            with Vertical(classes="dialog-actions"):
                yield Static(
                    Text("Escape: decide later (asked again when this workspace opens)"),
                    classes="dialog-hint",
                )
                with Horizontal(classes="dialog-buttons"):
                    yield Button("Resume", id="resume", variant="error")
                    yield Button("Show", id="show", variant="primary")
                    yield Button("Forget it", id="forget", variant="warning")

    def action_show(self) -> None:
        self.query_one("#offer-files").remove_class("hidden")
        self.query_one("#show", Button).disabled = True
        self.query_one("#forget", Button).focus()

    def action_resume(self) -> None:
        self.dismiss("resume")

    def action_forget(self) -> None:
        self.dismiss("forget")
