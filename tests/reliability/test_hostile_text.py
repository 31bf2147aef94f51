"""Server-provided text is data: markup, escapes, controls, bidi, zero-width and absurd lengths
are shown visibly and harmlessly in the table, the details pane, dialogs, notifications and
the CLI's table, and never break the layout."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.cells import cell_len

from orbrowse.api.models import FileObject
from orbrowse.commands.render import file_details, file_row
from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.dialogs import ConfirmDeleteDialog, DownloadDialog
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.reliability.conftest import ONE_TRY, AppFactory
from tests.tui.app_driver import browsing, notifications, screen_text, wait_until

MARKUP = "[bold red]pwned[/] [link=https://evil.example]x[/link] $accent"
ANSI = "\x1b[2J\x1b[31mred\x1b[0m"
OSC = "\x1b]52;c;cHduZWQ=\x07\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"
CONTROLS = "bell\x07back\x08cr\rnl\nnul\x00del\x7fcsi\x9b"
BIDI = "invoice\u202egpj.exe"
ZERO_WIDTH = "zero\u200bwidth\u200d\ufeffjoin"
HOSTILE_NAMES = [
    MARKUP,
    ANSI + ".txt",
    OSC,
    CONTROLS,
    BIDI,
    ZERO_WIDTH,
    "x" * 251 + ".txt",
    "long-" * 2000,
]
RAW_FORBIDDEN = ("\x1b", "\x07", "\x08", "\r", "\x00", "\x7f", "\x9b", "\u202e", "\u200b", "\ufeff")
FIXED = datetime(2026, 1, 1, tzinfo=UTC)


def assert_harmless(text: str, width: int) -> None:
    for char in RAW_FORBIDDEN:
        assert char not in text, f"raw {char!r} reached the screen"
    for line in text.split("\n"):
        assert cell_len(line) == width, f"a line of {cell_len(line)} cells: {line!r}"


def add_hostile(emulator: RunningEmulator) -> None:
    for n, name in enumerate(HOSTILE_NAMES):
        emulator.store.add_file(
            DEFAULT_WORKSPACE_ID,
            name,
            size_bytes=10 + n,
            mime_type=f"text/{MARKUP}\x1b[5m",
            downloadable=True,
        )


async def test_hostile_names_in_table_details_and_dialogs_are_visible_and_inert(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    add_hostile(emulator)
    width = 150
    app = make_app(retry=ONE_TRY)
    async with browsing(app, size=(width, 45)) as (pilot, screen):
        assert screen.files.loaded_count == len(HOSTILE_NAMES)
        for _ in HOSTILE_NAMES:  # each row under the cursor, so the details pane shows it
            text = screen_text(app)
            assert_harmless(text, width)
            await pilot.press("down")
        text = screen_text(app)
        assert "[bold red]pwned[/]" in text  # markup shown literally
        assert "\\x1b[31mred" in text or "\\x1b" in text  # escapes shown, visibly
        assert "⟨U+202E⟩" in text

        await pilot.press("a", "x")  # mark all, delete: the confirmation lists every name
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDeleteDialog), "confirm")
        assert_harmless(screen_text(app), width)
        assert "[bold red]pwned[/]" in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back")

        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DownloadDialog), "download dialog")
        assert_harmless(screen_text(app), width)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back")

        # A tiny terminal with the same names: no crash, still clean.
        await pilot.resize_terminal(20, 5)
        await pilot.pause()
        assert_harmless(screen_text(app), 20)
        await pilot.resize_terminal(width, 45)
        await pilot.pause()
        assert_harmless(screen_text(app), width)


async def test_a_hostile_server_error_message_is_shown_literally(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    message = f"{MARKUP} {ANSI} {OSC} {BIDI}"
    emulator.faults.fail_next(400, method="GET", path_contains="/files", message=message)
    width = 150
    app = make_app(retry=ONE_TRY)
    async with browsing(app, size=(width, 40)) as (_, screen):
        assert screen.load_error is not None
        held = "\n".join(notifications(app, titled=True))
        assert "[bold red]pwned[/]" in held
        text = screen_text(app)
        assert_harmless(text, width)
        assert "[bold red]pwned[/]" in text  # the toast shows the brackets, not red text


def test_the_cli_table_and_details_make_every_hostile_character_visible() -> None:
    for name in HOSTILE_NAMES:
        file = FileObject(f"or_file_{MARKUP}\x1b", name, f"text/{ANSI}", 10, FIXED, True)
        for line in [file_row(file, FIXED), *file_details(file, FIXED)]:
            for char in RAW_FORBIDDEN:
                assert char not in line, (char, line)
            assert "\n" not in line
    row = file_row(FileObject("or_file_1", BIDI, "text/plain", 1, FIXED, False), FIXED)
    assert "⟨U+202E⟩" in row
