"""Text previews: plain, source code, JSON, JSON Lines, CSV and Markdown as Rich renderables.

Every line is made visible-safe before it is highlighted or parsed for display, so a file full of
escape sequences or Rich markup shows them literally.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.box import SIMPLE_HEAD
from rich.color import Color
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.style import Style
from rich.table import Table
from rich.text import Span, Text

from orbrowse.listing.formatting import visible_text
from orbrowse.preview.contrast import Rgb, is_dark, readable
from orbrowse.preview.sniff import PreviewKind, extension_of

if TYPE_CHECKING:
    # Imported with the first Markdown preview, not at start-up: Rich's Markdown brings
    # markdown-it (``profile_speed.py startup``).
    from rich.markdown import Markdown

TAB_SIZE = 4
CSV_MAX_COLUMNS = 20
CSV_CELL_WIDTH = 24
CSV_MIN_WIDTH = 7
CSV_COLUMN_GAP = 3
"""Cells between two columns: the padding either side and the (blank) rule."""
SYNTAX_THEME = "monokai"
SYNTAX_THEME_LIGHT = "xcode"
"""On a light background: monokai's near-white text is 1.3:1 on textual-light's surface."""


def decode(data: bytes, *, complete: bool) -> str:
    """UTF-8 with invalid bytes shown as ``\\xff``; a character cut by the byte cap is dropped."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="backslashreplace")
    text = decoder.decode(data, final=complete)
    return text.removeprefix("\ufeff")


def safe_lines(text: str, max_lines: int | None = None) -> list[str]:
    """``text`` split into lines (``\\n``, ``\\r\\n``), tabs expanded, every line visible-safe."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if max_lines is not None:
        lines = lines[:max_lines]
    return [visible_text(line.removesuffix("\r").expandtabs(TAB_SIZE)) for line in lines]


def plain(lines: list[str]) -> Text:
    return Text("\n".join(lines), no_wrap=True, overflow="ellipsis", end="")


def syntax_theme(background: Rgb | None) -> str:
    return SYNTAX_THEME if background is None or is_dark(background) else SYNTAX_THEME_LIGHT


def highlighted(lines: list[str], lexer: str, *, background: Rgb | None = None) -> Text:
    """Syntax colours only: the theme's background is dropped so the pane's shows through.
    Given the pane's ``background``, the colours suit it (a light theme for a light one) and
    each is made readable on it (WCAG AA)."""
    from rich.syntax import Syntax  # with Pygments: imported at the first preview, not start-up

    syntax = Syntax("\n".join(lines), lexer, theme=syntax_theme(background), tab_size=TAB_SIZE)
    text = syntax.highlight(syntax.code)
    text.style = ""
    # Each token's style carries the theme's background too (monokai's #272822): left in,
    # every line was a dark strip as long as its text, glaring on a light pane.
    text.spans = [Span(s.start, s.end, _colours_only(s.style, background)) for s in text.spans]
    text.no_wrap = True
    text.overflow = "ellipsis"
    text.end = ""
    text.rstrip()
    return text


@lru_cache(maxsize=256)  # one per token style and background: thousands of tokens, few styles
def _colours_only(style: str | Style, background: Rgb | None) -> Style:
    style = Style.parse(style) if isinstance(style, str) else style
    color = style.color
    if color is not None and background is not None:
        rgb = color.get_truecolor()
        color = Color.from_rgb(*readable((rgb.red, rgb.green, rgb.blue), background))
    return Style(color=color, bold=style.bold, italic=style.italic, underline=style.underline)


def lexer_for(filename: str) -> str:
    """A Pygments lexer name for the file's extension (``text`` when none fits)."""
    from rich.syntax import Syntax

    lexer = Syntax.guess_lexer(filename.rsplit("/", 1)[-1] or "x.txt")
    return lexer if lexer != "default" else "text"


