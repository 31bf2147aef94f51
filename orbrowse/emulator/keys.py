"""The API keys the emulator accepts and what each may do.

The demo keys are public on purpose (they only open a local emulator), so they may be
printed in full.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEMO_MANAGEMENT_KEY = "sk-or-v1-demo-management-key-mgmt"
DEMO_WORKSPACE_KEY = "sk-or-v1-demo-workspace-key-work"


@dataclass(frozen=True, slots=True)
class Grant:
    """What a presented key may do. ``workspace_id`` None means the store's default."""

    key: str
    is_management: bool
    workspace_id: str | None
    label: str


@dataclass
class Keys:
    """Accepted keys: one management key (every workspace, the ``/workspaces`` calls) and
    ordinary keys, each bound to one workspace.

    ``workspace_key`` is bound to ``workspace_key_workspace_id`` (``None``: the default
    workspace). ``extra_keys`` maps more ordinary keys to their workspace ids.
    """

    management_key: str = DEMO_MANAGEMENT_KEY
    workspace_key: str | None = DEMO_WORKSPACE_KEY
    workspace_key_workspace_id: str | None = None
    extra_keys: dict[str, str] = field(default_factory=dict)

    def grant(self, key: str) -> Grant | None:
        """The grant for a presented key, or ``None`` if the key is unknown."""
        if key == self.management_key:
            return Grant(key, True, None, "orbrowse emulator management key")
        if self.workspace_key is not None and key == self.workspace_key:
            return Grant(key, False, self.workspace_key_workspace_id, "orbrowse emulator key")
        if key in self.extra_keys:
            return Grant(key, False, self.extra_keys[key], "orbrowse emulator key")
        return None


def mask(key: str) -> str:
    """A key shortened for display: ``sk-or-v1-abc…wxyz``."""
    if len(key) <= 12:
        return "…" if key else ""
    return f"{key[:9]}…{key[-4:]}"
