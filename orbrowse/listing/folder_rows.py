"""The rows of one open folder, as the folder view shows them. No Textual here.

:class:`FolderRows` is a live sequence over a :class:`~orbrowse.listing.folders.FolderTree`
and the :class:`~orbrowse.listing.file_list.FileList` that holds the same files: first the
open folder's subfolders, then its direct files. Files follow the file list's filter, "only
marked" and sort (load order unless a sort is chosen), exactly as the flat view does.
Subfolders are by name, or by the chosen column where a folder has one (size: total size,
created: newest file, else name).

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
from orbrowse.listing.folders import Folder, FolderSort, FolderTree, ancestor_paths

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
        self.marked_folders: set[str] = set()
        """Folder paths marked whole: every file under them counts as marked, listed or not."""
        self._folders: list[Folder] = []
        self._files: list[FileObject] = []
        self._seen = 0
        self._source: list[FileObject] | None = None
        self._signature: tuple[object, ...] = ()
        self._tree_version = -1
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

    # --- marks ----------------------------------------------------------------------------

    def folder_marked(self, folder: Folder) -> bool:
        """Whether the folder, or one it lies in, is marked whole."""
        marked = self.marked_folders
        return bool(marked) and any(path in marked for path in ancestor_paths(folder.path))

    def file_in_marked_folder(self, file: FileObject) -> bool:
        marked = self.marked_folders
        if not marked:
            return False
        name = file.filename
        return any(path in marked for path in ancestor_paths(name[: name.rfind("/") + 1]))

    # --- keeping up -----------------------------------------------------------------------

    def sync(self) -> bool:
        """Catch up with the tree and the file list; returns whether the rows changed."""
        files = self.files
        folder = self.folder
        if folder.path != self.wanted or self.tree.folder(folder.path) is not folder:
            folder = self.folder = self.tree.nearest(self.wanted)
        signature = (
            folder,
            files.filter,
            files.sort_column,
            files.sort_descending,
            files.show_only_marked,
            files.marked_count if files.show_only_marked else 0,
        )
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
        self._folders = folder.subfolders(sort, files.sort_descending)
        # Bars scale to the largest sibling: the folder's own largest file even when the
        # filter hides it (known without a pass over 50,000 files).
        self.largest = max(max((f.size for f in self._folders), default=0), folder.largest_file)
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
            visible = files.is_visible
            rows = [f for f in folder.files if visible(f)]
        files.sort_like_view(rows)
        self._files = rows

    def _add_files(self, new: Sequence[FileObject]) -> None:
        self._seen += len(new)
        files = self.files
        visible = files.is_visible
        fresh = [f for f in new if visible(f)]
        if not fresh:
            return
        files.add_like_view(self._files, fresh)
