"""The one time limit on a person's filter matched against names the server gave.

A regular expression can take exponential time on a hostile name (``re:(a+)+b$`` on a name
of 300 a's never ends), so every place that matches a filter against names not judged by it
before does it here, within :data:`FILTER_SECONDS`: the browser's filter box, the pages that
arrive under a filter, ``M``, the folders marked under a filter, and ``ls``/``du --filter``.
Each place decides what stopping means for it (the browser clears the filter, the command
line exits with a usage error); none goes on with half an answer.

The limit is :func:`~orbrowse.listing.time_limit.time_limit`'s SIGALRM timer, so the matching
must run on the main thread (it does: the browser's handlers and workers run on the event
loop there, and so does the command line's ``asyncio.run``); anywhere else it raises
:class:`RuntimeError` rather than run unbounded. Without SIGALRM (Windows) it is not bounded.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator
from typing import Final

from orbrowse.api.models import FileObject
from orbrowse.listing.filter_language import Filter
from orbrowse.listing.formatting import visible_text
from orbrowse.listing.time_limit import TooSlow, time_limit

FILTER_SECONDS: Final = 1.0
"""The longest a filter may take on the files judged at once (those loaded, or one page);
an ordinary one takes 25 ms at 100,000 files."""

WHY: Final = "a repeat inside a repeat, as in (a+)+, can take forever"


class FilterTooSlow(Exception):
    """The filter ``text`` ran past :data:`FILTER_SECONDS` on ``files`` files and was
    stopped; ``str()`` says so, fit for a person ("re:(a+)+b$ is too slow: ...")."""

    def __init__(self, text: str, files: int) -> None:
        self.text = text
        self.files = files
        counted = "1 file" if files == 1 else f"{files:,} files"
        super().__init__(
            f"{visible_text(text)} is too slow: over {FILTER_SECONDS:g} s on {counted} ({WHY})"
        )


@contextlib.contextmanager
def filter_time_limit(text: str, files: int) -> Iterator[None]:
    """Run a block that matches the filter ``text`` against ``files`` files; past the limit
    it is stopped and :class:`FilterTooSlow` raised."""
    try:
        with time_limit(FILTER_SECONDS):
            yield
    except TooSlow:
        raise FilterTooSlow(text, files) from None


def kept(criteria: Filter, files: Collection[FileObject]) -> list[FileObject]:
    """The files ``criteria`` keeps, in their order, judged within the limit."""
    matches = criteria.matches
    with filter_time_limit(criteria.text, len(files)):
        return [file for file in files if matches(file)]
