"""FolderTree: names split on ``/``, totals per folder, removal, checked against a brute force."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orbrowse.api.models import FileObject
from orbrowse.listing.folders import (
    FolderTree,
    ancestor_paths,
    breadcrumb,
    folder_path,
    leaf_name,
    relative_segments,
)
from tests.factories import file_object

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def named(n: int, filename: str, size: int = 10, minutes: int | None = None) -> FileObject:
    created = BASE + timedelta(minutes=n if minutes is None else minutes)
    return file_object(f"or_file_{n:06d}", filename, size_bytes=size, created_at=created)


def test_names_without_a_slash_sit_at_the_root() -> None:
    tree = FolderTree([named(1, "a.txt"), named(2, "b.txt")])
    assert not tree.has_folders
    assert [f.filename for f in tree.root.files] == ["a.txt", "b.txt"]
    assert tree.root.count == 2
    assert tree.root.size == 20


def test_segments_make_nested_folders_with_totals() -> None:
    tree = FolderTree(
        [
            named(1, "data/exports/sales-1.csv", size=100),
            named(2, "data/exports/sales-2.csv", size=50, minutes=500),
            named(3, "data/raw.bin", size=7),
            named(4, "top.txt", size=1),
        ]
    )
    data = tree.folder("data/")
    exports = tree.folder("data/exports/")
    assert data is not None and exports is not None
    assert (data.count, data.size) == (3, 157)
    assert (exports.count, exports.size) == (2, 150)
    assert exports.newest == (BASE + timedelta(minutes=500)).timestamp()
    assert data.newest == exports.newest
    assert tree.root.count == 4 and tree.root.size == 158
    assert exports.segments() == ["data", "exports"]
    assert exports.depth == 2 and exports.name == "exports"
    assert exports.parent is data and data.parent is tree.root
    assert [f.filename for f in data.files] == ["data/raw.bin"]
    assert list(data.folders) == ["exports"]
    assert tree.folder_count == 2 and tree.has_folders


def test_empty_segments_stay_visible_never_merged() -> None:
    tree = FolderTree(
        [
            named(1, "a//b.txt"),
            named(2, "a/b.txt"),
            named(3, "/abs.txt"),
            named(4, "dir/"),
        ]
    )
    a = tree.folder("a/")
    empty = tree.folder("a//")
    assert a is not None and empty is not None
    assert empty.name == "" and empty.parent is a
    assert [f.filename for f in empty.files] == ["a//b.txt"]
    assert [f.filename for f in a.files] == ["a/b.txt"]
    root_empty = tree.folder("/")
    assert root_empty is not None and root_empty.name == ""
    assert [f.filename for f in root_empty.files] == ["/abs.txt"]
    folder = tree.folder("dir/")
    assert folder is not None and [leaf_name(f.filename) for f in folder.files] == [""]


def test_hostile_segments_are_only_names() -> None:
    tree = FolderTree([named(1, "../../etc/passwd"), named(2, "./x")])
    up = tree.folder("../")
    assert up is not None and up.name == ".."
    assert tree.folder("../../etc/") is not None
    assert tree.folder("./") is not None


def test_children_folders_by_name_then_other_keys() -> None:
    tree = FolderTree(
        [
            named(1, "b/x", size=5),
            named(2, "A/x", size=1),
            named(3, "a/x", size=9),
            named(4, "a/y", size=9),
            named(5, "c/x", size=100, minutes=-10),
        ]
    )
    root = tree.root
    assert [f.name for f in root.subfolders()] == ["A", "a", "b", "c"]
    assert [f.name for f in root.subfolders(descending=True)] == ["c", "b", "a", "A"]
    assert [f.name for f in root.subfolders("size", descending=True)] == ["c", "a", "b", "A"]
    assert [f.name for f in root.subfolders("count")] == ["A", "b", "c", "a"]
    assert [f.name for f in root.subfolders("newest")] == ["c", "b", "A", "a"]


def test_files_under_a_folder_at_any_depth() -> None:
    files = [
        named(1, "runs/2025/a"),
        named(2, "runs/2025/deep/b"),
        named(3, "runs/2026/c"),
        named(4, "runs/top"),
        named(5, "runs2025/not-under"),
    ]
    tree = FolderTree(files)
    assert {f.filename for f in tree.files_under("runs/2025/")} == {
        "runs/2025/a",
        "runs/2025/deep/b",
    }
    assert len(tree.files_under("runs/")) == 4
    assert len(tree.files_under("")) == 5
    assert tree.files_under("missing/") == []
    runs = tree.folder("runs/")
    assert runs is not None
    assert [f.path for f in runs.iter_folders()] == [
        "runs/",
        "runs/2025/",
        "runs/2025/deep/",
        "runs/2026/",
    ]
    assert [f.path for f in runs.iter_folders(max_depth=1)] == [
        "runs/",
        "runs/2025/",
        "runs/2026/",
    ]


def test_remove_updates_totals_and_drops_empty_folders() -> None:
    files = [
        named(1, "a/b/one", size=1, minutes=1),
        named(2, "a/b/two", size=2, minutes=50),
        named(3, "a/three", size=4, minutes=10),
    ]
    tree = FolderTree(files)
    version = tree.version
    assert tree.remove([files[1]]) == 1
    a = tree.folder("a/")
    assert a is not None and (a.count, a.size) == (2, 5)
    assert a.newest == (BASE + timedelta(minutes=10)).timestamp()
    assert tree.version > version
    assert tree.remove([files[0]]) == 1
    assert tree.folder("a/b/") is None
    assert list(a.folders) == []
    assert tree.nearest("a/b/") is a
    assert tree.remove([files[2]]) == 1
    assert tree.folder("a/") is None
    assert tree.nearest("a/b/") is tree.root
    assert tree.root.count == 0 and tree.root.newest == 0.0
    assert tree.remove([files[2]]) == 0


def test_remove_matches_by_id_only_in_the_files_folder() -> None:
    keep = named(1, "x/f")
    tree = FolderTree([keep])
    stranger = file_object(keep.id, "y/f")
    assert tree.remove([stranger]) == 0
    assert tree.root.count == 1


def test_path_helpers() -> None:
    assert folder_path("a/b/c.txt") == "a/b/"
    assert folder_path("c.txt") == ""
    assert folder_path("a//") == "a//"
    assert leaf_name("a/b/c.txt") == "c.txt"
    assert list(ancestor_paths("a/b/")) == ["", "a/", "a/b/"]
    assert list(ancestor_paths("")) == [""]
    assert list(ancestor_paths("a//")) == ["", "a/", "a//"]
    assert relative_segments("a/b/c.txt", "a/") == ["b", "c.txt"]
    assert relative_segments("a//c", "") == ["a", "", "c"]
    with pytest.raises(ValueError):
        relative_segments("b/c", "a/")


def test_clear_forgets_everything() -> None:
    tree = FolderTree([named(1, "a/b")])
    tree.clear()
    assert not tree.has_folders and tree.root.count == 0 and tree.folder("a/") is None


# --- against a brute force -----------------------------------------------------------------

SEGMENT = st.sampled_from(["a", "b", "", "..", "A"])
NAME = st.lists(SEGMENT, min_size=1, max_size=4).map("/".join)


def brute_totals(files: list[FileObject]) -> dict[str, tuple[int, int, float]]:
    out: dict[str, tuple[int, int, float]] = {}
    for file in files:
        for path in ancestor_paths(folder_path(file.filename)):
            count, size, newest = out.get(path, (0, 0, 0.0))
            out[path] = (count + 1, size + file.size_bytes, max(newest, file.created_ts))
    return out


def tree_totals(tree: FolderTree) -> dict[str, tuple[int, int, float]]:
    return {f.path: (f.count, f.size, f.newest) for f in tree.root.iter_folders()}


@settings(max_examples=150, deadline=None)
@given(
    names=st.lists(NAME, min_size=0, max_size=30),
    page=st.integers(min_value=1, max_value=7),
    drop=st.sets(st.integers(min_value=0, max_value=29)),
)
def test_matches_a_brute_force_over_pages_and_removals(
    names: list[str], page: int, drop: set[int]
) -> None:
    files = [named(n, name, size=n + 1, minutes=(n * 37) % 11) for n, name in enumerate(names)]
    tree = FolderTree()
    for start in range(0, len(files), page):
        tree.append(files[start : start + page])
    expected = brute_totals(files)
    if files:
        assert tree_totals(tree) == expected
    gone = [files[n] for n in sorted(drop) if n < len(files)]
    tree.remove(gone)
    kept = [f for f in files if f not in gone]
    expected = brute_totals(kept)
    totals = tree_totals(tree)
    totals.pop("")  # the root stays even when empty
    expected.pop("", None)
    assert totals == expected
    assert sorted(f.id for f in tree.root.iter_files()) == sorted(f.id for f in kept)
    for file in kept:
        folder = tree.folder_of(file)
        assert folder is not None and file in folder.files
    for folder in tree.root.iter_folders():
        assert folder.largest_file == max((f.size_bytes for f in folder.files), default=0)


def test_a_breadcrumb_too_wide_gives_up_the_segments_nearest_the_root() -> None:
    tree = FolderTree([named(1, "data/exports/2026/q1/deep.csv"), named(2, "日本語/x.txt")])
    q1 = tree.folder("data/exports/2026/q1/")
    assert q1 is not None
    assert breadcrumb(q1) == "/ data / exports / 2026 / q1 /"
    assert breadcrumb(q1, 30) == "/ data / exports / 2026 / q1 /"
    assert breadcrumb(q1, 29) == "/ … / exports / 2026 / q1 /"
    assert breadcrumb(q1, 17) == "/ … / 2026 / q1 /"
    assert breadcrumb(q1, 16) == "/ … / q1 /"
    assert breadcrumb(q1, 10) == "/ … / q1 /"
    assert breadcrumb(q1, 9) == "/ …q1 /"
    long = tree.folder("data/exports/")
    assert long is not None
    assert breadcrumb(long, 10) == "/ …ports /"
    assert breadcrumb(tree.root, 1) == "/"
    wide = tree.folder("日本語/")
    assert wide is not None
    assert breadcrumb(wide, 9) == "/ …本語 /"  # cut in cells, a wide character whole
