"""The browser's model of loaded files: load order, filter, sort, marks. No Textual here.

:class:`FileList` holds the files loaded so far (page by page, in the order the API lists
them: oldest first) and a *view*, the rows the table shows after the filter, the sort and
"only marked". Appending a page costs O(len(page)) whatever is already loaded: the new page
alone is filtered and, under a sort, bisected into place. Marks are kept by id, so they
survive paging, filtering and sorting; they apply to loaded files only.

The filter is the filter language of :mod:`orbrowse.listing.filter_language` (text, ``re:``,
``type:``, sizes, ages, ``!``), shared with ``orbrowse ls --filter``.

Sorting is stable on load order: rows with equal values keep load order in both directions.

A workspace may load 100,000 files, so the store costs one dict entry per file (id to file,
in load order) and one list slot per visible row; there is no sequence number per file. A
file's row is found by bisecting on its sort value, then by identity among equal values;
while the files were loaded oldest first (as the API lists them) the creation time orders
equal values, and the rows with no sort, too. Otherwise, with no sort, the rows are scanned.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import compress, count, repeat
from operator import is_
from typing import Any, Literal, overload

from orbrowse.api.models import FileObject
from orbrowse.listing.filter_language import Filter, parse_filter
from orbrowse.listing.formatting import utc_now

SortColumn = Literal["filename", "size", "type", "created", "downloadable", "id"]
SORT_COLUMNS: tuple[SortColumn, ...] = (
    "filename",
    "size",
    "type",
    "created",
    "downloadable",
    "id",
)

_SortValue = Callable[[FileObject], Any]


def _by_filename(file: FileObject) -> tuple[str, str]:
    return (file.filename.casefold(), file.filename)


def _by_size(file: FileObject) -> int:
    return file.size_bytes


def _by_type(file: FileObject) -> tuple[str, str]:
    return (file.mime_type.casefold(), file.mime_type)


def _by_created(file: FileObject) -> float:
    return file.created_ts


def _by_downloadable(file: FileObject) -> bool:
    return file.downloadable


def _by_id(file: FileObject) -> str:
    return file.id


_SORT_VALUES: dict[SortColumn, _SortValue] = {
    "filename": _by_filename,
    "size": _by_size,
    "type": _by_type,
    "created": _by_created,
    "downloadable": _by_downloadable,
    "id": _by_id,
}


def _find(rows: list[FileObject], file: FileObject, low: int, high: int) -> int | None:
    """The position of this very file among ``rows[low:high]`` (an identity scan in C: a
    ``list.index`` would call ``FileObject.__eq__`` on every other row)."""
    for position in compress(count(low), map(is_, rows[low:high], repeat(file))):
        return position
    return None


def _merge(rows: list[FileObject], new: list[FileObject], value: _SortValue, after: bool) -> None:
    """Insert ``new`` (sorted by ``value``, stably) into ``rows`` (sorted by ``value``): each
    after the rows of equal value when ``after``, else before them."""
    place = bisect_right if after else bisect_left
    if len(new) <= 4:
        # Before equal rows, the last of equal new files goes in first.
        for file in new if after else reversed(new):
            rows.insert(place(rows, value(file), key=value), file)
        return
    # One pass of slice copies from the first insertion point on, instead of a
    # list.insert (a memmove of the whole tail) per row. Rows that sort after everything
    # loaded (e.g. by creation time, the API's order) cost O(page).
    first = place(rows, value(new[0]), key=value)
    merged: list[FileObject] = []
    start = first
    for file in new:
        position = place(rows, value(file), lo=start, key=value)
        merged.extend(rows[start:position])
        merged.append(file)
        start = position
    merged.extend(rows[start:])
    rows[first:] = merged


class _View(Sequence[FileObject]):
    """A live, read-only window on the visible rows: O(1) length and index access."""

    __slots__ = ("_owner",)

    def __init__(self, owner: FileList) -> None:
        self._owner = owner

    def __len__(self) -> int:
        return len(self._owner._rows)

    @overload
    def __getitem__(self, index: int) -> FileObject: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[FileObject]: ...

    def __getitem__(self, index: int | slice) -> FileObject | Sequence[FileObject]:
        rows = self._owner._rows
        if isinstance(index, slice):
            return [rows[i] for i in self._positions(range(len(rows))[index])]
        count = len(rows)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("view index out of range")
        return rows[count - 1 - index] if self._owner._descending else rows[index]

    def _positions(self, indices: range) -> Iterator[int]:
        count = len(self._owner._rows)
        for index in indices:
            yield count - 1 - index if self._owner._descending else index

    def __iter__(self) -> Iterator[FileObject]:
        rows = self._owner._rows
        return reversed(rows) if self._owner._descending else iter(rows)


class FileList:
    """Loaded files, the visible view over them, and the marks."""

    compact_after = 1024
    """The dict of loaded files is rebuilt smaller once more than this many were removed
    since and they are more than the files left (a dict never shrinks by itself)."""

    few_removals = 4
    """Removing up to this many files finds each row; more rebuild the rows in one pass."""

    def __init__(self, files: Iterable[FileObject] = ()) -> None:
        # Every loaded file by id, in load order (a dict keeps insertion order, and the
        # order of the rest when one is deleted).
        self._files: dict[str, FileObject] = {}
        self._removed = 0
        self._loaded_bytes = 0
        # Whether load order is also creation order (ties allowed), and the last time.
        self._time_ordered = True
        self._newest = -math.inf
        self._filter: Filter | None = None
        self._sort: SortColumn | None = None
        self._value: _SortValue | None = None
        self._descending = False
        self._only_marked = False
        # Visible rows, by sort value (load order with no sort), ties in load order, all
        # reversed when descending: the view reads it backwards then, so ties still come
        # out in load order.
        self._rows: list[FileObject] = []
        self._marks: set[str] = set()
        self._marked_bytes = 0
        self._hidden_marked = 0
        self._view = _View(self)
        self.version = 0
        """Bumped on every change to the view or the marks (for caches keyed on it)."""
        self.marks_version = 0
        """Bumped on every change to the marks (not by pages: for what "only marked" shows)."""
        self.filter_version = 0
        """Bumped on every change to the filter or to "only marked"."""
        self.append(files)

    # --- loading ---------------------------------------------------------------------

    def append(self, files: Iterable[FileObject]) -> int:
        """Add a page in load order; ids already loaded are skipped. Returns how many were added."""
        added = 0
        rows = self._rows
        sorted_view = self._value is not None
        fresh: list[FileObject] = []
        loaded = self._files
        for file in files:
            file_id = file.id
            if file_id in loaded:
                continue
            loaded[file_id] = file
            self._loaded_bytes += file.size_bytes
            added += 1
            if file.created_ts >= self._newest:
                self._newest = file.created_ts
            else:
                self._time_ordered = False
            if self._is_visible(file):
                if sorted_view:
                    fresh.append(file)
                else:
                    rows.append(file)  # the newest in load order comes last
        if fresh:
            self._insert_sorted(fresh)
        if added:
            self.version += 1
        return added

    def insert_new(self, file: FileObject) -> int | None:
        """Add a freshly uploaded file (after the loaded rows); its view index or ``None``."""
        self.append((file,))
        return self.index_of(file.id)

    def remove(self, ids: Iterable[str]) -> list[FileObject]:
        """Drop exactly the loaded files with these ids; returns the files dropped."""
        loaded = self._files
        removed = [
            file for file_id in dict.fromkeys(ids) if (file := loaded.get(file_id)) is not None
        ]
        if not removed:
            return removed
        if len(removed) <= self.few_removals:
            for file in removed:
                position = self._row_position(file)  # visible as it is now, still marked
                if position is not None:
                    del self._rows[position]
        for file in removed:
            if file.id in self._marks:
                self._unmark_one(file)
            del loaded[file.id]
            self._loaded_bytes -= file.size_bytes
        if len(removed) > self.few_removals:
            self._rows = [file for file in self._rows if file.id in loaded]
        self._removed += len(removed)
        self.version += 1
        if self._removed > self.compact_after and self._removed > len(loaded):
            self._files = dict(loaded)
            self._removed = 0
        return removed

    def clear(self) -> None:
        """Forget every file and mark; the filter, sort and "only marked" settings stay."""
        self._files = {}
        self._removed = 0
        self._loaded_bytes = 0
        self._time_ordered = True
        self._newest = -math.inf
        self._rows = []
        self._marks.clear()
        self._marked_bytes = 0
        self._hidden_marked = 0
        self.marks_version += 1
        self.version += 1

    # --- lookups and totals ------------------------------------------------------------

    @property
    def view(self) -> Sequence[FileObject]:
        """The visible rows, live: O(1) ``len`` and index access."""
        return self._view

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> FileObject:
        return self._view[index]

    def get(self, file_id: str) -> FileObject | None:
        return self._files.get(file_id)

    def __contains__(self, file_id: object) -> bool:
        return file_id in self._files

    def loaded_files(self) -> list[FileObject]:
        """Every loaded file in load order (O(n): not for per-keystroke use)."""
        return list(self._files.values())

    def index_of(self, file_id: str) -> int | None:
        """The view index of a file, or ``None`` when it is not loaded or not visible."""
        file = self.get(file_id)
        if file is None:
            return None
        position = self._row_position(file)
        if position is None:
            return None
        return len(self._rows) - 1 - position if self._descending else position

    @property
    def loaded_count(self) -> int:
        return len(self._files)

    @property
    def loaded_bytes(self) -> int:
        return self._loaded_bytes

    # --- filter and sort ---------------------------------------------------------------

    @property
    def filter_text(self) -> str:
        return self._filter.text if self._filter is not None else ""

    @property
    def filter(self) -> Filter | None:
        return self._filter

    def set_filter(self, text: str, now: datetime | None = None) -> None:
        """Apply filter text, ages measured from ``now`` (default: the clock's now); a mistake
        raises :class:`~orbrowse.listing.filter_language.FilterError` and changes nothing."""
        parsed = parse_filter(text, utc_now() if now is None else now)
        if parsed == self._filter:
            return
        previous, self._filter = self._filter, parsed
        try:  # stopped midway (a time limit), nothing changes
            hidden = sum(1 for file_id in self._marks if not self._matches(self._files[file_id]))
            self._rebuild()
        except BaseException:
            self._filter = previous
            raise
        self.filter_version += 1
        self._hidden_marked = hidden

    def matches(self, file: FileObject) -> bool:
        """Whether the current filter keeps this file (ignores "only marked")."""
        return self._matches(file)

    def is_visible(self, file: FileObject) -> bool:
        """Whether the view would show this file (the filter and "only marked")."""
        return self._is_visible(file)

    def visibility(self) -> Callable[[FileObject], bool]:
        """:meth:`is_visible` for the current filter and "only marked", as one call per file
        (the filter's own test when only it decides). It follows neither later changes."""
        if not self._only_marked and self._filter is not None:
            return self._filter.matches
        return self._is_visible

    def sort_like_view(self, files: list[FileObject]) -> None:
        """Sort loaded files, given in load order, as the view sorts its rows (by the sort
        column, ties in load order; nothing happens with no sort column). Other views of
        the same files (the folder view) sort by it."""
        if self._value is not None:
            files.sort(key=self._value, reverse=self._descending)

    def add_like_view(self, files: list[FileObject], new: list[FileObject]) -> None:
        """Insert ``new`` (loaded after all of ``files``, in load order) into ``files``,
        sorted by :meth:`sort_like_view`: where the view would show them."""
        value = self._value
        if value is None:
            files.extend(new)
            return
        if self._descending:
            files.reverse()  # as the view's own rows are kept
            self._insert(files, list(new), value)
            files.reverse()
        else:
            self._insert(files, list(new), value)

    @property
    def sort_column(self) -> SortColumn | None:
        return self._sort

    @property
    def sort_descending(self) -> bool:
        return self._descending

    def set_sort(self, column: SortColumn | None, descending: bool = False) -> None:
        """Sort by a column (``None``: load order); ties keep load order either way."""
        if column is not None and column not in SORT_COLUMNS:
            raise ValueError(f"unknown sort column {column!r}")
        if (column, descending) == (self._sort, self._descending):
            return
        self._sort = column
        self._value = None if column is None else _SORT_VALUES[column]
        self._descending = descending
        self._rebuild()

    # --- marks -------------------------------------------------------------------------

    def is_marked(self, file_id: str) -> bool:
        return file_id in self._marks

    @property
    def marked_count(self) -> int:
        return len(self._marks)

    @property
    def marked_bytes(self) -> int:
        return self._marked_bytes

    @property
    def hidden_marked_count(self) -> int:
        """Marked files the current filter hides (they would still be acted on)."""
        return self._hidden_marked

    @property
    def marked_ids(self) -> frozenset[str]:
        return frozenset(self._marks)

    @property
    def marked_files(self) -> list[FileObject]:
        """The marked files in load order."""
        marks = self._marks
        if not marks:
            return []
        return [file for file_id, file in self._files.items() if file_id in marks]

    def toggle(self, file_id: str) -> bool:
        """Flip one file's mark; returns the new state (``False`` for an unknown id)."""
        file = self.get(file_id)
        if file is None:
            return False
        if file_id in self._marks:
            self._unmark_one(file)
            if self._only_marked:
                position = self._row_position(file, check_visible=False)
                if position is not None:
                    del self._rows[position]
            marked = False
        else:
            self._mark_one(file)
            if self._only_marked and self._matches(file):
                self._rebuild()  # its place in load order is known only by a pass
            marked = True
        self.version += 1
        return marked

    def mark_range(self, a_index: int, b_index: int) -> None:
        """Mark the view rows between two view indices, both included, in either order."""
        if not self._rows:
            return
        last = len(self._rows) - 1
        low, high = sorted((max(0, min(a_index, last)), max(0, min(b_index, last))))
        view = self._view
        self._mark_many([view[index] for index in range(low, high + 1)], on=True)

    def mark(self, files: Iterable[FileObject]) -> None:
        """Mark these loaded files (the matches a filter kept, judged within its time limit)."""
        self._mark_many(files, on=True)

    def mark_all_loaded(self) -> None:
        self._mark_many(self.loaded_files(), on=True)

    def mark_all_matching(self) -> None:
        """Mark every loaded file the filter keeps (visible or not because of "only marked")."""
        self._mark_many([f for f in self.loaded_files() if self._matches(f)], on=True)

    def invert_marks(self) -> None:
        """Flip the mark of every *visible* row; marks the filter hides are left alone.

        Inverting what the user can see is what the user expects; flipping hidden rows
        would silently mark files that are off screen.
        """
        marks = self._marks
        to_unmark = [f for f in self._rows if f.id in marks]
        to_mark = [f for f in self._rows if f.id not in marks]
        self._mark_many(to_unmark, on=False)
        self._mark_many(to_mark, on=True)

    def clear_marks(self) -> None:
        self._mark_many([self._files[file_id] for file_id in self._marks], on=False)

    @property
    def show_only_marked(self) -> bool:
        return self._only_marked

    def set_show_only_marked(self, only_marked: bool) -> None:
        if only_marked != self._only_marked:
            self._only_marked = only_marked
            self.filter_version += 1
            self._rebuild()

    def toggle_show_only_marked(self) -> bool:
        self.set_show_only_marked(not self._only_marked)
        return self._only_marked

    # --- internals -----------------------------------------------------------------------

    def _matches(self, file: FileObject) -> bool:
        return self._filter is None or self._filter.matches(file)

    def _is_visible(self, file: FileObject) -> bool:
        if self._only_marked and file.id not in self._marks:
            return False
        return self._matches(file)

    def _row_position(self, file: FileObject, *, check_visible: bool = True) -> int | None:
        if check_visible and not self._is_visible(file):
            return None
        rows = self._rows
        key = self._lookup_key()
        if key is None:
            return _find(rows, file, 0, len(rows))
        wanted = key(file)
        low = bisect_left(rows, wanted, key=key)
        return _find(rows, file, low, bisect_right(rows, wanted, lo=low, key=key))

    def _lookup_key(self) -> _SortValue | None:
        """A key the rows are sorted by, as fine as known: the sort value, and while load
        order is creation order, the creation time among equal values (rows of equal value
        are in load order, reversed when descending); ``None`` when there is none."""
        value = self._value
        if not self._time_ordered:
            return value
        if value is None:
            return _by_created
        if self._descending:
            return lambda file: (value(file), -file.created_ts)
        return lambda file: (value(file), file.created_ts)

    def _insert_sorted(self, new: list[FileObject]) -> None:
        assert self._value is not None
        self._insert(self._rows, new, self._value)

    def _insert(self, rows: list[FileObject], new: list[FileObject], value: _SortValue) -> None:
        """Merge files loaded after all of ``rows`` (``new``, in load order) into ``rows``,
        kept as :attr:`_rows` is."""
        if self._descending:
            # Newer files go before equal rows, the newest first.
            new.reverse()
            new.sort(key=value)
            _merge(rows, new, value, after=False)
        else:
            new.sort(key=value)
            _merge(rows, new, value, after=True)

    def _rebuild(self) -> None:
        loaded = self._files.values()
        if self._only_marked:
            rows = [file for file in loaded if self._is_visible(file)]
        elif self._filter is not None:
            matches = self._filter.matches  # one call per file, not three, over 100k rows
            rows = [file for file in loaded if matches(file)]
        else:
            rows = list(loaded)
        if self._value is not None:
            if self._descending:
                rows.reverse()  # ties in reverse load order: the view reads them backwards
            rows.sort(key=self._value)
        self._rows = rows
        self.version += 1

    def _mark_one(self, file: FileObject) -> None:
        self.marks_version += 1
        self._marks.add(file.id)
        self._marked_bytes += file.size_bytes
        if not self._matches(file):
            self._hidden_marked += 1

    def _unmark_one(self, file: FileObject) -> None:
        self.marks_version += 1
        self._marks.discard(file.id)
        self._marked_bytes -= file.size_bytes
        if not self._matches(file):
            self._hidden_marked -= 1

    def _mark_many(self, files: Iterable[FileObject], *, on: bool) -> None:
        changed = False
        marks = self._marks
        for file in list(files):
            if (file.id in marks) == on:
                continue
            if on:
                self._mark_one(file)
            else:
                self._unmark_one(file)
            changed = True
        if changed:
            if self._only_marked:
                self._rebuild()
            else:
                self.version += 1
