"""One file's preview: what was read, what kind it is, and how to draw it at a given size."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rich.console import Group, RenderableType
from rich.text import Text

from orbrowse.api.models import FileObject
from orbrowse.listing.formatting import human_size, visible_text
from orbrowse.preview.contrast import Rgb
from orbrowse.preview.hexdump import hex_lines
from orbrowse.preview.image import DecodedImage, HalfBlockImage, ImageError, decode_image
from orbrowse.preview.sniff import PreviewKind, sniff
from orbrowse.preview.text import decode, safe_lines, text_body

UPLOADED_REASON = "uploaded files can't be read back through the API"
DISABLED_REASON = "previews are off (preview_max_bytes = 0 in the config)"
HEX_LINES = 32
KIND_LABELS = {
    "text": "text",
    "json": "JSON",
    "jsonl": "JSON Lines",
    "csv": "CSV",
    "markdown": "Markdown",
    "code": "source code",
}
TEXT_KINDS = frozenset({"text", "json", "jsonl", "csv", "markdown", "code"})


@dataclass(frozen=True, slots=True)
class Preview:
    """The decoded first bytes of one file; drawn by :meth:`body`."""

    file_id: str
    filename: str
    mime_type: str
    kind: PreviewKind
    data: bytes = field(repr=False)
    complete: bool
    size_bytes: int
    text: str | None = field(default=None, repr=False)
    """The decoded text (for text kinds), not yet made visible-safe."""
    image: DecodedImage | None = field(default=None, repr=False)
    problem: str | None = None
    """Why the content is not shown as its kind (a "PNG" that is text, a truncated image)."""

    @property
    def cost(self) -> int:
        """Bytes this preview holds, for the cache's budget."""
        text = len(self.text) if self.text is not None else 0
        image = self.image.cost if self.image is not None else 0
        return len(self.data) + text + image + 512

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    def summary(self) -> str:
        """One line: what is shown and how much of the file."""
        if self.image is not None:
            image = self.image
            what = f"{image.format} image, {image.width}×{image.height}"
        elif self.is_text:
            what = KIND_LABELS.get(self.kind, "text")
        elif self.kind == "empty":
            return "empty file"
        else:
            what = "no preview for this type: the first bytes"
        shown = "whole file" if self.complete else f"first {human_size(len(self.data))}"
        return f"{what} · {shown} of {human_size(self.size_bytes)}"

    def body(
        self, *, max_lines: int, max_rows: int | None = None, background: Rgb | None = None
    ) -> RenderableType:
        """The content drawn for a pane of ``max_lines`` lines (``max_rows`` for images) and
        the pane's ``background`` (the syntax colours suit it)."""
        parts: list[RenderableType] = []
        if self.problem:
            parts.append(Text(self.problem, style="italic"))
        if self.image is not None:
            parts.append(HalfBlockImage(self.image.thumbnail, max_rows or max_lines))
        elif self.text is not None:
            renderable, _label = text_body(
                self.kind,
                self.filename,
                self.text,
                complete=self.complete,
                max_lines=max_lines,
                background=background,
            )
            parts.append(renderable)
        elif self.kind == "empty":
            parts.append(Text("The file is empty.", style="italic", end=""))
        else:
            parts.append(Text("\n".join(hex_lines(self.data, max_lines=HEX_LINES)), end=""))
        return parts[0] if len(parts) == 1 else Group(*parts)

    def plain_lines(self) -> list[str]:
        """Visible-safe lines for search and for the pager: the text, or the hex dump."""
        if self.text is not None:
            return safe_lines(self.text)
        if self.image is not None:
            return [self.summary()]
        return hex_lines(self.data, max_lines=len(self.data) // 8 + 1)


def build_preview(file: FileObject, data: bytes, *, complete: bool) -> Preview:
    """Sniff and decode a file's first bytes (no I/O; may take a few ms for an image)."""
    kind = sniff(file.filename, file.mime_type, data)
    base = Preview(
        file_id=file.id,
        filename=file.filename,
        mime_type=file.mime_type,
        kind=kind,
        data=data,
        complete=complete,
        size_bytes=max(file.size_bytes, len(data)),
    )
    if kind == "image":
        try:
            image = decode_image(data)
        except ImageError as error:
            why = str(error)
            if not complete:
                why += f"; only the first {human_size(len(data))} were read"
            return replace(base, kind="binary", problem=f"Not shown: {why}.")
        return replace(base, image=image)
    problem = None
    if file.mime_type.lower().startswith("image/") and kind != "empty":
        problem = f"Typed {visible_text(file.mime_type)}, but the content is not an image."
    if kind in TEXT_KINDS:
        return replace(base, text=decode(data, complete=complete), problem=problem)
    return replace(base, problem=problem)
