"""The ``.part`` file a download is written to, and what may stand at its target.

A part file is named after the file id (``.NAME.ID.part`` beside the target), so a later run
of the same download recognises one that a killed run left behind. While it is written the
part file is held under an exclusive lock (:mod:`orbrowse.file_lock`: ``flock`` on POSIX): a
part file that can be locked belongs to no live run; one that cannot is another run's, and
is left alone. The lock dies with its process, so ``kill -9`` leaves a part file that the
next download of that id to that target takes over (and resumes, when the server answers a
range request; else it starts over), while part files of the id under other names are
removed. SIGTERM and SIGHUP remove the live part files on the way out
(:func:`install_signal_cleanup`); SIGINT and any other failure or cancellation remove them
through the normal unwinding of :class:`PartFile`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import stat
from pathlib import Path
from types import FrameType
from typing import IO, Final, Self

from orbrowse.api.errors import LocalCheckError, TargetExistsError
from orbrowse.closing import ClosedOnExit
from orbrowse.file_lock import try_lock

_SAFE_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
_NAME_PREFIX_CHARS: Final = 40
_LIVE: set[Path] = set()
"""Part files this process is writing now (for the signal handler)."""


def _id_token(file_id: str) -> str:
    if _SAFE_ID.fullmatch(file_id):
        return file_id
    return hashlib.sha256(file_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def part_path(destination: Path, file_id: str) -> Path:
    """Where the download of ``file_id`` to ``destination`` is written until complete."""
    name = destination.name[:_NAME_PREFIX_CHARS]
    return destination.parent / f".{name}.{_id_token(file_id)}.part"


def target_problem(destination: Path, *, overwrite: bool) -> LocalCheckError | None:
    """Why nothing may be written to ``destination`` (the error to raise), or ``None``.

    Any directory entry there (a file, a FIFO, a symlink, dangling or not) needs
    ``overwrite`` (:class:`TargetExistsError`); a folder (not a link to one) is never replaced.
    """
    try:
        mode = os.lstat(destination).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return LocalCheckError(f"{destination} cannot be checked: {exc.strerror or exc}")
    if stat.S_ISDIR(mode):
        return LocalCheckError(f"{destination} is a folder")
    if overwrite:
        return None
    return TargetExistsError(str(destination), link=stat.S_ISLNK(mode))


def remove_stale(path: Path) -> bool:
    """Remove the part file at ``path`` if no live run holds it; ``False`` if one does."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return True
    except OSError:  # a symlink (ELOOP) or something unopenable: not a live part file
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return True
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode) and not try_lock(fd):
            return False
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return True
    finally:
        os.close(fd)


def remove_stale_parts(folder: Path, file_id: str, *, keep: Path | None = None) -> None:
    """Remove every part file of ``file_id`` in ``folder`` that no live run holds (but
    ``keep``, which the caller will resume)."""
    suffix = f".{_id_token(file_id)}.part"
    try:
        with os.scandir(folder) as listing:
            entries = [e for e in listing if e.name.startswith(".") and e.name.endswith(suffix)]
    except OSError:
        return
    for entry in entries:
        if keep is not None and entry.name == keep.name:
            continue
        with contextlib.suppress(OSError):
            remove_stale(Path(entry.path))


class PartFile(ClosedOnExit):
    """``with PartFile(destination, file_id) as part``: write, :meth:`finish`,
    :meth:`rename_to`; otherwise the part file is removed on the way out.

    A part file that a dead run left at this path is taken over with its bytes (``size``), so
    the download can ask the server for the rest; :meth:`restart` empties it when the server
    sends the whole file instead.
    """

    def __init__(self, destination: Path, file_id: str) -> None:
        self.file_id = file_id
        self.path = part_path(destination, file_id)
        self.size = 0
        """Bytes in the part file: kept from a dead run, then as written."""
        self._handle: IO[bytes] | None = None
        self._renamed = False

    def __enter__(self) -> Self:
        remove_stale_parts(self.path.parent, self.file_id, keep=self.path)
        busy = LocalCheckError(
            f"{self.path.name} is being written by another orbrowse run; wait for it or stop it"
        )
        fd = self._take_over()
        if fd is None:
            if not remove_stale(self.path):
                raise busy
            try:
                # 0o666 less the umask, as curl and wget create files.
                fd = os.open(
                    self.path,
                    os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                    0o666,
                )
            except FileExistsError:
                raise busy from None
            except OSError as exc:
                raise LocalCheckError(
                    f"Could not create {self.path}: {exc.strerror or exc}"
                ) from exc
        _LIVE.add(self.path)
        if not try_lock(fd):  # another run holds it
            os.close(fd)
            _LIVE.discard(self.path)
            raise busy
        self.size = os.fstat(fd).st_size
        self._handle = os.fdopen(fd, "wb")  # owns the descriptor (and so the lock) from here
        if self.size:
            self._handle.seek(self.size)
        return self

    def _take_over(self) -> int | None:
        """A descriptor on the regular file a dead run left here, or ``None``."""
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:  # absent, a symlink, a FIFO without a reader, …
            return None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
        return fd

    def restart(self) -> None:
        """Empty the part file: the server is sending the whole file."""
        assert self._handle is not None
        if self.size:
            self._handle.seek(0)
            self._handle.truncate(0)
            self.size = 0

    def write(self, data: bytes) -> None:
        assert self._handle is not None
        self._handle.write(data)
        self.size += len(data)

    def finish(self) -> None:
        """Flush and sync: a full disk may only show here."""
        assert self._handle is not None
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def rename_to(self, destination: Path, *, overwrite: bool = True) -> None:
        """Move the finished part file into place. With ``overwrite`` any entry there (not its
        target) is replaced; without, an entry that appeared is never replaced: the part file
        is linked into place, which fails if anything is there (where the file system has no
        hard links, the last check before the rename is all there is)."""
        assert self._handle is not None
        try:
            inode = os.fstat(self._handle.fileno()).st_ino
            same = os.stat(self.path, follow_symlinks=False).st_ino == inode
        except FileNotFoundError:
            same = False
        if not same:
            raise LocalCheckError(f"{self.path.name} was removed or replaced while downloading")
        if not overwrite:
            try:
                os.link(self.path, destination, follow_symlinks=False)
            except FileExistsError:
                raise TargetExistsError(str(destination), appeared=True) from None
            except OSError:
                pass  # no hard links here (EPERM, ENOTSUP, …): fall back to the rename
            else:
                self._renamed = True  # the part's name goes on the way out; the link stays
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
                return
        os.replace(self.path, destination)
        self._renamed = True

    def _close(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.close()  # closes the descriptor (and the lock) even if flush fails
            self._handle = None

    def close(self) -> None:
        """Remove the part file unless it was renamed into place; release it either way."""
        try:
            if not self._renamed:
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
        finally:
            _LIVE.discard(self.path)
            self._close()


def remove_live_parts() -> None:
    """Remove the part files this process is writing (from a signal handler)."""
    for path in list(_LIVE):
        with contextlib.suppress(OSError):
            path.unlink()
    _LIVE.clear()


def install_signal_cleanup() -> None:
    """On SIGTERM or SIGHUP, remove the live part files, then die of the signal as before
    (where the platform has no SIGHUP, as Windows, on SIGTERM only)."""
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        previous = signal.getsignal(signum)

        def handler(number: int, frame: FrameType | None, previous: object = previous) -> None:
            remove_live_parts()
            if callable(previous):
                previous(number, frame)
                return
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)

        signal.signal(signum, handler)
