"""The scriptable subcommands: ``orbrowse ls | du | info | get | put | rm | workspaces``.

They share the browser's settings (flags > environment > config file), key handling and
client. Data goes to stdout (a readable table on a terminal, JSON lines when piped);
messages and progress go to stderr. No expected error prints a traceback.

Exit codes (also in every subcommand's ``--help``)::

    0    success
    1    partial failure: some ids failed (or failed in different ways); rm not confirmed
    2    usage error: bad flags or input, a local check failed, or the server refused
         the request as invalid (400, e.g. downloading an uploaded file)
    3    authentication: no API key, a key that cannot be sent (whitespace, not
         ASCII), or the key was refused (401/403)
    4    not found: every id given is unknown
    5    network or server error (after retries)
    130  interrupted (Ctrl+C)

``rm`` appends every attempt to the deletion log (as the browser does): ``--log FILE``, else
``$ORBROWSE_DELETION_LOG``, else the user state folder's ``deletions.jsonl``.
"""

from __future__ import annotations

COMMAND_NAMES = ("ls", "du", "info", "get", "put", "rm", "workspaces")
"""Every scriptable subcommand; ``orbrowse.commands.NAME`` defines its ``COMMAND``."""
