"""The garbage collector paused while the browser starts (``orbrowse.startup_gc``)."""

from __future__ import annotations

import gc
import weakref

from orbrowse import startup_gc


class Node:
    """An object in a cycle: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_what_start_up_made_is_still_collected_once_dropped() -> None:
    # The first browser screen is made during the pause: left for another workspace, it
    # must still be collectable (gc.freeze at the resume would have kept it forever).
    startup_gc.pause()
    try:
        assert not gc.isenabled()
        made = Node()
        alive = weakref.ref(made)
    finally:
        startup_gc.resume()
    assert gc.isenabled()
    del made
    gc.collect()
    assert alive() is None


def test_resume_without_a_pause_leaves_the_collector_as_it_was() -> None:
    gc.disable()
    try:
        startup_gc.resume()
        assert not gc.isenabled()  # stopped by someone else: not for resume to start
    finally:
        gc.enable()
    startup_gc.resume()
    assert gc.isenabled()
