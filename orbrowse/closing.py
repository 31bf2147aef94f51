"""One ``with`` shape for everything that must be closed or stopped when a block ends."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class ClosedOnExit:
    """``with thing:`` hands back ``thing`` and calls its ``close()`` however the block ends."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
