"""Files only the user may read: the deletion log, the debug log, the config and saved state."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


def open_private_append(path: Path) -> int:
    """Open ``path`` for appending (created 0600); an existing file that others may read is
    tightened to 0600. Raises ``OSError`` (with a message saying why) if it cannot be."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        mode = os.fstat(fd).st_mode
        # Only a regular file is the log itself; /dev/null or a FIFO is the user's choice.
        if stat.S_ISREG(mode) and mode & 0o077:
            try:
                os.fchmod(fd, 0o600)
            except OSError as exc:
                raise OSError(
                    exc.errno,
                    f"{path} is readable by others (mode {mode & 0o777:04o}) and could not "
                    f"be made private: {exc.strerror}; run chmod 600 on it",
                ) from exc
    except BaseException:
        os.close(fd)
        raise
    return fd


def replace_atomically(path: Path, text: str, *, prefix: str | None = None) -> None:
    """Write ``text`` as the new ``path`` in one step: a 0600 temporary file beside it (mkstemp
    creates it with O_EXCL), fsync, then ``os.replace``. A crash leaves the old file or the new
    one, never half of one; on any failure the temporary file is removed and the error raised.
    """
    _write_then(path, text, os.replace, prefix=prefix)


def write_new(path: Path, text: str) -> None:
    """Write ``text`` as a new file at ``path``, which must not exist (``FileExistsError``
    otherwise): a 0600 temporary file beside it, fsync, then a hard link into place, which
    fails if anything appeared there meanwhile. Never a partial file at ``path``."""
    _write_then(path, text, _link_new)


def _link_new(temporary: str, path: Path) -> None:
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this filesystem: the check and rename are not atomic
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "already exists", str(path)) from None
        os.rename(temporary, path)
        return
    os.unlink(temporary)


def _write_then(
    path: Path, text: str, into_place: Callable[[str, Path], None], *, prefix: str | None = None
) -> None:
    prefix = prefix if prefix is not None else f".{path.name}."
    handle, temporary = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        into_place(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
