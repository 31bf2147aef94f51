"""What ``ls`` and ``du`` share: ``--filter`` (parsed, and matched within its time limit),
``--page-size``, ``--json``/``--jsonl`` and the output form they choose, and argparse
converters for the values people type."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Literal

from orbrowse.api.models import FileObject
from orbrowse.commands.output import Output
from orbrowse.commands.session import CommandError
from orbrowse.listing import filter_limit
from orbrowse.listing.filter_language import Filter, FilterError, Term, parse_filter
from orbrowse.listing.filter_limit import FilterTooSlow

Form = Literal["table", "json", "jsonl"]
API_PAGE_MAX = 1000


def argtype(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse ``type`` from a parser that raises ``ValueError`` with a readable message."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc

    return convert


def whole_number(text: str, least: int = 1) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number") from None
    if value < least:
        raise ValueError(f"{value} must be at least {least}")
    return value


def _page_size(text: str) -> int:
    value = whole_number(text)
    if value > API_PAGE_MAX:
        raise ValueError(f"{value} is more than {API_PAGE_MAX}, the API's largest page")
    return value


positive_int = argtype(whole_number)


def add_form_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help=f"one JSON array of {what}")
    form.add_argument(
        "--jsonl",
        action="store_true",
        help=f"one JSON object per line, one line per {what[:-1]} (the default when piped)",
    )


def output_form(args: argparse.Namespace, output: Output) -> Form:
    if args.json:
        return "json"
    if args.jsonl or not output.stdout_is_terminal:
        return "jsonl"
    return "table"


def add_filter_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--filter",
        metavar="TEXT",
        help="only files that meet TEXT, in the filter language (above), e.g. "
        "'older:30d re:^logs/'",
    )


def add_page_size_argument(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--page-size",
        type=argtype(_page_size),
        metavar="N",
        help=f"files per request, 1-{API_PAGE_MAX} (default: {default})",
    )


def filter_from(
    args: argparse.Namespace, now: datetime, extra: tuple[Term, ...] = ()
) -> Filter | None:
    """``--filter`` (a usage error names the bad term and points at it) and ``extra`` terms."""
    text: str = args.filter or ""
    try:
        parsed = parse_filter(text, now)
    except FilterError as exc:
        shown, carets = exc.pointer(text)
        raise CommandError(f"--filter: {exc}\n  {shown}\n  {carets}") from exc
    return Filter.of(text, (*(parsed.terms if parsed else ()), *extra))


def kept(criteria: Filter, files: Sequence[FileObject]) -> list[FileObject]:
    """The files of a page ``criteria`` keeps, judged within the filter's time limit; past
    it (``re:(a+)+b$`` on a name of 300 a's would never end) the run stops with a usage
    error naming the filter as too slow."""
    try:
        return filter_limit.kept(criteria, files)
    except FilterTooSlow as error:
        raise CommandError(f"--filter {error}: stopped there") from None
