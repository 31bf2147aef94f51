"""The workspace picker: move with j/k, type to filter, or type a workspace ID.

``j``/``k`` (and the arrows) move and Enter opens. ``/`` starts the filter; so does any other
printable key (it becomes the filter's first character). Escape closes the picker. The
workspace open now is marked; each workspace's file count and size fill in from a bounded
background count where the key may list it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import OpenRouterError
from orbrowse.config import is_uuid
from orbrowse.listing.formatting import human_size, visible_text
from orbrowse.tui.base import OrbrowseBase, WorkspaceChoice
from orbrowse.tui.widgets.fitting_input import FittingInput
from orbrowse.tui.widgets.workspace_banner import parse_color, text_on

SOURCE_LABELS = {"account": "", "key": "this key's workspace", "recent": "used before"}

COUNT_PAGE = 1000
"""The API's largest page: one request counts up to a thousand files."""
COUNT_PAGES = 5
"""At most this many pages per workspace; beyond, the count reads "≥ 5,000"."""

SHORT_HEIGHT = 24
"""Terminals with fewer rows get the compact picker: no borders or blank lines around the
filter and the list, so the list keeps its rows."""

LIST_MAX_ROWS = 20
"""The list's height on a tall terminal; a short one gets what the frame has left."""

CURRENT_MARK = "● "
OTHER_MARK = "  "


@dataclass(frozen=True, slots=True)
class WorkspaceCount:
    files: int
    bytes: int
    complete: bool

    def label(self) -> str:
        bound = "" if self.complete else "≥ "
        noun = "file" if self.files == 1 and self.complete else "files"
        return f"{bound}{self.files:,} {noun}, {bound}{human_size(self.bytes)}"


ID_PREFIX = 8
"""Characters of the id a row keeps when the whole id would push the count out of view."""


def _label(
    choice: WorkspaceChoice,
    current: bool,
    count: WorkspaceCount | None,
    badge: tuple[str, Color | None] = ("", None),
    width: int = 0,
) -> Text:
    """One row: mark, badge, name, slug, id, count, note. A row wider than ``width`` (0: not
    known yet) shows the id's first :data:`ID_PREFIX` characters and "…", then, if still too
    wide, no slug (the list's tooltip has both whole), so the count stays in view; what is
    still too wide ends in "…"."""
    whole = _row(choice, current, count, badge, choice.id or "the key default")
    if not (width and whole.cell_len > width and choice.id and len(choice.id) > ID_PREFIX):
        return whole
    short_id = choice.id[:ID_PREFIX] + "…"
    row = _row(choice, current, count, badge, short_id)
    if row.cell_len > width and choice.slug:
        row = _row(choice, current, count, badge, short_id, slug=False)
    return row


def _row(
    choice: WorkspaceChoice,
    current: bool,
    count: WorkspaceCount | None,
    badge: tuple[str, Color | None],
    shown_id: str,
    *,
    slug: bool = True,
) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(CURRENT_MARK if current else OTHER_MARK, style="bold")
    tag, color = badge
    if tag or color is not None:  # the config's lock, label and colour (plain text)
        back = color.rich_color if color is not None else None
        fore = text_on(color).rich_color if color is not None else None
        text.append(f" {tag or ' '} ", style=Style(bgcolor=back, color=fore, bold=True))
        text.append(" ")
    # The name bold, the rest plain, the note in italics: dimmed text is under 4.5:1 on
    # most themes (tests/tui/test_theme_contrast.py).
    text.append(visible_text(_name(choice)), style="bold")
    if choice.slug and slug:
        text.append(f"  {visible_text(choice.slug)}")
    text.append(f"  {shown_id}")
    if count is not None:
        text.append(f"  {count.label()}")
    notes = [SOURCE_LABELS.get(choice.source, "")] + (["open now"] if current else [])
    note = ", ".join(n for n in notes if n)
    if note:
        text.append(f"  · {note}", style="italic")
    return text


def _name(choice: WorkspaceChoice) -> str:
    return choice.name or ("This key's workspace" if choice.source == "key" else "(unnamed)")


def _tooltip(choice: WorkspaceChoice) -> Text:
    """The highlighted row in full: name, slug and whole id (a row may shorten them)."""
    lines = [visible_text(_name(choice))]
    if choice.slug:
        lines.append(visible_text(choice.slug))
    lines.append(choice.id or "the key default workspace")
    return Text("\n".join(lines), end="")


