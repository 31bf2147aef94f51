"""The rows of one open folder, as the folder view shows them. No Textual here.

:class:`FolderRows` is a live sequence over a :class:`~orbrowse.listing.folders.FolderTree`
and the :class:`~orbrowse.listing.file_list.FileList` that holds the same files: first the
open folder's subfolders, then its direct files. Files follow the file list's filter, "only
marked" and sort (load order unless a sort is chosen), exactly as the flat view does.
Subfolders are by name, or by the chosen column where a folder has one (size: total size,
created: newest file, else name).

Under a filter or "only marked" (:attr:`FolderRows.filtering`) the folder view shows what it
acts on: only the subfolders holding at least one shown file at any depth, each with the
totals of those files (:meth:`FolderRows.totals`, from the tree's ``matched`` totals: see
:meth:`~orbrowse.listing.folders.FolderTree.match`), and only the shown files. A folder with
no match stays open (the breadcrumb stays valid) and shows no rows (:meth:`FolderRows.empty_text`).

Marks on folders (:attr:`FolderRows.marked_folders`) carry the filter they were made under
(``None``: every file): such a folder stands for its files that filter keeps, those listed
later included. It shows as marked under that filter, or under any when marked whole.

:meth:`FolderRows.sync` is called after the tree or the file list changed. When only new
files arrived (the usual case while a listing runs), it takes just the open folder's new
files, so a page costs O(page) however large the folder; a new filter, sort, "only marked"
or a removal rebuilds the folder's rows (O(folder)).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

from orbrowse.api.models import FileObject
from orbrowse.listing.file_list import FileList
from orbrowse.listing.filter_language import Filter
from orbrowse.listing.folders import Folder, FolderSort, FolderTree, ancestor_paths
from orbrowse.listing.formatting import visible_text

Row = Folder | FileObject

_FOLDER_SORT: dict[str | None, FolderSort] = {
    "size": "size",
    "created": "newest",
}


class FolderRows(Sequence[Row]):
    """Subfolders, then files, of the open folder; see the module docstring."""

    def __init__(self, tree: FolderTree, files: FileList, path: str = "") -> None:
        self.tree = tree
        self.files = files
        self.folder = tree.nearest(path)
        self.wanted = path
        """The folder the user opened; while it is not listed (yet, or again after a refresh)
        its nearest listed ancestor is shown."""
        self.marked_folders: dict[str, Filter | None] = {}
        """Marked folders by path, with the filter they were marked under (``None``: whole):
        every file under them that filter keeps counts as marked, listed or not."""
        self._folders: list[Folder] = []
        self._files: list[FileObject] = []
        self._seen = 0
        self._source: list[FileObject] | None = None
        self._signature: tuple[object, ...] = ()
        self._tree_version = -1
        self._largest_file = 0
        self.largest = 0
        """The largest size among the rows (folders' totals, files' sizes): bars scale to it."""
        self.version = 0
        """Bumped whenever the rows may have changed."""
        self.sync()

    # --- navigation ---------------------------------------------------------------------

    @property
    def path(self) -> str:
        return self.folder.path

    def open(self, path: str) -> None:
        """Show the folder with this path (or its nearest existing ancestor)."""
        self.wanted = path
        self.folder = self.tree.nearest(path)
        self._signature = ()
        self.sync()

    # --- the sequence ---------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._folders) + len(self._files)

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("folder row index out of range")
        folders = len(self._folders)
        return self._folders[index] if index < folders else self._files[index - folders]

    def __iter__(self) -> Iterator[Row]:
        yield from self._folders
        yield from self._files

    @property
    def folder_count(self) -> int:
        """How many of the rows are folders (they come first)."""
        return len(self._folders)

    def index_of_folder(self, path: str) -> int | None:
        for index, folder in enumerate(self._folders):
            if folder.path == path:
                return index
        return None

    def index_of_file(self, file_id: str) -> int | None:
        file = self.files.get(file_id)
        if file is None:
            return None
        for index, candidate in enumerate(self._files):
            if candidate is file:
                return len(self._folders) + index
        return None

    # --- what a folder row stands for ----------------------------------------------------

    @property
    def filtering(self) -> bool:
        """Whether a filter or "only marked" decides which files and folders show."""
        return self.files.filter is not None or self.files.show_only_marked

    def totals(self, folder: Folder) -> tuple[int, int, float]:
        """(count, size, newest) of the files the folder row stands for: every file under it,
        or under a filter the shown ones."""
        if self.filtering:
            return folder.matched, folder.matched_size, folder.matched_newest
        return folder.count, folder.size, folder.newest

    def shown_as(self) -> str:
        """What the files shown are, under a filter or "only marked": "match README",
        "marked", "marked and match README" ("" without either)."""
        files = self.files
        matching = f"match {files.filter_text}" if files.filter is not None else ""
        if not files.show_only_marked:
            return matching
        return f"marked and {matching}" if matching else "marked"

    def empty_text(self) -> str:
        """What an empty open folder says under a filter ("" when nothing is to be said)."""
        if len(self) or not self.filtering or (self.folder.is_root and not self.folder.count):
            return ""
        where = "/" + visible_text(self.folder.path)
        files = self.files
        if files.filter is None:
            return f"No marked file in {where}"
        marked = " marked" if files.show_only_marked else ""
        return f"No{marked} match in {where} for {files.filter_text}"

    # --- marks ----------------------------------------------------------------------------

    def folder_marked(self, folder: Folder) -> bool:
        """Whether the folder's row shows as marked: it, or one it lies in, is marked whole
        or under the current filter (under "only marked" every row shown is)."""
        files = self.files
        if files.show_only_marked:
            return True
        marked = self.marked_folders
        if not marked:
            return False
        current = files.filter
        for path in ancestor_paths(folder.path):
            if path in marked and marked[path] in (None, current):
                return True
        return False

    # --- keeping up -----------------------------------------------------------------------

    def sync(self) -> bool:
        """Catch up with the tree and the file list; returns whether the rows changed."""
        files = self.files
        folder = self.folder
        if folder.path != self.wanted or self.tree.folder(folder.path) is not folder:
            folder = self.folder = self.tree.nearest(self.wanted)
        matching = (
            files.filter_version,
            files.marks_version if files.show_only_marked else 0,
        )
        filtering = self.filtering
        # Counted again from the view (no file tested twice) when the filter or marks change.
        self.tree.match(files.visibility() if filtering else None, matching, files.view)
        signature = (folder, files.sort_column, files.sort_descending, *matching)
        if signature != self._signature or folder.files is not self._source:
            self._signature = signature
            self._rebuild_files()
            self._tree_version = -1
        elif len(folder.files) > self._seen:
            self._add_files(folder.files[self._seen :])
        elif self._tree_version == self.tree.version:
            return False
        self._tree_version = self.tree.version
        sort = _FOLDER_SORT.get(files.sort_column, "name")
        self._folders = folder.subfolders(sort, files.sort_descending, matched=filtering)
        # Bars scale to the largest sibling shown: without a filter the folder's own largest
        # file is known without a pass over 50,000 files; under one, the rows keep theirs.
        if filtering:
            sizes = max((f.matched_size for f in self._folders), default=0)
            self.largest = max(sizes, self._largest_file)
        else:
            sizes = max((f.size for f in self._folders), default=0)
            self.largest = max(sizes, folder.largest_file)
        self.version += 1
        return True

    def _rebuild_files(self) -> None:
        folder = self.folder
        files = self.files
        self._source = folder.files
        self._seen = len(folder.files)
        if files.filter is None and not files.show_only_marked:
            rows = list(folder.files)  # every file shows: a copy, no per-file test
        else:
            visible = files.visibility()
            rows = [f for f in folder.files if visible(f)]
        files.sort_like_view(rows)
        self._files = rows
        self._largest_file = max((f.size_bytes for f in rows), default=0)

    def _add_files(self, new: Sequence[FileObject]) -> None:
        self._seen += len(new)
        files = self.files
        visible = files.visibility()
        fresh = [f for f in new if visible(f)]
        if not fresh:
            return
        self._largest_file = max(self._largest_file, max(f.size_bytes for f in fresh))
        files.add_like_view(self._files, fresh)
