"""The preview of the file under the cursor: each kind, hostile content, the byte cap, the
cancel-on-move rule (counted at the emulator) and the full view."""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import httpx
import pytest
from PIL import Image
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.color import Color
from textual.pilot import Pilot

from orbrowse.api.http11 import READ_SIZE
from orbrowse.emulator.server import RunningEmulator
from orbrowse.preview.model import UPLOADED_REASON
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.screens.preview import PreviewScreen
from orbrowse.tui.widgets.preview import LOADING, PreviewPane
from orbrowse.tui.widgets.rendered_view import RenderedView
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import (
    browser,
    browser_ready,
    browsing,
    notifications,
    preview_settled,
    screen_shown,
    screen_text,
    wait_until,
)
from tests.tui.colors import AA_TEXT, contrast
from tests.tui.conftest import AppFactory

SIZE = (140, 40)


def image_bytes(kind: str, size: tuple[int, int] = (40, 30)) -> bytes:
    image = Image.new("RGB", size, (200, 40, 40))
    image.paste((40, 40, 200), (0, size[1] // 2, size[0], size[1]))  # blue lower half
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def add(emulator: RunningEmulator, name: str, content: bytes, *, downloadable: bool = True) -> None:
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, name, content=content, downloadable=downloadable)


def pane_of(app: OrbrowseApp) -> PreviewPane:
    return browser(app).query_one(PreviewPane)


def pane_lines(app: OrbrowseApp) -> list[str]:
    """The pane as plain text, drawn the way the screen draws it."""
    pane = pane_of(app)
    console = Console(
        width=pane.content_size.width,
        height=pane.content_size.height,
        color_system=None,
        force_terminal=False,
    )
    with console.capture() as capture:
        console.print(pane.render())
    return [line.rstrip() for line in capture.get().split("\n")]


def content_reads(emulator: RunningEmulator) -> int:
    return sum(1 for r in emulator.faults.requests if r.path.endswith("/content"))


async def shown(pilot: Pilot[int]) -> PreviewPane:
    await preview_settled(pilot)
    pane = pane_of(pilot.app)  # type: ignore[arg-type]
    await wait_until(pilot, lambda: not pane.state.loading, "the preview shown")
    await pilot.pause()
    return pane


@pytest.mark.parametrize(
    ("name", "content", "summary", "expected"),
    [
        ("out/r.json", b'{"score":0.93,"tags":["a"]}', "JSON · whole file", '  "score": 0.93,'),
        ("out/r.jsonl", b'{"a": 1}\n{"b":  2}\n', "JSON Lines", '{"b": 2}'),
        ("out/t.csv", b"city,temp\nOslo,4\nRome,19\n", "CSV", "Rome   19"),
        ("out/s.md", b"# Title\n\n- **first** point\n", "Markdown", "• first point"),
        ("out/m.py", b"def f(x):\n\treturn x\n", "source code", "    return x"),
        ("out/n.txt", b"plain words\n", "text · whole file", "plain words"),
        ("out/a.pdf", b"%PDF-1.7\n\x00\x01binary", "no preview for this type", "%PDF-1.7"),
    ],
)
async def test_each_text_kind_and_the_hex_dump(
    app: OrbrowseApp,
    emulator: RunningEmulator,
    name: str,
    content: bytes,
    summary: str,
    expected: str,
) -> None:
    add(emulator, name, content)
    async with browsing(app, size=SIZE) as (pilot, _):
        pane = await shown(pilot)
        assert summary in pane.text
        assert any(expected in line for line in pane_lines(app)), pane_lines(app)


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "GIF", "WEBP"])
async def test_images_are_drawn_as_half_blocks(
    app: OrbrowseApp, emulator: RunningEmulator, kind: str
) -> None:
    add(emulator, f"out/chart.{kind.lower()}", image_bytes(kind))
    async with browsing(app, size=SIZE) as (pilot, _):
        pane = await shown(pilot)
        assert f"{'WebP' if kind == 'WEBP' else kind} image, 40×30" in pane.text
        console = Console(width=pane.content_size.width, color_system="truecolor")
        segments = list(console.render(pane.render()))
        blocks = [s for s in segments if s.text == "▀"]
        assert blocks, "no half blocks drawn"
        top, bottom = blocks[0].style, blocks[-1].style
        assert top is not None and bottom is not None
        assert top.color is not None and top.color.triplet is not None
        assert top.color.triplet.red > 150  # red upper half
        assert bottom.bgcolor is not None and bottom.bgcolor.triplet is not None
        assert bottom.bgcolor.triplet.blue > 150  # blue lower half


