"""A hex and text dump of a file's first bytes, for the files no other preview fits."""

from __future__ import annotations

BYTES_PER_LINE = 8


def hex_lines(data: bytes, *, max_lines: int, per_line: int = BYTES_PER_LINE) -> list[str]:
    """``00000000  89 50 4e 47 0d 0a 1a 0a  .PNG....``: only ASCII letters are shown as text."""
    lines: list[str] = []
    for offset in range(0, min(len(data), max_lines * per_line), per_line):
        chunk = data[offset : offset + per_line]
        hex_part = " ".join(f"{byte:02x}" for byte in chunk).ljust(per_line * 3 - 1)
        text_part = "".join(chr(byte) if 0x20 <= byte < 0x7F else "." for byte in chunk)
        lines.append(f"{offset:08x}  {hex_part}  {text_part}")
    return lines
