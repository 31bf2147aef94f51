"""Helpers for the command-line tests: run ``python -m orbrowse ...`` as a subprocess."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_CLEARED_ENV = ("OPENROUTER_API_KEY", "ORBROWSE_BASE_URL", "ORBROWSE_WORKSPACE")


def child_env() -> dict[str, str]:
    """This process's environment without the variables that would give orbrowse a key, a
    server or a workspace the test did not choose."""
    return {k: v for k, v in os.environ.items() if k not in _CLEARED_ENV}


def run_child(
    command: list[str],
    *,
    env: dict[str, str],
    timeout: float,
    input: str | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` to its end in a new session (no controlling terminal, no ``/dev/tty``),
    its output captured as text; ``subprocess.TimeoutExpired`` past ``timeout`` seconds.
    Without ``input`` the child reads this process's stdin."""
    return subprocess.run(
        command,
        input=input,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
        start_new_session=True,
        check=False,
    )


@contextlib.contextmanager
def sigint_as_in_a_terminal() -> Iterator[None]:
    """A child started inside gets SIGINT as a terminal's foreground job does: not ignored.

    A pytest started as a background job of a script inherits SIGINT ignored, and exec keeps
    an ignored signal (a handled one is reset): the child would then shrug off the SIGINT a
    test sends it (``orbrowse get`` downloaded all of a 1 GiB file and exited 0)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@dataclass(frozen=True, slots=True)
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()


class Cli:
    """Runs subcommands against one emulator with a throw-away config and deletion log.

    Each run gets ``--base-url`` and (unless ``key=None``) ``--api-key``, starts in a new
    session so no controlling terminal (``/dev/tty``) is reachable, and is checked for
    tracebacks and for the key appearing on stdout or stderr.
    """

    def __init__(self, base_url: str, api_key: str, folder: Path) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.folder = folder
        self.deletion_log = folder / "deletions.jsonl"
        self.env = child_env()
        self.env["ORBROWSE_CONFIG"] = str(folder / "config.toml")
        self.env["ORBROWSE_DELETION_LOG"] = str(self.deletion_log)

    def __call__(
        self,
        *args: str,
        input: str = "",
        key: str | None = "",
        cwd: Path | None = None,
    ) -> Result:
        """``key=""`` uses the default key; ``key=None`` passes none."""
        used_key = self.api_key if key == "" else key
        command = [sys.executable, "-m", "orbrowse", *args, "--base-url", self.base_url]
        if used_key is not None:
            command += ["--api-key", used_key]
        done = run_child(command, env=self.env, timeout=60, input=input, cwd=cwd or self.folder)
        result = Result(done.returncode, done.stdout, done.stderr)
        if used_key is not None:
            assert used_key not in result.stdout
            assert used_key not in result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        return result


def ls_all_ids(base_url: str, api_key: str, workspace: str, filter_text: str) -> set[str]:
    """The ids ``orbrowse ls --all --filter TEXT`` prints, run as a child (no terminal), as
    a person runs it: on its own main thread, where the filter's time limit works (in a
    thread of this process it refuses to run)."""
    argv = ["--all", "--filter", filter_text, "--jsonl", "--page-size", "1000"]
    argv += ["--base-url", base_url, "--api-key", api_key, "--workspace", workspace]
    done = run_child(
        [sys.executable, "-m", "orbrowse", "ls", *argv], env=child_env(), timeout=120, input=""
    )
    assert done.returncode == 0, done.stderr
    return {json.loads(line)["id"] for line in done.stdout.splitlines()}
