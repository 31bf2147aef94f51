"""The app in a real terminal: a private tmux server, a real pty, keys in bursts, no Pilot.

The app runs as its own process (``python -m orbrowse``) against the emulator on loopback,
under tmux's default options unless a test sets some. Keys go in with ``send-keys -l``, the
whole text in one burst as a paste or a fast typist over SSH delivers it; the screen is read
with ``capture-pane`` and tmux's buffer with ``show-buffer``.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from orbrowse.deletion_plan import PLANS_FOLDER, Status, read_plan
from orbrowse.emulator.keys import DEMO_MANAGEMENT_KEY
from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tmux.harness import TmuxServer, eventually, tmux_server

SSH = {"SSH_CONNECTION": "10.0.0.1 50000 10.0.0.2 22"}
StartApp = Callable[..., TmuxServer]


@pytest.fixture
def start_app(emulator: RunningEmulator, tmp_path: Path) -> Iterator[StartApp]:
    """Start orbrowse on the default workspace in a private tmux; returns the server."""
    config = tmp_path / "config.toml"
    with tmux_server("orbrowse-app") as tmux:

        def start(
            *,
            view: str = "flat",
            size: tuple[int, int] = (120, 30),
            env: Mapping[str, str] | None = None,
            options: Mapping[str, str] | None = None,
            client: bool = False,
            args: Sequence[str] = (),
        ) -> TmuxServer:
            config.write_text(f'undo_seconds = 0\nclipboard = "auto"\nview = "{view}"\n')
            command = [
                sys.executable,
                "-m",
                "orbrowse",
                "--api-key",
                DEMO_MANAGEMENT_KEY,
                "--base-url",
                emulator.url,
                "--workspace",
                DEFAULT_WORKSPACE_ID,
                "--config",
                str(config),
                *args,
            ]
            app_env = {"XDG_STATE_HOME": str(tmp_path / "state"), **(env or {})}
            tmux.start(command, size=size, env=app_env, options=options)
            if client:
                tmux.attach(size=size)
            return tmux

        yield start


def add_files(emulator: RunningEmulator, prefix: str, count: int) -> list[StoredFile]:
    return [
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"{prefix}-{n:04}.txt", content=b"x")
        for n in range(count)
    ]


def test_browse_with_bursts_of_keys(start_app: StartApp, emulator: RunningEmulator) -> None:
    boards = add_files(emulator, "reports/board", 5)
    add_files(emulator, "outputs/chart", 30)
    tmux = start_app()
    tmux.wait_for("35 files")

    tmux.send_text("/x")  # used to open "Delete 1 file?" (every name has an x: .txt)
    screen = tmux.wait_for("35 shown of all 35 (filter x)")
    assert "Delete 1 file" not in screen  # the dialog, not the footer's "x Delete"
    tmux.send_keys("Escape")
    tmux.wait_for(lambda s: "filter x" not in s)

    tmux.send_text("/board")  # used to mark everything (a) and reload (r)
    screen = tmux.wait_for("5 shown of all 35 (filter board)")
    assert "marked" not in screen

    tmux.send_keys("Escape")
    tmux.wait_for(lambda s: "filter board" not in s)
    tmux.send_text(r"/re:^outputs/.*-002\d\.txt$")  # used to lose "re:^o"
    tmux.wait_for(r"10 shown of all 35 (filter re:^outputs/.*-002\d\.txt$)")

    tmux.send_text("\rjjjj ")  # back to the table: move down 4, mark (the cursor moves on)
    screen = tmux.wait_for(
        lambda s: "1 marked" in s and bool(re.search(r"Name +outputs/chart-0025\.txt", s))
    )  # the detail pane shows the cursor's file
    assert boards[0].filename not in screen


def test_escape_then_a_key_in_one_burst_is_both_keys(
    start_app: StartApp, emulator: RunningEmulator
) -> None:
    add_files(emulator, "reports/board", 5)
    tmux = start_app()
    shown = re.compile(r"Name +(reports/board-\d+\.txt)")
    first = shown.search(tmux.wait_for(lambda s: "5 files" in s and bool(shown.search(s))))
    assert first is not None
    tmux.send_text("?")
    tmux.wait_for("Escape, q or ? closes")
    # Escape then j as tmux sends them when typed within its escape-time (500 ms by default),
    # and as one read delivers them over SSH: used to be Alt+j, and the help stayed open.
    tmux.send_text("\x1bj")
    tmux.wait_for(
        lambda s: (
            "Escape, q or ? closes" not in s
            and (now := shown.search(s)) is not None
            and now[1] != first[1]
        )
    )


@pytest.mark.parametrize(
    "keys",
    [
        ("Down", "Down", "Down"),  # as tmux encodes them: ESC [ B before the app asks otherwise
        ("\x1bOB\x1b[B", "\x1b[B"),  # the application-mode form too, and one read holding two
    ],
    ids=["down-keys", "literal-sequences"],
)
def test_arrow_keys_typed_while_orbrowse_starts_are_handled(
    start_app: StartApp, emulator: RunningEmulator, keys: tuple[str, ...]
) -> None:
    # Typed in the first 0.2 s over SSH, the keys are read with the terminal's replies to the
    # image query: j j j were kept for the app, arrows (escape sequences) were dropped.
    add_files(emulator, "file", 8)
    emulator.faults.latency_ms = 100
    tmux = start_app(env=SSH)
    if keys[0] == "Down":
        tmux.send_keys(*keys)
    else:
        for text in keys:
            tmux.send_text(text)
    rows = re.compile(r"^\s*(file-\d{4}\.txt) ", re.MULTILINE)
    shown = re.compile(r"Name +(file-\d{4}\.txt)")
    screen = tmux.wait_for(lambda s: len(rows.findall(s)) == 8 and bool(shown.search(s)))
    fourth = rows.findall(screen)[3]
    tmux.wait_for(lambda s: (now := shown.search(s)) is not None and now[1] == fourth)


def test_enter_typed_while_orbrowse_starts_is_enter(
    start_app: StartApp, emulator: RunningEmulator
) -> None:
    # Read with the terminal's replies to the image query, Enter came as "\n" (the tty's
    # ICRNL), which the app reads as Ctrl+J: "jj" Enter moved and opened nothing.
    for n in range(8):
        emulator.store.add_file(
            DEFAULT_WORKSPACE_ID, f"file-{n:04}.txt", content=b"x\n", downloadable=True
        )
    emulator.faults.latency_ms = 100
    tmux = start_app(env=SSH)
    tmux.send_text("jj\r")
    tmux.wait_for(lambda s: s.lstrip().startswith("file-0002.txt ·"))  # its full preview


def test_a_debug_log_that_cannot_be_written_is_said_once_and_browsing_goes_on(
    start_app: StartApp, emulator: RunningEmulator
) -> None:
    add_files(emulator, "logs/run", 3)
    tmux = start_app(args=["--debug-log", "/dev/full"])  # every write fails: no space left
    screen = tmux.wait_for("Debug log stopped")
    assert "/dev/full" in screen
    tmux.wait_for("all 3 files")  # the listing was not disturbed


def test_mark_and_delete_300_in_a_small_window_over_ssh(
    start_app: StartApp, emulator: RunningEmulator
) -> None:
    doomed = add_files(emulator, "del/old", 300)
    kept = add_files(emulator, "keep/new", 12)
    tmux = start_app(size=(60, 15), env=SSH)
    tmux.wait_for("more available")

    tmux.send_text("L")
    tmux.wait_for("312 files")
    # One burst: filter, Enter back to the table, mark what it shows, delete, type the count.
    tmux.send_text("/del/\rAx300\r")
    eventually(
        lambda: len(emulator.store.files(DEFAULT_WORKSPACE_ID)) == len(kept),
        "the server holds only the kept files",
    )
    remaining = {f.id for f in emulator.store.files(DEFAULT_WORKSPACE_ID)}
    assert remaining == {f.id for f in kept}
    assert not remaining & {f.id for f in doomed}
    tmux.send_text("c")  # close the report: the browser shows what is left
    tmux.wait_for("all 12 files")


def app_pid(tmux: TmuxServer) -> int:
    """The app's process: the one child of the pane's shell (``env`` execs Python)."""
    shell = tmux.tmux("display-message", "-p", "#{pane_pid}").strip()
    children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def running(pid: int) -> bool:
    """``pid`` is alive and not a zombie (the main thread's state)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_open_go_up_mark_and_delete_a_folder_in_the_folder_view(
    start_app: StartApp, emulator: RunningEmulator
) -> None:
    doomed = add_files(emulator, "runs/2025/out", 14)
    kept = [
        *add_files(emulator, "runs/2026/out", 3),
        *add_files(emulator, "top", 2),
        *add_files(emulator, "runs2025/near", 2),
    ]
    tmux = start_app(view="auto")
    screen = tmux.wait_for(lambda s: "runs/ " in s and "runs2025/" in s)
    assert re.search(r"runs/ +\d+ Bytes .*17 files", screen), screen
    tmux.send_text("l")  # runs/ is the first row: open it
    tmux.wait_for(lambda s: "/ runs /" in s and "2025/" in s and "2026/" in s)
    tmux.send_text("jlh")  # into 2026/, straight back up: the cursor is on 2026/ again
    tmux.wait_for(lambda s: re.search(r"Folder +/ runs / 2026 /", s) is not None)
    tmux.send_text("k x")  # on 2025/: mark it (the cursor moves on), then delete the marks
    screen = tmux.wait_for("Type 14 to confirm")
    assert "folder runs/2025/" in screen and "14 files" in screen
    tmux.send_text("14\r")
    eventually(
        lambda: len(emulator.store.files(DEFAULT_WORKSPACE_ID)) == len(kept),
        "the server holds only the files outside runs/2025/",
    )
    assert {f.id for f in emulator.store.files(DEFAULT_WORKSPACE_ID)} == {f.id for f in kept}
    assert not {f.id for f in doomed} & {f.id for f in emulator.store.files(DEFAULT_WORKSPACE_ID)}
    tmux.send_text("c")  # close the report: runs/ holds 2026/ alone
    tmux.wait_for(lambda s: "/ runs /" in s and "2025/" not in s and "2026/" in s)


