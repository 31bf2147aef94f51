"""Which program gets a previewed file: $PAGER for text, the opener or $EDITOR, never over SSH."""

from __future__ import annotations

import pytest

from orbrowse.tui import external
from orbrowse.tui.external import plan_for


def test_text_goes_to_the_pager_even_over_ssh() -> None:
    plan = plan_for(True, {"PAGER": "most -s", "SSH_TTY": "/dev/pts/1"})
    assert plan.handler == "pager" and plan.command == ("most", "-s")
    assert plan_for(True, {}).command == ("less", "-R")


def test_other_files_stay_remote_over_ssh() -> None:
    assert plan_for(False, {"SSH_CONNECTION": "a b c d", "EDITOR": "vim"}).handler == "remote"


def test_other_files_go_to_the_opener_then_the_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(external, "system_opener", lambda: ("xdg-open",))
    assert plan_for(False, {"EDITOR": "vim"}).command == ("xdg-open",)
    monkeypatch.setattr(external, "system_opener", lambda: None)
    assert plan_for(False, {"EDITOR": "vim -R"}).command == ("vim", "-R")
    assert plan_for(False, {}).handler == "remote"
