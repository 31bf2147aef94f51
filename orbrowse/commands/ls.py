"""``orbrowse ls``: list files, streaming page by page, with client-side filters."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from typing import Any

from orbrowse.api.models import FileObject
from orbrowse.commands.listing_options import (
    Form,
    add_filter_argument,
    add_form_arguments,
    add_page_size_argument,
    argtype,
    filter_from,
    kept,
    output_form,
    positive_int,
)
from orbrowse.commands.output import Output
from orbrowse.commands.render import file_header, file_row, total_line
from orbrowse.commands.session import Command, Session
from orbrowse.listing.filter_language import (
    FILTER_HELP,
    Filter,
    Term,
    larger_than,
    name_prefix,
    older_than,
)
from orbrowse.listing.formatting import utc_now
from orbrowse.listing.quantities import parse_duration, parse_size

DEFAULT_LIMIT = 100


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
    add_form_arguments(parser, "files")
    add_filter_argument(parser)
    parser.add_argument(
        "--prefix",
        metavar="PREFIX",
        help="only names starting with PREFIX, exactly (end it with / for a folder: runs/2025 "
        "also matches runs/2025-old/). The API has no prefix search: every page is "
        "listed and filtered here",
    )
    parser.add_argument(
        "--older-than",
        type=argtype(parse_duration),
        metavar="AGE",
        help="only files created more than AGE ago: 45m, 12h, 30d, 2w (the filter's older:AGE)",
    )
    parser.add_argument(
        "--larger-than",
        type=argtype(parse_size),
        metavar="SIZE",
        help="only files larger than SIZE: 500k, 10MB (decimal), 1.5GiB (binary) "
        "(the filter's >SIZE)",
    )
    add_page_size_argument(parser, "page_size from the config, else 100")


def criteria_from(args: argparse.Namespace, now: datetime) -> Filter | None:
    """``ls``'s filter: ``--filter`` and the flags that are sugar for its terms."""
    extra: list[Term] = []
    if args.prefix:
        extra.append(name_prefix(args.prefix))
    older: timedelta | None = args.older_than
    if older is not None:
        extra.append(older_than(older, now))
    if args.larger_than is not None:
        extra.append(larger_than(args.larger_than))
    return filter_from(args, now, tuple(extra))


class Printer:
    """Writes files in the chosen form as they arrive (``--json`` waits for the end)."""

    def __init__(self, output: Output, form: Form, now: datetime) -> None:
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


async def list_files(args: argparse.Namespace, session: Session) -> int:
    now = utc_now()
    criteria = criteria_from(args, now)
    limit: int | None = None if args.all else args.limit
    page_size: int = args.page_size or session.settings.page_size
    if limit is not None and criteria is None:
        page_size = min(page_size, limit)
    printer = Printer(session.output, output_form(args, session.output), now)
    printer.start()
    async with session.client() as client:
        pages = client.iter_pages(limit=page_size)
        try:
            async for page in pages:
                for file in page.files if criteria is None else kept(criteria, page.files):
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
        "List the workspace's files, oldest first. On a terminal: a table; when piped: one\n"
        "JSON object per line. Without --all, stops after --limit files (after filters).\n"
        "Every filter (--filter, --prefix, --older-than, --larger-than) is applied here, on\n"
        "each page as it arrives: the API has no search.\n\n" + FILTER_HELP
    ),
    add_arguments=add_arguments,
    run=list_files,
)
