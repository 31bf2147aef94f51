"""Running one scriptable subcommand: its parser, its settings, its exit code (see the
package's docstring for the codes)."""

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
