"""What the browser says when the listing stops on an error: one short text for the status
line, one notification, and whether ``r`` can help (never after the key was refused)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from orbrowse.api.errors import (
    AuthenticationError,
    BadRequestError,
    OpenRouterError,
    PermissionDeniedError,
    describe,
)


@dataclass(frozen=True, slots=True)
class Stopped:
    status: str
    """Short, for the status line."""
    notice: str
    """Whole sentences: what happened and what to do."""
    retry_helps: bool
    key_refused: bool = False
    start_over: bool = False
    """``r`` lists again from the start rather than resuming at the cursor."""


def sentence(text: str) -> str:
    """``text`` ending in exactly one full stop (server text may bring its own)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def explain_stop(error: OpenRouterError, config_path: Path | None) -> Stopped:
    where = f"api_key in {config_path}" if config_path else "api_key in the config file"
    server = getattr(error, "server_message", "")
    detail = f": {server}" if server else ""
    if isinstance(error, AuthenticationError):
        return Stopped(
            status="key refused (401): quit, fix the key, start again",
            notice=sentence(f"The API key was refused (401){detail}")
            + " Nothing can be listed with it. Quit (q), give a valid key with --api-key, "
            f"OPENROUTER_API_KEY or {where}, and start orbrowse again.",
            retry_helps=False,
            key_refused=True,
        )
    if isinstance(error, PermissionDeniedError):
        return Stopped(
            status="not allowed (403): w picks another workspace",
            notice=sentence(f"This key may not list this workspace's files (403){detail}")
            + " Press w to pick another workspace, or start orbrowse with a key that may use it.",
            retry_helps=False,
        )
    text = describe(error)
    if isinstance(error, BadRequestError):
        # The request is the same each time: its cursor (the listing's place) is refused,
        # e.g. by a server restarted with other data. Sent again it fails again.
        return Stopped(
            status=f"stopped: {text} · r lists again from the start",
            notice=sentence(text) + " Press r to list again from the start.",
            retry_helps=True,
            start_over=True,
        )
    return Stopped(
        status=f"stopped (r retries): {text}",
        notice=sentence(text) + " Press r to retry from where it stopped.",
        retry_helps=True,
    )
