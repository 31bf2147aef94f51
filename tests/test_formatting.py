"""Formatting helpers: sizes, times, and making hostile text visible and harmless."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from orbrowse.listing.formatting import (
    exact_size,
    fit,
    human_size,
    iso_time,
    relative_time,
    visible_text,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("size", "human"),
    [
        (0, "0 Bytes"),
        (1, "1 Byte"),
        (1536, "1.5 KiB"),
        (1024**2, "1 MiB"),
        (int(3.4 * 1024**2), "3.4 MiB"),
        (10 * 1024**3, "10 GiB"),
    ],
)
def test_human_size_uses_binary_units(size: int, human: str) -> None:
    assert human_size(size) == human


def test_exact_size_has_thousands_separators() -> None:
    assert exact_size(1_234_567) == "1,234,567 bytes"
    assert exact_size(1) == "1 byte"


def test_relative_and_iso_time_use_the_given_clock() -> None:
    assert relative_time(NOW - timedelta(minutes=3), NOW) == "3 minutes ago"
    assert relative_time(NOW + timedelta(hours=2), NOW) == "2 hours from now"
    assert iso_time(NOW - timedelta(seconds=1)) == "2026-03-01 11:59:59 UTC"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain.txt", "plain.txt"),
        ("[bold]x[/]", "[bold]x[/]"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("a\nb\tc\x00d\x7f", "a\\x0ab\\x09c\\x00d\\x7f"),
        ("\x9b2J", "\\x9b2J"),
        ("\u202egnp.exe", "⟨U+202E⟩gnp.exe"),
        ("zero\u200bwidth\u2060\ufeff", "zero⟨U+200B⟩width⟨U+2060⟩⟨U+FEFF⟩"),
        ("line\u2028sep", "line⟨U+2028⟩sep"),
        ("日本語 ü é", "日本語 ü é"),
    ],
)
def test_visible_text(raw: str, shown: str) -> None:
    assert visible_text(raw) == shown


@given(st.text())
def test_visible_text_leaves_no_control_or_format_characters(raw: str) -> None:
    import unicodedata

    shown = visible_text(raw)
    assert all(unicodedata.category(c) not in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co"} for c in shown)


@given(st.text(), st.integers(0, 80), st.sampled_from(["left", "right"]))
def test_fit_is_exactly_width_cells(raw: str, width: int, align: str) -> None:
    fitted = fit(visible_text(raw), width, align)  # type: ignore[arg-type]
    assert cell_len(fitted) == width


def test_fit_truncates_with_an_ellipsis_and_pads_wide_characters() -> None:
    assert fit("abcdef", 4) == "abc…"
    assert fit("ab", 4) == "ab  "
    assert fit("ab", 4, "right") == "  ab"
    assert fit("日本語", 4) == "日 …"
    assert cell_len(fit("🎉🎉🎉", 5)) == 5
