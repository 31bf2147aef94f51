"""Amounts people type: durations (``30d``) and sizes (``10MB``). The filter language and the
command line's flags share them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Final

_NUMBER: Final = r"(\d+(?:\.\d*)?|\.\d+)"
_DURATION_RE: Final = re.compile(rf"\s*{_NUMBER}\s*([a-z]+)\s*", re.IGNORECASE)
_SIZE_RE: Final = re.compile(rf"\s*{_NUMBER}\s*([a-z]*)\s*", re.IGNORECASE)

_DURATION_UNITS: Final[dict[str, float]] = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86400),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), 7 * 86400),
}

_SIZE_UNITS: Final[dict[str, int]] = {"": 1, "b": 1}
for _power, _prefix in enumerate("kmgt", start=1):
    _SIZE_UNITS[_prefix] = _SIZE_UNITS[_prefix + "b"] = 1000**_power
    _SIZE_UNITS[_prefix + "ib"] = 1024**_power


def _amount(pattern: re.Pattern[str], units: Mapping[str, float], text: str, refusal: str) -> float:
    """The number in ``text`` times its unit's factor; ``ValueError(refusal)`` if either is
    not there."""
    match = pattern.fullmatch(text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in units:
        raise ValueError(refusal)
    return float(match.group(1)) * units[unit]


def parse_duration(text: str) -> timedelta:
    """``30d``, ``12h``, ``2w``, ``90m``, ``45s`` (also ``1.5d``, ``3 days``). Raises ValueError."""
    refusal = f"{text!r} is not a duration; use a number and a unit: s, m, h, d or w (e.g. 30d)"
    try:
        return timedelta(seconds=_amount(_DURATION_RE, _DURATION_UNITS, text, refusal))
    except OverflowError as exc:
        raise ValueError(f"{text!r} is too long a duration") from exc


def parse_size(text: str) -> int:
    """Bytes from ``500``, ``500k``, ``10MB`` (decimal), ``1.5GiB`` (binary); else ValueError."""
    refusal = (
        f"{text!r} is not a size; use a number and an optional unit: "
        "B, kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)"
    )
    try:
        return int(_amount(_SIZE_RE, _SIZE_UNITS, text, refusal))
    except OverflowError as exc:  # more digits than a float holds: infinity
        raise ValueError(f"{text!r} is too large a size") from exc
