"""Advisory locks on an open file, so one orbrowse run knows another is using it: the
download's part file (:mod:`orbrowse.api.partfile`) and a running deletion plan
(:mod:`orbrowse.deletion_plan`).

A lock belongs to the open file it was taken through: another open of the same file, in this
process or another, does not get it, and it goes when that descriptor is closed or the
process dies (``kill -9`` included). It is taken on the file itself, not on a lock file
beside it: a part file another run holds is known by its own lock, and there is nothing else
to clean up. (So not the ``filelock`` package: it locks a separate lock file, which it opens
with ``O_TRUNC``, and a part file's bytes are what a later run resumes from.)

- POSIX: ``flock(2)`` through :mod:`fcntl`.
- Windows: :func:`msvcrt.locking` on the file's first byte (not run here: no Windows to test
  on).
- Neither (CPython without :mod:`fcntl` that is not Windows, as a test hiding it makes):
  :data:`KIND` is ``"none"``, every lock is granted and runs are not guarded against each
  other; orbrowse still starts and works.
"""

from __future__ import annotations

import os
import sys
from typing import Literal

Kind = Literal["flock", "msvcrt", "none"]

if sys.platform == "win32":
    import msvcrt

    KIND: Kind = "msvcrt"

    def _at_first_byte(fd: int, mode: int) -> None:
        # A lock counts from the current position: the first byte, wherever the caller is.
        position = os.lseek(fd, 0, os.SEEK_CUR)
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, mode, 1)
        finally:
            os.lseek(fd, position, os.SEEK_SET)

    def _try_lock(fd: int) -> bool:
        try:
            _at_first_byte(fd, msvcrt.LK_NBLCK)
        except PermissionError:  # EACCES: another open file holds it
            return False
        return True

    def _held_elsewhere(fd: int) -> bool:
        # msvcrt has no shared lock: taken whole and given back at once.
        try:
            _at_first_byte(fd, msvcrt.LK_NBLCK)
        except PermissionError:
            return True
        except OSError:
            return False
        _at_first_byte(fd, msvcrt.LK_UNLCK)
        return False

else:
    try:
        import fcntl
    except ImportError:
        KIND = "none"

        def _try_lock(fd: int) -> bool:
            return True

        def _held_elsewhere(fd: int) -> bool:
            return False

    else:
        KIND = "flock"

        def _try_lock(fd: int) -> bool:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        def _held_elsewhere(fd: int) -> bool:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # shared: checks don't collide
            except BlockingIOError:
                return True
            except OSError:
                return False
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False


def try_lock(fd: int) -> bool:
    """Take the exclusive lock through ``fd`` without waiting; ``False`` when another open
    file holds it. It is held until ``fd`` is closed."""
    return _try_lock(fd)


def held_elsewhere(fd: int) -> bool:
    """Whether another open file holds the exclusive lock (checked by taking a lock through
    ``fd`` and giving it back at once; a file that cannot be locked at all counts as not
    held)."""
    return _held_elsewhere(fd)
