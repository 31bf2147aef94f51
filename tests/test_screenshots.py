"""The screenshot command still works: every SVG is written and shows what it should."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orbrowse.emulator.keys import DEMO_MANAGEMENT_KEY
from orbrowse.screenshots import SCREENSHOTS, main

# A string each picture must contain (text in Textual's SVGs: spaces become &#160;).
EXPECTED = {
    "workspace-picker.svg": "Open&#160;a&#160;workspace",
    "browser.svg": "outputs/summary-0002.md",
    "preview-json.svg": "&quot;accuracy&quot;",
    "preview-csv.svg": "rain_mm",
    "preview-image.svg": "PNG&#160;image,&#160;240×150",
    "preview-full.svg": "Analysis",
    "marks.svg": "3&#160;marked",
    "download.svg": "summary-0002.md",
    "upload.svg": "ready&#160;to&#160;upload",
    "copy-menu.svg": "JSON&#160;metadata",
    "delete-confirm.svg": "Delete&#160;3&#160;files?",
    "delete-progress.svg": "Press&#160;u&#160;or&#160;Escape&#160;to&#160;undo",
    "help.svg": "Keys",
    "folders.svg": "outputs/",
    "workspace-label.svg": "in&#160;workspace&#160;",
}
FILL = re.compile(r"fill: #([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})")


def has_colour(svg: str) -> bool:
    """Whether any text or background is not grey (NO_COLOR makes every fill grey)."""
    return any(len(set(match.groups())) > 1 for match in FILL.finditer(svg))


def test_screenshot_command_writes_every_svg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A shell with NO_COLOR set must not turn the README's pictures grey.
    monkeypatch.setenv("NO_COLOR", "1")
    out = tmp_path / "shots"

    assert main(["--out", str(out)]) == 0

    assert sorted(p.name for p in out.iterdir()) == sorted(SCREENSHOTS)
    assert set(EXPECTED) == set(SCREENSHOTS)
    for name, expected in EXPECTED.items():
        text = (out / name).read_text(encoding="utf-8")
        assert text.startswith("<svg"), name
        assert expected in text, f"{name} does not show {expected!r}"
        assert DEMO_MANAGEMENT_KEY not in text, name
        assert "127.0.0.1" not in text, name
        assert str(tmp_path) not in text, name
        assert has_colour(text), f"{name} is grey"
    label = (out / "workspace-label.svg").read_text(encoding="utf-8")
    assert "PROD&#160;·&#160;Default&#160;(default,&#160;5d3f2a1c)" in label
