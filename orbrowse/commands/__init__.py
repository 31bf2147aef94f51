"""The scriptable subcommands: ``orbrowse ls | du | info | get | put | rm | workspaces``.

They share the browser's settings (flags > environment > config file), key handling and
client. Data goes to stdout (a readable table on a terminal, JSON lines when piped);
messages and progress go to stderr. No expected error prints a traceback.

Exit codes (also in every subcommand's ``--help``)::

    0    success
    1    partial failure: some ids failed (or failed in different ways); rm not confirmed
    2    usage error: bad flags or input, a local check failed, or the server refused
         the request as invalid (400, e.g. downloading an uploaded file)
    3    authentication: no API key, a key that cannot be sent (whitespace, not
         ASCII), or the key was refused (401/403)
    4    not found: every id given is unknown
    5    network or server error (after retries)
    130  interrupted (Ctrl+C)

``rm`` appends every attempt to the deletion log (as the browser does): ``--log FILE``, else
``$ORBROWSE_DELETION_LOG``, else the user state folder's ``deletions.jsonl``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

from orbrowse.api.errors import OpenRouterError, describe
from orbrowse.commands.arguments import add_connection_arguments
from orbrowse.commands.exit_codes import EPILOG, ExitCode, code_for
from orbrowse.commands.output import Output
from orbrowse.commands.session import Command, CommandError, Session, load
from orbrowse.debug_log import DebugLog

COMMAND_NAMES = ("ls", "du", "info", "get", "put", "rm", "workspaces")
"""Every scriptable subcommand; ``orbrowse.commands.NAME`` defines its ``COMMAND``."""


def command_for(name: str) -> Command:
    command = importlib.import_module(f"orbrowse.commands.{name}").COMMAND
    assert isinstance(command, Command)
    return command


def build_parser(command: Command) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"orbrowse {command.name}",
        description=command.description,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_arguments(parser)
    add_connection_arguments(parser)
    return parser


def run_command(
    name: str,
    argv: list[str],
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run ``orbrowse NAME ARGV...`` and return its exit code (argparse exits 2 on bad flags)."""
    command = command_for(name)
    args = build_parser(command).parse_args(argv)
    output = Output(f"orbrowse {name}", stdout or sys.stdout, stderr or sys.stderr)
    try:
        with ExitStack() as stack:
            settings = load(args, output)
            observer = None
            if args.debug_log:
                try:
                    debug = stack.enter_context(DebugLog(Path(args.debug_log).expanduser()))
                except OSError as exc:
                    raise CommandError(
                        f"cannot write the debug log {args.debug_log}: {exc.strerror or exc}"
                    ) from exc
                observer = debug.record
            result = command.run(args, Session(settings, output, observer))
            code = result if isinstance(result, int) else asyncio.run(result)
            output.flush()
            if observer is not None and debug.error is not None:
                output.warning(debug.error)
            return code
    except KeyboardInterrupt:
        output.error("interrupted")
        return ExitCode.INTERRUPTED
    except CommandError as error:
        output.error(error.message)
        return error.code
    except OpenRouterError as error:
        output.error(describe(error))
        return code_for(error)
    except BrokenPipeError:
        # The reader went away (``orbrowse ls | head``): that is its choice, not a failure.
        _silence_stdout(output.stdout)
        return ExitCode.OK


def _silence_stdout(stream: TextIO) -> None:
    if stream is not sys.stdout:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
