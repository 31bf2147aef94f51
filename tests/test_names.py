"""Server filenames become one safe local name; properties hold for any input."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orbrowse.names import safe_filename, target_path

# Favour the characters that matter: separators, dots, spaces, controls, bidi, illegal ones.
_TRICKY = st.sampled_from(
    [
        *'/\\.. :<>"|?*\x00\x1b\n\t\u202e\u2066\u200b\ufeff\u2028é✓文',
        *("..", "../", "CON", "com1", "LPT9", ".txt", "\ud800", "\U0001d518"),
    ]
)
NAMES = st.lists(st.one_of(_TRICKY, st.text(max_size=8)), max_size=40).map("".join) | st.text()

TMP = Path("/tmp/orbrowse-names-folder")


def _is_clean_char(char: str) -> bool:
    return unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Zl", "Zp"}


@given(NAMES)
def test_properties(name: str) -> None:
    result = safe_filename(name)
    assert result
    assert result not in (".", "..")
    assert "/" not in result and "\\" not in result
    assert not any(char in '<>:"|?*\x00' for char in result)
    assert all(_is_clean_char(char) for char in result)
    assert len(result.encode("utf-8")) <= 255
    assert result[0] not in " ." and result[-1] not in " ."
    assert result.split(".")[0].upper().rstrip() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}
    assert safe_filename(result) == result


_PLAIN = st.characters(
    exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp"), exclude_characters='/\\<>:"|?*. '
)


@given(st.text(_PLAIN, min_size=90, max_size=300), st.sampled_from([".pdf", ".文本", ".gz"]))
def test_long_names_fit_and_keep_a_short_extension(stem: str, extension: str) -> None:
    result = safe_filename(stem * 3 + extension)
    assert len(result.encode("utf-8")) <= 255
    assert result.endswith(extension)
    assert len(result) > len(extension) + 50
    assert safe_filename(result) == result


@given(NAMES)
def test_target_path_is_directly_inside_the_folder(name: str) -> None:
    path = target_path(TMP, name)
    assert path.parent == TMP.resolve()
    assert path.name == safe_filename(name)


@pytest.mark.parametrize(
    ("server_name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("/etc/shadow", "shadow"),
        ("C:\\Windows\\System32\\evil.dll", "evil.dll"),
        ("dir/sub/", "download"),
        ("..", "download"),
        (".", "download"),
        ("", "download"),
        ("   ", "download"),
        ("...hidden", "hidden"),
        (".bashrc", "bashrc"),
        ("name. . ", "name"),
        ('a<b>c:d"e|f?g*h.txt', "a_b_c_d_e_f_g_h.txt"),
        ("nul\x00byte.txt", "nulbyte.txt"),
        ("\x1b[31mred\x1b[0m.txt", "[31mred[0m.txt"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("zero\u200bwidth\ufeff.txt", "zerowidth.txt"),
        ("line\u2028break.txt", "linebreak.txt"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("Com1.tar.gz", "_Com1.tar.gz"),
        ("LPT9 .log", "_LPT9 .log"),
        ("COM¹.txt", "_COM¹.txt"),
        ("CONSOLE.txt", "CONSOLE.txt"),
        ("COM0.txt", "COM0.txt"),
        ("[bold red]markup[/]", "]"),
        ("[bold red]markup.txt", "[bold red]markup.txt"),
        ("cafe\u0301.txt", "café.txt"),
    ],
)
def test_examples(server_name: str, expected: str) -> None:
    assert safe_filename(server_name) == expected


def test_fallback_is_used_and_made_safe() -> None:
    assert safe_filename("../", fallback="file-abc123") == "file-abc123"
    assert safe_filename("", fallback="../CON") == "_CON"
    assert safe_filename("", fallback="//") == "download"


def test_long_name_keeps_extension() -> None:
    result = safe_filename("a" * 400 + ".pdf")
    assert result == "a" * 251 + ".pdf"
    assert len(result.encode()) == 255


def test_long_multibyte_name_is_cut_on_a_character_boundary() -> None:
    result = safe_filename("文" * 200 + ".txt")
    assert result.endswith(".txt")
    assert len(result.encode()) <= 255
    assert set(result[:-4]) == {"文"}
    assert len(result.encode()) > 250


def test_long_extension_is_not_kept_over_the_name() -> None:
    result = safe_filename("report." + "x" * 400)
    assert result.startswith("report.")
    assert len(result.encode()) == 255


def test_target_path_in_a_real_folder(tmp_path: Path) -> None:
    assert target_path(tmp_path, "../../x.txt") == tmp_path.resolve() / "x.txt"
    assert target_path(tmp_path, "..") == tmp_path.resolve() / "download"
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "real").mkdir()
    assert target_path(link, "a") == (tmp_path / "real" / "a")


def test_tree_target_keeps_folders_and_makes_each_segment_safe(tmp_path: Path) -> None:
    from orbrowse.names import tree_target

    base = tmp_path.resolve()
    assert (
        tree_target(tmp_path, ["data", "exports", "s.csv"]) == base / "data" / "exports" / "s.csv"
    )
    assert tree_target(tmp_path, ["a", "", "b"]) == base / "a" / "_" / "b"
    assert (
        tree_target(tmp_path, ["..", "..", "etc", "passwd"]) == base / "_" / "_" / "etc" / "passwd"
    )
    assert tree_target(tmp_path, ["a", ""]) == base / "a" / "download"
    assert tree_target(tmp_path, ["CON", "x\x1b[31m"]) == base / "_CON" / "x[31m"


def test_tree_target_refuses_a_symlinked_folder_leading_out(tmp_path: Path) -> None:
    from orbrowse.names import UnsafePathError, tree_target

    inside = tmp_path / "in"
    inside.mkdir()
    (inside / "data").symlink_to(tmp_path)
    with pytest.raises(UnsafePathError):
        tree_target(inside, ["data", "x.txt"])