def test_filter_enter_x_on_the_folder_view_deletes_only_what_the_filter_shows(
    start_app: StartApp, emulator: RunningEmulator
) -> None:
    # The lead's burst in the demo: at the root, /README Enter x offered "Delete 69 files?"
    # for assets/, the folder under the cursor, none of whose files match README.
    emulator.faults.latency_ms = 100
    assets = add_files(emulator, "assets/icons/logo", 69)
    matches = [
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, name, content=b"# readme")
        for name in ("docs/README.md", "docs/guide/README-old.md")
    ]
    others = [
        *add_files(emulator, "docs/spec", 3),
        *add_files(emulator, "data/sales", 240),
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, "README.md", content=b"# top"),
    ]
    tmux = start_app(view="folders", size=(60, 15), env=SSH)
    tmux.wait_for(lambda s: "assets/" in s and "docs/" in s)
    tmux.send_text("/README\rx")
    # The title or the button (the dialog scrolls in 15 rows).
    screen = tmux.wait_for(lambda s: re.search(r"Delete [\d,]+ files?\b", s) is not None)
    assert "Delete 2 files" in screen, screen
    assert "assets/" not in screen and "69 files" not in screen, screen
    assert "folder docs/" in screen and "matching README" in screen, screen
    tmux.send_keys("Enter")  # focus starts on Cancel: nothing is deleted
    tmux.wait_for(lambda s: "Delete 2 files" not in s and "3 match of all 315" in s)
    held = {f.id for f in emulator.store.files(DEFAULT_WORKSPACE_ID)}
    assert held == {f.id for f in [*assets, *matches, *others]}


