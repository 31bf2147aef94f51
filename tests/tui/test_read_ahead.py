"""Read-ahead: page size and margin follow the cursor's speed and the page round trip."""

from __future__ import annotations

from orbrowse.tui.read_ahead import MAX_PAGE, ReadAhead


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_idle_cursor_keeps_the_configured_page_and_margin() -> None:
    clock = Clock()
    ahead = ReadAhead(base_page=100, base_margin=200, clock=clock)
    ahead.page_took(0.1)
    assert ahead.page_size() == 100
    assert ahead.margin() == 200


def test_pages_grow_while_the_cursor_runs_and_shrink_when_it_stops() -> None:
    clock = Clock()
    ahead = ReadAhead(base_page=100, base_margin=200, clock=clock)
    ahead.page_took(0.1)
    for press in range(31):  # PageDown held at 30 presses a second, 36 rows a press
        ahead.cursor_at(press * 36)
        clock.now += 1 / 30
    assert 1000 <= ahead.speed <= 1200
    assert 200 <= ahead.page_size() <= MAX_PAGE
    assert ahead.page_size() / 0.1 > ahead.speed  # pages come faster than the cursor
    assert ahead.margin() >= ahead.speed * 0.1 * 2
    clock.now += 5
    assert ahead.speed == 0
    assert ahead.page_size() == 100


def test_pages_never_exceed_the_api_limit_on_a_slow_link() -> None:
    clock = Clock()
    ahead = ReadAhead(base_page=100, base_margin=200, clock=clock)
    ahead.page_took(1.5)
    for press in range(31):
        ahead.cursor_at(press * 36)
        clock.now += 1 / 30
    assert ahead.page_size() == MAX_PAGE
    assert ahead.margin() > 3000


def test_moving_up_is_no_speed_and_two_quick_presses_are_no_burst() -> None:
    clock = Clock()
    ahead = ReadAhead(base_page=100, base_margin=200, clock=clock)
    ahead.cursor_at(500)
    clock.now += 0.01
    ahead.cursor_at(400)
    assert ahead.speed == 0
    ahead.cursor_at(401)
    assert ahead.speed <= 1 / 0.25
