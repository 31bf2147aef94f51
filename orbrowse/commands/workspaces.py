"""``orbrowse workspaces``: the workspaces a management key can see, or the key's own."""

from __future__ import annotations

import argparse

from orbrowse.api.errors import PermissionDeniedError
from orbrowse.commands.render import workspace_header, workspace_json, workspace_row
from orbrowse.commands.session import Command, Session


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="JSON lines even on a terminal (the default when piped)"
    )


async def list_workspaces(args: argparse.Namespace, session: Session) -> int:
    output = session.output
    table = output.stdout_is_terminal and not args.json
    async with session.client() as client:
        try:
            count = 0
            async for workspace in client.iter_workspaces():
                if table and count == 0:
                    output.data(workspace_header())
                count += 1
                if table:
                    output.data(workspace_row(workspace))
                else:
                    output.json_line(workspace_json(workspace))
            if count == 0:
                output.message("no workspaces")
            return 0
        except PermissionDeniedError:
            if count:
                raise
        # An ordinary key may not list workspaces, but it can say which one it works in.
        info = await client.get_key_info()
    if info.workspace_id is None:
        output.message(
            "this key cannot list workspaces (that needs a management key); "
            "it works in the account's default workspace"
        )
        return 0
    output.message(
        "this key cannot list workspaces (that needs a management key); "
        "showing the workspace the key works in"
    )
    if table:
        output.data(info.workspace_id)
    else:
        output.json_line({"id": info.workspace_id, "name": None, "slug": None})
    return 0


COMMAND = Command(
    name="workspaces",
    help="list workspaces",
    description=(
        "List the workspaces (a management key is needed to list them all; with an ordinary "
        "key, the key's own workspace is shown). A table on a terminal, JSON lines when piped."
    ),
    add_arguments=add_arguments,
    run=list_workspaces,
)