def test_a_deletion_cut_by_sighup_is_finished_by_resume(
    start_app: StartApp, emulator: RunningEmulator, tmp_path: Path
) -> None:
    planned = {f.id for f in add_files(emulator, "del/old", 1000)}
    kept = {f.id for f in add_files(emulator, "keep/new", 20)}
    tmux = start_app(env=SSH)
    tmux.wait_for("more available")
    tmux.send_text("L")
    tmux.wait_for("1,020 files")
    pid = app_pid(tmux)
    emulator.faults.latency_ms = 100

    tmux.send_text("/del/\rAx1000\r")
    eventually(lambda: len(planned - held_ids(emulator)) >= 100, "100 files deleted")
    # The SSH session closes: tmux closes the pane's terminal, its processes get SIGHUP.
    tmux.tmux("kill-session", "-t", tmux.session)
    eventually(lambda: not running(pid), "the app exits after SIGHUP")

    left = planned & held_ids(emulator)
    # At least the 100 waited for are gone (the emulator deletes as a request arrives, so the
    # ones in flight at the cut may already count among them: exactly 900 can be left).
    assert 0 < len(left) <= 900, "cut in the middle"
    (plan_path,) = (tmp_path / "state" / "orbrowse" / PLANS_FOLDER / DEFAULT_WORKSPACE_ID).glob(
        "*.jsonl"
    )
    # The main thread may be a zombie a moment before the last thread lets go of the plan.
    eventually(lambda: not_locked(plan_path), "the app's plan is unlocked")
    plan = read_plan(plan_path)
    assert plan is not None and plan.unfinished
    # The requests in flight finished; everything still on the server is recorded as
    # never sent.
    assert not plan.ambiguous
    assert {f.id for f in plan.where([Status.NOT_ATTEMPTED])} == left

    emulator.faults.latency_ms = 0
    command = ["rm", "--resume", "--yes", "--workspace", DEFAULT_WORKSPACE_ID]
    command += ["--base-url", emulator.url, "--api-key", DEMO_MANAGEMENT_KEY]
    resumed = subprocess.run(
        [sys.executable, "-m", "orbrowse", *command, "--config", str(tmp_path / "config.toml")],
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "a deletion of 1,000 files" in resumed.stderr
    assert held_ids(emulator) == kept, "the server holds exactly the files not planned"


def not_locked(path: Path) -> bool:
    plan = read_plan(path)
    return plan is not None and not plan.locked


def held_ids(emulator: RunningEmulator) -> set[str]:
    return emulator.store.file_ids(DEFAULT_WORKSPACE_ID)


TMUX_CONFIGURATIONS = {
    "default": {},
    "set-clipboard on": {"set-clipboard": "on"},
    "allow-passthrough on": {"allow-passthrough": "on"},
}


@pytest.mark.parametrize("config", TMUX_CONFIGURATIONS)
def test_copy_an_id_in_each_tmux_configuration(
    start_app: StartApp, emulator: RunningEmulator, config: str
) -> None:
    files = add_files(emulator, "notes/n", 3)
    tmux = start_app(env=SSH, options=TMUX_CONFIGURATIONS[config], client=True)
    tmux.wait_for("3 files")

    tmux.send_text("jy")
    tmux.wait_for("Copied 1 id to tmux's buffer")
    assert tmux.buffer() == files[1].id
    # tmux sent it on to the user's terminal (our pty) with OSC 52.
    tmux.clients[0].wait_for_bytes(base64.b64encode(files[1].id.encode()))


def recorder(folder: Path, name: str) -> Path:
    """A program that copies the file it is given to ``<name>.got`` and its arguments to
    ``<name>.args``, then waits for a key (the screen is the pager's until it exits)."""
    script = folder / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import shutil, sys\n"
        f"shutil.copyfile(sys.argv[-1], {str(folder / name)!r} + '.got')\n"
        f"open({str(folder / name)!r} + '.args', 'w').write('\\n'.join(sys.argv[1:]))\n"
        f"print('{name.upper()} RUNNING')\n"
        "sys.stdin.readline()\n"
    )
    script.chmod(0o755)
    return script


