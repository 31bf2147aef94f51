"""Key remapping from the config's ``[keys]`` table, through Textual's keymap.

Each entry names a binding by its id (``delete``, ``filter``, ``quit``…; README lists them)
and gives the keys that replace its own, comma-separated (``delete = "D,ctrl+d"``). An
unknown id or a key name Textual does not know is reported and skipped, never fatal.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from textual.binding import Binding, BindingType
from textual.keys import Keys

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


@lru_cache(maxsize=1)
def _named_keys() -> frozenset[str]:
    names = set()
    for key in Keys:
        names.add(key.value.rsplit("+", 1)[-1])
    names.update({"space", "enter", "tab", "backspace", "escape"})
    return frozenset(names)


def key_problem(key: str) -> str | None:
    """Why ``key`` (one key, e.g. ``ctrl+d``, ``D``, ``f5``, ``question_mark``) is no key."""
    *modifiers, base = key.split("+") if len(key) > 1 else [key]
    unknown = [m for m in modifiers if m not in MODIFIERS]
    if unknown:
        return f"{unknown[0]!r} is not a modifier (ctrl, shift, alt, meta, super, hyper)"
    if len(base) == 1:
        return None if base.isprintable() and not base.isspace() else "not a printable key"
    if base in _named_keys():
        return None
    try:
        character = unicodedata.lookup(base.replace("_", " ").upper())
    except KeyError:
        return f"{base!r} is not a key name Textual knows (e.g. D, ctrl+d, f5, pageup)"
    # Textual names printable ASCII by their Unicode names (question_mark, asterisk).
    if character.isascii() and character.isprintable():
        return None
    return f"{base!r} is not a key name Textual knows (e.g. D, ctrl+d, f5, pageup)"


def binding_ids(binding_lists: Iterable[Sequence[BindingType]]) -> dict[str, str]:
    """{id: description} of every binding with an id in ``binding_lists``."""
    found: dict[str, str] = {}
    for bindings in binding_lists:
        for binding in bindings:
            if isinstance(binding, Binding) and binding.id:
                found.setdefault(binding.id, binding.description)
    return found


def check_keymap(
    entries: Iterable[tuple[str, str]], known_ids: Iterable[str]
) -> tuple[dict[str, str], list[str]]:
    """The usable part of the config's keymap, and a message for each entry left out."""
    known = set(known_ids)
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in entries:
        if binding_id not in known:
            problems.append(
                f"[keys] {binding_id!r} is not a binding id; ignoring it (the README lists them)"
            )
            continue
        parts = [part.strip() for part in keys.split(",")]
        bad = [(part, key_problem(part)) for part in parts if not part or key_problem(part)]
        if bad:
            part, why = bad[0]
            problems.append(
                f"[keys] {binding_id} = {keys!r}: {part!r} {why or 'is empty'}; "
                "keeping the usual key"
            )
            continue
        keymap[binding_id] = ",".join(parts)
    return keymap, problems
