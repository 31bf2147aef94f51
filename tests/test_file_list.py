"""FileList: load order, filter, sort and marks, checked against a brute-force model."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from orbrowse.api.models import FileObject
from orbrowse.listing.file_list import SORT_COLUMNS, FileList, SortColumn
from orbrowse.listing.filter_language import FilterError, parse_filter
from tests.factories import file_object

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def make_file(n: int, **overrides: Any) -> FileObject:
    values: dict[str, Any] = {
        "filename": f"report-{n}.txt",
        "size_bytes": n * 10,
        "created_at": BASE + timedelta(minutes=n),
        "downloadable": n % 3 == 0,
    }
    return file_object(f"or_file_{n:024d}", **(values | overrides))


def files(count: int, start: int = 0) -> list[FileObject]:
    return [make_file(n) for n in range(start, start + count)]


def ids(sequence: Any) -> list[str]:
    return [f.id for f in sequence]


# --- examples ------------------------------------------------------------------------------


def test_append_keeps_load_order_and_skips_duplicates() -> None:
    model = FileList(files(3))
    added = model.append([make_file(1), make_file(3)])
    assert added == 1
    assert ids(model.view) == ids(files(4))
    assert model.loaded_count == 4
    assert model.loaded_bytes == sum(f.size_bytes for f in files(4))


def test_substring_filter_is_case_insensitive_over_name_id_and_type() -> None:
    model = FileList(
        [
            make_file(1, filename="Holiday.PNG", mime_type="image/png"),
            make_file(2, filename="notes.txt"),
            make_file(3, filename="x", mime_type="application/PDF"),
        ]
    )
    model.set_filter("png")
    assert [f.filename for f in model.view] == ["Holiday.PNG"]
    model.set_filter("pdf")
    assert [f.filename for f in model.view] == ["x"]
    model.set_filter("00000002")  # part of an id
    assert [f.filename for f in model.view] == ["notes.txt"]
    model.set_filter("!png")
    assert [f.filename for f in model.view] == ["notes.txt", "x"]


def test_regex_filter_and_invalid_regex_leaves_filter_unchanged() -> None:
    model = FileList(files(12))
    model.set_filter("re:^report-1[01]\\.")
    assert [f.filename for f in model.view] == ["report-10.txt", "report-11.txt"]
    with pytest.raises(FilterError, match="invalid regular expression"):
        model.set_filter("re:([")
    assert model.filter_text == "re:^report-1[01]\\."
    assert len(model.view) == 2
    model.set_filter("!re:^report-1[01]\\.")
    assert len(model.view) == 10


@pytest.mark.parametrize("text", ["", "!", "re:", "!re:"])
def test_empty_patterns_filter_nothing(text: str) -> None:
    assert parse_filter(text, BASE) is None


def test_sort_is_stable_on_load_order_both_ways() -> None:
    model = FileList([make_file(n, size_bytes=n % 2) for n in range(6)])
    model.set_sort("size")
    assert [f.filename for f in model.view] == [f"report-{n}.txt" for n in (0, 2, 4, 1, 3, 5)]
    model.set_sort("size", descending=True)
    assert [f.filename for f in model.view] == [f"report-{n}.txt" for n in (1, 3, 5, 0, 2, 4)]
    model.set_sort(None, descending=True)
    assert [f.filename for f in model.view] == [f"report-{n}.txt" for n in range(5, -1, -1)]


def test_append_under_sort_and_filter_inserts_in_place() -> None:
    model = FileList([make_file(n, filename=name) for n, name in enumerate(["b", "d", "f"])])
    model.set_sort("filename")
    model.set_filter("!z")
    model.append(
        [make_file(10, filename="a"), make_file(11, filename="e"), make_file(12, filename="z")]
    )
    assert [f.filename for f in model.view] == ["a", "b", "d", "e", "f"]
    assert model.index_of(make_file(11).id) == 3
    assert model.index_of(make_file(12).id) is None


def test_insert_new_and_remove_exact_rows() -> None:
    model = FileList(files(5))
    index = model.insert_new(make_file(99))
    assert index == 5
    model.toggle(make_file(2).id)
    dropped = model.remove([make_file(2).id, make_file(99).id, "or_file_unknown"])
    assert ids(dropped) == [make_file(2).id, make_file(99).id]
    assert ids(model.view) == ids([make_file(n) for n in (0, 1, 3, 4)])
    assert model.marked_count == 0
    assert model.marked_bytes == 0


def test_marks_survive_filter_and_sort_and_count_hidden() -> None:
    model = FileList(files(10))
    model.mark_range(2, 4)
    assert model.marked_count == 3
    assert model.marked_bytes == 20 + 30 + 40
    model.set_filter("report-3")
    assert model.hidden_marked_count == 2
    model.set_sort("size", descending=True)
    model.set_filter("")
    assert model.hidden_marked_count == 0
    assert ids(model.marked_files) == ids([make_file(n) for n in (2, 3, 4)])


def test_invert_applies_to_visible_rows_only() -> None:
    model = FileList(files(6))
    model.toggle(make_file(0).id)  # hidden below, must stay marked
    model.toggle(make_file(5).id)  # visible, must be unmarked
    model.set_filter("re:[3-5]\\.txt")
    model.invert_marks()
    assert ids(model.marked_files) == ids([make_file(n) for n in (0, 3, 4)])
    assert model.hidden_marked_count == 1


def test_show_only_marked_tracks_toggles() -> None:
    model = FileList(files(5))
    model.toggle(make_file(1).id)
    model.toggle(make_file(3).id)
    assert model.toggle_show_only_marked() is True
    assert ids(model.view) == ids([make_file(1), make_file(3)])
    model.toggle(make_file(1).id)
    assert ids(model.view) == ids([make_file(3)])
    model.append(files(2, start=10))  # new rows are unmarked: not shown
    assert len(model.view) == 1


def test_clear_forgets_files_and_marks() -> None:
    model = FileList(files(4))
    model.mark_all_loaded()
    model.clear()
    assert model.marked_count == 0
    assert len(model.view) == 0
    assert model.loaded_bytes == 0


def test_view_slices_and_negative_indices() -> None:
    model = FileList(files(5))
    model.set_sort("created", descending=True)
    assert model.view[0].filename == "report-4.txt"
    assert model.view[-1].filename == "report-0.txt"
    assert [f.filename for f in model.view[1:3]] == ["report-3.txt", "report-2.txt"]
    with pytest.raises(IndexError):
        model.view[5]


def test_append_cost_informally() -> None:
    """Not a timing assert: prints the per-page cost so a reader can compare 1k and 100k."""
    for loaded in (1_000, 100_000):
        for column in (None, "filename"):
            model = FileList(files(loaded))
            model.set_sort(column)
            model.set_filter("report")
            page = files(100, start=loaded)
            started = time.perf_counter()
            model.append(page)
            elapsed = time.perf_counter() - started
            print(f"append 100 at {loaded} rows, sort={column}: {elapsed * 1e3:.3f} ms")
            assert len(model.view) == loaded + 100


# --- property test: a state machine against brute force ----------------------------------

NAMES = st.sampled_from(["a", "A", "b", "ab", "B.txt", "ba", "x[1]", "日本"])
MIMES = st.sampled_from(["text/plain", "image/png", "application/pdf"])
file_objects = st.builds(
    lambda n, name, mime, size, minutes, dl: FileObject(
        id=f"or_file_{n:02d}",
        filename=name,
        mime_type=mime,
        size_bytes=size,
        created_at=BASE + timedelta(minutes=minutes),
        downloadable=dl,
    ),
    st.integers(0, 40),
    NAMES,
    MIMES,
    st.integers(0, 3),
    st.integers(0, 3),
    st.booleans(),
)
FILTERS = st.sampled_from(
    [
        "",
        "a",
        "B",
        "!a",
        "re:^a",
        "!re:b$",
        "png",
        "re:_0[0-4]",
        "日",
        "type:image/ !a",
        ">2",
        "a older:119m",
        "!newer:118m",
    ]
)
NOW = BASE + timedelta(hours=2)


def sort_value(f: FileObject, column: SortColumn) -> tuple[Any, ...]:
    if column == "filename":
        return (f.filename.casefold(), f.filename)
    if column == "size":
        return (f.size_bytes,)
    if column == "type":
        return (f.mime_type.casefold(), f.mime_type)
    if column == "created":
        return (f.created_at,)
    if column == "downloadable":
        return (f.downloadable,)
    return (f.id,)


class FileListMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.model = FileList()
        self.loaded: list[FileObject] = []
        self.marks: set[str] = set()
        self.filter = ""
        self.sort: SortColumn | None = None
        self.descending = False
        self.only_marked = False

    def matches(self, f: FileObject) -> bool:
        spec = parse_filter(self.filter, NOW)
        return spec is None or spec.matches(f)

    def expected_view(self) -> list[FileObject]:
        rows = [
            f
            for f in self.loaded
            if self.matches(f) and (not self.only_marked or f.id in self.marks)
        ]
        if self.sort is None:
            return rows[::-1] if self.descending else rows
        column = self.sort
        return sorted(rows, key=lambda f: sort_value(f, column), reverse=self.descending)

    def _add(self, page: list[FileObject]) -> None:
        known = {f.id for f in self.loaded}
        for f in page:
            if f.id not in known:
                known.add(f.id)
                self.loaded.append(f)

    @rule(page=st.lists(file_objects, max_size=8))
    def append(self, page: list[FileObject]) -> None:
        self.model.append(page)
        self._add(page)

    @rule(f=file_objects)
    def insert_new(self, f: FileObject) -> None:
        self.model.insert_new(f)
        self._add([f])

    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        candidates = [f.id for f in self.loaded] + ["or_file_missing"]
        chosen = data.draw(st.lists(st.sampled_from(candidates), max_size=4))
        self.model.remove(chosen)
        gone = set(chosen)
        self.loaded = [f for f in self.loaded if f.id not in gone]
        self.marks -= gone

    @rule(text=FILTERS)
    def set_filter(self, text: str) -> None:
        self.model.set_filter(text, now=NOW)
        self.filter = text

    @rule(column=st.none() | st.sampled_from(SORT_COLUMNS), descending=st.booleans())
    def set_sort(self, column: SortColumn | None, descending: bool) -> None:
        self.model.set_sort(column, descending)
        self.sort, self.descending = column, descending

    @precondition(lambda self: len(self.model.view) > 0)
    @rule(data=st.data())
    def toggle(self, data: st.DataObject) -> None:
        view = self.expected_view()
        f = view[data.draw(st.integers(0, len(view) - 1))]
        self.model.toggle(f.id)
        self.marks ^= {f.id}

    @rule(a=st.integers(-2, 45), b=st.integers(-2, 45))
    def mark_range(self, a: int, b: int) -> None:
        view = self.expected_view()
        self.model.mark_range(a, b)
        if view:
            last = len(view) - 1
            low, high = sorted((max(0, min(a, last)), max(0, min(b, last))))
            self.marks |= {f.id for f in view[low : high + 1]}

    @rule()
    def mark_all_loaded(self) -> None:
        self.model.mark_all_loaded()
        self.marks = {f.id for f in self.loaded}

    @rule()
    def mark_all_matching(self) -> None:
        self.model.mark_all_matching()
        self.marks |= {f.id for f in self.loaded if self.matches(f)}

    @rule()
    def invert(self) -> None:
        visible = {f.id for f in self.expected_view()}
        self.model.invert_marks()
        self.marks ^= visible

    @rule()
    def clear_marks(self) -> None:
        self.model.clear_marks()
        self.marks = set()

    @rule()
    def toggle_only_marked(self) -> None:
        self.only_marked = self.model.toggle_show_only_marked()

    @rule()
    def clear(self) -> None:
        self.model.clear()
        self.loaded = []
        self.marks = set()

    @invariant()
    def view_matches_brute_force(self) -> None:
        expected = self.expected_view()
        assert ids(self.model.view) == ids(expected)
        assert len(self.model) == len(expected)
        for index, f in enumerate(expected):
            assert self.model.view[index] is f
            assert self.model.index_of(f.id) == index

    @invariant()
    def marks_and_totals_match(self) -> None:
        marked = [f for f in self.loaded if f.id in self.marks]
        assert ids(self.model.marked_files) == ids(marked)
        assert self.model.marked_count == len(marked)
        assert self.model.marked_bytes == sum(f.size_bytes for f in marked)
        assert self.model.hidden_marked_count == sum(1 for f in marked if not self.matches(f))
        assert self.model.loaded_count == len(self.loaded)
        assert self.model.loaded_bytes == sum(f.size_bytes for f in self.loaded)
        for f in self.loaded:
            assert self.model.is_marked(f.id) == (f.id in self.marks)


FileListMachine.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestFileListMachine = FileListMachine.TestCase


class CompactingFileListMachine(FileListMachine):
    """The same rules with every removal done in one pass over the rows and the store
    rebuilt at every chance."""

    def __init__(self) -> None:
        super().__init__()
        self.model.compact_after = 0
        self.model.few_removals = 0


CompactingFileListMachine.TestCase.settings = FileListMachine.TestCase.settings
TestCompactingFileListMachine = CompactingFileListMachine.TestCase


def test_removing_most_files_reclaims_their_slots_and_keeps_order() -> None:
    model = FileList(files(3000))
    model.set_sort("size", descending=True)
    model.mark_range(0, 9)  # files 2999 down to 2990
    full = sys.getsizeof(model._files)
    gone = [make_file(n).id for n in range(0, 3000) if n % 3]
    model.remove(gone[:1000])
    assert model._removed == 1000  # not yet more than the files left: the dict is kept
    assert sys.getsizeof(model._files) == full
    model.remove(gone[1000:])
    assert model._removed == 0 and sys.getsizeof(model._files) < full / 2
    kept = [make_file(n) for n in range(0, 3000, 3)]
    assert ids(model.view) == ids(reversed(kept))
    assert ids(model.marked_files) == ids([make_file(n) for n in (2991, 2994, 2997)])
    model.append([make_file(5000)])
    model.set_sort(None)
    assert ids(model.view) == ids([*kept, make_file(5000)])
    assert model.index_of(make_file(5000).id) == 1000


@pytest.mark.parametrize("newest_first", [False, True])
def test_every_row_is_found_whether_or_not_load_order_is_creation_order(
    newest_first: bool,
) -> None:
    # Loaded oldest first (as the API lists), a row is found by bisecting on the creation
    # time; loaded otherwise, by a scan. Either way under every sort, ties included.
    loaded = [make_file(n, created_at=BASE + timedelta(minutes=n // 3)) for n in range(60)]
    if newest_first:
        loaded.reverse()
    model = FileList(loaded)
    for column in (None, *SORT_COLUMNS):
        for descending in (False, True):
            model.set_sort(column, descending)
            assert [model.index_of(f.id) for f in model.view] == list(range(60))
    model.remove([loaded[5].id, loaded[40].id])
    assert [model.index_of(f.id) for f in model.view] == list(range(58))
    assert loaded[5].id not in ids(model.view) and model.index_of(loaded[5].id) is None


class TimeOrderedFileListMachine(FileListMachine):
    """The same rules with files loaded oldest first, as the API lists them (many with the
    same creation time), so rows are found by bisecting on the creation time too; removed
    files come back newer, as a re-listing brings them."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = 0

    def _restamp(self, page: list[FileObject], steps: list[int]) -> list[FileObject]:
        stamped = []
        for f, step in zip(page, steps, strict=True):
            self.clock += step
            created = BASE + timedelta(minutes=self.clock)
            stamped.append(
                FileObject(f.id, f.filename, f.mime_type, f.size_bytes, created, f.downloadable)
            )
        return stamped

    @rule(page=st.lists(file_objects, max_size=8), data=st.data())
    def append(self, page: list[FileObject], data: st.DataObject) -> None:
        steps = data.draw(st.lists(st.integers(0, 1), min_size=len(page), max_size=len(page)))
        super().append(self._restamp(page, steps))

    @rule(f=file_objects, step=st.integers(0, 1))
    def insert_new(self, f: FileObject, step: int) -> None:
        super().insert_new(self._restamp([f], [step])[0])

    @invariant()
    def loaded_oldest_first(self) -> None:
        assert self.model._time_ordered


TimeOrderedFileListMachine.TestCase.settings = FileListMachine.TestCase.settings
TestTimeOrderedFileListMachine = TimeOrderedFileListMachine.TestCase