def test_the_full_view_hands_text_to_the_pager_and_an_image_to_the_editor(
    start_app: StartApp, emulator: RunningEmulator, tmp_path: Path
) -> None:
    # App.suspend needs a real terminal: Textual's headless driver cannot suspend.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pager = recorder(bin_dir, "pager")
    editor = recorder(bin_dir, "editor")
    text = b"first line\n\x1b[31mred\x1b[0m and [b]markup[/b]\n"
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
        "0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082"
    )
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, "a/notes.txt", content=text, downloadable=True)
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, "b/dot.png", content=png, downloadable=True)
    # PATH holds only our programs: no xdg-open or gio, so a non-text file goes to $EDITOR.
    env = {"PAGER": f"{pager} --flag", "EDITOR": str(editor), "PATH": str(bin_dir)}
    env["TMPDIR"] = str(tmp_path)  # where the app saves the files it hands over
    tmux = start_app(env=env)
    tmux.wait_for("2 files")

    tmux.send_text("o")
    tmux.wait_for("a/notes.txt · text")
    tmux.send_text("e")
    tmux.wait_for("PAGER RUNNING")
    got = (bin_dir / "pager.got").read_text(encoding="utf-8")
    assert got.startswith("first line\n")
    assert "\x1b" not in got  # visible-safe text: the escape shown, the markup kept literal
    assert "\\x1b[31mred\\x1b[0m and [b]markup[/b]" in got
    arguments = (bin_dir / "pager.args").read_text().splitlines()
    assert arguments[0] == "--flag" and arguments[1].endswith("notes.txt.txt")
    tmux.send_keys("Enter")  # the pager exits: the app is back where it was
    tmux.wait_for("a/notes.txt · text")
    assert not list(tmp_path.glob("orbrowse-open-*"))  # the pager's copy is removed

    tmux.send_text("qjo")
    tmux.wait_for("b/dot.png · PNG image")
    tmux.send_text("e")
    tmux.wait_for("EDITOR RUNNING")
    assert (bin_dir / "editor.got").read_bytes() == png  # the whole file, downloaded
    assert (bin_dir / "editor.args").read_text().endswith("dot.png")
    tmux.send_keys("Enter")
    tmux.wait_for("b/dot.png · PNG image")
    # The editor has exited: its copy is removed too (it stayed behind).
    eventually(lambda: not list(tmp_path.glob("orbrowse-open-*")), "the editor's copy removed")


