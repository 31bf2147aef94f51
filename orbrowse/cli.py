"""The ``orbrowse`` command: the browser by default, ``serve`` for the emulator, and the
scriptable subcommands (``ls``, ``info``, ``get``, ``put``, ``rm``, ``workspaces``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from orbrowse import __version__

SCRIPT_COMMANDS = ("ls", "info", "get", "put", "rm", "workspaces")


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags the browser and every subcommand share."""
    parser.add_argument(
        "--api-key",
        help="API key (default: $OPENROUTER_API_KEY, then the config file)",
    )
    parser.add_argument("--workspace", metavar="UUID", help="workspace to open")
    parser.add_argument("--base-url", metavar="URL", help="API base URL (any compatible server)")
    parser.add_argument(
        "--config", metavar="FILE", help="config file (default: the user config folder)"
    )
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow sending the key over plain http:// to a host that is not this machine",
    )
    parser.add_argument(
        "--debug-log", metavar="FILE", help="record requests and timings (key redacted) to FILE"
    )


def browser_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orbrowse",
        description=(
            "Browse and manage the files OpenRouter keeps for a workspace. Subcommands: "
            "serve (the local emulator), ls, info, get, put, rm, workspaces "
            "(run `orbrowse COMMAND --help`)."
        ),
    )
    add_connection_arguments(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="browse a local emulator filled with demo files (no key)",
    )
    parser.add_argument("--read-only", action="store_true", help="hide every write action")
    parser.add_argument("--version", action="version", version=f"orbrowse {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "serve":
        from orbrowse.emulator.server import serve_main

        return serve_main(args[1:])
    if args and args[0] in SCRIPT_COMMANDS:
        from orbrowse.commands import run_command

        return run_command(args[0], args[1:])
    options = browser_parser().parse_args(args)
    from orbrowse.tui.launch import run_browser

    return run_browser(options)
