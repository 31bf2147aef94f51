"""``orbrowse du``: file count, size and newest date per folder, like ``du -d N``.

Folders are the ``/`` segments of the names (:mod:`orbrowse.listing.folders`, the browser's
folder tree). The API has no folders and no prefix search, so ``du`` lists every file and
sums on this side.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from orbrowse.api.models import format_timestamp
from orbrowse.commands import listing_options as options
from orbrowse.commands.render import folder_header, folder_row
from orbrowse.commands.session import Command, Session
from orbrowse.listing.filter_language import FILTER_HELP, name_prefix
from orbrowse.listing.folders import SEPARATOR, Folder, FolderTree, leaf_name
from orbrowse.listing.formatting import utc_now, visible_text

DEFAULT_DEPTH = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "prefix",
        nargs="?",
        default="",
        metavar="PREFIX",
        help="the folder to sum up, e.g. runs/2025/ (the trailing / is optional); "
        "default: every file",
    )
    parser.add_argument(
        "--depth",
        type=options.argtype(lambda text: options.whole_number(text, least=0)),
        default=DEFAULT_DEPTH,
        metavar="N",
        help=f"show folders at most N levels below PREFIX (default {DEFAULT_DEPTH}; "
        "0: the total only)",
    )
    options.add_form_arguments(parser, "folders")
    options.add_filter_argument(parser)
    options.add_page_size_argument(parser, f"{options.API_PAGE_MAX}: du lists every file")


def folder_path_of(prefix: str) -> str:
    """The folder path PREFIX names: ``runs/2025`` and ``runs/2025/`` are ``runs/2025/``."""
    return prefix if not prefix or prefix.endswith(SEPARATOR) else prefix + SEPARATOR


def largest_first(top: Folder, depth: int) -> list[Folder]:
    """The folders at most ``depth`` levels below ``top`` (not ``top``), largest first; ties
    by path, so the order is the same from run to run."""
    below = [folder for folder in top.iter_folders(max_depth=depth) if folder is not top]
    below.sort(key=lambda folder: (-folder.size, folder.path))
    return below


def folder_json(folder: Folder, top: Folder) -> dict[str, Any]:
    newest = datetime.fromtimestamp(folder.newest, UTC) if folder.count else None
    return {
        "folder": folder.path,
        "depth": folder.depth - top.depth,
        "files": folder.count,
        "size_bytes": folder.size,
        "newest": format_timestamp(newest) if newest is not None else None,
    }


async def disk_usage(args: argparse.Namespace, session: Session) -> int:
    now = utc_now()
    path = folder_path_of(args.prefix)
    criteria = options.filter_from(args, now, (name_prefix(path),) if path else ())
    page_size: int = args.page_size or options.API_PAGE_MAX
    output = session.output
    tree = FolderTree()
    listed = 0
    async with session.client() as client:
        async for page in client.iter_pages(limit=page_size):
            listed += len(page.files)
            tree.append(page.files if criteria is None else options.kept(criteria, page.files))
            output.progress(f"listing: {listed:,} files")
    top = tree.folder(path) or Folder(leaf_name(path[:-1]), path, None)
    rows = largest_first(top, args.depth)
    form = options.output_form(args, output)
    if form == "table":
        output.data(folder_header())
        for folder in rows:
            output.data(folder_row(folder, now))
        output.data(folder_row(top, now, f"total of {visible_text(path)}" if path else "total"))
    elif form == "jsonl":
        for folder in (*rows, top):
            output.json_line(folder_json(folder, top))
    else:
        output.json_line([folder_json(folder, top) for folder in (*rows, top)])
    if top.count == 0 and path:
        output.message(f"no files under {path!r}")
    return 0


COMMAND = Command(
    name="du",
    help="file count, size and newest date per folder",
    description=(
        "Sum up the files per folder (the / segments of their names), like du -d N: each\n"
        "folder at most --depth levels below PREFIX with its file count, total size and\n"
        "newest file, largest first, then the total. Every file is listed (the API has no\n"
        "folders); --filter counts only the files it keeps. On a terminal: a table; when\n"
        "piped: one JSON object per folder and line (sizes in bytes), the total last\n"
        "(depth 0).\n\nThe prune-a-folder check: orbrowse du runs/2025/ --depth 0\n\n" + FILTER_HELP
    ),
    add_arguments=add_arguments,
    run=disk_usage,
)
