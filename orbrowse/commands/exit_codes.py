"""The exit codes every subcommand uses, and how an error or a batch of ids maps to one."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from orbrowse.api.errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    InsecureTransportError,
    LocalCheckError,
    NotFoundError,
    OpenRouterError,
    PermissionDeniedError,
    ResponseFormatError,
)


class ExitCode(IntEnum):
    OK = 0
    PARTIAL = 1
    USAGE = 2
    AUTH = 3
    NOT_FOUND = 4
    SERVER = 5
    INTERRUPTED = 130


EPILOG = """\
exit codes:
  0    success
  1    partial failure: some ids failed (or failed in different ways), or rm was not confirmed
  2    usage error: bad flags or input, a local check failed, or the server refused the
       request as invalid (400, e.g. downloading an uploaded file)
  3    authentication: no API key, a key that cannot be sent (whitespace, not
       ASCII), or the key was refused (401/403)
  4    not found: every id given is unknown
  5    network or server error (after retries)
  130  interrupted (Ctrl+C)

Data goes to stdout, messages and progress to stderr."""


def code_for(error: BaseException) -> ExitCode:
    """The exit code for one expected error."""
    if isinstance(error, AuthenticationError | PermissionDeniedError):
        return ExitCode.AUTH
    if isinstance(error, NotFoundError):
        return ExitCode.NOT_FOUND
    if isinstance(error, LocalCheckError | InsecureTransportError):
        return ExitCode.USAGE
    if isinstance(error, APIStatusError):
        status = error.status or 500
        if 400 <= status < 500 and status != 429:
            return ExitCode.USAGE
        return ExitCode.SERVER
    if isinstance(error, APIConnectionError | ResponseFormatError | OpenRouterError):
        return ExitCode.SERVER
    return ExitCode.SERVER


@dataclass(slots=True)
class Tally:
    """Outcomes of a command that works through several ids (or paths)."""

    succeeded: int = 0
    failures: list[ExitCode] = field(default_factory=list)

    def ok(self) -> None:
        self.succeeded += 1

    def fail(self, code: ExitCode) -> None:
        self.failures.append(code)

    @property
    def exit_code(self) -> ExitCode:
        """0 when all went well; the shared code when every one failed the same way; else 1."""
        if not self.failures:
            return ExitCode.OK
        kinds = set(self.failures)
        if self.succeeded == 0 and len(kinds) == 1:
            return kinds.pop()
        return ExitCode.PARTIAL
