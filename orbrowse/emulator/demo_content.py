"""Realistic bytes for the demo's server-created files: PNG charts, JSON results, CSV tables
and Markdown summaries, so ``orbrowse --demo`` shows every kind of preview.

A few variants of each kind are built once and shared (``variant`` picks one), so seeding
100,000 files stays fast and small.
"""

from __future__ import annotations

import io
import json
import random
from functools import lru_cache

from PIL import Image, ImageDraw

VARIANTS = 8
_PALETTE = ((86, 156, 214), (78, 201, 176), (220, 180, 90), (206, 120, 120), (170, 130, 210))
_CITIES = ("Oslo", "Lisbon", "Nairobi", "Osaka", "Lima", "Quebec", "Perth", "Tbilisi", "Accra")


def demo_content(extension: str, number: int) -> bytes | None:
    """The content of ``outputs/<stem>-<number>.<extension>``, or ``None`` for other kinds."""
    variant = number % VARIANTS
    if extension == "png":
        return _chart(variant)
    if extension == "json":
        return _result(variant)
    if extension == "csv":
        return _table(variant)
    if extension == "md":
        return _summary(variant)
    return None


def _values(variant: int, count: int) -> list[float]:
    rng = random.Random(1000 + variant)
    level = rng.uniform(20, 60)
    values = []
    for _ in range(count):
        level = max(5.0, min(95.0, level + rng.uniform(-12, 14)))
        values.append(round(level, 1))
    return values


@lru_cache(maxsize=VARIANTS)
def _chart(variant: int) -> bytes:
    """A bar chart with a trend line, 240×150, as a PNG."""
    width, height, margin = 240, 150, 14
    image = Image.new("RGB", (width, height), (250, 250, 247))
    draw = ImageDraw.Draw(image)
    values = _values(variant, 12)
    colour = _PALETTE[variant % len(_PALETTE)]
    draw.line((margin, height - margin, width - margin // 2, height - margin), fill=(60, 60, 60))
    draw.line((margin, margin // 2, margin, height - margin), fill=(60, 60, 60))
    step = (width - margin * 2) / len(values)
    points = []
    for index, value in enumerate(values):
        left = margin + 4 + index * step
        top = height - margin - (height - margin * 2) * value / 100
        draw.rectangle((left, top, left + step - 6, height - margin - 1), fill=colour)
        points.append((left + (step - 6) / 2, top - 6))
    draw.line(points, fill=(200, 70, 60), width=2)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


@lru_cache(maxsize=VARIANTS)
def _result(variant: int) -> bytes:
    rng = random.Random(2000 + variant)
    body = {
        "run_id": f"run_{variant:03d}_{rng.randrange(16**6):06x}",
        "model": rng.choice(("openai/gpt-5", "anthropic/claude-sonnet-4.5", "google/gemini-2.5")),
        "status": "completed",
        "metrics": {
            "accuracy": round(rng.uniform(0.7, 0.98), 3),
            "f1": round(rng.uniform(0.6, 0.95), 3),
            "latency_ms": {"p50": rng.randrange(200, 900), "p95": rng.randrange(900, 3000)},
        },
        "samples": [
            {"id": n, "input": f"question {n}", "correct": rng.random() < 0.8} for n in range(1, 6)
        ],
        "tokens": {
            "prompt": rng.randrange(10_000, 90_000),
            "completion": rng.randrange(2_000, 20_000),
        },
    }
    return json.dumps(body, separators=(",", ":")).encode()


@lru_cache(maxsize=VARIANTS)
def _table(variant: int) -> bytes:
    rng = random.Random(3000 + variant)
    lines = ["city,month,temp_c,rain_mm,sunny"]
    for city in rng.sample(_CITIES, 6):
        for month in ("2026-07", "2026-08", "2026-09"):
            lines.append(
                f"{city},{month},{rng.uniform(-5, 32):.1f},{rng.uniform(0, 220):.0f},"
                f"{rng.randrange(3, 28)}"
            )
    return ("\n".join(lines) + "\n").encode()


@lru_cache(maxsize=VARIANTS)
def _summary(variant: int) -> bytes:
    values = _values(variant, 12)
    best = max(range(len(values)), key=values.__getitem__)
    text = f"""# Analysis summary {variant + 1}

The run finished in **{12 + variant} minutes** over 12 monthly batches.

## Findings

- Peak in month {best + 1}: {values[best]:.1f} (of 100)
- Lowest: {min(values):.1f}; mean {sum(values) / len(values):.1f}
- No batch failed; 2 retried after a timeout

## Next steps

1. Re-run months {best + 1}–{min(best + 3, 12)} with the larger sample
2. Compare with `outputs/chart-*.png`
"""
    return text.encode()
