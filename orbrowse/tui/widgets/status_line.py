"""The one-line status under the table: loaded rows, marks, errors, the running job, quota use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
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
    shown_word: str = "shown"
    """What ``visible`` counts: "shown" rows, or in the folder view (where one folder shows
    at a time) the files that "match" the filter, in every folder."""


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
        # Whether the count covers the loaded files or the whole workspace ("all", as in
        # the first piece's "all 2,431 files").
        partial = info.has_more or info.error
        text = f"{shown:,} {info.shown_word} of " + (
            f"{info.loaded:,} loaded" if partial else f"all {info.loaded:,}"
        )
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


ELLIPSIS = "…"
MIN_CUT = 12
"""Cells a piece must keep to be shown cut (with "…") rather than left out."""


def fit_parts(parts: list[tuple[str, str]], width: int) -> list[tuple[str, str]]:
    """``parts`` (from :func:`status_parts`) within ``width`` cells. When they do not all
    fit, whole pieces are kept, most important first; the first that no longer fits is cut
    after a word (if ``MIN_CUT`` cells are left for it) or left out, and "…" ends the line."""
    if sum(cell_len(text) for text, _ in parts) <= width:
        return parts
    room = width - 2  # for " …"
    fitted: list[tuple[str, str]] = []
    used = 0
    for text, kind in parts:
        if kind == "separator":
            continue
        gap = cell_len(SEPARATOR) if fitted else 0
        if used + gap + cell_len(text) <= room:
            if gap:
                fitted.append((SEPARATOR, "separator"))
            fitted.append((text, kind))
            used += gap + cell_len(text)
            continue
        cut = _cut_after_word(text, width - used - gap - 1)
        if cut and (cell_len(cut) >= MIN_CUT or not fitted):
            if gap:
                fitted.append((SEPARATOR, "separator"))
            fitted.append((cut, kind))
            fitted.append((ELLIPSIS, "separator"))
        elif not fitted:
            fitted.append((ELLIPSIS, "separator"))
        elif not fitted[-1][0].endswith(ELLIPSIS):  # "loading page 3…" says it already
            fitted.append((" " + ELLIPSIS, "separator"))
        break
    return fitted


def _cut_after_word(text: str, room: int) -> str:
    """The longest start of ``text`` within ``room`` cells that ends after a whole word."""
    start = set_cell_size(text, room)
    if len(start) < len(text) and text[len(start)] != " " and " " in start:
        start = start.rsplit(" ", 1)[0]
    return start.rstrip(" ·,:")


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
        /* Every piece at least 4.5:1 (WCAG AA) against $panel, dark and light. */
        & > .status-line--marked { color: $text-accent; text-style: bold; }
        & > .status-line--filter { color: $text-primary; }
        /* $text-primary was 4.31:1 on catppuccin-frappe's panel. */
        &:dark > .status-line--filter { color: $primary-lighten-3; }
        & > .status-line--job { color: $warning; }
        & > .status-line--error { color: $text-error; text-style: bold; }
        & > .status-line--separator { color: auto 75%; }
        /* The light themes' amber ($accent, $warning) and even $text-warning are under 3:1
           on the light panel: a dark amber instead (4.85:1 on textual-light's panel). */
        &:light > .status-line--marked { color: #7A4A00; }
        &:light > .status-line--job { color: #7A4A00; }
    }
    """

    info: reactive[StatusInfo] = reactive(StatusInfo, layout=False)

    def on_mount(self) -> None:
        self.tooltip = QUOTA_HELP

    def render(self) -> Text:
        text = Text(no_wrap=True, end="")
        for part, kind in fit_parts(status_parts(self.info), self.content_size.width):
            text.append(part, self.get_component_rich_style(f"status-line--{kind}"))
        return text
