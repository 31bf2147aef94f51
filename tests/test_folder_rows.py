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
        ]
    )
    rows = FolderRows(tree, files, "f/")
    files.set_filter(".txt")
    rows.sync()
    assert labels(rows) == ["f/big/", "f/small/", "f/keep.txt"]
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
    rows.marked_folders.add("m/")
    folder = tree.folder("m/n/")
    other = tree.folder("o/")
    assert folder is not None and other is not None
    assert rows.folder_marked(folder) and not rows.folder_marked(other)
    assert rows.file_in_marked_folder(inner)


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
