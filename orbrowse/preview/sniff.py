"""What kind of preview a file gets, from its type, its name and, above all, its first bytes."""

from __future__ import annotations

from typing import Literal

PreviewKind = Literal[
    "text", "json", "jsonl", "csv", "markdown", "code", "image", "binary", "empty"
]

IMAGE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)

_CODE_EXTENSIONS = frozenset(
    {
        "py", "js", "ts", "tsx", "jsx", "go", "rs", "c", "h", "cpp", "hpp", "java", "kt",
        "rb", "php", "sh", "bash", "zsh", "sql", "html", "htm", "css", "xml", "yaml", "yml",
        "toml", "ini", "cfg", "swift", "scala", "lua", "r", "jl", "hs", "ex", "exs", "cs",
        "dart", "vue", "svelte", "tex", "diff", "patch", "dockerfile", "makefile", "ipynb",
    }
)  # fmt: skip
_SNIFF_BYTES = 8192


def image_format(data: bytes) -> str | None:
    """``"PNG"``, ``"JPEG"``, ``"GIF"`` or ``"WebP"`` when the bytes start like one."""
    for signature, name in IMAGE_SIGNATURES:
        if data.startswith(signature):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    return None


def looks_like_text(data: bytes) -> bool:
    """No NUL byte and mostly valid UTF-8 in the first few KiB."""
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return False
    text = head.decode("utf-8", errors="replace")
    # A cut multi-byte character at the end is not a sign of binary data.
    bad = text[:-3].count("\ufffd") if len(head) == _SNIFF_BYTES else text.count("\ufffd")
    return bad <= max(4, len(text) // 10)


def extension_of(filename: str) -> str:
    base = filename.rsplit("/", 1)[-1].lower()
    _, dot, extension = base.rpartition(".")
    return extension if dot else base


def text_kind(filename: str, mime_type: str) -> PreviewKind:
    """Which text preview: by type first, then by extension."""
    mime = mime_type.lower().split(";")[0].strip()
    extension = extension_of(filename)
    if extension in ("jsonl", "ndjson") or mime in ("application/x-ndjson", "application/jsonl"):
        return "jsonl"
    if mime == "application/json" or mime.endswith("+json") or extension == "json":
        return "json"
    if mime in ("text/csv", "text/tab-separated-values") or extension in ("csv", "tsv"):
        return "csv"
    if mime == "text/markdown" or extension in ("md", "markdown"):
        return "markdown"
    if extension in _CODE_EXTENSIONS:
        return "code"
    return "text"


def sniff(filename: str, mime_type: str, data: bytes) -> PreviewKind:
    """The preview kind; the bytes win over the name and type (a "PNG" of text is text)."""
    if not data:
        return "empty"
    if image_format(data) is not None:
        return "image"
    if looks_like_text(data):
        return text_kind(filename, mime_type)
    return "binary"
