"""7. Filtering loaded files with the filter language: ``FileList.set_filter`` over 100,000
files (10,000 quick), against a floor: one list comprehension with the same test written out
by hand for that one filter. Process CPU time, the best of 5 per run."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from benchmarks._config import Config, interleaved
from benchmarks._files import make_files
from benchmarks._results import Row
from orbrowse.api.models import FileObject
from orbrowse.emulator.seed import DEMO_NOW
from orbrowse.listing.file_list import FileList

NOW = DEMO_NOW
CUTOFF = (NOW - timedelta(days=30)).timestamp()
LOGS = re.compile("^logs/", re.IGNORECASE).search


def _text(f: FileObject) -> bool:
    return (
        "report" in f.filename.casefold()
        or "report" in f.id.casefold()
        or "report" in f.mime_type.casefold()
    )


def _age_and_regex(f: FileObject) -> bool:
    return f.created_ts < CUTOFF and bool(LOGS(f.filename) or LOGS(f.id) or LOGS(f.mime_type))


def _type_and_size(f: FileObject) -> bool:
    return f.size_bytes > 1_000_000 and f.mime_type.casefold().startswith("image/")


CASES: dict[str, Callable[[FileObject], bool]] = {
    "report": _text,
    "older:30d re:^logs/": _age_and_regex,
    "type:image/ >1MB": _type_and_size,
}


def _best(body: Callable[[], object], setup: Callable[[], object] = lambda: None) -> float:
    best = float("inf")
    for _ in range(5):
        setup()
        started = time.process_time()
        body()
        best = min(best, time.process_time() - started)
    return best * 1000


def run(config: Config) -> list[Row]:
    count = config.scale(100_000, 10_000)
    files = make_files(count, seed=7)
    model = FileList(files)
    ours = {text: Row("filter", f"{text} at {count:,}", "orbrowse", "ms CPU") for text in CASES}
    floor = {text: Row("filter", f"{text} at {count:,}", "floor", "ms CPU") for text in CASES}

    def orbrowse(text: str) -> None:
        ours[text].samples.append(
            _best(lambda: model.set_filter(text, now=NOW), lambda: model.set_filter(""))
        )
        expected = [f.id for f in files if CASES[text](f)]
        assert [f.id for f in model.view] == expected, text

    def by_hand(text: str) -> None:
        test = CASES[text]
        floor[text].samples.append(_best(lambda: [f for f in files if test(f)]))

    for text in CASES:
        interleaved(config.runs, partial(orbrowse, text), partial(by_hand, text))
    out: list[Row] = []
    for text in CASES:
        ours[text].compare("hand-written test", floor[text].median, "≤ 1.5×", lambda r: r <= 1.5)
        out += [ours[text], floor[text]]
    return out
