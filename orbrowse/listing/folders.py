"""The folder tree: loaded files grouped by the ``/`` segments of their names. No Textual here.

OpenRouter filenames carry folder segments (``data/exports/sales.csv``); the API has no
folders and no prefix filter, so the tree is built on the client from whatever has been
listed so far. The browser's folder view and ``orbrowse du`` both read it.

Names are split on ``/`` only:

* a name without ``/`` sits in the root folder (path ``""``);
* ``data/exports/sales.csv`` is the file ``sales.csv`` in the folder ``data/exports/``;
* empty segments are kept, never merged: ``a//b`` is ``b`` in the folder ``""`` inside
  ``a/``; ``/x`` is ``x`` in the folder ``""`` at the root; ``dir/`` is a file with an empty
  name in ``dir/``. Callers decide how to show an empty name.

A folder's *path* is the prefix every name under it starts with, ending in ``/``
(``"data/exports/"``); the root's path is ``""``. Each :class:`Folder` keeps, for every file
under it at any depth, the count, the total size and the newest ``created_ts`` (POSIX
seconds), plus its direct subfolders by segment and its direct files in load order.

Cost: :meth:`FolderTree.append` is O(page × depth) whatever is already loaded (each new
file is one dict lookup by its folder path; totals are added once per distinct folder of the
page and walked up to the root). Memory per file is one list slot in its folder; per folder a
small slotted object. The tree never copies ``FileObject``\\ s and does not deduplicate ids:
the caller hands it each file once (``FileList.append`` tells which are new).

A folder emptied by :meth:`FolderTree.remove` disappears from its parent (the root stays).
Totals count loaded files only: while a listing is still going, the caller must say they are
lower bounds.

Under a filter the folder view shows only the files it keeps, so every folder also keeps the
totals of its *matches* (``matched``, ``matched_size``, ``matched_newest``) for the predicate
given to :meth:`FolderTree.match`: counted in one pass over the loaded files when the predicate
changes (as the flat view refilters its rows), then by :meth:`FolderTree.append` for each new
page (O(page × depth) again, the predicate called once per new file). A removal makes them
stale; the next :meth:`FolderTree.match` counts them again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sized
from operator import attrgetter
from typing import Literal

from rich.cells import cell_len

from orbrowse.api.models import FileObject
from orbrowse.listing.formatting import ELLIPSIS, visible_text

SEPARATOR = "/"
EMPTY_NAME = '""'
"""How an empty name or folder segment (``a//b``, ``dir/``) is shown: visibly, never merged."""

FolderSort = Literal["name", "size", "count", "newest"]


class Folder:
    """One folder: its segment, path, parent, direct subfolders and files, and the totals of
    everything under it. Read it; only :class:`FolderTree` changes it."""

    __slots__ = (
        "count",
        "files",
        "folders",
        "largest_file",
        "matched",
        "matched_newest",
        "matched_size",
        "name",
        "newest",
        "parent",
        "path",
        "size",
    )

    name: str
    """The last segment (``"exports"``; ``""`` for the root and for an empty segment)."""
    path: str
    """Every name under this folder starts with it; ends in ``/`` (``""`` for the root)."""
    parent: Folder | None
    folders: dict[str, Folder]
    """Direct subfolders by segment, in the order they were first seen."""
    files: list[FileObject]
    """Direct files, in load order."""
    count: int
    """Files under this folder, at any depth."""
    size: int
    """Their total size in bytes."""
    newest: float
    """The newest ``created_ts`` under this folder (0.0 while it holds nothing)."""
    largest_file: int
    """The size of the largest of its direct files (0 without any)."""
    matched: int
    """Files under this folder, at any depth, that the tree's match predicate keeps (see
    :meth:`FolderTree.match`; 0 without one)."""
    matched_size: int
    matched_newest: float

    def __init__(self, name: str, path: str, parent: Folder | None) -> None:
        self.name = name
        self.path = path
        self.parent = parent
        self.folders = {}
        self.files = []
        self.count = 0
        self.size = 0
        self.newest = 0.0
        self.largest_file = 0
        self.matched = 0
        self.matched_size = 0
        self.matched_newest = 0.0

    @property
    def depth(self) -> int:
        """0 for the root, 1 for ``data/``, 2 for ``data/exports/``."""
        return self.path.count(SEPARATOR)

    @property
    def is_root(self) -> bool:
        return self.parent is None

    def segments(self) -> list[str]:
        """The path's segments, root first (``["data", "exports"]``; ``[]`` for the root)."""
        return self.path.split(SEPARATOR)[:-1]

    def subfolders(
        self, sort: FolderSort = "name", descending: bool = False, *, matched: bool = False
    ) -> list[Folder]:
        """The direct subfolders, by name (case-folded, then exact) unless another key is
        asked for; ties on size, count or date are broken by name, ascending. With
        ``matched``, only those holding a match, sorted by their matches' totals."""
        children = self.folders.values()
        folders = sorted([f for f in children if f.matched] if matched else children, key=_name_key)
        if sort == "name":
            if descending:
                folders.reverse()
            return folders
        whole, of_matches = _TOTALS.get(sort, _DATES)
        folders.sort(key=attrgetter(of_matches if matched else whole), reverse=descending)
        return folders

    def iter_files(self) -> Iterator[FileObject]:
        """Every file under this folder, at any depth: this folder's first, then each
        subfolder's (depth first, subfolders by name)."""
        stack: list[Folder] = [self]
        while stack:
            folder = stack.pop()
            yield from folder.files
            stack.extend(reversed(folder.subfolders()))

    def iter_folders(self, max_depth: int | None = None) -> Iterator[Folder]:
        """This folder and every folder under it, depth first, subfolders by name; with
        ``max_depth``, only those at most that many levels below this one."""
        stack: list[tuple[Folder, int]] = [(self, 0)]
        while stack:
            folder, level = stack.pop()
            yield folder
            if max_depth is None or level < max_depth:
                stack.extend((child, level + 1) for child in reversed(folder.subfolders()))

    def __repr__(self) -> str:
        return f"Folder(path={self.path!r}, count={self.count}, size={self.size})"


def _name_key(folder: Folder) -> tuple[str, str]:
    return (folder.name.casefold(), folder.name)


_TOTALS = {"size": ("size", "matched_size"), "count": ("count", "matched")}
"""A sort's attribute of a folder: of every file under it, and of its matches (else dates)."""
_DATES = ("newest", "matched_newest")


def shown_name(name: str) -> str:
    """A name or segment as a person sees it: visible-safe, an empty one as ``""``."""
    return visible_text(name) if name else EMPTY_NAME


def breadcrumb(folder: Folder, width: int | None = None) -> str:
    """``/ data / exports /`` (``/`` for the root), every segment through :func:`shown_name`.

    Within ``width`` cells the segments nearest the root give way first (``/ … / q1 /``):
    where you are stays in view, as the last segment's end does when even it is too long.
    """
    names = [shown_name(segment) for segment in folder.segments()]
    for start in range(len(names)):
        text = "/ " + ("… / " if start else "") + "".join(f"{n} / " for n in names[start:])
        if width is None or cell_len(text.rstrip()) <= width:
            return text.rstrip()
    if not names or width is None:
        return "/"
    room = width - len("/ ") - len(ELLIPSIS) - len(" /")
    return "/ " + ELLIPSIS + _last_cells(names[-1], room) + " /"


def _last_cells(text: str, width: int) -> str:
    """The end of ``text`` that fits in ``width`` cells."""
    kept = 0
    for index in range(len(text) - 1, -1, -1):
        kept += cell_len(text[index])
        if kept > width:
            return text[index + 1 :]
    return text


def folder_path(filename: str) -> str:
    """The path of the folder a file sits in: ``"a/b/"`` for ``"a/b/c.txt"``, ``""`` for a
    name without ``/``."""
    return filename[: filename.rfind(SEPARATOR) + 1]


def leaf_name(filename: str) -> str:
    """The last segment of a name: ``"c.txt"`` for ``"a/b/c.txt"`` (``""`` for ``"a/"``)."""
    return filename[filename.rfind(SEPARATOR) + 1 :]


def ancestor_paths(path: str) -> Iterator[str]:
    """The folder paths a folder path lies in, itself included, root (``""``) first:
    ``"a/b/"`` gives ``""``, ``"a/"``, ``"a/b/"``."""
    yield ""
    start = 0
    while (cut := path.find(SEPARATOR, start)) != -1:
        start = cut + 1
        yield path[:start]


def relative_segments(filename: str, under: str) -> list[str]:
    """The segments of ``filename`` below the folder path ``under`` (which it must start
    with): ``("a/b/c.txt", "a/")`` gives ``["b", "c.txt"]``."""
    if not filename.startswith(under):
        raise ValueError(f"{filename!r} is not under {under!r}")
    return filename[len(under) :].split(SEPARATOR)


class FolderTree:
    """Loaded files by folder; see the module docstring for the rules and costs."""

    def __init__(self, files: Iterable[FileObject] = ()) -> None:
        self.root = Folder("", "", None)
        self._by_path: dict[str, Folder] = {"": self.root}
        self.version = 0
        """Bumped on every change (for caches keyed on it)."""
        self._match: Callable[[FileObject], bool] | None = None
        self._match_key: object = None
        self._match_stale = False
        self.append(files)

    # --- reading ---------------------------------------------------------------------------

    def folder(self, path: str) -> Folder | None:
        """The folder with this path (``""`` is the root), or ``None``."""
        return self._by_path.get(path)

    def nearest(self, path: str) -> Folder:
        """The folder with this path or, if it is gone, its closest existing ancestor."""
        found = self._by_path.get(path)
        while found is None:
            path = folder_path(path[:-1])
            found = self._by_path.get(path)
        return found

    def folder_of(self, file: FileObject) -> Folder | None:
        """The folder a loaded file sits in (``None`` if its folder is not in the tree)."""
        return self._by_path.get(folder_path(file.filename))

    @property
    def folder_count(self) -> int:
        """Folders in the tree, the root not counted."""
        return len(self._by_path) - 1

    @property
    def has_folders(self) -> bool:
        """Whether any loaded name contains ``/``."""
        return len(self._by_path) > 1

    def files_under(self, path: str) -> list[FileObject]:
        """Every loaded file whose name starts with the folder path ``path``."""
        folder = self._by_path.get(path)
        return [] if folder is None else list(folder.iter_files())

    # --- matches ---------------------------------------------------------------------------

    def match(
        self,
        predicate: Callable[[FileObject], bool] | None,
        key: object = None,
        shown: Iterable[FileObject] | None = None,
    ) -> None:
        """Keep every folder's ``matched`` totals for ``predicate`` (``None``: none kept).
        ``key`` says what the predicate means (the filter and the marks it reads): while it
        is the same, and nothing was removed, the totals are already right and nothing is
        done; else they are counted again, from ``shown`` (every loaded file the predicate
        keeps, as the file list's view holds them: no file is tested again) or else by
        testing every loaded file."""
        if predicate is None:
            self._match = None
            self._match_key = None
            return
        if self._match is not None and key == self._match_key and not self._match_stale:
            self._match = predicate
            return
        self._match = predicate
        self._match_key = key
        self._match_stale = False
        folders = list(self._by_path.values())
        if isinstance(shown, Sized) and len(shown) == self.root.count:
            # Every file is kept (a first letter: "r" is in every id): the totals are known.
            for folder in folders:
                folder.matched = folder.count
                folder.matched_size = folder.size
                folder.matched_newest = folder.newest
            self.version += 1
            return
        for folder in folders:
            folder.matched = 0
            folder.matched_size = 0
            folder.matched_newest = 0.0
        if shown is None:
            shown = (f for folder in folders for f in folder.files if predicate(f))
        _add_up(self._by_path_totals(shown), matched=True)
        self.version += 1

    def _by_path_totals(self, files: Iterable[FileObject]) -> dict[Folder, list[float]]:
        """Count, total size and newest date of loaded files per folder they sit in."""
        totals: dict[str, list[float]] = {}
        get = totals.get
        for file in files:
            name = file.filename
            path = name[: name.rfind("/") + 1]
            entry = get(path)
            if entry is None:
                totals[path] = [1, file.size_bytes, file.created_ts]
                continue
            entry[0] += 1
            entry[1] += file.size_bytes
            if file.created_ts > entry[2]:
                entry[2] = file.created_ts
        by_path = self._by_path
        return {by_path[path]: entry for path, entry in totals.items()}

    @property
    def matching(self) -> bool:
        """Whether the ``matched`` totals are kept (a predicate was given)."""
        return self._match is not None

    # --- changing --------------------------------------------------------------------------

    def append(self, files: Iterable[FileObject]) -> int:
        """Add files (each once: the tree does not check ids). Returns how many were added."""
        # Totals per distinct folder of the page first, then one walk to the root each (see
        # _add_up). Summed here, as _by_path_totals does, not through it: this loop runs for
        # every file of every page, and a second pass over the page costs ~0.3 ms of ~1 ms.
        totals: dict[Folder, list[float]] = {}
        by_path = self._by_path
        match = None if self._match_stale else self._match
        matches: list[FileObject] = []
        added = 0
        for file in files:
            name = file.filename
            path = name[: name.rfind(SEPARATOR) + 1]
            folder = by_path.get(path)
            if folder is None:
                folder = self._make(path)
            folder.files.append(file)
            if file.size_bytes > folder.largest_file:
                folder.largest_file = file.size_bytes
            added += 1
            if match is not None and match(file):
                matches.append(file)
            entry = totals.get(folder)
            if entry is None:
                totals[folder] = [1, file.size_bytes, file.created_ts]
            else:
                entry[0] += 1
                entry[1] += file.size_bytes
                if file.created_ts > entry[2]:
                    entry[2] = file.created_ts
        _add_up(totals, matched=False)
        if matches:
            _add_up(self._by_path_totals(matches), matched=True)
        if added:
            self.version += 1
        return added

    def remove(self, files: Iterable[FileObject]) -> int:
        """Drop these loaded files (matched by id within their folder); folders left empty
        go too. Returns how many were dropped."""
        doomed: dict[Folder, set[str]] = {}
        for file in files:
            folder = self._by_path.get(folder_path(file.filename))
            if folder is not None:
                doomed.setdefault(folder, set()).add(file.id)
        removed = 0
        if doomed and self._match is not None:
            self._match_stale = True  # counted again by the next match()
        for folder, ids in doomed.items():
            kept: list[FileObject] = []
            gone: list[FileObject] = []
            for file in folder.files:
                (gone if file.id in ids else kept).append(file)
            if not gone:
                continue
            folder.files = kept
            folder.largest_file = max((f.size_bytes for f in kept), default=0)
            removed += len(gone)
            count = len(gone)
            size = sum(f.size_bytes for f in gone)
            newest = max(f.created_ts for f in gone)
            node: Folder | None = folder
            while node is not None:
                node.count -= count
                node.size -= size
                if newest >= node.newest:
                    node.newest = _newest_of(node)
                parent = node.parent
                if node.count == 0 and parent is not None:
                    self._forget(node)
                node = parent
        if removed:
            self.version += 1
        return removed

    def clear(self) -> None:
        """Forget every file and folder."""
        self.root = Folder("", "", None)
        self._by_path = {"": self.root}
        self._match_stale = False  # nothing loaded: no match, as counted
        self.version += 1

    # --- internals -------------------------------------------------------------------------

    def _make(self, path: str) -> Folder:
        parent_path = folder_path(path[:-1])
        parent = self._by_path.get(parent_path)
        if parent is None:
            parent = self._make(parent_path)
        name = path[len(parent_path) : -1]
        folder = Folder(name, path, parent)
        parent.folders[name] = folder
        self._by_path[path] = folder
        return folder

    def _forget(self, folder: Folder) -> None:
        for below in list(folder.iter_folders()):
            self._by_path.pop(below.path, None)
        if folder.parent is not None:
            folder.parent.folders.pop(folder.name, None)


def _add_up(totals: dict[Folder, list[float]], *, matched: bool) -> None:
    """Add per-folder totals to each folder and every folder above it (its ``matched``
    totals with ``matched``). Totals per distinct folder first, then one walk to the root
    each: the walk costs a page's folders × depth, not its files × depth."""
    for start, (count, size, newest) in totals.items():
        node: Folder | None = start
        while node is not None:
            if matched:
                node.matched += int(count)
                node.matched_size += int(size)
                node.matched_newest = max(node.matched_newest, newest)
            else:
                node.count += int(count)
                node.size += int(size)
                node.newest = max(node.newest, newest)
            node = node.parent


def _newest_of(folder: Folder) -> float:
    newest = max((f.created_ts for f in folder.files), default=0.0)
    return max(newest, max((f.newest for f in folder.folders.values()), default=0.0))
