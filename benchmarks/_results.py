"""Measurements, their summary (median, min, max, ratio to a baseline) and the printed table."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Row:
    """One measured quantity: every sample of it, and what it is compared with.

    ``baseline`` is a label; ``baseline_value`` the number compared with (the median of another
    row measured in the same run, or a computed floor). ``ratio`` is median / baseline_value.
    ``target`` says what was aimed at; ``met`` whether the median meets it (None: no target).
    """

    bench: str
    case: str
    impl: str
    unit: str
    samples: list[float] = field(default_factory=list)
    baseline: str | None = None
    baseline_value: float | None = None
    target: str | None = None
    met: bool | None = None
    note: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def low(self) -> float:
        return min(self.samples) if self.samples else float("nan")

    @property
    def high(self) -> float:
        return max(self.samples) if self.samples else float("nan")

    @property
    def ratio(self) -> float | None:
        if self.baseline_value is None or self.baseline_value == 0 or not self.samples:
            return None
        return self.median / self.baseline_value

    def compare(
        self,
        baseline: str,
        value: float,
        target: str | None = None,
        check: Callable[[float], bool] | None = None,
    ) -> None:
        """Set the baseline; ``check(ratio)`` decides ``met`` when a target is given."""
        self.baseline = baseline
        self.baseline_value = value
        self.target = target
        ratio = self.ratio
        if check is not None and ratio is not None:
            self.met = check(ratio)

    def to_json(self) -> dict[str, Any]:
        return {
            "bench": self.bench,
            "case": self.case,
            "impl": self.impl,
            "unit": self.unit,
            "samples": self.samples,
            "median": self.median,
            "min": self.low,
            "max": self.high,
            "baseline": self.baseline,
            "baseline_value": self.baseline_value,
            "ratio": self.ratio,
            "target": self.target,
            "met": self.met,
            "note": self.note,
        }


def _number(value: float) -> str:
    if value != value:  # NaN
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def table(rows: Sequence[Row]) -> str:
    """A plain-text (Markdown-compatible) table of the rows."""
    head = ["bench", "case", "impl", "median", "min", "max", "unit", "baseline", "ratio", "target"]
    lines = [head]
    for row in rows:
        ratio = row.ratio
        verdict = "" if row.met is None else (" met" if row.met else " MISSED")
        lines.append(
            [
                row.bench,
                row.case,
                row.impl,
                _number(row.median),
                _number(row.low),
                _number(row.high),
                row.unit,
                ""
                if row.baseline is None
                else f"{row.baseline} ({_number(row.baseline_value or 0)})",
                "" if ratio is None else f"{ratio:.2f}×",
                (row.target or "") + verdict,
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for number, line in enumerate(lines):
        out.append(
            "| " + " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) + " |"
        )
        if number == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)
