"""What every subcommand shares: settings, the key check, the client, and a usage error type."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orbrowse.api.client import FilesClient, RequestObserver
from orbrowse.api.errors import (
    AuthenticationError,
    OpenRouterError,
    PermissionDeniedError,
    describe,
)
from orbrowse.api.keys import key_problem
from orbrowse.commands.exit_codes import ExitCode, Tally, code_for
from orbrowse.commands.output import Output
from orbrowse.config import ENV_API_KEY, Settings, default_config_path, load_settings
from orbrowse.connect import NoKeyError, client_for
from orbrowse.listing.workspace_label import WorkspaceLabel


class CommandError(Exception):
    """An expected failure with its exit code; ``str(error)`` is fit to show a person."""

    def __init__(self, message: str, code: ExitCode = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@contextmanager
def counted(tally: Tally, output: Output, label: str) -> Iterator[None]:
    """One of several ids or paths: counted as done if the block ends, else its expected error
    is shown against ``label`` and counted, and the run goes on. A refused key ends the run."""
    try:
        yield
    except (AuthenticationError, PermissionDeniedError):
        raise
    except OpenRouterError as error:
        tally.fail(code_for(error))
        output.error(f"{label}: {describe(error)}")
    except CommandError as error:
        tally.fail(error.code)
        output.error(error.message)
    else:
        tally.ok()


@dataclass(frozen=True, slots=True)
class Command:
    """One subcommand: its help, its arguments and what it does."""

    name: str
    help: str
    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Session], int | Coroutine[Any, Any, int]]
    """Returns the exit code; a coroutine function is run on a new event loop."""


@dataclass(slots=True)
class Session:
    """Settings and output for one command run; builds clients on demand."""

    settings: Settings
    output: Output
    observer: RequestObserver | None = None

    def client(self) -> FilesClient:
        """A new client (use ``async with``); one per event loop."""
        try:
            return client_for(self.settings, observer=self.observer)
        except NoKeyError:
            raise CommandError("no API key", ExitCode.AUTH) from None

    async def refuse_if_read_only(self, action: str) -> None:
        """Stop a write to a workspace the config makes read-only (``read_only_workspaces`` or
        ``read_only`` in its ``[workspaces."<uuid>"]`` table).

        Without ``--workspace`` the write goes to the key's own workspace: ``GET /key`` says
        which, so that one is checked too (asked only when the config lists any)."""
        settings = self.settings
        workspace = settings.workspace
        if workspace is None and settings.any_read_only_workspace and not settings.read_only:
            async with self.client() as client:
                workspace = (await client.get_key_info()).workspace_id
        if settings.is_read_only(workspace):
            label = f"workspace {workspace}" if workspace else self.workspace_label
            raise CommandError(
                f"{label} is read-only (the config file "
                f"{settings.config_path}); refusing to {action}"
            )

    async def workspace_named(self) -> WorkspaceLabel:
        """The workspace this run acts on, named as the browser names it: name, slug, the
        id's first 8 characters, the config's label. Whatever cannot be found out (an
        ordinary key may not list workspaces) is left out; asking never fails the run."""
        settings = self.settings
        wanted = settings.workspace
        name = slug = ""
        async with self.client() as client:
            with contextlib.suppress(OpenRouterError):
                if wanted is None:
                    wanted = (await client.get_key_info()).workspace_id
                async for workspace in client.iter_workspaces():
                    if wanted is not None and workspace.id.lower() == wanted.lower():
                        name, slug = workspace.name, workspace.slug
                        break
        if not name:
            for recent in settings.recent_workspaces:
                if wanted is not None and recent.id.lower() == wanted.lower():
                    name, slug = recent.name, recent.slug
        style = settings.style_of(wanted)
        return WorkspaceLabel(wanted, name, slug, style.label, settings.is_read_only(wanted))

    @property
    def workspace_label(self) -> str:
        return (
            f"workspace {self.settings.workspace}"
            if self.settings.workspace
            else ("the key's workspace")
        )


def no_key_message(config_path: Path) -> str:
    return "\n".join(
        (
            "no API key found. Give one in any of these ways:",
            "  --api-key KEY",
            f"  the environment variable {ENV_API_KEY}",
            f'  api_key = "sk-or-v1-..." in {config_path} (then chmod 600 it)',
            "To try orbrowse without a key: `orbrowse --demo` opens the browser on demo files;",
            "`orbrowse serve` runs a local emulator of the Files API and prints the URL and",
            "demo key to pass as --base-url and --api-key.",
        )
    )


def load(args: argparse.Namespace, output: Output) -> Settings:
    """Settings from the connection flags; raises :class:`CommandError` if unusable.

    Problems the browser would merely show are fatal here when they are errors (a bad
    ``--workspace`` must not quietly turn into the default workspace for ``rm``).
    """
    config_path = Path(args.config).expanduser() if args.config else None
    if args.api_key:
        output.hide(args.api_key.strip())
    settings = load_settings(
        api_key=args.api_key,
        base_url=args.base_url,
        workspace=args.workspace,
        config_path=config_path,
        allow_insecure_http=args.allow_insecure_http,
        request_timeout=args.request_timeout,
    )
    output.hide(settings.api_key)
    errors = [p for p in settings.problems if p.severity == "error"]
    for problem in settings.problems:
        if problem.severity != "error":
            output.warning(problem.message)
    if errors:
        raise CommandError("; ".join(p.message for p in errors))
    if not settings.api_key:
        path = settings.config_path or config_path or default_config_path()
        raise CommandError(no_key_message(path), ExitCode.AUTH)
    bad_key = key_problem(settings.api_key)
    if bad_key:
        raise CommandError(
            f"{bad_key} (the key came from {settings.api_key_source})", ExitCode.AUTH
        )
    return settings