def test_an_openers_copy_stays_while_orbrowse_runs_and_goes_when_it_exits(
    start_app: StartApp, emulator: RunningEmulator, tmp_path: Path
) -> None:
    # xdg-open returns at once and the viewer it starts reads the file later: the copy must
    # outlive xdg-open, but not orbrowse.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opener = bin_dir / "xdg-open"
    opener.write_text(
        f"#!{sys.executable}\nimport shutil, sys\n"
        f"shutil.copyfile(sys.argv[-1], {str(bin_dir / 'opened')!r})\n"
    )
    opener.chmod(0o755)
    emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "b/dot.bin", content=b"\x00\x01" * 64, downloadable=True
    )
    tmux = start_app(env={"PATH": str(bin_dir), "TMPDIR": str(tmp_path)})
    tmux.wait_for("1 file")
    tmux.send_text("o")
    tmux.wait_for("b/dot.bin · no preview")
    tmux.send_text("e")
    eventually(lambda: (bin_dir / "opened").exists(), "the opener to run")
    assert (bin_dir / "opened").read_bytes() == b"\x00\x01" * 64
    [copy] = tmp_path.glob("orbrowse-open-*/dot.bin")
    assert copy.read_bytes() == b"\x00\x01" * 64
    tmux.send_text("qq")
    tmux.wait_for("[exited with 0 ]")
    assert not list(tmp_path.glob("orbrowse-open-*"))


def test_image_detection_inside_tmux_is_answered_and_chooses_half_blocks() -> None:
    # tmux answers DA1 itself (this tmux has no Sixel) and drops the Kitty query unanswered;
    # "inside tmux without Sixel" means DA1 came back, not that a wait ran out.
    probe = (
        "import os; from orbrowse.tui.launch import terminal_graphics; "
        "g = terminal_graphics('auto', os.environ); print('CHOSE', g.protocol, '/', g.reason)"
    )
    with tmux_server("orbrowse-detect") as tmux:
        tmux.start([sys.executable, "-c", probe])
        screen = tmux.wait_for("CHOSE")
    assert "CHOSE halfblock / inside tmux without Sixel" in screen
