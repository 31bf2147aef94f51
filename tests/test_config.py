"""Settings: precedence, every bad-input path, file modes, masking."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from orbrowse.api.client import DEFAULT_BASE_URL
from orbrowse.api.models import Workspace
from orbrowse.config import (
    ConfigError,
    RecentWorkspace,
    Settings,
    default_config_path,
    is_uuid,
    load_settings,
    mask_key,
    remember_workspace,
    save_settings,
    set_default_workspace,
    update_config,
)

KEY = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef01234567a1b2"
FILE_KEY = "sk-or-v1-ffffffffffffffffffffffffffffffffffffffffffffffffffffffffc3d4"
WS1 = "11111111-1111-4111-8111-111111111111"
WS2 = "22222222-2222-4222-8222-222222222222"
WS3 = "33333333-3333-4333-8333-333333333333"


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    return tmp_path / "orbrowse" / "config.toml"


def messages(settings: Settings) -> list[str]:
    return [p.message for p in settings.problems]


def test_defaults_without_file(cfg: Path) -> None:
    settings = load_settings(config_path=cfg, env={})
    assert settings.api_key is None
    assert settings.api_key_source is None
    assert settings.base_url == DEFAULT_BASE_URL
    assert settings.workspace is None
    assert settings.recent_workspaces == ()
    assert settings.clipboard == "auto"
    assert (settings.delete_concurrency, settings.page_size, settings.undo_seconds) == (8, 100, 5)
    assert settings.read_only is False
    assert settings.read_only_workspaces == ()
    assert settings.theme == "textual-dark"
    assert settings.view == "auto"
    assert settings.allow_insecure_http is False
    assert settings.config_path == cfg
    assert settings.problems == ()
    assert not cfg.exists()


def test_file_values_are_read(cfg: Path) -> None:
    cfg.parent.mkdir()
    write(
        cfg,
        f"""
api_key = "{FILE_KEY}"
base_url = "http://127.0.0.1:8080/api/v1/"
default_workspace = "{WS1}"
clipboard = "OSC52"
delete_concurrency = 32
page_size = 1
undo_seconds = 0
read_only_workspaces = ["{WS2}"]
theme = "nord"
view = " Folders "

[[recent_workspaces]]
id = "{WS2}"
name = "Prod"
slug = "prod"

