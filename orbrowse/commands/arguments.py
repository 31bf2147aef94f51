"""The connection flags the browser and every subcommand share."""

from __future__ import annotations

import argparse


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--api-key``, ``--workspace``, ``--base-url``, ``--config`` and the rest."""
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
    parser.add_argument(
        "--request-timeout",
        metavar="SECONDS",
        help="seconds one API call may take in all, retries included; uploads and downloads "
        "are not cut by it (default: $ORBROWSE_REQUEST_TIMEOUT, the config file, then 60)",
    )
