"""``orbrowse get ID... [-o PATH]``: download files, never overwriting without ``--force``.

Anything at a target (a file, a FIFO, a symlink, dangling or not) needs ``--force``, which
replaces the directory entry, never what a link points to. A download is written to a
``.part`` file named after the file id; see :mod:`orbrowse.api.partfile`."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import LocalCheckError, TargetExistsError, describe
from orbrowse.api.partfile import install_signal_cleanup, target_problem
from orbrowse.commands.exit_codes import ExitCode, Tally
from orbrowse.commands.output import TransferProgress
from orbrowse.commands.parsing import unique
from orbrowse.commands.session import Command, CommandError, Session, counted
from orbrowse.names import UnsafePathError, target_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="+", metavar="ID", help="file ids")
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="folder to save into (default: the current folder); with one id, also a file path",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace what is already at the target (a file, a FIFO or a symlink: the link "
        "itself, never what it points to)",
    )


def destination_of(output: str | None, count: int) -> tuple[Path, Path | None]:
    """``(folder, explicit file path or None)`` for ``-o``; raises :class:`CommandError`."""
    if output is None:
        return Path.cwd(), None
    path = Path(output).expanduser()
    if path.is_dir():
        return path, None
    if count > 1:
        raise CommandError(f"-o {output}: with several ids, -o must be an existing folder")
    if output.endswith(("/", "\\")):
        raise CommandError(f"-o {output}: the folder does not exist")
    if path.parent.is_dir():
        return path.parent, path
    if path.parent.exists():
        raise CommandError(f"-o {output}: {path.parent} is not a folder")
    raise CommandError(f"-o {output}: the folder {path.parent} does not exist")


def with_force_hint(error: LocalCheckError) -> LocalCheckError:
    """``error``, saying how ``get`` replaces what stands at a target."""
    if isinstance(error, TargetExistsError):
        error.hint = f"pass --force to replace {'the link' if error.link else 'it'}"
    return error


class Downloader:
    def __init__(self, client: FilesClient, session: Session, args: argparse.Namespace) -> None:
        self.client = client
        self.output = session.output
        self.force: bool = args.force
        self.folder, self.explicit = destination_of(args.output, len(unique(args.ids)))

    async def fetch(self, file_id: str) -> Path:
        """Download one file; raises ``OpenRouterError`` or :class:`CommandError`."""
        file = await self.client.get_file(file_id)
        if not file.downloadable:
            raise CommandError(
                f"{file_id} ({file.filename}) is an uploaded file; the API only lets you "
                "download files the server created",
                ExitCode.USAGE,
            )
        if self.explicit is not None:
            destination = self.explicit
        else:
            try:
                destination = target_path(self.folder, file.filename)
            except UnsafePathError as exc:
                raise CommandError(f"{file_id}: {exc}") from exc
        problem = target_problem(destination, overwrite=self.force)
        if problem is not None:
            raise CommandError(describe(with_force_hint(problem)), ExitCode.USAGE)
        progress = TransferProgress(self.output, f"{destination.name}")
        try:
            await self.client.download_file(
                file_id,
                destination,
                overwrite=self.force,
                progress=progress,
                size_bytes=file.size_bytes,
            )
        except TargetExistsError as error:  # it appeared while downloading
            raise with_force_hint(error) from None
        self.output.clear_progress()
        return destination


async def download(args: argparse.Namespace, session: Session) -> int:
    output = session.output
    tally = Tally()
    async with session.client() as client:
        downloader = Downloader(client, session, args)
        for file_id in unique(args.ids):
            with counted(tally, output, file_id):
                path = await downloader.fetch(file_id)
                output.data(str(path))
                output.flush()
    return tally.exit_code


def run(args: argparse.Namespace, session: Session) -> int:
    install_signal_cleanup()  # SIGTERM/SIGHUP: no part file left behind
    return asyncio.run(download(args, session))


COMMAND = Command(
    name="get",
    help="download files",
    description=(
        "Download files (only server-created files can be downloaded; uploads cannot). "
        "Each file is saved under its name made safe for this system; the paths written are "
        "printed on stdout. Progress goes to stderr when it is a terminal. Bytes go to a "
        "hidden .NAME.ID.part file first, removed on failure, Ctrl+C, SIGTERM or SIGHUP (one "
        "left by kill -9 is resumed or replaced by the next get of that id). A download that "
        "receives nothing for stall_timeout seconds (config, default 60) is dropped and tried "
        "again while the 90 s retry budget lasts, then fails."
    ),
    add_arguments=add_arguments,
    run=run,
)
