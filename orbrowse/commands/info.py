"""``orbrowse info ID...``: each file's metadata."""

from __future__ import annotations

import argparse

from orbrowse.api.errors import describe
from orbrowse.commands.exit_codes import Tally, code_for
from orbrowse.commands.lookup import lookup_files
from orbrowse.commands.parsing import unique
from orbrowse.commands.render import file_details
from orbrowse.commands.session import Command, Session
from orbrowse.listing.formatting import utc_now


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="+", metavar="ID", help="file ids")
    parser.add_argument(
        "--json", action="store_true", help="JSON lines even on a terminal (the default when piped)"
    )


async def show(args: argparse.Namespace, session: Session) -> int:
    output = session.output
    readable = output.stdout_is_terminal and not args.json
    ids = unique(args.ids)
    async with session.client() as client:
        results = await lookup_files(client, ids, concurrency=session.settings.delete_concurrency)
    tally = Tally()
    now = utc_now()
    for index, (file_id, result) in enumerate(zip(ids, results, strict=True)):
        if isinstance(result, Exception):
            tally.fail(code_for(result))
            output.error(f"{file_id}: {describe(result)}")
            continue
        tally.ok()
        if not readable:
            output.json_line(result.to_json())
            continue
        if index:
            output.data("")
        for line in file_details(result, now):
            output.data(line)
    return tally.exit_code


COMMAND = Command(
    name="info",
    help="show files' metadata",
    description=(
        "Show each file's metadata: readable on a terminal, one JSON object per line when piped."
    ),
    add_arguments=add_arguments,
    run=show,
)
