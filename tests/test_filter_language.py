"""The filter language: each term, inversion, combinations, quoting and the errors' pointers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orbrowse.api.models import FileObject
from orbrowse.listing.filter_language import (
    Filter,
    FilterError,
    larger_than,
    name_prefix,
    older_than,
    parse_filter,
)
from tests.factories import FILTER_SAMPLES, file_object

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

FILES = [
    file_object(
        f"or_file_{'abcdef'[n]}{n + 1}", name, mime_type=mime, size_bytes=size, created_at=NOW - age
    )
    for n, (name, mime, size, age) in enumerate(FILTER_SAMPLES)
]


def names(text: str) -> list[str]:
    parsed = parse_filter(text, NOW)
    assert parsed is not None, text
    return [f.filename for f in FILES if parsed.matches(f)]


def names_except(*excluded: str) -> list[str]:
    return [f.filename for f in FILES if f.filename not in excluded]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # text: part of the name, id or type, any case
        ("LOGS/", ["logs/app-1.log", "logs/old.log"]),
        ("or_file_c", ["my report.pdf"]),
        ("svg", ['say "hi".txt']),
        # regular expressions, case-insensitive
        (r"re:^logs/.*\.log$", ["logs/app-1.log", "logs/old.log"]),
        ("re:png$", ["images/Cat.PNG"]),  # the name (and the type image/png)
        # type: a prefix of the mime type, any case
        ("type:image/", ["images/Cat.PNG", 'say "hi".txt']),
        ("type:IMAGE/PNG", ["images/Cat.PNG"]),
        ("type:text", ["logs/app-1.log", ">10MB type:x.txt", "logs/old.log"]),
        # sizes: decimal and binary units, strict and inclusive comparisons
        (">10MB", ["images/Cat.PNG", 'say "hi".txt']),
        (">=10MB", ["images/Cat.PNG", "logs/old.log", 'say "hi".txt']),
        ("<1KiB", [">10MB type:x.txt"]),
        ("<=1KiB", ["my report.pdf", ">10MB type:x.txt"]),
        (">11MiB", ["images/Cat.PNG"]),  # 12,000,000 > 11,534,336
        (">=11MiB", ["images/Cat.PNG", 'say "hi".txt']),
        (">1999", ["logs/app-1.log", "images/Cat.PNG", "logs/old.log", 'say "hi".txt']),
        # ages from the given now
        ("older:30d", ["logs/app-1.log", "images/Cat.PNG", "logs/old.log"]),
        ("newer:2h", ["my report.pdf", 'say "hi".txt']),
        ("newer:45m", ['say "hi".txt']),
        ("older:1w newer:32d", ["logs/old.log"]),
    ],
)
def test_each_term(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "term", ["LOGS/", "re:^logs/", "type:image/", ">10MB", "<1KiB", "older:30d", "newer:2h"]
)
def test_bang_inverts_every_kind_of_term(term: str) -> None:
    kept = set(names(term))
    assert names("!" + term) == [f.filename for f in FILES if f.filename not in kept]


def test_terms_combine_as_and_in_any_order() -> None:
    assert names("older:30d re:^logs/") == ["logs/app-1.log", "logs/old.log"]
    assert names("re:^logs/ older:35d") == ["logs/app-1.log"]
    assert names("type:text/ !re:^logs/") == [">10MB type:x.txt"]
    assert names("  log   >5MB  ") == ["logs/old.log"]
    assert names("!type:image/ !older:30d !>1KiB") == ["my report.pdf", ">10MB type:x.txt"]


def test_quotes_make_text_with_spaces_or_literal_terms() -> None:
    assert names('"my report"') == ["my report.pdf"]
    assert names("my report") == ["my report.pdf"]  # two words, both in the name
    assert names('">10MB"') == [">10MB type:x.txt"]  # a literal '>' in a name
    assert names('"type:x"') == [">10MB type:x.txt"]
    assert names('!"type:x"') == names_except(">10MB type:x.txt")
    assert names(r'"say \"hi\""') == ['say "hi".txt']
    assert names(r're:"^my rep"') == ["my report.pdf"]
    assert names("it's") == []  # a quote inside a word is just a character


@pytest.mark.parametrize("text", ["", "   ", "!", "re:", "!re:", '""', '!""'])
def test_empty_patterns_filter_nothing(text: str) -> None:
    assert parse_filter(text, NOW) is None


@pytest.mark.parametrize(
    ("text", "token", "column", "reason"),
    [
        ("older:30d re:([ x", "re:([", 11, "invalid regular expression"),
        ("re:^logs/ older:3x", "older:3x", 11, "not an age"),
        ("newer:", "newer:", 1, "newer: needs a value, e.g. newer:2h"),
        ("a >10QB", ">10QB", 3, "not a size"),
        ("> 10MB", ">", 1, "> needs a value"),
        ("!<", "!<", 1, "< needs a value"),
        ("type:", "type:", 1, "type: needs a value, e.g. type:image/"),
        ('logs "my rep', '"my rep', 6, "the quote is not closed"),
        ('"my"report', '"my"r', 1, "put a space after the closing quote"),
        ("! logs", "!", 1, "put the term right after !, with no space"),
        ("logs re: ^a", "re:", 6, "put the pattern right after re:, with no space"),
    ],
)
def test_errors_name_the_bad_term_and_its_column(
    text: str, token: str, column: int, reason: str
) -> None:
    with pytest.raises(FilterError) as caught:
        parse_filter(text, NOW)
    error = caught.value
    assert error.token == token
    assert error.column == column
    assert text[error.position :].startswith(token)
    assert reason in error.reason
    assert str(error).startswith(f"{token!r} at column {column}: ")


def test_the_pointer_lines_up_under_wide_and_escaped_characters() -> None:
    text = "日本\x1b older:zz"
    with pytest.raises(FilterError) as caught:
        parse_filter(text, NOW)
    shown, carets = caught.value.pointer(text)
    assert shown == "日本\\x1b older:zz"
    assert carets == " " * 9 + "^" * len("older:zz")  # 2 wide characters + 4 for \x1b + space


def test_ages_count_from_the_given_now() -> None:
    file = FILES[2]  # created an hour before NOW
    later = parse_filter("older:30m", NOW + timedelta(minutes=1))
    earlier = parse_filter("older:30m", NOW - timedelta(minutes=40))
    assert later is not None and later.matches(file)
    assert earlier is not None and not earlier.matches(file)


def test_flag_terms_join_a_parsed_filter() -> None:
    parsed = parse_filter("!re:app", NOW)
    assert parsed is not None
    combined = Filter.of(
        "x", (*parsed.terms, older_than(timedelta(days=30), NOW), larger_than(5_000_000))
    )
    assert combined is not None
    assert [f.filename for f in FILES if combined.matches(f)] == ["images/Cat.PNG", "logs/old.log"]
    prefix = Filter.of("", [name_prefix("logs/")])
    assert prefix is not None
    assert [f.filename for f in FILES if prefix.matches(f)] == ["logs/app-1.log", "logs/old.log"]
    assert Filter.of("", []) is None


def test_cheap_terms_are_checked_first() -> None:
    parsed = parse_filter("re:x hello type:text/ older:1d >1kB", NOW)
    assert parsed is not None
    assert [term.kind for term in parsed.terms] == ["older", "size", "type", "text", "regex"]


TERMS = st.sampled_from(
    ["log", "re:^logs/", "type:image/", "type:text", ">10MB", "<=1KiB", "older:30d", "newer:2h"]
)


@given(st.lists(st.tuples(st.booleans(), TERMS), min_size=1, max_size=5))
def test_a_filter_is_the_and_of_its_terms(terms: list[tuple[bool, str]]) -> None:
    words = [("!" if negated else "") + term for negated, term in terms]
    whole = parse_filter(" ".join(words), NOW)
    parts = [parse_filter(word, NOW) for word in words]
    assert whole is not None and all(part is not None for part in parts)

    def each(file: FileObject) -> bool:
        return all(part is not None and part.matches(file) for part in parts)

    assert [whole.matches(f) for f in FILES] == [each(f) for f in FILES]


@given(st.text(alphabet=st.sampled_from(list(' !"\\<>=:retypoldnwx^(*[10MBKiBd\t')), max_size=30))
def test_any_text_parses_or_names_its_bad_term(text: str) -> None:
    try:
        parsed = parse_filter(text, NOW)
    except FilterError as error:
        assert error.token and text[error.position :].startswith(error.token)
        assert error.token == error.token.strip()
    else:
        if parsed is not None:
            for file in FILES:
                assert parsed.matches(file) in (True, False)
