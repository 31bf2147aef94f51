"""The detail pane: every field of one file, exact and humanized."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar, Self

from rich.text import Text
from textual.geometry import Region
from textual.reactive import reactive
from textual.widget import Widget

from orbrowse.api.models import FileObject
from orbrowse.listing.folders import Folder, breadcrumb
from orbrowse.listing.formatting import (
    Clock,
    exact_size,
    human_size,
    iso_time,
    relative_time,
    utc_now,
    visible_text,
)

NOT_DOWNLOADABLE_REASON = (
    "uploaded files can't be downloaded: the API serves only server-created files"
)
LABEL_WIDTH = 10


def detail_rows(file: FileObject, now: Clock) -> list[tuple[str, str]]:
    """(label, value) pairs: plain text, hostile characters already made visible."""
    created = file.created_at
    return [
        ("Name", visible_text(file.filename)),
        ("ID", visible_text(file.id)),
        ("Type", visible_text(file.mime_type) or "unknown"),
        ("Size", f"{exact_size(file.size_bytes)} ({human_size(file.size_bytes)})"),
        ("Created", f"{iso_time(created)} ({relative_time(created, now())})"),
        (
            "Download",
            "yes" if file.downloadable else f"no: {NOT_DOWNLOADABLE_REASON}",
        ),
    ]


def folder_rows(
    folder: Folder,
    complete: bool,
    now: Clock,
    shown: tuple[int, int, float] | None = None,
    shown_as: str = "",
) -> list[tuple[str, str]]:
    """(label, value) pairs for a folder of the folder view; "≥" while not all is listed.
    Under a filter ``shown`` is (count, size, newest) of the files the row stands for and
    ``shown_as`` says what they are ("match README"): the size and date are theirs."""
    bound = "" if complete else "≥ "
    count, size, newest_ts = shown if shown is not None else (folder.count, folder.size, 0.0)
    files = f"{bound}{count:,} (any depth)"
    if shown is not None:
        files = f"{bound}{count:,} of {folder.count:,} {visible_text(shown_as)} (any depth)"
    else:
        newest_ts = folder.newest
    rows = [
        ("Folder", breadcrumb(folder)),
        ("Files", files),
        ("Size", f"{bound}{exact_size(size)} ({human_size(size)})"),
    ]
    if count:
        newest = datetime.fromtimestamp(newest_ts, UTC)
        rows.append(("Newest", f"{iso_time(newest)} ({relative_time(newest, now())})"))
    if not complete:
        rows.append(("Listing", "not complete: more files may lie in this folder"))
    return rows


class DetailsPane(Widget):
    """Shows the file under the cursor (``show_file``), or a folder (``show_folder``)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "details-pane--label",
        "details-pane--value",
        "details-pane--empty",
    }

    DEFAULT_CSS = """
    DetailsPane {
        height: auto;
        padding: 0 1;
        background: $surface;
        color: $foreground;
        & > .details-pane--label { color: $text-muted; text-style: bold; }
        & > .details-pane--empty { color: $text-muted; text-style: italic; }
    }
    """

    # layout=True: the pane is height auto, and a file's rows change its height.
    file: reactive[FileObject | None] = reactive(None, layout=True)

    def __init__(
        self,
        *,
        clock: Clock = utc_now,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.clock = clock

    folder: reactive[tuple[tuple[str, str], ...]] = reactive((), layout=True)

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        # Textual (8.2.8) keys a widget's cached size on a count of its layout changes, counted
        # only when no layout of it is pending. A layout of the screen in between (for another
        # widget) cached this pane's height for the rows it had then; the next rows, changed
        # before the pending layout went out, kept that height (a file's six rows in one line).
        if layout and self._layout_required:
            self._layout_updates += 1
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def show_file(self, file: FileObject | None) -> None:
        self.file = file
        self.folder = ()

    def show_folder(
        self,
        folder: Folder,
        *,
        complete: bool,
        shown: tuple[int, int, float] | None = None,
        shown_as: str = "",
    ) -> None:
        """A folder's totals: of every file under it, or (``shown``) of those it shows."""
        self.file = None
        self.folder = tuple(folder_rows(folder, complete, self.clock, shown, shown_as))

    def render(self) -> Text:
        label_style = self.get_component_rich_style("details-pane--label")
        value_style = self.get_component_rich_style("details-pane--value")
        text = Text(end="")
        file = self.file
        if file is None and not self.folder:
            text.append("No file selected", self.get_component_rich_style("details-pane--empty"))
            return text
        rows = detail_rows(file, self.clock) if file is not None else list(self.folder)
        for index, (label, value) in enumerate(rows):
            text.append(label.ljust(LABEL_WIDTH), label_style)
            text.append(value, value_style)
            if index < len(rows) - 1:
                text.append("\n")
        return text
