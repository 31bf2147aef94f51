"""Property-based tests for the rules not covered elsewhere: pagination with deletions between
pages (client against the emulator) and response parsing on arbitrary JSON."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import ResponseFormatError
from orbrowse.api.models import FileObject, FilePage, parse_timestamp
from orbrowse.emulator.faults import Faults
from orbrowse.emulator.keys import Keys
from orbrowse.emulator.server import RunningEmulator, start_emulator
from orbrowse.emulator.store import Store
from tests.conftest import DEFAULT_WORKSPACE_ID, fixture_store
from tests.reliability.conftest import ONE_TRY

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6)
    ),
    max_leaves=20,
)
FIELDS = [
    "_shape",
    "id",
    "type",
    "filename",
    "mime_type",
    "size_bytes",
    "created_at",
    "downloadable",
    "bytes",
    "object",
    "data",
    "has_more",
    "cursor",
    "first_id",
    "last_id",
]
file_like = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=10)
page_like = st.dictionaries(
    st.sampled_from(FIELDS), json_values | st.lists(file_like, max_size=3), max_size=8
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(json_values, file_like, page_like))
def test_parsing_arbitrary_json_raises_only_response_format_error(value: Any) -> None:
    for parse in (FileObject.from_json, FilePage.from_json):
        with contextlib.suppress(ResponseFormatError):
            parse(value)
    # Through real JSON text too, as it comes off the wire.
    with contextlib.suppress(ResponseFormatError):
        FilePage.from_json(json.loads(json.dumps(value)))


def _store(count: int) -> Store:
    store = fixture_store()
    for n in range(count):
        store.add_file(DEFAULT_WORKSPACE_ID, f"p-{n:03d}.txt", size_bytes=n)
    return store


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    count=st.integers(0, 60),
    sizes=st.lists(st.integers(1, 12), min_size=1, max_size=8),
    deletions=st.lists(st.lists(st.integers(0, 59), max_size=4), max_size=8),
)
def test_pagination_with_deletions_between_pages_lists_survivors_once(
    count: int, sizes: list[int], deletions: list[list[int]]
) -> None:
    """Pages of varying sizes; files deleted (seen or not yet seen) between pages.

    Every file present from start to end is listed exactly once; no id is listed twice;
    nothing listed was never on the server.
    """
    with start_emulator(store=_store(count), faults=Faults(seed=3), keys=Keys()) as emulator:
        asyncio.run(_paginate(emulator, count, sizes, deletions))


async def _paginate(
    emulator: RunningEmulator, count: int, sizes: list[int], deletions: list[list[int]]
) -> None:
    store = emulator.store
    everything = [f.id for f in store.files(DEFAULT_WORKSPACE_ID)]
    deleted: set[str] = set()
    listed: list[str] = []
    async with FilesClient(emulator.keys.management_key, base_url=emulator.url, retry=ONE_TRY) as c:
        cursor: str | None = None
        after: str | None = None
        step = 0
        while True:
            page = await c.list_files(limit=sizes[step % len(sizes)], cursor=cursor, after=after)
            listed.extend(f.id for f in page.files)
            if step < len(deletions):
                for index in deletions[step]:
                    if index < count and everything[index] not in deleted:
                        store.delete(DEFAULT_WORKSPACE_ID, everything[index])
                        deleted.add(everything[index])
            step += 1
            if not page.has_more:
                break
            cursor, after = page.cursor, None
            assert step < count + 20, "pagination does not end"
    assert len(listed) == len(set(listed))
    assert set(listed) <= set(everything)
    survivors = set(everything) - deleted
    assert survivors <= set(listed)


@pytest.mark.parametrize(
    "created_at",
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59.999999Z"],
)
def test_a_creation_time_outside_the_years_python_keeps_is_a_format_error(
    created_at: str,
) -> None:
    value = {
        "id": "or_file_a",
        "type": "file",
        "filename": "a",
        "mime_type": "text/plain",
        "size_bytes": 1,
        "created_at": created_at,
        "downloadable": False,
    }
    with pytest.raises(ResponseFormatError):
        FileObject.from_json(value)  # the fast path: every field as the API sends it
    # The general parser: a UTC time, or this error (an OverflowError escaped before).
    with contextlib.suppress(ResponseFormatError):
        assert parse_timestamp(created_at).tzinfo is UTC
