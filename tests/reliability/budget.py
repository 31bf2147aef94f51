"""Budgets for the fault-injection tests: memory and seconds, stated by each test, failed past.

These are hang and blow-up guards, far above what a correct run needs (a correct run takes
well under a second and a few MiB), so a loaded machine does not make them flaky.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

from tests.cli import child_env, run_child

MiB = 1024 * 1024


@dataclass(slots=True)
class Spent:
    """What a block used; filled in when it ends."""

    peak_bytes: int = 0
    seconds: float = 0.0


@contextmanager
def memory_budget(limit_bytes: int) -> Iterator[Spent]:
    """Fail if the Python allocations made inside the block peak above ``limit_bytes``."""
    spent = Spent()
    started = time.monotonic()
    tracemalloc.start()
    try:
        yield spent
    finally:
        _current, spent.peak_bytes = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        spent.seconds = time.monotonic() - started
    assert spent.peak_bytes <= limit_bytes, (
        f"allocated {spent.peak_bytes / MiB:.1f} MiB at peak; the budget is {limit_bytes / MiB:g}"
    )


@asynccontextmanager
async def time_budget(seconds: float) -> AsyncIterator[None]:
    """Fail (instead of hanging) if the block takes more than ``seconds``."""
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError:
        raise AssertionError(f"still running after the budget of {seconds:g} s") from None


# The subprocess reports its own peak RSS: the figure is for that process alone.
# The peak is VmHWM (this process's own address space since exec): on Linux ru_maxrss is
# preserved across fork and exec, so it would report the pytest worker's size when that is
# larger than orbrowse's.
_MEASURED = """
import resource, sys
from orbrowse.cli import main
try:
    code = main(sys.argv[1:])
finally:
    try:
        with open("/proc/self/status") as status:
            peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stderr.write(f"\\nPEAK_RSS_KIB={peak}\\n")
sys.exit(code)
"""


@dataclass(frozen=True, slots=True)
class Run:
    code: int
    stdout: str
    stderr: str
    """Without the measurement line."""
    peak_rss_bytes: int
    seconds: float


def run_orbrowse(
    *args: str, seconds: float, rss_bytes: int, env: dict[str, str] | None = None
) -> Run:
    """``orbrowse ARGS`` in a subprocess; fails past ``seconds`` or a peak RSS of ``rss_bytes``."""
    environ = child_env() | (env or {})
    started = time.monotonic()
    try:
        done = run_child([sys.executable, "-c", _MEASURED, *args], env=environ, timeout=seconds)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"orbrowse {args[0]} ran past its budget of {seconds:g} s") from None
    elapsed = time.monotonic() - started
    stderr, _, figure = done.stderr.rpartition("PEAK_RSS_KIB=")
    figure, _, after = figure.partition("\n")  # a traceback would come after the figure
    peak = int(figure.strip() or 0) * 1024
    run = Run(done.returncode, done.stdout, (stderr + after).rstrip("\n"), peak, elapsed)
    assert peak <= rss_bytes, (
        f"orbrowse {args[0]} peaked at {peak / MiB:.0f} MiB RSS; the budget is {rss_bytes / MiB:g}"
    )
    assert "Traceback" not in run.stderr, run.stderr
    return run
