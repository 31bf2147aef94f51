"""The one-line status under the table: loaded rows, marks, errors, the running job, quota use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from orbrowse.api.models import WORKSPACE_QUOTA_BYTES
from orbrowse.listing.formatting import human_size, visible_text

SEPARATOR = " · "


@dataclass(frozen=True, slots=True)
class StatusInfo:
    """Everything the status line shows; the screen builds a new one on each change."""

    loaded: int = 0
    has_more: bool = False
    marked_count: int = 0
    marked_bytes: int = 0
    loaded_bytes: int = 0
    job: str | None = None
    error: str | None = None
    """Why the listing stopped, and what helps (it replaces "more available")."""
    filter_text: str = ""
    hidden_marked: int = 0
    visible: int | None = None
    """Rows shown under the filter / "only marked" (``None``: not given)."""


QUOTA_HELP = (
    f"of {human_size(WORKSPACE_QUOTA_BYTES)}: the workspace's storage quota on OpenRouter. "
    'The size before it adds up the files listed so far; "≥" while more are not listed yet.'
)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def status_text(info: StatusInfo) -> str:
    """The plain text of the status line (the widget only adds styles)."""
    return "".join(part for part, _ in status_parts(info))


def status_parts(info: StatusInfo) -> list[tuple[str, str]]:
    """(text, component-class suffix) pieces, separators included, most important first
    (counts, marks, errors, then the job and the quota), so a narrow terminal cuts only the
    least important."""
    pieces: list[tuple[str, str]] = []
    if info.error:
        pieces.append((f"{info.loaded:,} loaded", "count"))
    elif info.has_more:
        pieces.append((f"{info.loaded:,} loaded · more available", "count"))
    else:
        pieces.append((f"all {_plural(info.loaded, 'file')}", "count"))
    if info.marked_count:
        text = f"{_plural(info.marked_count, 'marked', 'marked')} ({human_size(info.marked_bytes)})"
        if info.hidden_marked:
            text += f", {info.hidden_marked:,} hidden by the filter"
        pieces.append((text, "marked"))
    if info.error:
        pieces.append((visible_text(info.error), "error"))  # may quote the server
    if info.filter_text or (info.visible is not None and info.visible != info.loaded):
        shown = info.visible if info.visible is not None else 0
        text = f"{shown:,} shown"
        if info.filter_text:
            # Server text never reaches here; the filter is the user's own, shown as data.
            text += f" (filter {info.filter_text})"
        pieces.append((text, "filter"))
    if info.job:
        pieces.append((visible_text(info.job), "job"))
    bound = "≥ " if info.has_more else ""
    quota = f"{bound}{human_size(info.loaded_bytes)} of {human_size(WORKSPACE_QUOTA_BYTES)}"
    pieces.append((quota, "quota"))
    spaced: list[tuple[str, str]] = []
    for index, piece in enumerate(pieces):
        if index:
            spaced.append((SEPARATOR, "separator"))
        spaced.append(piece)
    return spaced


class StatusLine(Widget):
    """Renders a :class:`StatusInfo`; assign ``info`` to update."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-line--count",
        "status-line--filter",
        "status-line--marked",
        "status-line--quota",
        "status-line--job",
        "status-line--error",
        "status-line--separator",
    }

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
        & > .status-line--marked { color: $accent; text-style: bold; }
        & > .status-line--filter { color: $secondary; }
        & > .status-line--job { color: $warning; }
        & > .status-line--error { color: $error; text-style: bold; }
        & > .status-line--separator { color: $text-muted; }
    }
    """

    info: reactive[StatusInfo] = reactive(StatusInfo, layout=False)

    def __init__(
        self,
        info: StatusInfo | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.tooltip = QUOTA_HELP
        if info is not None:
            self.set_reactive(StatusLine.info, info)

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for part, kind in status_parts(self.info):
            text.append(part, self.get_component_rich_style(f"status-line--{kind}"))
        return text
