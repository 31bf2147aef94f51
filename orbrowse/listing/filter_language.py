"""The filter language: one parser for the browser's ``/`` and ``orbrowse ls``/``du --filter``.

A filter is terms separated by spaces; a file is shown when it meets every term::

    report         text: part of the name, id or type (case-insensitive)
    re:^logs/      a regular expression (case-insensitive) found in the name, id or type
    type:image/    the type (mime) starts with this (case-insensitive)
    >10MB  <1KiB   larger / smaller than (also >= and <=); kB, MB, GB, TB are powers of
                   1000, KiB, MiB, GiB, TiB powers of 1024; no unit: bytes
    older:30d      created more than this long before now; newer:2h less (s, m, h, d, w)
    !term          any term inverted: !re:^logs/  !>10MB  !type:image/
    "two words"    quotes make one literal text term: "my report", ">10MB", "type:x", "!x";
                   after a keyword they hold a value with spaces: re:"a b"; \\" is a quote

An empty pattern (``""``, or ``!`` or ``re:`` last, as while typing) filters nothing; ``! logs``
and ``re: x``, where a space would drop the ``!`` or the ``re:``, are refused. A mistake raises
:class:`FilterError` naming the bad term and its column, so both the browser and the command
line can point at it. Age terms are measured from the ``now`` given to :func:`parse_filter`.

Matching is compiled once per filter: each term becomes one closure (inversion included, so
no extra call), and the terms are checked cheapest first (numbers, then the shared type
string, then text, then regular expressions).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Literal

from rich.cells import cell_len

from orbrowse.api.models import FileObject
from orbrowse.listing.formatting import visible_text
from orbrowse.listing.quantities import parse_duration, parse_size

Predicate = Callable[[FileObject], bool]
Kind = Literal["text", "regex", "type", "older", "newer", "size", "prefix"]
SizeOp = Literal[">", "<", ">=", "<="]

INVERT: Final = "!"
QUOTE: Final = '"'
_KEYWORDS: Final[tuple[tuple[str, Kind], ...]] = (
    ("re:", "regex"),
    ("type:", "type"),
    ("older:", "older"),
    ("newer:", "newer"),
    (">=", "size"),
    ("<=", "size"),
    (">", "size"),
    ("<", "size"),
)
_SIZE_OPS: Final[dict[str, SizeOp]] = {">": ">", "<": "<", ">=": ">=", "<=": "<="}
_INVERTED_OP: Final[dict[SizeOp, SizeOp]] = {">": "<=", "<": ">=", ">=": "<", "<=": ">"}
_COST: Final[dict[Kind, int]] = {
    "size": 0,
    "older": 0,
    "newer": 0,
    "prefix": 1,
    "type": 1,
    "text": 2,
    "regex": 3,
}
_EXAMPLES: Final[dict[Kind, str]] = {
    "type": "type:image/",
    "older": "older:30d",
    "newer": "newer:2h",
    "size": ">10MB",
}

FILTER_HELP: Final = """\
filter language (ls --filter, du --filter and the browser's /): terms separated by spaces,
a file must meet every one:
  report        part of the name, id or type (case-insensitive)
  re:^logs/     a regular expression (case-insensitive) in the name, id or type
  type:image/   the type (mime) starts with this
  >10MB <1KiB   larger / smaller than (also >= <=); kB MB GB TB = powers of 1000,
                KiB MiB GiB TiB = powers of 1024
  older:30d     created more than 30 days ago; newer:2h: less than 2 hours ago (s m h d w)
  !TERM         inverts any term: !re:^outputs/  !type:image/
  "a b"         quotes: text with spaces, or literal text such as ">10MB" or "type:x";
                re:"a b" quotes a value; \\" is a quote inside quotes
e.g. 'older:30d re:^logs/ !"keep me"'"""


class FilterError(ValueError):
    """A filter that cannot be parsed: which term, where, and why (fit for a person).

    ``position`` is the term's 0-based offset in the filter text (``column`` is 1-based),
    ``token`` the term as typed, ``reason`` what is wrong with it.
    """

    def __init__(self, reason: str, *, token: str, position: int) -> None:
        self.reason = reason
        self.token = token
        self.position = position
        super().__init__(f"{token!r} at column {self.column}: {reason}")

    @property
    def column(self) -> int:
        return self.position + 1

    def pointer(self, text: str) -> tuple[str, str]:
        """The filter text (visible-safe) and a line of carets under the bad term."""
        shown = visible_text(text)
        before = cell_len(visible_text(text[: self.position]))
        width = max(1, cell_len(visible_text(self.token)))
        return shown, " " * before + "^" * width


@dataclass(frozen=True, slots=True)
class Term:
    """One condition; ``value`` is the text, pattern or type prefix, ``number`` the size in
    bytes or the age cut-off in POSIX seconds."""

    kind: Kind
    negated: bool = False
    value: str = ""
    number: float = 0.0
    op: SizeOp = ">"

    def predicate(self) -> Predicate:
        """A function deciding one file, inversion built in."""
        negated = self.negated
        if self.kind == "size":
            limit = self.number
            op = _INVERTED_OP[self.op] if negated else self.op
            if op == ">":
                return lambda f: f.size_bytes > limit
            if op == ">=":
                return lambda f: f.size_bytes >= limit
            if op == "<":
                return lambda f: f.size_bytes < limit
            return lambda f: f.size_bytes <= limit
        if self.kind in ("older", "newer"):
            cutoff = self.number
            if (self.kind == "older") != negated:
                return lambda f: f.created_ts < cutoff
            return lambda f: f.created_ts >= cutoff
        if self.kind == "type":
            return _type_predicate(self.value.casefold(), negated)
        if self.kind == "prefix":
            prefix = self.value
            if negated:
                return lambda f: not f.filename.startswith(prefix)
            return lambda f: f.filename.startswith(prefix)
        if self.kind == "regex":
            search = re.compile(self.value, re.IGNORECASE).search
            if negated:
                return lambda f: not (search(f.filename) or search(f.id) or search(f.mime_type))
            return lambda f: bool(search(f.filename) or search(f.id) or search(f.mime_type))
        needle = self.value.casefold()
        if negated:
            return lambda f: (
                not (
                    needle in f.filename.casefold()
                    or needle in f.id.casefold()
                    or needle in f.mime_type.casefold()
                )
            )
        return lambda f: (
            needle in f.filename.casefold()
            or needle in f.id.casefold()
            or needle in f.mime_type.casefold()
        )


def _type_predicate(prefix: str, negated: bool) -> Predicate:
    # A workspace has a dozen distinct types, shared between files (FileObject interns
    # them): remember the answer per type string instead of casefolding every file's.
    answers: dict[str, bool] = {}

    def check(file: FileObject) -> bool:
        mime = file.mime_type
        answer = answers.get(mime)
        if answer is None:
            answer = answers[mime] = mime.casefold().startswith(prefix) != negated
        return answer

    return check


def _all_of(predicates: list[Predicate]) -> Predicate:
    first, *rest = predicates
    if not rest:
        return first
    tail = _all_of(rest)
    return lambda f: first(f) and tail(f)


def _keyword_at(text: str, index: int) -> tuple[str, Kind]:
    """The keyword starting at ``index`` and its kind; ``("", "text")`` for none."""
    for keyword, kind in _KEYWORDS:
        if text.startswith(keyword, index):
            return keyword, kind
    return "", "text"


@dataclass(frozen=True, slots=True)
class Filter:
    """A parsed filter: ``matches(file)`` is true when the file meets every term."""

    text: str
    terms: tuple[Term, ...]
    matches: Predicate = field(compare=False, repr=False)

    @classmethod
    def of(cls, text: str, terms: Iterable[Term]) -> Filter | None:
        """A filter of these terms (checked cheapest first); ``None`` when there are none."""
        ordered = tuple(sorted(terms, key=lambda term: _COST[term.kind]))
        if not ordered:
            return None
        return cls(text, ordered, _all_of([term.predicate() for term in ordered]))


def older_than(age: timedelta, now: datetime) -> Term:
    """The term ``older:AGE`` (``--older-than``)."""
    return Term("older", number=_cutoff(age, now))


def larger_than(size_bytes: int) -> Term:
    """The term ``>SIZE`` (``--larger-than``)."""
    return Term("size", number=size_bytes, op=">")


def name_prefix(prefix: str) -> Term:
    """Names that start with ``prefix``, exactly (``ls --prefix``, ``du PREFIX``)."""
    return Term("prefix", value=prefix)


def _cutoff(age: timedelta, now: datetime) -> float:
    return now.timestamp() - age.total_seconds()


def parse_filter(text: str, now: datetime) -> Filter | None:
    """Parse filter text; ``None`` when it filters nothing. Raises :class:`FilterError`."""
    return Filter.of(text, _Parser(text, now).terms())


class _Parser:
    def __init__(self, text: str, now: datetime) -> None:
        self.text = text
        self.now = now

    def terms(self) -> list[Term]:
        text, end = self.text, len(self.text)
        found: list[Term] = []
        index = 0
        while True:
            while index < end and text[index].isspace():
                index += 1
            if index >= end:
                return found
            term, index = self._term(index)
            if term is not None:
                found.append(term)

    def _term(self, start: int) -> tuple[Term | None, int]:
        text = self.text
        index = start
        negated = text.startswith(INVERT, index)
        if negated:
            index += len(INVERT)
        keyword: str = ""
        kind: Kind = "text"
        if not text.startswith(QUOTE, index):
            keyword, kind = _keyword_at(text, index)
            index += len(keyword)
        value_start = index
        if text.startswith(QUOTE, index):
            value, index = self._quoted(start, index)
        else:
            while index < len(text) and not text[index].isspace():
                index += 1
            value = text[value_start:index]
            if not value and kind in ("text", "regex") and text[index:].strip():
                # "! logs" or "re: ^logs": the space would silently drop the ! or the re:.
                what = "pattern" if kind == "regex" else "term"
                raise FilterError(
                    f"put the {what} right after {keyword or INVERT}, with no space",
                    token=text[start:index],
                    position=start,
                )
        token = text[start:index]
        return self._build(kind, keyword, value, negated, token, start), index

    def _quoted(self, start: int, open_at: int) -> tuple[str, int]:
        text = self.text
        index = open_at + 1
        pieces: list[str] = []
        while index < len(text):
            char = text[index]
            if char == "\\" and text.startswith(QUOTE, index + 1):
                pieces.append(QUOTE)
                index += 2
                continue
            if char == QUOTE:
                index += 1
                if index < len(text) and not text[index].isspace():
                    raise FilterError(
                        "put a space after the closing quote",
                        token=text[start : index + 1],
                        position=start,
                    )
                return "".join(pieces), index
            pieces.append(char)
            index += 1
        raise FilterError("the quote is not closed", token=text[start:].rstrip(), position=start)

    def _build(
        self, kind: Kind, keyword: str, value: str, negated: bool, token: str, start: int
    ) -> Term | None:
        def refuse(reason: str) -> FilterError:
            return FilterError(reason, token=token, position=start)

        if kind in ("text", "regex") and not value:
            return None  # "", "!", "re:": no condition yet (the browser filters as you type)
        if not value:
            raise refuse(f"{keyword} needs a value, e.g. {_EXAMPLES[kind]}")
        if kind == "text":
            return Term("text", negated, value)
        if kind == "regex":
            try:
                re.compile(value, re.IGNORECASE)
            except re.error as exc:
                raise refuse(f"invalid regular expression: {exc}") from exc
            return Term("regex", negated, value)
        if kind == "type":
            return Term("type", negated, value)
        if kind == "size":
            try:
                size = parse_size(value)
            except ValueError:
                raise refuse(
                    "not a size: use a number and an optional unit, B, kB, MB, GB, TB "
                    "(powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), e.g. >10MB"
                ) from None
            return Term("size", negated, number=size, op=_SIZE_OPS[keyword])
        try:
            age = parse_duration(value)
        except ValueError:
            raise refuse(
                f"not an age: use a number and a unit, s, m, h, d or w, e.g. {_EXAMPLES[kind]}"
            ) from None
        return Term(kind, negated, number=_cutoff(age, self.now))
