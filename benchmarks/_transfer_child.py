"""One transfer in a process of its own, so its peak memory can be measured alone.

    python benchmarks/_transfer_child.py IMPL OP URL KEY ARG OUT_DIR
    IMPL: orbrowse | sdk; OP: upload (ARG a path) | download (ARG a file id)

Prints one JSON line: seconds, the resident memory once everything is imported, the peak
during the transfer (VmHWM, reset just before it starts) and the growth between the two.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from openrouter import OpenRouter  # noqa: E402

from benchmarks._child import status_kib  # noqa: E402
from orbrowse.api.client import FilesClient  # noqa: E402

_TIMEOUT_MS = 600_000  # the SDK's default is httpx's 5 s; a user moving 100 MiB raises it


def _reset_peak() -> None:
    # Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+).
    Path("/proc/self/clear_refs").write_text("5")


async def _orbrowse(op: str, url: str, key: str, arg: str, out: Path) -> str:
    async with FilesClient(key, base_url=url) as client:
        if op == "upload":
            return (await client.upload_file(Path(arg))).id
        await client.download_file(arg, out / "downloaded.bin", overwrite=True)
        return arg


def _sdk(op: str, url: str, key: str, arg: str, out: Path) -> str:
    with OpenRouter(api_key=key, server_url=url, timeout_ms=_TIMEOUT_MS) as sdk:
        if op == "upload":
            path = Path(arg)
            with path.open("rb") as handle:
                uploaded = sdk.files.upload(file={"file_name": path.name, "content": handle})
            return str(uploaded.id)
        response = sdk.files.download(file_id=arg)
        try:
            with (out / "downloaded.bin").open("wb") as handle:
                for chunk in response.iter_bytes():
                    handle.write(chunk)
        finally:
            response.close()
        return arg


def main(argv: list[str]) -> int:
    impl, op, url, key, arg, out_dir = argv
    out = Path(out_dir)
    base = status_kib("VmRSS")
    _reset_peak()
    started = time.perf_counter()
    if impl == "orbrowse":
        result = asyncio.run(_orbrowse(op, url, key, arg, out))
    else:
        result = _sdk(op, url, key, arg, out)
    seconds = time.perf_counter() - started
    peak = status_kib("VmHWM")
    print(
        json.dumps(
            {
                "seconds": seconds,
                "base_kib": base,
                "peak_kib": peak,
                "growth_kib": peak - base,
                "id": result,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
