"""FolderRows: the open folder's subfolders then files, following the file list's filter,
sort and marks, kept up to date page by page."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orbrowse.api.models import FileObject
from orbrowse.listing.file_list import SORT_COLUMNS, FileList, SortColumn
from orbrowse.listing.folder_rows import FolderRows
from orbrowse.listing.folders import Folder, FolderTree
from tests.test_folders import named


def labels(rows: FolderRows) -> list[str]:
    return [r.path if isinstance(r, Folder) else r.filename for r in rows]


def loaded(files: list[FileObject]) -> tuple[FolderTree, FileList]:
    return FolderTree(files), FileList(files)


def test_folders_first_by_name_then_files_in_load_order() -> None:
    tree, files = loaded(
        [named(1, "z.txt"), named(2, "b/x"), named(3, "a.txt"), named(4, "A/y"), named(5, "b/z")]
    )
    rows = FolderRows(tree, files)
    assert labels(rows) == ["A/", "b/", "z.txt", "a.txt"]
    assert rows.folder_count == 2 and len(rows) == 4
    assert rows.index_of_folder("b/") == 1
    assert rows.index_of_file(files.view[2].id) == 3
    rows.open("b/")
    assert labels(rows) == ["b/x", "b/z"]


def test_new_pages_extend_the_open_folder_and_its_totals() -> None:
    first = [named(1, "d/a", size=5)]
    tree, files = loaded(first)
    rows = FolderRows(tree, files, "d/")
    version = rows.version
    page = [named(2, "d/b", size=50), named(3, "e/c"), named(4, "d/sub/x", size=7)]
    files.append(page)
    tree.append(page)
    assert rows.sync()
    assert rows.version > version
    assert labels(rows) == ["d/sub/", "d/a", "d/b"]
    assert rows.largest == 50
    assert not rows.sync()  # nothing new


def test_filter_and_sort_follow_the_file_list() -> None:
    tree, files = loaded(
        [
            named(1, "f/big/x", size=500),
            named(2, "f/small/x", size=5),
            named(3, "f/keep.txt", size=20),
            named(4, "f/drop.bin", size=30),
            named(6, "f/big/deep/y.txt", size=7),
        ]
    )
    rows = FolderRows(tree, files, "f/")
    files.set_filter(".txt")
    rows.sync()
    # Only the folders holding a match show, with the totals of their matches.
    assert labels(rows) == ["f/big/", "f/keep.txt"]
    big = rows[0]
    assert isinstance(big, Folder) and rows.totals(big) == (1, 7, big.matched_newest)
    assert (big.count, big.size) == (2, 507)
    assert rows.largest == 20  # keep.txt: the hidden drop.bin and x are not shown
    files.set_filter("")
    files.set_sort("size", descending=True)
    rows.sync()
    assert labels(rows) == ["f/big/", "f/small/", "f/drop.bin", "f/keep.txt"]
    more = [named(5, "f/mid.txt", size=25)]
    files.append(more)
    tree.append(more)
    rows.sync()
    assert labels(rows)[2:] == ["f/drop.bin", "f/mid.txt", "f/keep.txt"]


def test_a_removed_folder_shows_its_parent_and_comes_back_when_listed_again() -> None:
    gone = named(1, "a/b/x")
    tree, files = loaded([gone, named(2, "a/y")])
    rows = FolderRows(tree, files, "a/b/")
    tree.remove(files.remove([gone.id]))
    rows.sync()
    assert rows.path == "a/" and labels(rows) == ["a/y"]
    tree.clear()
    files.clear()
    rows.sync()
    assert rows.path == "" and labels(rows) == []
    again = [named(1, "a/b/x")]
    files.append(again)
    tree.append(again)
    rows.sync()
    assert rows.path == "a/b/" and labels(rows) == ["a/b/x"]


def test_a_marked_folder_covers_everything_below_it() -> None:
    inner = named(1, "m/n/x")
    tree, files = loaded([inner, named(2, "o/x")])
    rows = FolderRows(tree, files)
    rows.marked_folders["m/"] = None
    folder = tree.folder("m/n/")
    other = tree.folder("o/")
    assert folder is not None and other is not None
    assert rows.folder_marked(folder) and not rows.folder_marked(other)
    files.set_filter("x")
    assert rows.folder_marked(folder), "marked whole: marked under any filter"


def test_a_folder_marked_under_a_filter_shows_marked_under_that_filter_only() -> None:
    tree, files = loaded([named(1, "m/n/x.txt"), named(2, "m/y.bin")])
    rows = FolderRows(tree, files)
    files.set_filter(".txt")
    rows.marked_folders["m/"] = files.filter
    folder = tree.folder("m/n/")
    assert folder is not None and rows.folder_marked(folder)
    files.set_filter("")
    assert not rows.folder_marked(folder), "its other files are not marked"
    files.set_filter(".bin")
    assert not rows.folder_marked(folder)


def test_an_open_folder_without_a_match_stays_open_and_says_so() -> None:
    tree, files = loaded([named(1, "assets/icons/a.png"), named(2, "docs/README.md")])
    rows = FolderRows(tree, files, "assets/icons/")
    files.set_filter("readme")
    rows.sync()
    assert rows.path == "assets/icons/" and len(rows) == 0
    assert rows.empty_text() == "No match in /assets/icons/ for readme"
    files.set_show_only_marked(True)
    rows.sync()
    assert rows.empty_text() == "No marked match in /assets/icons/ for readme"
    files.set_filter("")
    rows.sync()
    assert rows.empty_text() == "No marked file in /assets/icons/"
    files.set_show_only_marked(False)
    rows.sync()
    assert rows.empty_text() == "" and len(rows) == 1


def test_only_marked_shows_the_folders_holding_a_mark_with_their_marked_totals() -> None:
    tree, files = loaded(
        [named(1, "a/x", size=3), named(2, "a/y", size=5), named(3, "b/z"), named(4, "c")]
    )
    rows = FolderRows(tree, files)
    files.toggle(files.view[1].id)  # a/y
    files.set_show_only_marked(True)
    rows.sync()
    assert labels(rows) == ["a/"]
    a = rows[0]
    assert isinstance(a, Folder) and rows.totals(a)[:2] == (1, 5)
    files.toggle(files.view[0].id)  # unmark a/y: nothing is shown
    rows.sync()
    assert labels(rows) == []


def test_a_filter_that_keeps_every_file_shows_every_folders_full_totals() -> None:
    tree, files = loaded([named(1, "a/x", size=3), named(2, "a/b/y", size=5), named(3, "z")])
    rows = FolderRows(tree, files)
    files.set_filter("or_file_")  # in every id
    rows.sync()
    for folder in tree.root.iter_folders():
        assert rows.totals(folder) == (folder.count, folder.size, folder.newest)
    assert labels(rows) == ["a/", "z"]


_NAMES = ["a/x.txt", "a/b/y.bin", "a/b/z.txt", "c/w.txt", "top.txt", "a/b/c/v.bin"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["append", "remove", "filter", "mark", "only"]),
            st.integers(0, 40),
        ),
        max_size=25,
    )
)
def test_match_totals_equal_a_count_of_what_is_shown_after_any_changes(
    steps: list[tuple[str, int]],
) -> None:
    tree, files = loaded([])
    rows = FolderRows(tree, files)
    made = 0
    for step, n in steps:
        if step == "append":
            page = [named(made + k, _NAMES[(n + k) % len(_NAMES)], size=n + k) for k in range(3)]
            made += 3
            files.append(page)
            tree.append(page)
        elif step == "remove" and files.loaded_count:
            gone = files.loaded_files()[n % files.loaded_count]
            tree.remove(files.remove([gone.id]))
        elif step == "filter":
            files.set_filter(["", ".txt", "b/", "!.txt"][n % 4])
        elif step == "mark" and files.loaded_count:
            files.toggle(files.loaded_files()[n % files.loaded_count].id)
        elif step == "only":
            files.toggle_show_only_marked()
        rows.sync()
        for folder in tree.root.iter_folders():
            shown = [f for f in folder.iter_files() if files.is_visible(f)]
            expected = (
                len(shown),
                sum(f.size_bytes for f in shown),
                max((f.created_ts for f in shown), default=0.0),
            )
            if rows.filtering:
                assert rows.totals(folder) == expected, folder
            else:
                assert rows.totals(folder)[:2] == (folder.count, folder.size)
        for row in rows:
            assert not isinstance(row, Folder) or rows.totals(row)[0] > 0 or not rows.filtering


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("page", [1, 3, 9])
def test_files_keep_the_flat_views_order_with_ties_as_pages_arrive(
    descending: bool, page: int
) -> None:
    def batch(start: int) -> list[FileObject]:
        # Sizes 0, 10 and 20 only: most rows tie, and ties keep load order both ways.
        return [named(n, f"d/{n}.txt", size=n % 3 * 10) for n in range(start, start + page)]

    first = batch(0) + batch(100)
    tree, files = loaded(first)
    files.set_sort("size", descending=descending)
    rows = FolderRows(tree, files, "d/")
    for start in (200, 300, 400):
        more = batch(start)
        files.append(more)
        tree.append(more)
        rows.sync()
        assert list(rows) == list(files.view)
    rows.open("")
    rows.open("d/")  # rebuilt from the folder, not grown page by page
    assert list(rows) == list(files.view)


@settings(max_examples=200, deadline=None)
@given(
    pages=st.lists(
        st.lists(
            st.tuples(
                st.integers(0, 30),
                st.sampled_from(["d/a", "d/B", "d/b", "d/a.png"]),
                st.integers(0, 2),
                st.integers(0, 3),
            ),
            max_size=7,
        ),
        min_size=1,
        max_size=5,
    ),
    column=st.none() | st.sampled_from(SORT_COLUMNS),
    descending=st.booleans(),
    text=st.sampled_from(["", "a", "!png", "b"]),
    gone=st.sets(st.integers(0, 30), max_size=6),
)
def test_the_open_folders_files_are_in_the_flat_views_order_under_every_sort(
    pages: list[list[tuple[int, str, int, int]]],
    column: SortColumn | None,
    descending: bool,
    text: str,
    gone: set[int],
) -> None:
    # Every sort column both ways, ties in size, name, type and creation time, a filter,
    # pages arriving one by one, then removals: the folder shows the flat view's rows.
    tree, files = loaded([])
    files.set_sort(column, descending and column is not None)  # the keys reverse a column
    files.set_filter(text)
    rows = FolderRows(tree, files, "d/")
    for page in pages:
        new = [named(n, name, size, minutes) for n, name, size, minutes in page]
        new = [f for f in {f.id: f for f in reversed(new)}.values() if f.id not in files]
        new.reverse()  # each id once
        files.append(new)
        tree.append(new)
        rows.sync()
        assert list(rows) == list(files.view)
    tree.remove(files.remove(named(n, "d/a").id for n in gone))
    rows.sync()
    assert list(rows) == list(files.view)
