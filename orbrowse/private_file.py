"""Files only the user may read: the deletion log and the debug log."""

from __future__ import annotations

import os
import stat
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
