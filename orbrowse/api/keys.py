"""The local check of an API key, before it goes into a header.

A key travels in ``Authorization: Bearer …``: a character outside printable ASCII cannot be
sent at all (httpx raises ``UnicodeEncodeError``), and whitespace or a control character
inside it is a paste gone wrong that the server would only answer with 401, or that would
break the header. The messages name the problem and where it is, never the key itself.
"""

from __future__ import annotations

_WHERE = "check --api-key, OPENROUTER_API_KEY or the config file"


def key_problem(key: str) -> str | None:
    """Why ``key`` cannot be a key, or ``None`` when it can be sent."""
    if not key:
        return f"The API key is empty; {_WHERE}"
    for position, char in enumerate(key, start=1):
        if char.isspace():
            what = "a line break" if char in "\r\n" else "whitespace"
            return f"The API key contains {what} (character {position}); {_WHERE}"
        if not (char.isascii() and char.isprintable()):
            kind = "a control character" if char.isascii() else "a character that is not ASCII"
            return f"The API key contains {kind} (character {position}); {_WHERE}"
    return None
