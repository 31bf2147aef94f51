"""The ``orbrowse`` command: the browser by default, ``serve`` for the emulator, and the
scriptable subcommands (``ls``, ``du``, ``info``, ``get``, ``put``, ``rm``, ``workspaces``).

The command line owns what runs around the app: the settings, the debug log, and for
``--demo`` the in-process emulator and its throw-away config. The TUI only runs the app.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from orbrowse import __version__, startup_gc
from orbrowse.commands import COMMAND_NAMES
from orbrowse.commands.arguments import add_connection_arguments

if TYPE_CHECKING:
    from orbrowse.config import Settings

DEMO_FILES = 3000


def browser_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orbrowse",
        description=(
            "Browse and manage the files OpenRouter keeps for a workspace. Subcommands: "
            f"serve (the local emulator), {', '.join(COMMAND_NAMES)} "
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
    skip_httpx_command_line()
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "serve":
        from orbrowse.emulator.server import serve_main

        return serve_main(args[1:])
    if args and args[0] in COMMAND_NAMES:
        from orbrowse.commands.runner import run_command

        return run_command(args[0], args[1:])
    startup_gc.pause()  # until the app's first screen is drawn
    try:
        return run_browser(browser_parser().parse_args(args))
    except KeyboardInterrupt:  # Ctrl+C while starting, before Textual reads the keys
        from orbrowse.commands.exit_codes import ExitCode

        print("orbrowse: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    finally:
        startup_gc.resume()  # the app never drew (a bad setting, Ctrl+C)


def skip_httpx_command_line() -> None:
    """Keep httpx from importing its own command line (``httpx.main``: click, rich.progress,
    pygments) with itself: orbrowse never calls it, and it is a tenth of the imports before the
    first row (``benchmarks/profile_speed.py startup``). Only before httpx is first imported,
    so a process that already has httpx (the tests) keeps it whole."""
    if "httpx" not in sys.modules:
        sys.modules["httpx._main"] = None  # type: ignore[assignment]  # import fails: a stub


def run_browser(options: argparse.Namespace) -> int:
    """Run the browser for parsed options; the app's exit code (non-zero after a fatal error)."""
    from orbrowse.config import load_settings
    from orbrowse.deletion_log import DeletionLog

    settings = load_settings(
        api_key=options.api_key,
        base_url=options.base_url,
        workspace=options.workspace,
        read_only=options.read_only,
        allow_insecure_http=options.allow_insecure_http,
        config_path=Path(options.config) if options.config else None,
        request_timeout=options.request_timeout,
    )
    with ExitStack() as stack:
        deletion_log = None
        if options.demo:
            settings = start_demo(stack, settings, workspace=options.workspace)
            assert settings.config_path is not None
            deletion_log = DeletionLog(settings.config_path.parent / "deletions.jsonl")
        debug_log = None
        if options.debug_log:
            from orbrowse.debug_log import DebugLog

            try:
                debug_log = stack.enter_context(DebugLog(Path(options.debug_log)))
            except OSError as exc:
                print(
                    f"orbrowse: cannot write the debug log {options.debug_log}: "
                    f"{exc.strerror or exc}",
                    file=sys.stderr,
                )
                return 2
        from orbrowse.tui.launch import run_app

        return run_app(settings, debug_log=debug_log, deletion_log=deletion_log)


def start_demo(stack: ExitStack, settings: Settings, *, workspace: str | None) -> Settings:
    """Start the demo emulator (stopped when ``stack`` closes); settings that point at it.

    The demo keeps its own throw-away config and deletion log, so it never touches the user's.
    """
    from orbrowse.emulator.seed import demo_store
    from orbrowse.emulator.server import start_emulator

    emulator = stack.enter_context(start_emulator(store=demo_store(files=DEMO_FILES)))
    demo_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="orbrowse-demo-")))
    return replace(
        settings,
        api_key=emulator.keys.management_key,
        api_key_source="--api-key",
        base_url=emulator.url,
        config_path=demo_dir / "config.toml",
        workspace=workspace,  # the flag only: the user's config names none of the demo's
        recent_workspaces=(),
    )