JSON_DOC = b'{"run": "r1", "score": 0.93, "ok": true, "tags": ["a", null]}'


def colours_of(segments: Iterable[Segment]) -> list[Style]:
    """The styles of the segments that draw visible text."""
    return [s.style for s in segments if s.text.strip() and s.style is not None]


def assert_readable_on(styles: list[Style], background: Color) -> None:
    assert styles
    for style in styles:
        assert style.bgcolor is None, style  # the pane's background shows through
        assert style.color is not None and style.color.triplet is not None
        ratio = contrast(Color(*style.color.triplet), background)
        assert ratio >= AA_TEXT, f"{style.color.name}: {ratio:.2f}"


async def test_json_on_the_light_theme_is_readable_with_no_dark_strips(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    # Each token kept monokai's background (#272822): on the light theme every line was a
    # dark strip as long as its text, and monokai's near-white text 1.3:1 on the pane.
    add(emulator, "out/r.json", JSON_DOC)
    async with browsing(app, size=SIZE) as (pilot, _):
        app.theme = "textual-light"
        pane = await shown(pilot)
        console = Console(width=pane.content_size.width, color_system="truecolor")
        lines = console.render_lines(pane.render(), console.options, pad=False)
        assert_readable_on(
            colours_of(segment for line in lines[1:] for segment in line),  # after the title
            pane.background_colors[1],
        )
        # The full view follows a change of theme.
        app.theme = "textual-dark"
        _, view = await full_view(pilot, lines=3)
        app.theme = "textual-light"
        await pilot.pause()
        assert_readable_on(
            colours_of(segment for strip in view.lines for segment in strip),
            view.background_colors[1],
        )


async def test_uploaded_files_say_they_cannot_be_read(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    add(emulator, "mine/notes.txt", b"secret", downloadable=False)
    async with browsing(app, size=SIZE) as (pilot, _):
        pane = await shown(pilot)
        assert pane.text == UPLOADED_REASON
        assert content_reads(emulator) == 0


WIDE_CSV = (
    b"city,month,temp_c,rain_mm,sunny_days_per_month_average,relative_humidity\n"
    b"Tbilisi,2026-07,21.5,17,21,40\nAccra,2026-08,-4.4,204,14,88\n"
)


async def test_a_csv_wider_than_the_pane_cuts_its_headers_with_an_ellipsis(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    # Rich kept the no_wrap columns at their minimum widths and the pane cropped the table:
    # the last header showed as "sunn", cut with no "…".
    add(emulator, "out/weather.csv", WIDE_CSV)
    names = WIDE_CSV.decode().split("\n")[0].split(",")
    async with browsing(app, size=SIZE) as (pilot, _):
        await shown(pilot)
        width = pane_of(app).content_size.width
        assert width < 70  # narrower than the table: the test is about cutting it
        lines = pane_lines(app)
        assert all(len(line) <= width for line in lines), lines
        header = next(line for line in lines if line.startswith("city"))
        shown_names = header.split()
        assert shown_names[-1].endswith("…"), header
        for name in shown_names:
            assert name in names or any(n.startswith(name[:-1]) for n in names), header
            if name not in names:
                assert name.endswith("…") and len(name) >= 2, header
        row = next(line for line in lines if line.startswith("Tbilisi"))
        assert row.split()[:4] == ["Tbilisi", "2026-07", "21.5", "17"]


HOSTILE = [
    ("markup.txt", b"[bold red]not bold[/] [link=http://x]y[/link]\n", "[bold red]not bold[/]"),
    (
        "escapes.txt",
        b"before\x1b[2J\x1b]0;title\x07after\n",
        "before\\x1b[2J\\x1b]0;title\\x07after",
    ),
    ("bidi.json", '{"k": "a\u202eb"}'.encode(), '"a⟨U+202E⟩b"'),
    ("bad-utf8.txt", b"caf\xe9 ok \xff\xfe end\n", "caf\\xe9 ok \\xff\\xfe end"),
    ("cells.csv", b"a,b\n\x1b[31mred,[b]x[/b]\n", "\\x1b[31mred"),
    ("fake.png", b"I am text pretending to be a PNG\n", "I am text pretending"),
]


@pytest.mark.parametrize(("name", "content", "expected"), HOSTILE)
async def test_hostile_text_shows_literally(
    app: OrbrowseApp, emulator: RunningEmulator, name: str, content: bytes, expected: str
) -> None:
    add(emulator, f"out/{name}", content)
    async with browsing(app, size=SIZE) as (pilot, _):
        await shown(pilot)
        lines = pane_lines(app)
        assert any(expected in line for line in lines), lines
        drawn = "".join(
            segment.text
            for segment in Console(width=60).render(pane_of(app).render())
            if not segment.control
        )
        assert "\x1b" not in drawn and "\x07" not in drawn and "\u202e" not in drawn


async def test_a_truncated_png_shows_why_and_its_bytes(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    add(emulator, "out/cut.png", image_bytes("PNG", (200, 200))[:90])
    async with browsing(app, size=SIZE) as (pilot, _):
        pane = await shown(pilot)
        lines = pane_lines(app)
        assert any("could not be decoded" in line for line in lines), lines
        assert any(line.startswith("00000000  89 50 4e 47") for line in lines), lines
        assert pane.state.preview is not None and pane.state.preview.image is None


async def test_a_png_typed_file_of_text_is_shown_as_text_with_a_note(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    add(emulator, "out/fake.png", b"<html>not an image</html>\n")
    async with browsing(app, size=SIZE) as (pilot, _):
        await shown(pilot)
        text = "\n".join(pane_lines(app))
        assert "Typed image/png, but the content is not an" in text
        assert "<html>not an image</html>" in text


async def test_holding_j_through_200_files_starts_a_handful_of_reads(
    make_app: AppFactory, emulator: RunningEmulator
) -> None:
    for number in range(200):
        add(emulator, f"out/result-{number:03d}.json", b'{"n": %d}' % number)
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, page_size=250)
    async with browsing(app, size=SIZE) as (pilot, screen):
        await preview_settled(pilot)
        before = content_reads(emulator)
        # Held down, a key repeats faster than the app draws: the presses queue up as they
        # do in the terminal's input buffer, and the app works through them.
        for _ in range(199):
            app.post_message(events.Key("j", "j"))
        await wait_until(pilot, lambda: screen.table.cursor_row == 199, "the last row")
        await pilot.pause()  # the last CursorMoved is handled
        await shown(pilot)
        reads = content_reads(emulator) - before
        assert screen.table.cursor_row == 199
        assert reads <= 5, f"{reads} reads for 199 moves"
        print(f"content reads for 199 held-down moves: {reads}")
        assert '"n": 199' in "\n".join(pane_lines(app))


async def test_cached_previews_are_not_read_again(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    add(emulator, "out/a.txt", b"first file\n")
    add(emulator, "out/b.txt", b"second file\n")
    async with browsing(app, size=SIZE) as (pilot, _):
        await shown(pilot)
        await pilot.press("j")
        await shown(pilot)
        reads = content_reads(emulator)
        await pilot.press("k")
        pane = await shown(pilot)
        assert content_reads(emulator) == reads
        assert "first file" in "\n".join(pane_lines(app))
        assert pane.state.preview is not None


class BodyCounter(httpx.AsyncByteStream):
    """A reply's body as the client reads it from the connection, counted."""

    def __init__(self, stream: httpx.AsyncByteStream) -> None:
        self.stream = stream
        self.read = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.stream:
            self.read += len(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self.stream.aclose()


async def test_a_50_mib_file_reads_at_most_the_cap(
    make_app: AppFactory, emulator: RunningEmulator
) -> None:
    # Counted where the client reads the body. What the server sent is no measure: before the
    # connection closes it can push megabytes into the socket buffers that nobody reads.
    emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "out/huge.jsonl", size_bytes=50 * 1024 * 1024, downloadable=True
    )
    cap = 256 * 1024
    app = make_app(workspace=DEFAULT_WORKSPACE_ID)
    assert app.client is not None
    bodies: list[BodyCounter] = []

    async def count_content(response: httpx.Response) -> None:
        if response.request.url.path.endswith("/content"):
            assert isinstance(response.stream, httpx.AsyncByteStream)
            response.stream = BodyCounter(response.stream)
            bodies.append(response.stream)

    app.client._http.event_hooks["response"].append(count_content)
    async with browsing(app, size=SIZE) as (pilot, _):
        pane = await shown(pilot)
        preview = pane.state.preview
        assert preview is not None
        assert len(preview.data) == cap and not preview.complete
        assert "first 256 KiB of 50 MiB" in pane.text
    assert len(bodies) == 1
    # The body arrives in pieces of at most one read of the connection.
    read_size = READ_SIZE
    assert cap <= bodies[0].read < cap + read_size, bodies[0].read
    print(f"body bytes read for a 50 MiB file: {bodies[0].read:,}")


async def test_a_slow_server_shows_loading(app: OrbrowseApp, emulator: RunningEmulator) -> None:
    add(emulator, "out/first.txt", b"at once\n")
    add(emulator, "out/slow.txt", b"eventually\n")
    async with browsing(app, size=SIZE) as (pilot, _):
        await shown(pilot)
        emulator.faults.latency_ms = 600
        await pilot.press("j")
        pane = pane_of(app)
        await wait_until(pilot, lambda: pane.state.loading, "loading shown")
        assert pane.text == LOADING
        emulator.faults.latency_ms = 0
        await shown(pilot)
        assert "eventually" in "\n".join(pane_lines(app))


async def test_small_terminals_collapse_the_preview_and_read_nothing(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    add(emulator, "out/a.txt", b"words\n")
    async with browsing(app, size=(60, 15)) as (pilot, _):
        await pilot.pause(0.3)
        await preview_settled(pilot)
        assert not pane_of(app).display or pane_of(app).region.height == 0
        assert content_reads(emulator) == 0


async def test_80x24_shows_the_preview_beside_the_fields(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    add(emulator, "out/a.txt", b"words at 80 columns\n")
    async with browsing(app, size=(80, 24)) as (pilot, _):
        pane = await shown(pilot)
        assert pane.region.width >= 30 and pane.region.height >= 8
        assert any("words at 80 columns" in line for line in pane_lines(app))


async def full_view(pilot: Pilot[int], *, lines: int) -> tuple[PreviewScreen, RenderedView]:
    """Press ``o`` and wait until the full view has drawn more than ``lines`` lines."""
    await pilot.press("o")
    screen = await screen_shown(pilot, PreviewScreen)
    view = screen.query_one(RenderedView)
    await wait_until(pilot, lambda: len(view.texts) > lines, "the text drawn")
    return screen, view


async def test_full_view_scrolls_searches_and_closes(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    body = "".join(f"line {n}\n" for n in range(300)) + "the needle is here\n"
    add(emulator, "out/long.txt", body.encode())
    async with browsing(app, size=(80, 24)) as (pilot, _):
        _, view = await full_view(pilot, lines=300)
        await pilot.press("slash", *"needle", "enter")
        await pilot.pause()
        assert view.match_line == 300
        assert view.scroll_offset.y > 250
        await pilot.press("q")
        await browser_ready(pilot)
        await pilot.press("enter")
        await screen_shown(pilot, PreviewScreen)
        await pilot.press("escape")
        await browser_ready(pilot)


MARKDOWN = "# Analysis summary\n\n" + "".join(f"- point {n}\n" for n in range(40))


async def test_a_full_view_at_60x15_has_no_sideways_scroll_and_its_title_ends_in_an_ellipsis(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    # The text was drawn as wide as the view before the vertical scrollbar took 2 columns:
    # the centred heading was 2 columns too wide, so a horizontal scrollbar took a row. And
    # the title was cut mid-word ("whole file of 300") with no "…".
    add(emulator, "outputs/summary-report-of-the-quarter.md", MARKDOWN.encode())
    async with browsing(app, size=(60, 15)) as (pilot, _):
        _, view = await full_view(pilot, lines=40)
        await pilot.pause()
        assert view.show_vertical_scrollbar
        assert not view.show_horizontal_scrollbar
        assert view.virtual_size.width <= view.scrollable_content_region.width
        title = screen_text(app).splitlines()[0].rstrip()
        assert title.startswith(" outputs/summary-report-of-the-quarter.md · Markdown")
        assert title.endswith("…"), title


async def test_the_full_view_has_its_styles_when_the_picker_never_opened(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    # Its rules were in screens.tcss, which only the picker and the no-key screen loaded.
    add(emulator, "out/a.txt", b"text\n")
    async with browsing(app, size=SIZE) as (pilot, _):
        await pilot.press("o")
        screen = await screen_shown(pilot, PreviewScreen)
        search = screen.query_one("#preview-search")
        assert search.styles.dock == "bottom"
        title = screen.query_one("#preview-title")
        assert title.styles.height is not None and title.styles.height.cells == 1
        assert title.styles.background == Color.parse(app.get_css_variables()["panel"])


async def open_outside(pilot: Pilot[int], said: str) -> PreviewScreen:
    """Open the full view, wait for the preview, press ``e`` and wait for a notification
    containing ``said``."""
    await pilot.press("o")
    screen = await screen_shown(pilot, PreviewScreen)
    await wait_until(pilot, lambda: screen.preview is not None, "the preview")
    await pilot.press("e")
    app = pilot.app
    await wait_until(pilot, lambda: any(said in n for n in notifications(app)), repr(said))
    return screen


async def test_full_view_of_an_image_over_ssh_keeps_it_remote(
    make_app: AppFactory, emulator: RunningEmulator
) -> None:
    png = image_bytes("PNG")
    add(emulator, "out/chart.png", png)
    app = make_app(
        workspace=DEFAULT_WORKSPACE_ID, env={"SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22"}
    )
    async with browsing(app, size=SIZE) as (pilot, _):
        await open_outside(pilot, "stays on the remote machine")
        (note,) = [n for n in notifications(app) if "remote machine" in n]
        saved = Path(note.rsplit(" at ", 1)[1])
        assert saved.name == "chart.png" and saved.read_bytes() == png  # the whole file
        shutil.rmtree(saved.parent)


@pytest.mark.parametrize(("name", "program"), [("notes.txt", "PAGER"), ("chart.png", "EDITOR")])
async def test_a_program_that_cannot_run_leaves_no_copy_behind(
    make_app: AppFactory,
    emulator: RunningEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    program: str,
) -> None:
    # Textual's headless driver cannot suspend: running the program raises, as a program
    # missing from PATH does. The editor's downloaded copy stayed in the temporary folder.
    monkeypatch.setattr("orbrowse.tui.external.system_opener", lambda: None)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    add(emulator, f"out/{name}", image_bytes("PNG") if name.endswith(".png") else b"words\n")
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, env={program: "true"})
    async with browsing(app, size=SIZE) as (pilot, _):
        screen = await open_outside(pilot, "Could not run")
        await wait_until(
            pilot,
            lambda: all(w.is_finished for w in screen.workers if w.group == "preview-open"),
            "the hand-over to end",
        )
        assert not list(temp.iterdir())


async def test_moving_cancels_the_read_in_flight(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    add(emulator, "out/first.txt", b"first\n")
    add(emulator, "out/second.txt", b"second\n")
    async with browsing(app, size=SIZE) as (pilot, screen):
        pane = pane_of(app)
        await wait_until(
            pilot, lambda: pane.state.loading or pane.state.preview is not None, "a read"
        )
        await preview_settled(pilot)
        screen.previews.cache.discard(screen.files.view[0].id)
        emulator.faults.hold()  # the next read stays in flight until released
        await pilot.press("j")
        await wait_until(
            pilot, lambda: pane.state.loading and emulator.faults.held > 0, "the read held"
        )
        slow_read = screen.previews._worker
        assert slow_read is not None
        await pilot.press("k")
        await wait_until(pilot, lambda: slow_read.is_cancelled, "the read in flight cancelled")
        emulator.faults.release()
        await shown(pilot)
        assert "first" in "\n".join(pane_lines(app))


async def test_the_full_view_of_an_uploaded_file_offers_no_search_or_open(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    # e, / and n were offered in the footer; e said "Nothing to open yet" (there never is).
    add(emulator, "mine/notes.txt", b"secret", downloadable=False)
    async with browsing(app, size=SIZE) as (pilot, _):
        await pilot.press("o")
        screen = await screen_shown(pilot, PreviewScreen)
        await pilot.pause()
        offered = {b.binding.action for b in screen.active_bindings.values() if b.enabled}
        assert {"open_outside", "search"}.isdisjoint(offered)
        assert not any(b.startswith("find") for b in offered)
        await pilot.press("e", "slash")
        await pilot.pause()
        assert notifications(app) == []
        assert not screen.query_one("#preview-search").display
        await pilot.press("q")
        await browser_ready(pilot)


async def test_a_dialog_opened_and_closed_during_a_read_does_not_read_again(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    # Back from a dialog, the screen shows the wanted file again: the read in flight for it was
    # cancelled and a second one sent. CI caught the same through the screen's first resume.
    add(emulator, "out/first.txt", b"first\n")
    add(emulator, "out/second.txt", b"second\n")
    async with browsing(app, size=SIZE) as (pilot, screen):
        await shown(pilot)
        pane = pane_of(app)
        before = content_reads(emulator)
        emulator.faults.hold()
        await pilot.press("j")
        await wait_until(
            pilot, lambda: pane.state.loading and emulator.faults.held > 0, "the read held"
        )
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: app.screen is not screen, "the help open")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the help closed")
        await pilot.pause()
        emulator.faults.release()
        await shown(pilot)
        assert "second" in "\n".join(pane_lines(app))
        assert content_reads(emulator) - before == 1
