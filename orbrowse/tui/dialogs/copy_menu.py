"""Choose what to copy about one or more files: id, filename, both, or JSON metadata."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from orbrowse.api.models import FileObject
from orbrowse.tui.dialogs._common import count_files, plain
from orbrowse.tui.dialogs.base import Dialog, DialogFrame

PREVIEW_CHARS = 60
TAB_SHOWN = " ⇥ "
"""How a preview shows the tab the "both" choice puts between id and filename. A tab in a
name is server text and is shown escaped (``\\x09``), as everywhere else."""


def copy_ids(files: Sequence[FileObject]) -> str:
    return "\n".join(file.id for file in files)


def copy_filenames(files: Sequence[FileObject]) -> str:
    return "\n".join(file.filename for file in files)


def copy_ids_and_filenames(files: Sequence[FileObject]) -> str:
    return "\n".join(f"{file.id}\t{file.filename}" for file in files)


def copy_json(files: Sequence[FileObject]) -> str:
    """One JSON object for one file, a JSON array for several."""
    if len(files) == 1:
        return json.dumps(files[0].to_json(), indent=2, ensure_ascii=False)
    return json.dumps([file.to_json() for file in files], indent=2, ensure_ascii=False)


# (option id, accelerator key, label, how to build the text)
CHOICES: tuple[tuple[str, str, str, Callable[[Sequence[FileObject]], str]], ...] = (
    ("id", "i", "ID", copy_ids),
    ("filename", "f", "Filename", copy_filenames),
    ("both", "b", "ID and filename (tab-separated)", copy_ids_and_filenames),
    ("json", "j", "JSON metadata", copy_json),
)

WHAT = {
    "id": "{n} id{s}",
    "filename": "{n} filename{s}",
    "both": "{n} id{s} and filename{s}",
    "json": "metadata of {n} file{s}",
}
"""What a choice copies, for the "Copied …" message."""


class CopyMenu(Dialog[str | None]):
    """Dismisses with the text to copy, or ``None``; the opener does the copying."""

    AUTO_FOCUS = "#choices"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "cancel", "Cancel", id="copy.cancel", tooltip="Close, copying nothing"),
        Binding("i", "choose('id')", "Copy ID", id="copy.id", tooltip="The ids, one per line"),
        Binding(
            "f",
            "choose('filename')",
            "Copy filename",
            id="copy.filename",
            tooltip="The file names, one per line",
        ),
        Binding(
            "b",
            "choose('both')",
            "Copy ID and filename",
            id="copy.both",
            tooltip="Id and name, tab-separated, one file per line",
        ),
        Binding(
            "j",
            "choose('json')",
            "Copy JSON metadata",
            id="copy.json",
            tooltip="Each file's metadata as JSON (an array for several)",
        ),
    ]

    def __init__(self, files: Sequence[FileObject]) -> None:
        if not files:
            raise ValueError("CopyMenu needs at least one file")
        super().__init__(cancel_result=None)
        self.files = tuple(files)
        self.chosen: str | None = None
        """The option copied (its id in :data:`CHOICES`); ``None`` until one is."""

    def _preview(self, build: Callable[[Sequence[FileObject]], str]) -> Text:
        if len(self.files) > 1:
            return Text(f"{count_files(len(self.files))}, one per line", style="italic")
        file = self.files[0]
        if build is copy_ids_and_filenames:
            shown = plain(file.id).append(TAB_SHOWN, style="bold").append_text(plain(file.filename))
        elif build is copy_json:
            # The copy is indented; its first line alone would be "{".
            shown = plain(json.dumps(file.to_json(), ensure_ascii=False))
        else:
            shown = plain(build(self.files).split("\n", 1)[0])
        shown.truncate(PREVIEW_CHARS, overflow="ellipsis")
        shown.stylize("italic")
        return shown

    def compose(self) -> ComposeResult:
        title = "Copy" if len(self.files) == 1 else f"Copy {count_files(len(self.files))}"
        options: list[Option] = []
        for option_id, key, label, build in CHOICES:
            prompt = Text.assemble((f"{key}  ", "bold"), label)
            preview = (
                Text("a JSON array", style="italic")
                if option_id == "json" and len(self.files) > 1
                else self._preview(build)
            )
            prompt.append("\n   ")
            prompt.append_text(preview)
            options.append(Option(prompt, id=option_id))
        with DialogFrame(classes="dialog -small"):
            yield Static(Text(title), classes="dialog-title")
            yield OptionList(*options, id="choices")

    def text_for(self, choice: str) -> str:
        for option_id, _key, _label, build in CHOICES:
            if option_id == choice:
                self.chosen = choice
                return build(self.files)
        raise ValueError(f"unknown copy choice {choice!r}")

    def copied(self) -> str:
        """What the last choice copied, as "Copied …" says it: "2 filenames"."""
        if self.chosen is None:
            raise RuntimeError("nothing was copied")
        count = len(self.files)
        return WHAT[self.chosen].format(n=f"{count:,}", s="" if count == 1 else "s")

    def action_choose(self, choice: str) -> None:
        self.dismiss(self.text_for(choice))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(self.text_for(event.option.id))
