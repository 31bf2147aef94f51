"""How a workspace is named wherever a person acts on it: the browser's header and banner, the
delete confirmation and progress, and ``orbrowse rm``'s question.

A workspace is named by its name, its slug and the first 8 characters of its id
("Production (production, 5d3f2a1c)"), with the config's label and a lock in front when it
has them ("🔒 PROD · Production (…)"). Server text and config text are made visible here
(:func:`visible_text`) and stay plain data: callers put the result in a ``Text``, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from orbrowse.listing.formatting import visible_text

SHORT_ID_LENGTH = 8
LOCK = "🔒"
KEY_WORKSPACE = "this key's workspace"


def short_id(workspace_id: str | None) -> str:
    """The first 8 characters of the id ("" when it is not known)."""
    return (workspace_id or "").strip()[:SHORT_ID_LENGTH]


@dataclass(frozen=True, slots=True)
class WorkspaceLabel:
    """The words that name one workspace; every field may be empty."""

    id: str | None
    name: str = ""
    slug: str = ""
    label: str = ""
    """The config's label ("PROD")."""
    read_only: bool = False

    @property
    def description(self) -> str:
        """``Production (production, 5d3f2a1c)``; what is known of it when some is not."""
        details = [visible_text(part) for part in (self.slug, short_id(self.id)) if part]
        name = visible_text(self.name)
        if not name:
            name = details.pop(0) if details else KEY_WORKSPACE
            if not details and self.id is None:
                return name
        return f"{name} ({', '.join(details)})" if details else name

    @property
    def badge(self) -> str:
        """The lock and the label (``🔒 PROD``), or "" when there is neither."""
        parts = ([LOCK] if self.read_only else []) + (
            [visible_text(self.label)] if self.label else []
        )
        return " ".join(parts)

    @property
    def full(self) -> str:
        """Badge and description: ``🔒 PROD · Production (production, 5d3f2a1c)``."""
        badge = self.badge
        return f"{badge} · {self.description}" if badge else self.description
