"""Where you are, in a real terminal: the workspace's name and config label on the delete
confirmation, as tmux shows it (``capture-pane``), keys sent as a person types them."""

from __future__ import annotations

import sys
from pathlib import Path

from orbrowse.emulator.keys import DEMO_MANAGEMENT_KEY
from orbrowse.emulator.server import RunningEmulator
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tmux.harness import tmux_server


def test_the_confirmation_names_the_workspace_and_its_label(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    files = [
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"logs/{n}.txt", content=b"x")
        for n in range(3)
    ]
    config = tmp_path / "config.toml"
    config.write_text(
        f'view = "flat"\n[workspaces."{DEFAULT_WORKSPACE_ID}"]\nlabel = "PROD"\ncolor = "red"\n'
    )
    config.chmod(0o600)
    command = [sys.executable, "-m", "orbrowse", "--api-key", DEMO_MANAGEMENT_KEY]
    command += ["--base-url", emulator.url, "--workspace", DEFAULT_WORKSPACE_ID]
    command += ["--config", str(config)]
    with tmux_server("orbrowse-where") as tmux:
        tmux.start(command, size=(120, 30), env={"XDG_STATE_HOME": str(tmp_path / "state")})
        screen = tmux.wait_for("all 3 files")
        assert "PROD · Default (default, 11111111)" in screen  # the banner
        assert "PROD · Default" in screen.splitlines()[0]  # the header

        tmux.send_text("jx")
        screen = tmux.wait_for("Delete 1 file?")
        assert "in workspace PROD · Default (default, 11111111)" in screen
        assert "logs/1.txt" in screen

        tmux.send_keys("Escape")
        tmux.wait_for(lambda s: "Delete 1 file?" not in s)
    assert emulator.store.file_ids(DEFAULT_WORKSPACE_ID) == {f.id for f in files}
