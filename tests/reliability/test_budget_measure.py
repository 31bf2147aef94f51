"""The memory budget measures orbrowse's own peak, not the process that started it."""

from __future__ import annotations

from tests.reliability.budget import MiB, run_orbrowse


def test_the_peak_is_orbrowses_own_not_the_test_processes() -> None:
    # A test process bigger than the budget (a pytest worker that imported large SDKs):
    # on Linux ru_maxrss survives fork and exec, and reported this process's size.
    big = bytearray(256 * MiB)
    big[::4096] = b"\x01" * len(range(0, len(big), 4096))
    try:
        run = run_orbrowse("ls", "--help", seconds=60, rss_bytes=200 * MiB)
    finally:
        del big
    assert run.code == 0 and "ls" in run.stdout
    assert 0 < run.peak_rss_bytes < 200 * MiB
