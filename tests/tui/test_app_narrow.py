"""The browser at 80×24, the classic terminal: whole keys in the footer, a status that says
each thing once."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.screens.preview import PreviewScreen
from orbrowse.tui.widgets.footer import FittingFooter, Footer
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import browsing, screen_shown, screen_text, status_of, wait_until


async def test_at_80_columns_the_footer_shows_whole_keys_delete_among_them(
    app: OrbrowseApp, thousand: list[str]
) -> None:
    async with browsing(app, size=(80, 24)) as (_, screen):
        footer = screen.query_one(FittingFooter)
        keys = list(footer.query(FooterKey))
        [palette] = [k for k in keys if k.has_class("-command-palette")]
        shown = [k for k in keys if k is not palette]
        assert all(k.region.right <= palette.region.x for k in shown)  # none cut, none hidden
        last_line = screen_text(app).splitlines()[-1]
        for key in shown:
            assert f"{key.key_display} {key.description}" in last_line
        assert [k.description for k in shown] == [
            "Mark",
            "Copy id",
            "Download",
            "Delete",
            "Quit",
            "Help",
        ]


async def test_the_full_view_footer_shows_whole_keys_at_80_columns(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    # It had Textual's footer, which cut the row at the palette key: "? Hel".
    emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "notes.txt", content=b"words\n", downloadable=True
    )
    async with browsing(app, size=(80, 24)) as (pilot, _):
        await pilot.press("o")
        screen = await screen_shown(pilot, PreviewScreen)
        await wait_until(pilot, lambda: screen.preview is not None, "the preview")
        await pilot.pause()
        footer = screen.query_one(Footer)
        keys = list(footer.query(FooterKey))
        [palette] = [k for k in keys if k.has_class("-command-palette")]
        shown = [k for k in keys if k is not palette]
        assert all(k.region.right <= palette.region.x for k in shown), screen_text(app)[-80:]
        last_line = screen_text(app).splitlines()[-1]
        for key in shown:
            assert f"{key.key_display} {key.description}" in last_line
        assert {"Back", "Open outside", "Help"} <= {k.description for k in shown}


async def test_the_footer_shows_every_key_when_there_is_room(
    app: OrbrowseApp, thousand: list[str]
) -> None:
    async with browsing(app, size=(80, 24)) as (pilot, screen):
        await pilot.resize_terminal(160, 24)
        footer = screen.query_one(FittingFooter)
        await wait_until(pilot, lambda: len(footer.query(FooterKey)) == 13, "every key")
        assert "r Refresh" in screen_text(app).splitlines()[-1]


async def test_while_g_loads_to_the_end_the_count_is_said_once(
    emulator: RunningEmulator, app: OrbrowseApp, thousand: list[str]
) -> None:
    async with browsing(app, size=(80, 24)) as (pilot, screen):
        emulator.faults.latency_ms = 1000
        await pilot.press("G")
        await wait_until(pilot, lambda: "loading to the end…" in status_of(app), "the job")
        status, loaded = status_of(app), screen.files.loaded_count
        assert status.startswith(f"{loaded:,} loaded · more available · loading to the end…")
        assert status.count(f"{loaded:,}") == 1


async def test_at_60_columns_the_filters_placeholder_ends_in_an_ellipsis(app: OrbrowseApp) -> None:
    # It was cut at a word ("…older:30d, !"), with no sign that "inverts" followed.
    async with browsing(app, size=(60, 15)) as (pilot, _):
        await pilot.press("slash")
        await pilot.pause()
        [line] = [line for line in screen_text(app).splitlines() if "filter: text" in line]
        shown = line[line.index("filter: text") :].rstrip(" █▌▐▎▊")
        assert shown.endswith("…"), shown
        assert "filter: text re:regex type:image/ >10MB older:30d, ! inverts".startswith(shown[:-1])
