"""Start the browser from parsed command-line options (``orbrowse``, ``orbrowse --demo``)."""

from __future__ import annotations

import argparse
import tempfile
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from orbrowse.config import load_settings
from orbrowse.debug_log import DebugLog
from orbrowse.deletion_log import DeletionLog
from orbrowse.tui.app import build_app

DEMO_FILES = 3000


def run_browser(options: argparse.Namespace) -> int:
    settings = load_settings(
        api_key=options.api_key,
        base_url=options.base_url,
        workspace=options.workspace,
        read_only=options.read_only,
        allow_insecure_http=options.allow_insecure_http,
        config_path=Path(options.config) if options.config else None,
    )
    with ExitStack() as stack:
        demo_dir = Path()
        if options.demo:
            from orbrowse.emulator.seed import demo_store
            from orbrowse.emulator.server import start_emulator

            emulator = stack.enter_context(start_emulator(store=demo_store(files=DEMO_FILES)))
            # The demo keeps its own throw-away config so it never touches the user's.
            demo_dir = Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="orbrowse-demo-"))
            )
            settings = replace(
                settings,
                api_key=emulator.keys.management_key,
                api_key_source="--api-key",
                base_url=emulator.url,
                config_path=demo_dir / "config.toml",
                workspace=options.workspace,
                recent_workspaces=(),
            )
        debug = (
            stack.enter_context(DebugLog(Path(options.debug_log))) if options.debug_log else None
        )
        app = build_app(
            settings,
            observer=debug.record if debug else None,
            deletion_log=DeletionLog(demo_dir / "deletions.jsonl") if options.demo else None,
        )
        result = app.run()
    return result if isinstance(result, int) else 0
