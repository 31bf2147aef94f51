"""The rm confirmation and terminal-safe rendering, in process (no terminal needed)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orbrowse.commands import rm as rm_command
from orbrowse.commands.confirm import Prompt
from orbrowse.commands.render import file_details, file_row
from orbrowse.commands.runner import run_command
from orbrowse.emulator.server import RunningEmulator
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.factories import file_object


def test_prompt_accepts_only_yes() -> None:
    answers = {"y\n": True, "YES\n": True, "\n": False, "no\n": False, "": False}
    for typed, expected in answers.items():
        written = io.StringIO()
        assert Prompt(io.StringIO(typed), written, owned=False).ask("Delete?") is expected
        assert "Delete? [y/N]" in written.getvalue()


@pytest.mark.parametrize(("answer", "code"), [("y\n", 0), ("n\n", 1)])
def test_rm_asks_on_the_terminal_and_obeys_the_answer(
    emulator: RunningEmulator,
    api_key: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    code: int,
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[workspaces."{DEFAULT_WORKSPACE_ID}"]\nlabel = "PROD"\n')
    config.chmod(0o600)
    monkeypatch.setenv("ORBROWSE_CONFIG", str(config))
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    stored = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "victim.txt", content=b"bye\n")
    terminal = io.StringIO()

    def fake_terminal(*, stdin_is_data: bool) -> Prompt:
        return Prompt(io.StringIO(answer), terminal, owned=False)

    monkeypatch.setattr(rm_command, "open_prompt", fake_terminal)
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = [stored.id, "--log", str(tmp_path / "log.jsonl"), "--base-url", emulator.url]
    result = run_command("rm", [*argv, "--api-key", api_key], stdout=stdout, stderr=stderr)

    assert result == code, stderr.getvalue()
    assert "victim.txt" in terminal.getvalue()
    assert "Delete 1 file" in terminal.getvalue()
    # The key's own workspace, named as the browser names it: label, name, slug, id[:8].
    assert "from workspace PROD · Default (default, 11111111)?" in terminal.getvalue()
    assert (stored.id in emulator.store.file_ids(DEFAULT_WORKSPACE_ID)) is (code != 0)
    assert stdout.getvalue() == (f"{stored.id}\n" if code == 0 else "")
    assert api_key not in stdout.getvalue() + stderr.getvalue() + terminal.getvalue()


def test_hostile_filenames_cannot_reach_the_terminal_raw() -> None:
    file = file_object(
        "or_file_x",
        "evil\x1b]52;c;aGk=\x07\u202etxt.exe",
        mime_type="text/plain\x1b[2J",
        downloadable=True,
    )
    now = datetime(2026, 2, 1, tzinfo=UTC)

    text = file_row(file, now) + "\n".join(file_details(file, now))

    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\u202e" not in text
    assert "\\x1b" in text
    assert "⟨U+202E⟩" in text
