"""Python's cyclic garbage collector, paused while the browser starts.

Start-up makes some 70,000 objects that live as long as the process (modules, classes,
Textual's widgets and stylesheet, the first page's rows) and almost no garbage: about 1,100
unreachable objects by the first row. The collector went through the live ones again and
again as they were made, about 150 collections and 40-60 ms of CPU before the first row, a
fifth of it in one full collection (``gc.callbacks``: ``benchmarks/profile_speed.py
startup``). :func:`pause` stops it from the command line's start; :func:`resume`, once the
first screen is drawn, lets it run again. Not ``gc.freeze``: a frozen object is never
collected, and the first browser screen (its widgets refer to each other) would then outlive
its workspace with every row loaded into it.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop the collector (if it runs) until :func:`resume`."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Run the collector again, if :func:`pause` stopped it (called more than once, or
    without a pause: nothing)."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()