class WorkspacePicker(ModalScreen[WorkspaceChoice | None]):
    """Pick the workspace to browse. Escape keeps the current one."""

    CSS_PATH = "screens.tcss"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT_HEIGHT, "-tall")]  # noqa: RUF012 (Textual's)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", "Cancel", id="picker.cancel", tooltip="Keep the current workspace"
        ),
        Binding(
            "j,down", "move(1)", "Next", show=False, id="picker.down", tooltip="Next workspace"
        ),
        Binding(
            "k,up", "move(-1)", "Previous", show=False, id="picker.up", tooltip="Previous workspace"
        ),
        Binding(
            "enter", "open", "Open", id="picker.open", tooltip="Open the highlighted workspace"
        ),
        Binding(
            "ctrl+e,f2",
            "edit_style",
            "Label…",
            key_display="^e",
            id="picker.style",
            tooltip="Set the highlighted workspace's label, colour and read-only lock",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            key_display="/",
            id="picker.filter",
            tooltip="Filter by name, slug or id (any other letter starts it too), or paste an id",
        ),
    ]

    filter_box = getters.query_one("#workspace-filter", Input)
    options = getters.query_one("#workspace-list", OptionList)

    def __init__(
        self,
        choices: Sequence[WorkspaceChoice],
        can_list: bool,
        *,
        current: str | None = None,
        client: FilesClient | None = None,
    ) -> None:
        super().__init__()
        self.choices = list(choices)
        self.can_list = can_list
        self.current = current
        self.client = client
        self.shown: list[WorkspaceChoice] = []
        self.counts: dict[str | None, WorkspaceCount] = {}
        self._label_width = 0
        """The cells a row has (0 until the list is laid out): rows are built for it."""

    def compose(self) -> ComposeResult:
        with Vertical(id="workspace-picker"):
            yield Static("Open a workspace", id="workspace-title")
            yield FittingInput(
                placeholder="/ to filter by name, or paste a workspace ID (UUID)",
                id="workspace-filter",
                select_on_focus=False,  # the key that started the filter is already in it
            )
            yield OptionList(id="workspace-list")
            hint = (
                "Workspaces of this account."
                if self.can_list
                else "This key cannot list workspaces (that needs a management key): "
                "it shows the key's own workspace, those used before, and any ID you type."
            )
            yield Static(
                hint + " j/k move, Enter opens, / (or any other letter) filters, "
                "Ctrl+E sets a label, colour or lock.",
                id="workspace-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self._refill("")
        self.options.focus()
        self.call_after_refresh(self._fit_list)
        if self.client is not None:
            self.count_files(self.client)
        if isinstance(self.app, OrbrowseBase):  # the picker also runs in test hosts
            self.call_after_refresh(self.app.replay_typed_ahead)

    # -- the list ---------------------------------------------------------------------------

    def _matches(self, choice: WorkspaceChoice, needle: str) -> bool:
        haystack = f"{choice.name} {choice.slug} {choice.id or ''}".lower()
        return needle.lower() in haystack

    def _is_current(self, choice: WorkspaceChoice) -> bool:
        if self.current is None or choice.source == "typed":
            return False
        return (choice.id or "").lower() == self.current.lower()

    def _option_label(self, choice: WorkspaceChoice) -> Text:
        if choice.source == "typed":
            return Text(f"{OTHER_MARK}Open workspace {choice.id}", style="bold")
        return _label(
            choice,
            self._is_current(choice),
            self.counts.get(choice.id),
            self._badge(choice),
            self._label_width,
        )

    def _badge(self, choice: WorkspaceChoice) -> tuple[str, Color | None]:
        app = self.app
        if not isinstance(app, OrbrowseBase) or choice.id is None:
            return "", None
        return app.label_for(choice).badge, parse_color(app.settings.style_of(choice.id).color)

    def _refill(self, needle: str) -> None:
        needle = needle.strip()
        self.shown = [c for c in self.choices if self._matches(c, needle)]
        if is_uuid(needle) and all((c.id or "").lower() != needle.lower() for c in self.shown):
            self.shown.append(WorkspaceChoice(needle.lower(), "", "", "typed"))
        options = self.options
        options.clear_options()
        options.add_options(Option(self._option_label(choice)) for choice in self.shown)
        if self.shown:
            highlighted = next(
                (i for i, c in enumerate(self.shown) if self._is_current(c) and needle == ""), 0
            )
            options.highlighted = highlighted
        self._hint_for(needle)

    def _relabel(self) -> None:
        """Redraw the labels in place (counts arrived): the highlight stays where it is."""
        options = self.options
        for index, choice in enumerate(self.shown):
            options.replace_option_prompt_at_index(index, self._option_label(choice))

    def _hint_for(self, needle: str) -> None:
        title = self.query_one("#workspace-title", Static)
        if not self.shown and needle:
            looks_like_id = len(needle) >= 8 and all(c in "0123456789abcdefABCDEF-" for c in needle)
            title.update(
                "Not a valid workspace ID: expected a UUID like "
                "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
                if looks_like_id
                else "No workspace matches; paste a full workspace ID (UUID) to open it"
            )
            title.add_class("-warning")
        else:
            title.update("Open a workspace")
            title.remove_class("-warning")
        self.call_after_refresh(self._fit_list)  # a warning may take two lines

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_list)

    def _fit_list(self) -> None:
        """Give the list only the rows the frame has left, so it scrolls (and keeps the
        highlight in view) instead of running past the frame, which clips it and the hint."""
        frame = self.query_one("#workspace-picker")
        cap = frame.styles.max_height
        room = int(cap.resolve(self.size, self.size)) if cap is not None else self.size.height
        others = sum(w.outer_size.height for w in frame.children if w is not self.options)
        rows = max(3, min(LIST_MAX_ROWS, room - frame.styles.gutter.height - others))
        self.options.styles.max_height = rows
        width = self.options.scrollable_content_region.width
        if width and width != self._label_width:
            self._label_width = width
            self._relabel()
        self.options.scroll_to_highlight()

    # -- counts -----------------------------------------------------------------------------

    @work(group="workspace-counts", exclusive=True, exit_on_error=False)
    async def count_files(self, client: FilesClient) -> None:
        """Count each workspace's files and bytes, one workspace at a time and at most
        :data:`COUNT_PAGES` pages each; a workspace the key may not list shows no count."""
        for choice in list(self.choices):
            if choice.source == "typed" or choice.id in self.counts:
                continue
            files = size = pages = 0
            complete = False
            try:
                async for page in client.with_workspace(choice.id).iter_pages(limit=COUNT_PAGE):
                    files += len(page.files)
                    size += sum(f.size_bytes for f in page.files)
                    pages += 1
                    if not page.has_more:
                        complete = True
                        break
                    if pages >= COUNT_PAGES:
                        break
                else:
                    complete = True
            except OpenRouterError:
                continue  # not listable with this key (or not now): no count, no noise
            self.counts[choice.id] = WorkspaceCount(files, size, complete)
            self._relabel()

    # -- keys -------------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """On the list, a printable key other than the bound ones starts the filter with it.

        The filter box takes the printable keys it gets itself, so one that reaches here
        while the box has focus was sent to the list before the focus moved (the rest of a
        burst such as ``oth``): it belongs in the box too, whatever the letter.
        """
        if event.character is None or not event.is_printable:
            return
        in_filter = self.focused is self.filter_box
        if not in_filter and event.character in "jk/?":
            return
        event.stop()
        event.prevent_default()
        if not in_filter:
            self.action_filter()
        self.filter_box.insert_text_at_cursor(event.character)

    def action_filter(self) -> None:
        # set_focus, not focus(): keys already queued behind this one must reach the box.
        self.set_focus(self.filter_box)

    @on(Input.Changed, "#workspace-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self._refill(event.value)

    @on(Input.Submitted, "#workspace-filter")
    def submitted(self) -> None:
        self.action_open()

    @on(OptionList.OptionHighlighted)
    def highlight_changed(self, event: OptionList.OptionHighlighted) -> None:
        index = event.option_index
        if 0 <= index < len(self.shown):
            self.options.tooltip = _tooltip(self.shown[index])

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index])

    def action_move(self, delta: int) -> None:
        if not self.shown:
            return
        options = self.options
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.shown) - 1, current + delta))

    def action_open(self) -> None:
        highlighted = self.options.highlighted
        if highlighted is None or not self.shown:
            self.app.bell()
            return
        self.dismiss(self.shown[highlighted])

    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(group="workspace-style", exclusive=True, exit_on_error=False)
    async def action_edit_style(self) -> None:
        """Set the highlighted workspace's label, colour and lock; saved to the config."""
        from orbrowse.tui.dialogs.workspace_style import WorkspaceStyleDialog

        highlighted = self.options.highlighted
        app = self.app
        if highlighted is None or not self.shown or not isinstance(app, OrbrowseBase):
            self.app.bell()
            return
        choice = self.shown[highlighted]
        if choice.id is None:
            self.notify("This workspace's id is not known: nothing to save it under",
                        severity="warning")  # fmt: skip
            return
        style = await app.push_screen_wait(
            WorkspaceStyleDialog(app.label_for(choice), app.settings.style_of(choice.id))
        )
        if style is not None and app.save_workspace_style(choice, style):
            self._relabel()
