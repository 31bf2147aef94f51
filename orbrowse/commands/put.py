"""``orbrowse put PATH... [--name NAME]``: upload files, checked locally first."""

from __future__ import annotations

import argparse
from pathlib import Path

from orbrowse.api.rules import upload_problem
from orbrowse.commands.exit_codes import Tally
from orbrowse.commands.output import TransferProgress
from orbrowse.commands.session import Command, CommandError, Session, counted


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="local files to upload")
    parser.add_argument(
        "--name", help="the filename to store (one PATH only; may hold '/' folder segments)"
    )


def check_all(paths: list[Path], name: str | None) -> None:
    """Refuse the whole run, before anything is sent, if any path would be refused."""
    if name is not None and len(paths) > 1:
        raise CommandError("--name works with one PATH only")
    problems = [problem for path in paths if (problem := upload_problem(path, filename=name))]
    if problems:
        lines = "\n".join(f"  {problem}" for problem in problems)
        raise CommandError(f"nothing was uploaded:\n{lines}")


async def upload(args: argparse.Namespace, session: Session) -> int:
    await session.refuse_if_read_only("upload")
    output = session.output
    paths = [Path(p).expanduser() for p in args.paths]
    check_all(paths, args.name)
    tally = Tally()
    async with session.client() as client:
        for path in paths:
            progress = TransferProgress(output, path.name)
            with counted(tally, output, str(path)):
                file = await client.upload_file(path, filename=args.name, progress=progress)
                output.json_line(file.to_json())
                output.flush()
    return tally.exit_code


COMMAND = Command(
    name="put",
    help="upload files",
    description=(
        "Upload files and print each new file's metadata as one JSON object per line. Every "
        "path is checked first (exists, not empty, at most 100 MiB, a type the API takes); "
        "if any fails the check, nothing is uploaded."
    ),
    add_arguments=add_arguments,
    run=upload,
)