[[recent_workspaces]]
id = "{WS1}"
""",
    )
    settings = load_settings(config_path=cfg, env={})
    assert settings.problems == ()
    assert settings.api_key == FILE_KEY
    assert settings.api_key_source == "config file"
    assert settings.base_url == "http://127.0.0.1:8080/api/v1"
    assert settings.workspace == WS1
    assert settings.clipboard == "osc52"
    assert settings.view == "folders"
    assert (settings.delete_concurrency, settings.page_size, settings.undo_seconds) == (32, 1, 0)
    assert settings.read_only_workspaces == (WS2,)
    assert settings.is_read_only(WS2) and not settings.is_read_only(WS1)
    assert settings.theme == "nord"
    assert settings.recent_workspaces == (
        RecentWorkspace(WS2, "Prod", "prod"),
        RecentWorkspace(WS1),
    )


def test_precedence_flags_over_env_over_file(cfg: Path) -> None:
    cfg.parent.mkdir()
    write(
        cfg,
        f'api_key = "{FILE_KEY}"\nbase_url = "https://file.example/v1"\n'
        f'default_workspace = "{WS1}"\n',
    )
    env = {
        "OPENROUTER_API_KEY": "sk-or-v1-" + "e" * 60 + "beef",
        "ORBROWSE_BASE_URL": "https://env.example/v1",
        "ORBROWSE_WORKSPACE": WS2,
    }
    from_file = load_settings(config_path=cfg, env={})
    from_env = load_settings(config_path=cfg, env=env)
    from_flags = load_settings(
        api_key=KEY,
        base_url="https://flag.example/v1",
        workspace=WS3,
        read_only=True,
        allow_insecure_http=True,
        config_path=cfg,
        env=env,
    )
    assert (from_file.api_key_source, from_file.base_url, from_file.workspace) == (
        "config file",
        "https://file.example/v1",
        WS1,
    )
    assert (from_env.api_key, from_env.api_key_source) == (
        env["OPENROUTER_API_KEY"],
        "OPENROUTER_API_KEY",
    )
    assert (from_env.base_url, from_env.workspace) == ("https://env.example/v1", WS2)
    assert (from_flags.api_key, from_flags.api_key_source) == (KEY, "--api-key")
    assert (from_flags.base_url, from_flags.workspace) == ("https://flag.example/v1", WS3)
    assert from_flags.read_only and from_flags.allow_insecure_http
    assert from_flags.is_read_only(WS1)


def test_blank_key_falls_through(cfg: Path) -> None:
    cfg.parent.mkdir()
    write(cfg, f'api_key = "{FILE_KEY}"\n')
    settings = load_settings(api_key="  ", config_path=cfg, env={"OPENROUTER_API_KEY": ""})
    assert settings.api_key_source == "config file"


def test_orbrowse_config_env_chooses_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "elsewhere.toml", "page_size = 7\n")
    env = {"ORBROWSE_CONFIG": str(path)}
    assert default_config_path(env) == path
    settings = load_settings(env=env)
    assert settings.config_path == path
    assert settings.page_size == 7


def test_default_path_is_platform_config_folder() -> None:
    path = default_config_path({})
    assert path.name == "config.toml"
    assert path.parent.name == "orbrowse"


@pytest.mark.parametrize(
    ("line", "key", "expected"),
    [
        ("page_size = 5000", "page_size", "page_size 5000 is out of range 1–1000; using 100"),
        ("page_size = 0", "page_size", "page_size 0 is out of range 1–1000; using 100"),
        ("delete_concurrency = 33", "delete_concurrency", "out of range 1–32; using 8"),
        ("delete_concurrency = 0", "delete_concurrency", "out of range 1–32; using 8"),
        ("undo_seconds = -1", "undo_seconds", "undo_seconds -1 is out of range 0–60; using 5"),
        ("undo_seconds = 61", "undo_seconds", "out of range 0–60; using 5"),
        ('page_size = "50"', "page_size", "page_size should be a whole number"),
        ("page_size = 2.5", "page_size", "page_size should be a whole number"),
        ("page_size = true", "page_size", "page_size should be a whole number"),
        ('clipboard = "xclip"', "clipboard", "clipboard 'xclip' is not one of auto, osc52, system"),
        ("clipboard = 3", "clipboard", "clipboard should be a string"),
        ('view = "tree"', "view", "view 'tree' is not one of auto, folders, flat; using auto"),
        ("view = 1", "view", "view should be a string"),
        ("theme = 1", "theme", "theme should be a string"),
        ('default_workspace = "prod"', "default_workspace", "is not a workspace id (a UUID)"),
        ('base_url = "ftp://x"', "base_url", "is not an http(s) URL"),
        ('base_url = "openrouter.ai"', "base_url", "is not an http(s) URL"),
        ('read_only_workspaces = "x"', "read_only_workspaces", "should be a list"),
        ('read_only_workspaces = ["nope"]', "read_only_workspaces", "'nope' is not a workspace id"),
        ('recent_workspaces = "x"', "recent_workspaces", "should be a list of tables"),
        ('recent_workspaces = [{name = "x"}]', "recent_workspaces", "without a valid id"),
        ("recent_workspaces = [3]", "recent_workspaces", "without a valid id"),
    ],
)
def test_bad_value_costs_only_that_value(cfg: Path, line: str, key: str, expected: str) -> None:
    cfg.parent.mkdir()
    other = "" if key == "theme" else 'theme = "nord"\n'
    write(cfg, f"{other}unknown_key = 1\n{line}\n")
    settings = load_settings(config_path=cfg, env={})
    assert len(settings.problems) == 1, messages(settings)
    problem = settings.problems[0]
    assert expected in problem.message
    assert problem.key == key
    defaults = Settings()
    assert getattr(settings, key.replace("default_", "")) == getattr(
        defaults, key.replace("default_", "")
    )
    if key != "theme":
        assert settings.theme == "nord"  # the other values survive


def test_out_of_range_message_is_exact(cfg: Path) -> None:
    cfg.parent.mkdir()
    write(cfg, "page_size = 5000\ndelete_concurrency = 4\n")
    settings = load_settings(config_path=cfg, env={})
    assert messages(settings) == ["page_size 5000 is out of range 1–1000; using 100"]
    assert settings.page_size == 100
    assert settings.delete_concurrency == 4


def test_bad_flag_and_env_values_are_problems(cfg: Path) -> None:
    settings = load_settings(
        workspace="not-a-uuid",
        base_url="nonsense",
        config_path=cfg,
        env={"ORBROWSE_WORKSPACE": WS2},
    )
    # The bad flag is reported and the next source in line is used.
    assert settings.workspace == WS2
    assert settings.base_url == DEFAULT_BASE_URL
    assert any("'not-a-uuid' from --workspace" in m for m in messages(settings))
    assert any("'nonsense' from --base-url" in m for m in messages(settings))
    assert all(p.severity == "error" for p in settings.problems)


@pytest.mark.parametrize(
    "content",
    [b"page_size = = 3\n", b"[unclosed\n", b"\xff\xfe garbage", b'api_key = "unterminated\n'],
)
def test_corrupt_file_gives_one_problem_and_defaults(cfg: Path, content: bytes) -> None:
    cfg.parent.mkdir()
    cfg.write_bytes(content)
    cfg.chmod(0o600)
    settings = load_settings(config_path=cfg, env={"OPENROUTER_API_KEY": KEY})
    assert len(settings.problems) == 1
    assert str(cfg) in settings.problems[0].message
    assert "using defaults" in settings.problems[0].message
    # A warning: a command with its key in a flag or the environment still runs.
    assert settings.problems[0].severity == "warning"
    assert settings.page_size == 100
    assert settings.api_key == KEY  # the other sources still count


def test_config_path_is_a_folder(tmp_path: Path) -> None:
    settings = load_settings(config_path=tmp_path, env={})
    assert messages(settings) == [f"config file {tmp_path} is a folder; using defaults"]


def test_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    settings = load_settings(config_path=tmp_path / "file" / "config.toml", env={})
    assert len(settings.problems) == 1
    assert "could not be read" in settings.problems[0].message
    assert settings.page_size == 100


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_loose_mode_warns(cfg: Path, mode: int) -> None:
    cfg.parent.mkdir()
    write(cfg, "page_size = 3\n", mode=mode)
    settings = load_settings(config_path=cfg, env={})
    assert messages(settings) == [
        f"config file {cfg} is readable by other users; run chmod 600 {cfg}"
    ]
    assert settings.problems[0].severity == "warning"
    assert settings.page_size == 3


def test_private_mode_does_not_warn(cfg: Path) -> None:
    cfg.parent.mkdir()
    write(cfg, "page_size = 3\n", mode=0o600)
    assert load_settings(config_path=cfg, env={}).problems == ()


def test_no_message_holds_the_key(cfg: Path) -> None:
    cfg.parent.mkdir()
    # A key pasted into the wrong fields, in a world-readable file.
    write(
        cfg,
        f'api_key = "{KEY}"\nbase_url = "{KEY}"\ndefault_workspace = "{KEY}"\n'
        f'clipboard = "{KEY}"\nread_only_workspaces = ["{KEY}"]\n',
        mode=0o644,
    )
    settings = load_settings(config_path=cfg, env={})
    assert len(settings.problems) == 5
    text = "\n".join(messages(settings)) + repr(settings)
    assert KEY not in text
    assert KEY[9:-4] not in text
    assert "sk-or-v1-…a1b2" in text


def test_repr_hides_key() -> None:
    settings = Settings(api_key=KEY, api_key_source="--api-key")
    assert KEY not in repr(settings)
    assert KEY not in str(settings)
    assert settings.masked_key == "sk-or-v1-…a1b2"
    assert Settings().masked_key == ""


@pytest.mark.parametrize(
    ("key", "masked"),
    [
        (KEY, "sk-or-v1-…a1b2"),
        ("sk-ant-api03-" + "x" * 40 + "WXYZ", "sk-ant-…WXYZ"),
        ("abcdefghijklmnopqrstuvwxyz", "…wxyz"),
        ("sk-or-v1-short", "••••"),
        ("", "••••"),
        ("abcd", "••••"),
        ("sk-or-v1-" + "a" * 15 + "b1b2", "••••"),
        ("sk-or-v1-" + "a" * 16 + "b1b2", "sk-or-v1-…b1b2"),
    ],
)
def test_mask_key(key: str, masked: str) -> None:
    assert mask_key(key) == masked
    if len(key) > 8:
        assert key not in mask_key(key)


def test_mask_never_shows_more_than_prefix_and_last_four() -> None:
    for key in (KEY, "x" * 100, "a-b-c-d-e-" + "f" * 40, "ab-" * 30):
        masked = mask_key(key)
        shown = masked.replace("…", "").replace("•", "")
        assert len(shown) <= len("sk-or-v1-") + 4 or shown == ""


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        (WS1, True),
        (WS1.upper(), True),
        (f"  {WS1} ", True),
        ("11111111111141118111111111111111", False),
        ("{" + WS1 + "}", False),
        (WS1[:-1], False),
        (WS1 + "0", False),
        ("g1111111-1111-4111-8111-111111111111", False),
        ("", False),
        ("prod", False),
    ],
)
def test_is_uuid(text: str, ok: bool) -> None:
    assert is_uuid(text) is ok


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_save_settings_writes_0600_and_keeps_unknown_keys_and_key(cfg: Path) -> None:
    cfg.parent.mkdir()
    write(
        cfg,
        f'api_key = "{FILE_KEY}"\nfuture_option = "kept"\n[extra]\nnested = 1\n',
        mode=0o644,
    )
    settings = load_settings(config_path=cfg, env={"OPENROUTER_API_KEY": KEY})
    from dataclasses import replace

    changed = replace(settings, page_size=250, clipboard="system", read_only_workspaces=(WS1,))
    assert save_settings(changed) == cfg
    assert _mode(cfg) == 0o600
    data = tomllib.loads(cfg.read_text())
    assert data["api_key"] == FILE_KEY  # kept, and the env key never written
    assert KEY not in cfg.read_text()
    assert data["future_option"] == "kept"
    assert data["extra"] == {"nested": 1}
    assert data["page_size"] == 250
    assert data["clipboard"] == "system"
    assert data["read_only_workspaces"] == [WS1]
    reloaded = load_settings(config_path=cfg, env={})
    assert reloaded.problems == ()
    assert reloaded.page_size == 250
    assert [p.name for p in cfg.parent.iterdir()] == ["config.toml"]  # no temp file left


def test_first_save_creates_folder_and_0600_file(cfg: Path) -> None:
    save_settings(Settings(theme="nord", config_path=cfg))
    assert _mode(cfg) == 0o600
    assert _mode(cfg.parent) == 0o700
    assert "api_key" not in tomllib.loads(cfg.read_text())


def test_update_config_never_writes_a_key(cfg: Path) -> None:
    with pytest.raises(ValueError, match="never writes the API key"):
        update_config({"api_key": KEY}, cfg)
    assert not cfg.exists()


def test_writers_refuse_to_overwrite_a_corrupt_file(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_bytes(b"this is [not toml")
    with pytest.raises(ConfigError, match="cannot be parsed"):
        set_default_workspace(WS1, cfg)
    with pytest.raises(ConfigError, match="cannot be parsed"):
        remember_workspace(RecentWorkspace(WS1), cfg)
    assert cfg.read_bytes() == b"this is [not toml"


def test_write_failure_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="could not be read: Not a directory"):
        set_default_workspace(WS1, blocker / "config.toml")


def test_set_default_workspace(cfg: Path) -> None:
    set_default_workspace(WS2, cfg)
    assert load_settings(config_path=cfg, env={}).workspace == WS2
    assert _mode(cfg) == 0o600
    set_default_workspace(None, cfg)
    assert load_settings(config_path=cfg, env={}).workspace is None
    with pytest.raises(ValueError, match="not a workspace id"):
        set_default_workspace("prod", cfg)


def test_remember_workspace_most_recent_first_deduplicated_capped(cfg: Path) -> None:
    ids = [f"{n:08x}-0000-4000-8000-000000000000" for n in range(12)]
    for n, workspace_id in enumerate(ids):
        remember_workspace(Workspace(id=workspace_id, name=f"W{n}", slug=f"w{n}"), cfg)
    recent = remember_workspace(Workspace(id=ids[5].upper(), name="Again", slug="again"), cfg)
    assert len(recent) == 10
    assert recent[0] == RecentWorkspace(ids[5].upper(), "Again", "again")
    assert [r.id for r in recent[1:]] == [ids[n] for n in (11, 10, 9, 8, 7, 6, 4, 3, 2)]
    assert load_settings(config_path=cfg, env={}).recent_workspaces == recent
    assert _mode(cfg) == 0o600


def test_loaded_recent_list_is_capped_and_deduplicated(cfg: Path) -> None:
    cfg.parent.mkdir()
    entries = "".join(
        f'[[recent_workspaces]]\nid = "{n:08x}-0000-4000-8000-000000000000"\n' for n in range(15)
    )
    write(cfg, entries + f'[[recent_workspaces]]\nid = "{WS1}"\n' * 2)
    recent = load_settings(config_path=cfg, env={}).recent_workspaces
    assert len(recent) == 10
    assert len({r.id for r in recent}) == 10


def test_remember_rejects_bad_id(cfg: Path) -> None:
    with pytest.raises(ValueError):
        remember_workspace(RecentWorkspace("nope"), cfg)
    assert not cfg.exists()


def test_config_error_is_an_os_error(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_bytes(b"[broken")
    with pytest.raises(OSError, match="cannot be parsed") as caught:
        remember_workspace(RecentWorkspace(WS1), cfg)
    assert str(caught.value).startswith(f"config file {cfg} cannot be parsed")


def test_stall_timeout_is_read_and_a_bad_value_falls_back(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text("stall_timeout = 15\n")
    assert load_settings(config_path=cfg, env={}).stall_timeout == 15
    cfg.write_text("stall_timeout = 0\n")
    settings = load_settings(config_path=cfg, env={})
    assert settings.stall_timeout == 60
    assert any("stall_timeout" in p.message for p in settings.problems)


COMMENTED = """\
# my orbrowse settings
theme = "nord"   # dark, please