def pretty_json(text: str) -> str | None:
    """``text`` re-indented when it parses as JSON; ``None`` when it does not."""
    try:
        value = json.loads(text)
        return json.dumps(value, indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return None


def csv_table(text: str, extension: str, max_rows: int) -> CsvTable | None:
    """The first rows as an aligned table; ``None`` when the text does not parse as CSV."""
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel_tab if extension == "tsv" else csv.excel
    if extension != "tsv":
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            rows.append(row)
            if len(rows) > max_rows:
                break
    except csv.Error:
        return None
    if not rows:
        return None
    width = min(max(len(row) for row in rows), CSV_MAX_COLUMNS)
    body = [row[:width] + [""] * (width - len(row)) for row in rows[:max_rows]]
    return CsvTable([[_cell(value) for value in row] for row in body])


class CsvTable:
    """CSV rows (the first is the header) drawn as a table as wide as the space it gets.

    Rich does not narrow ``no_wrap`` columns to fit, and clamps them back to their
    ``min_width``: a table wider than the pane was cropped, its last header cut with no "…".
    Here the widths are chosen for the width drawn at: the widest columns narrow first (to
    ``CSV_MIN_WIDTH``; short ones, ids and numbers, stay whole), then the columns that still do
    not fit are left out, the last one shown cut with "…" when it has room for a letter.
    """

    def __init__(self, cells: list[list[Text]]) -> None:
        self.cells = cells

    def widths(self, room: int) -> list[int]:
        """Column widths (without the gaps) for a table at most ``room`` cells wide."""
        count = len(self.cells[0])
        natural = [
            min(max(line[column].cell_len for line in self.cells), CSV_CELL_WIDTH)
            for column in range(count)
        ]
        floor = [min(width, CSV_MIN_WIDTH) for width in natural]
        widths = list(natural)
        excess = sum(widths) + CSV_COLUMN_GAP * (count - 1) - room
        while excess > 0:
            narrowable = [c for c in range(count) if widths[c] > floor[c]]
            if not narrowable:
                break
            widest = max(narrowable, key=lambda c: widths[c])
            widths[widest] -= 1
            excess -= 1
        kept: list[int] = []
        used = 0
        for width in widths:
            gap = CSV_COLUMN_GAP if kept else 0
            if used + gap + width <= room:
                kept.append(width)
                used += gap + width
                continue
            left = room - used - gap
            if left >= 2:  # a letter and "…"
                kept.append(left)
            elif not kept:
                kept.append(max(room, 1))
            break
        return kept

    def table(self, room: int) -> Table:
        table = Table(
            box=SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False, padding=(0, 1)
        )
        widths = self.widths(room)
        for name, width in zip(self.cells[0], widths, strict=False):
            table.add_column(name, no_wrap=True, overflow="ellipsis", width=width)
        for line in self.cells[1:]:
            table.add_row(*line[: len(widths)])
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table(options.max_width)


def _cell(value: str) -> Text:
    # A Text, never a str: Rich would parse a str cell as markup.
    return Text(visible_text(value.replace("\r\n", " ").replace("\n", " ")), no_wrap=True)


def markdown(lines: list[str], *, background: Rgb | None = None) -> Markdown:
    from rich.markdown import Markdown

    # No hyperlinks: a link target from the file never becomes a terminal escape.
    return Markdown("\n".join(lines), hyperlinks=False, code_theme=syntax_theme(background))


def text_body(
    kind: PreviewKind,
    filename: str,
    text: str,
    *,
    complete: bool,
    max_lines: int,
    background: Rgb | None = None,
) -> tuple[RenderableType, str]:
    """The renderable for a text kind, and a short label of what it shows (syntax colours
    for and readable on ``background``, the pane's, when given)."""

    def code(lines: list[str], lexer: str) -> Text:
        return highlighted(lines, lexer, background=background)

    if kind == "json" and complete:
        pretty = pretty_json(text)
        if pretty is not None:
            return code(safe_lines(pretty, max_lines), "json"), "JSON"
        return code(safe_lines(text, max_lines), "json"), "JSON (does not parse)"
    if kind == "json":
        return code(safe_lines(text, max_lines), "json"), "JSON (first bytes)"
    if kind == "jsonl":
        records = [_jsonl_line(line) for line in text.split("\n")[:max_lines] if line.strip()]
        return code(safe_lines("\n".join(records), max_lines), "json"), "JSON Lines"
    if kind == "csv":
        table = csv_table(text, extension_of(filename), max_rows=min(max_lines, 200))
        if table is not None:
            return table, "CSV"
        return plain(safe_lines(text, max_lines)), "CSV (does not parse)"
    if kind == "markdown":
        return markdown(safe_lines(text, max_lines), background=background), "Markdown"
    if kind == "code":
        lexer = lexer_for(filename)
        return code(safe_lines(text, max_lines), lexer), f"source ({lexer})"
    return plain(safe_lines(text, max_lines)), "text"


def _jsonl_line(line: str) -> str:
    try:
        return json.dumps(json.loads(line), ensure_ascii=False)
    except (ValueError, RecursionError):
        return line


def notice(message: str) -> Group:
    return Group(Text(message, style="italic", end=""))
