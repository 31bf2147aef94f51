"""Where a subcommand's text goes: data to stdout, messages and progress to stderr.

Every line passes through :meth:`Output.redact`, so the API key cannot reach either stream
even if a server message echoed it. Progress is drawn only when stderr is a terminal.
"""

from __future__ import annotations

import json
import time
from typing import Any, TextIO

from orbrowse.config import mask_key
from orbrowse.listing.formatting import human_size, visible_text

_PROGRESS_INTERVAL = 0.1


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Output:
    """The two streams of one command run."""

    def __init__(self, prog: str, stdout: TextIO, stderr: TextIO) -> None:
        self.prog = prog
        self.stdout = stdout
        self.stderr = stderr
        self.stdout_is_terminal = _is_terminal(stdout)
        self.stderr_is_terminal = _is_terminal(stderr)
        self._secrets: set[str] = set()
        self._progress_shown = False

    def hide(self, secret: str | None) -> None:
        """Never let ``secret`` through (shown masked instead)."""
        if secret and len(secret) >= 4:
            self._secrets.add(secret)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, mask_key(secret))
        return text

    # stdout ---------------------------------------------------------------------------------

    def data(self, line: str) -> None:
        """One line of data on stdout."""
        self.clear_progress()
        self.stdout.write(self.redact(line) + "\n")

    def json_line(self, value: Any) -> None:
        """One JSON value on a line (ASCII only, so no raw control character can get through)."""
        self.data(json.dumps(value, ensure_ascii=True))

    def flush(self) -> None:
        self.stdout.flush()

    # stderr ---------------------------------------------------------------------------------

    def message(self, text: str) -> None:
        """Lines for the person running the command (each made visible-safe)."""
        self.clear_progress()
        safe = "\n".join(visible_text(line) for line in text.split("\n"))
        self.stderr.write(self.redact(safe) + "\n")
        self.stderr.flush()

    def error(self, text: str) -> None:
        self.message(f"{self.prog}: {text}")

    def warning(self, text: str) -> None:
        self.message(f"{self.prog}: warning: {text}")

    def progress(self, text: str) -> None:
        """Replace the progress line on a terminal; nothing otherwise."""
        if not self.stderr_is_terminal:
            return
        self.stderr.write("\r" + self.redact(visible_text(text)) + "\x1b[K")
        self.stderr.flush()
        self._progress_shown = True

    def clear_progress(self) -> None:
        if self._progress_shown:
            self.stderr.write("\r\x1b[K")
            self.stderr.flush()
            self._progress_shown = False


class TransferProgress:
    """A transfer progress callback drawing one line, at most ten times a second."""

    def __init__(self, output: Output, label: str) -> None:
        self.output = output
        self.label = label
        self._last = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if not finished and now - self._last < _PROGRESS_INTERVAL:
            return
        self._last = now
        if total:
            percent = min(100, done * 100 // total)
            text = f"{self.label}  {percent:3d}%  {human_size(done)} of {human_size(total)}"
        else:
            text = f"{self.label}  {human_size(done)}"
        self.output.progress(text)
