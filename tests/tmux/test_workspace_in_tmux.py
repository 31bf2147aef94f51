"""Where you are and what is selected, in a real terminal: the workspace's name and config
label on the delete confirmation; "mark every match" over 20,000 files, checked against
``orbrowse ls --all --filter``. tmux shows the screen (``capture-pane``) and holds what ``y``
copied (``show-buffer``); keys are sent as a person types them."""

from __future__ import annotations

import sys
from pathlib import Path

from orbrowse.emulator.keys import DEMO_MANAGEMENT_KEY
from orbrowse.emulator.seed import generate_files
from orbrowse.emulator.server import RunningEmulator
from tests.cli import ls_all_ids
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tmux.harness import TmuxServer, tmux_server


def start(tmux: TmuxServer, emulator: RunningEmulator, folder: Path, table: str) -> None:
    """orbrowse on the default workspace (flat view), whose config table is ``table``."""
    config = folder / "config.toml"
    config.write_text(f'view = "flat"\n[workspaces."{DEFAULT_WORKSPACE_ID}"]\n{table}\n')
    config.chmod(0o600)
    command = [sys.executable, "-m", "orbrowse", "--api-key", DEMO_MANAGEMENT_KEY]
    command += ["--base-url", emulator.url, "--workspace", DEFAULT_WORKSPACE_ID]
    command += ["--config", str(config)]
    tmux.start(command, size=(120, 30), env={"XDG_STATE_HOME": str(folder / "state")})


def test_the_confirmation_names_the_workspace_and_its_label(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    files = [
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"logs/{n}.txt", content=b"x")
        for n in range(3)
    ]
    with tmux_server("orbrowse-where") as tmux:
        start(tmux, emulator, tmp_path, 'label = "PROD"\ncolor = "red"')
        tmux.wait_for("all 3 files")
        # The name is looked up as the browser opens: it comes a round trip after the rows,
        # which are drawn as soon as they are here (the first page is asked for at launch).
        banner, header = "PROD · Default (default, 11111111)", "PROD · Default"
        tmux.wait_for(lambda s: banner in s and header in s.splitlines()[0])

        tmux.send_text("jx")
        screen = tmux.wait_for("Delete 1 file?")
        assert "in workspace PROD · Default (default, 11111111)" in screen
        assert "logs/1.txt" in screen

        tmux.send_keys("Escape")
        tmux.wait_for(lambda s: "Delete 1 file?" not in s)
    assert emulator.store.file_ids(DEFAULT_WORKSPACE_ID) == {f.id for f in files}


def test_mark_every_match_in_20000_files_marks_what_ls_all_lists(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    generate_files(emulator.store, DEFAULT_WORKSPACE_ID, 20_000)  # straight into the store
    wanted = "re:^data/ >10KB"
    expected = ls_all_ids(emulator.url, DEMO_MANAGEMENT_KEY, DEFAULT_WORKSPACE_ID, wanted)
    assert 0 < len(expected) < 20_000
    with tmux_server("orbrowse-mark") as tmux:
        start(tmux, emulator, tmp_path, 'label = "PROD"')
        tmux.wait_for("more available")
        tmux.send_text(f"/{wanted}\r")
        tmux.wait_for(f"loaded (filter {wanted})")  # the filter loaded nothing by itself
        tmux.send_text("M")
        tmux.wait_for(f"{len(expected):,} marked", timeout=60)
        tmux.wait_for("shown of all 20,000")
        tmux.send_text("y")
        tmux.wait_for(f"Copied {len(expected):,} ids")
        assert set((tmux.buffer() or "").split()) == expected
