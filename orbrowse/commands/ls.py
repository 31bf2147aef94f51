"""``orbrowse ls``: list files, streaming page by page, with client-side filters."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from orbrowse.api.models import FileObject
from orbrowse.commands.output import Output
from orbrowse.commands.parsing import parse_duration, parse_size
from orbrowse.commands.render import file_header, file_row, total_line
from orbrowse.commands.session import Command, CommandError, Session
from orbrowse.listing.file_list import Filter, FilterError, parse_filter
from orbrowse.listing.formatting import utc_now

DEFAULT_LIMIT = 100


def _argtype(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc

    return convert


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise ValueError(f"{value} must be at least 1")
    return value


def _page_size(text: str) -> int:
    value = _positive(text)
    if value > 1000:
        raise ValueError(f"{value} is more than 1000, the API's largest page")
    return value


positive_int = _argtype(_positive)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    amount = parser.add_mutually_exclusive_group()
    amount.add_argument("--all", action="store_true", help="list every file (all pages)")
    amount.add_argument(
        "--limit",
        type=positive_int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"list at most N files, after filters (default {DEFAULT_LIMIT})",
    )
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="one JSON array")
    form.add_argument(
        "--jsonl", action="store_true", help="one JSON object per line (the default when piped)"
    )
    parser.add_argument(
        "--filter",
        metavar="TEXT",
        help="only names, ids or types containing TEXT (case-insensitive); "
        "'re:' starts a regular expression, a leading '!' inverts",
    )
    parser.add_argument(
        "--older-than",
        type=_argtype(parse_duration),
        metavar="AGE",
        help="only files created more than AGE ago: 45m, 12h, 30d, 2w",
    )
    parser.add_argument(
        "--larger-than",
        type=_argtype(parse_size),
        metavar="SIZE",
        help="only files larger than SIZE: 500k, 10MB (decimal), 1.5GiB (binary)",
    )
    parser.add_argument(
        "--page-size",
        type=_argtype(_page_size),
        metavar="N",
        help="files per request, 1-1000 (default: page_size from the config, else 100)",
    )


@dataclass(frozen=True, slots=True)
class Criteria:
    """The client-side filters of one listing."""

    text: Filter | None = None
    created_before: datetime | None = None
    larger_than: int | None = None

    @property
    def active(self) -> bool:
        return (
            self.text is not None or self.created_before is not None or self.larger_than is not None
        )

    def matches(self, file: FileObject) -> bool:
        if self.larger_than is not None and file.size_bytes <= self.larger_than:
            return False
        if self.created_before is not None and file.created_at >= self.created_before:
            return False
        return self.text is None or self.text.matches(file)


def criteria_from(args: argparse.Namespace, now: datetime) -> Criteria:
    try:
        text = parse_filter(args.filter) if args.filter else None
    except FilterError as exc:
        raise CommandError(f"--filter: {exc}") from exc
    older: timedelta | None = args.older_than
    try:
        before = now - older if older is not None else None
    except OverflowError:
        before = datetime.min.replace(tzinfo=now.tzinfo)
    return Criteria(text=text, created_before=before, larger_than=args.larger_than)


class Printer:
    """Writes files in the chosen form as they arrive (``--json`` waits for the end)."""

    def __init__(self, output: Output, form: str, now: datetime) -> None:
        self.output = output
        self.form = form
        self.now = now
        self.count = 0
        self.total_bytes = 0
        self._array: list[dict[str, Any]] = []

    def start(self) -> None:
        if self.form == "table":
            self.output.data(file_header())

    def add(self, file: FileObject) -> None:
        self.count += 1
        self.total_bytes += file.size_bytes
        if self.form == "json":
            self._array.append(file.to_json())
        elif self.form == "jsonl":
            self.output.json_line(file.to_json())
        else:
            self.output.data(file_row(file, self.now))

    def page_done(self) -> None:
        self.output.flush()

    def finish(self) -> None:
        if self.form == "json":
            self.output.json_line(self._array)
        if self.form == "table":
            self.output.message(total_line(self.count, self.total_bytes))


def output_form(args: argparse.Namespace, output: Output) -> str:
    if args.json:
        return "json"
    if args.jsonl or not output.stdout_is_terminal:
        return "jsonl"
    return "table"


async def list_files(args: argparse.Namespace, session: Session) -> int:
    now = utc_now()
    criteria = criteria_from(args, now)
    limit: int | None = None if args.all else args.limit
    page_size: int = args.page_size or session.settings.page_size
    if limit is not None and not criteria.active:
        page_size = min(page_size, limit)
    printer = Printer(session.output, output_form(args, session.output), now)
    printer.start()
    async with session.client() as client:
        pages = client.iter_pages(limit=page_size)
        try:
            async for page in pages:
                for file in page.files:
                    if criteria.matches(file):
                        printer.add(file)
                        if limit is not None and printer.count >= limit:
                            break
                printer.page_done()
                if limit is not None and printer.count >= limit:
                    break
        finally:
            # Stop the generator now, while the client is still open.
            close = getattr(pages, "aclose", None)
            if close is not None:
                await close()
    printer.finish()
    return 0


COMMAND = Command(
    name="ls",
    help="list files",
    description=(
        "List the workspace's files, oldest first. On a terminal: a table; when piped: one "
        "JSON object per line. Without --all, stops after --limit files (after filters)."
    ),
    add_arguments=add_arguments,
    run=list_files,
)
