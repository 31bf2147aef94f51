"""The emulator as a separate process on loopback, one per benchmark (fresh data each time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from orbrowse.closing import ClosedOnExit
from orbrowse.emulator.keys import DEMO_MANAGEMENT_KEY

KEY = DEMO_MANAGEMENT_KEY
_START_TIMEOUT = 60.0


class Emulator(ClosedOnExit):
    """``python -m orbrowse.emulator ...`` in a child process; ``url`` once it listens."""

    def __init__(
        self,
        *,
        files: int = 0,
        latency_ms: float = 0.0,
        rate_limit: float | None = None,
        seed: Mapping[str, object] | None = None,
        extra_args: Sequence[str] = (),
    ) -> None:
        self._seed_path: Path | None = None
        args = [sys.executable, "-m", "orbrowse.emulator", "--port", "0", "--files", str(files)]
        if latency_ms:
            args += ["--latency-ms", str(latency_ms)]
        if rate_limit is not None:
            args += ["--rate-limit", str(rate_limit)]
        args += extra_args
        if seed is not None:
            handle, name = tempfile.mkstemp(prefix="orbrowse-bench-seed-", suffix=".json")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(seed, out)
            self._seed_path = Path(name)
            args += ["--seed", name]
        self._process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.url = self._wait_for_url()

    def _wait_for_url(self) -> str:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        prefix = "listening on "
        if not line.startswith(prefix):
            self.stop()
            error = self._process.stderr.read() if self._process.stderr else ""
            raise RuntimeError(f"the emulator did not start: {line!r} {error[-2000:]}")
        return line[len(prefix) :].strip()

    @property
    def pid(self) -> int:
        return self._process.pid

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()
        if self._seed_path is not None:
            self._seed_path.unlink(missing_ok=True)

    close = stop
