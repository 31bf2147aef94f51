"""Per-workspace label, colour and read-only flag: ``[workspaces."<uuid>"]`` read and written."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from orbrowse.config import (
    COLOR_NAMES,
    ConfigError,
    Settings,
    WorkspaceStyle,
    check_color,
    load_settings,
    set_workspace_style,
)

WS1 = "11111111-1111-4111-8111-111111111111"
WS2 = "22222222-2222-4222-8222-222222222222"
WS3 = "33333333-3333-4333-8333-333333333333"


def settings_from(path: Path, text: str) -> tuple[Settings, list[str]]:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    settings = load_settings(config_path=path, env={})
    return settings, [p.message for p in settings.problems]


def test_label_colour_and_read_only_are_read_per_workspace(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[workspaces."{WS1}"]\nlabel = " PROD "\ncolor = "Red"\nread_only = true\n'
        f'[workspaces."{WS2.upper()}"]\ncolor = "#0A0"\n'
    )
    path.chmod(0o600)
    settings = load_settings(config_path=path, env={})
    assert settings.problems == ()
    assert settings.style_of(WS1.upper()) == WorkspaceStyle("PROD", "red", True)
    assert settings.style_of(WS2) == WorkspaceStyle("", "#0a0", False)
    assert settings.style_of(WS3) == WorkspaceStyle()
    assert settings.style_of(WS3).is_plain and settings.style_of(None).is_plain
    assert settings.is_read_only(WS1) and not settings.is_read_only(WS2)
    assert settings.any_read_only_workspace


@pytest.mark.parametrize(
    ("table", "expected", "problem"),
    [
        ('color = "reddish"', WorkspaceStyle(), "color 'reddish' is not a colour"),
        ('color = "[bold red]"', WorkspaceStyle(), "is not a colour"),
        ("color = 3", WorkspaceStyle(), "color 3 is not a colour"),
        ('label = "PROD"\ncolor = "#12345"', WorkspaceStyle("PROD"), "is not a colour"),
        ("label = 7", WorkspaceStyle(), "label should be a string"),
        ('read_only = "yes"', WorkspaceStyle(), "read_only should be true or false"),
        ('colour = "red"', WorkspaceStyle(), "colour is not a workspace setting"),
        ('label = "' + "L" * 30 + '"', WorkspaceStyle("L" * 24), "cut to 24"),
    ],
)
def test_a_bad_value_is_a_warning_and_costs_only_itself(
    tmp_path: Path, table: str, expected: WorkspaceStyle, problem: str
) -> None:
    settings, messages = settings_from(tmp_path / "c.toml", f'[workspaces."{WS1}"]\n{table}\n')
    assert settings.style_of(WS1) == expected
    assert len(messages) == 1 and problem in messages[0], messages
    assert all(p.severity == "warning" for p in settings.problems)


def test_bad_tables_are_warnings(tmp_path: Path) -> None:
    settings, messages = settings_from(
        tmp_path / "c.toml", f'[workspaces]\nnope = {{ label = "X" }}\n"{WS1}" = "red"\n'
    )
    assert settings.workspace_styles == ()
    assert any("'nope': not a workspace id" in m for m in messages)
    assert any("should be a table" in m for m in messages)
    settings, messages = settings_from(tmp_path / "c.toml", 'workspaces = "PROD"\n')
    assert any("workspaces should be tables like" in m for m in messages)


def test_a_label_keeps_markup_as_text_and_loses_control_characters(tmp_path: Path) -> None:
    settings, messages = settings_from(
        tmp_path / "c.toml", f'[workspaces."{WS1}"]\nlabel = "[b]PROD\\u202e\\u001b[31m"\n'
    )
    assert messages == []
    assert settings.style_of(WS1).label == "[b]PROD[31m"


def test_every_colour_name_is_accepted() -> None:
    assert all(check_color(name.upper()) == name for name in COLOR_NAMES)
    assert check_color(" #ABC ") == "#abc"
    assert check_color("rgb(1,2,3)") is None


COMMENTED = f"""# my orbrowse settings
page_size = 200  # big pages
read_only_workspaces = ["{WS1}", "{WS2}"]

[workspaces."{WS1}"]
label = "OLD"   # the old name
note = "mine"

[keys]
delete = "D"
"""


def test_saving_a_style_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)

    set_workspace_style(WS1, WorkspaceStyle("PROD", "Red", read_only=True), path)
    set_workspace_style(WS3, WorkspaceStyle("dev", "#0f0"), path)

    text = path.read_text()
    assert text.startswith("# my orbrowse settings\npage_size = 200  # big pages\n")
    assert f'[workspaces."{WS1}"]\nlabel = "PROD"   # the old name\nnote = "mine"\n' in text
    assert f'[workspaces."{WS3}"]\nlabel = "dev"\ncolor = "#0f0"\n\n[keys]' in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_settings(config_path=path, env={})
    assert loaded.style_of(WS1) == WorkspaceStyle("PROD", "red", True)
    assert loaded.style_of(WS3) == WorkspaceStyle("dev", "#0f0", False)
    assert loaded.keys == (("delete", "D"),) and loaded.page_size == 200
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]  # no temp file left


def test_turning_read_only_off_also_takes_the_id_off_the_list(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)

    set_workspace_style(WS1, WorkspaceStyle(), path)

    data = tomllib.loads(path.read_text())
    assert data["read_only_workspaces"] == [WS2]
    assert data["workspaces"][WS1] == {"note": "mine"}  # the user's own key stays
    assert not load_settings(config_path=path, env={}).is_read_only(WS1)


def test_an_emptied_style_removes_its_table(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    set_workspace_style(WS2, WorkspaceStyle("X", read_only=True), path)
    assert tomllib.loads(path.read_text())["workspaces"][WS2] == {"label": "X", "read_only": True}
    set_workspace_style(WS2, WorkspaceStyle(), path)
    assert tomllib.loads(path.read_text()) == {}


def test_saving_refuses_a_bad_colour_an_id_or_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    with pytest.raises(ValueError, match="not a colour"):
        set_workspace_style(WS1, WorkspaceStyle(color="[red]"), path)
    with pytest.raises(ValueError, match="not a workspace id"):
        set_workspace_style("prod", WorkspaceStyle("P"), path)
    assert not path.exists()
    path.write_text("this is = = not toml")
    with pytest.raises(ConfigError):
        set_workspace_style(WS1, WorkspaceStyle("P"), path)
    assert path.read_text() == "this is = = not toml"
