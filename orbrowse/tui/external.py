"""Handing a file to a program outside orbrowse: ``$PAGER`` for text, else ``$EDITOR`` or the
system opener. The choice is a pure function of the preview kind and the environment."""

from __future__ import annotations

import shlex
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Handler = Literal["pager", "editor", "opener", "remote"]

REMOTE_NOTE = "orbrowse runs over SSH: the file stays on the remote machine, at {path}"
NO_PROGRAM_NOTE = "No program to open it here (no system opener, $EDITOR unset); saved at {path}"


@dataclass(frozen=True, slots=True)
class Plan:
    """What to run (``command`` + the file's path) and how to describe it."""

    handler: Handler
    command: tuple[str, ...]


def over_ssh(env: Mapping[str, str]) -> bool:
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY") or env.get("SSH_CLIENT"))


def system_opener() -> tuple[str, ...] | None:
    if sys.platform == "darwin":
        return ("open",)
    if sys.platform == "win32":
        return None
    for name in ("xdg-open", "gio"):
        if shutil.which(name):
            return (name,) if name == "xdg-open" else (name, "open")
    return None


def plan_for(is_text: bool, env: Mapping[str, str]) -> Plan:
    """Text goes to ``$PAGER`` (``less``), which works in any terminal, SSH included; anything
    else to ``$VISUAL``/``$EDITOR`` or the system opener, which would open on the machine
    orbrowse runs on: over SSH that is the remote one, so the file is only saved."""
    if is_text:
        return Plan("pager", tuple(shlex.split(env.get("PAGER") or "less -R")) or ("less",))
    if over_ssh(env):
        return Plan("remote", ())
    opener = system_opener()
    if opener is not None:
        return Plan("opener", opener)
    editor = env.get("VISUAL") or env.get("EDITOR")
    if editor:
        return Plan("editor", tuple(shlex.split(editor)))
    return Plan("remote", ())