# keep this one
page_size = 250
[extra]
note = "mine"
"""


def test_saving_keeps_comments_order_and_formatting(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(COMMENTED)

    set_default_workspace(WS1, cfg)
    remember_workspace(RecentWorkspace(WS2, "Research", "research"), cfg)

    text = cfg.read_text()
    assert text.startswith(COMMENTED.split("[extra]")[0].rstrip("\n"))  # untouched, in order
    assert 'theme = "nord"   # dark, please' in text
    assert "# keep this one\npage_size = 250" in text
    assert '[extra]\nnote = "mine"' in text
    loaded = load_settings(config_path=cfg, env={})
    assert loaded.workspace == WS1 and loaded.theme == "nord"
    assert [r.id for r in loaded.recent_workspaces] == [WS2]
    assert loaded.problems == ()


def test_saving_a_symlinked_config_writes_through_to_its_target(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "orbrowse.toml"
    real.write_text('# tracked in git\ntheme = "nord"\n')
    link = tmp_path / "config" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(real)

    set_default_workspace(WS1, link)

    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_text().startswith('# tracked in git\ntheme = "nord"\n')
    assert f'default_workspace = "{WS1}"' in real.read_text()
    assert sorted(p.name for p in link.parent.iterdir()) == ["config.toml"]
    assert sorted(p.name for p in dotfiles.iterdir()) == ["orbrowse.toml"]  # no temp left


def test_a_workspace_name_with_bidi_or_control_characters_is_saved_without_them(
    tmp_path: Path,
) -> None:
    cfg = tmp_path / "config.toml"
    hostile = RecentWorkspace(WS1, "Prod\u202euction\x1b[31m\u200b", "p\u202ed")

    recent = remember_workspace(hostile, cfg)

    raw = cfg.read_text(encoding="utf-8")
    assert "\u202e" not in raw and "\x1b" not in raw and "\\u202e" not in raw.lower()
    assert "\u200b" not in raw
    assert recent[0].name == "Production[31m"


def test_keys_table_is_read_as_pairs_and_bad_values_are_problems(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keys]\ndelete = "D"\nfilter = " f , ctrl+f "\nquit = 3\n')
    settings = load_settings(config_path=path, env={})
    assert settings.keys == (("delete", "D"), ("filter", "f , ctrl+f"))
    problems = [p for p in settings.problems if p.key == "keys"]
    assert len(problems) == 1 and "keys.quit" in problems[0].message
    path.write_text('keys = "D"\n')
    settings = load_settings(config_path=path, env={})
    assert settings.keys == ()
    assert any("[keys]" in p.message for p in settings.problems if p.key == "keys")
