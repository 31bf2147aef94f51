"""A pytest plugin: OpenRouter's Files API on a free loopback port, for other projects' tests.

Installed with orbrowse (the ``pytest11`` entry point ``orbrowse``), it adds two fixtures:

- ``openrouter_emulator``: a fresh emulator for one test;
- ``openrouter_emulator_shared``: one emulator for the whole session, reset before each test
  (empty data, no faults, an empty request log), for suites where starting a server per
  test is too slow.

Both give an :class:`OpenRouterEmulator`. ``-p no:orbrowse`` turns the plugin off. The
emulator is imported only when a test asks for a fixture, so the plugin costs nothing in a
session that does not use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from orbrowse.emulator.faults import Faults, RecordedRequest
    from orbrowse.emulator.server import RunningEmulator
    from orbrowse.emulator.store import Store, StoredFile

DEFAULT_WORKSPACE_ID = "5d3f2a1c-8e4b-4c7a-9f61-2b0e7d9a4c11"
"""The workspace an emulator starts with (empty, named Default): the keys' home."""


class OpenRouterEmulator:
    """A running emulator, as a test sees it.

    ``base_url`` (``http://127.0.0.1:PORT/api/v1``: the SDKs' ``server_url`` / ``base_url``),
    ``api_key`` (an ordinary key bound to ``workspace_id``), ``management_key`` (every
    workspace and the ``/workspaces`` calls), ``workspace_id`` (the default workspace),
    :meth:`seed`, ``faults`` (see :class:`orbrowse.emulator.faults.Faults`) and
    ``requests`` (every request received, oldest first).
    """

    def __init__(self, running: RunningEmulator) -> None:
        self._running = running

    @property
    def base_url(self) -> str:
        return self._running.url

    @property
    def api_key(self) -> str:
        key = self._running.keys.workspace_key
        assert key is not None
        return key

    @property
    def management_key(self) -> str:
        return self._running.keys.management_key

    @property
    def workspace_id(self) -> str:
        return self._running.store.default_workspace_id

    @property
    def faults(self) -> Faults:
        """Latency, random 500/503, 429s and dropped connections; scripted next failures."""
        return self._running.faults

    @property
    def requests(self) -> list[RecordedRequest]:
        """The requests received so far (method, path, query, lower-case headers)."""
        return self._running.faults.requests

    @property
    def store(self) -> Store:
        """The emulator's data, for assertions beyond the API (thread-safe)."""
        return self._running.store

    def files(self, workspace_id: str | None = None) -> list[StoredFile]:
        """The files of a workspace (default: ``workspace_id``), oldest first."""
        return self._running.store.files(workspace_id or self.workspace_id)

    def seed(
        self,
        files: int | Iterable[Mapping[str, Any]] = 0,
        *,
        workspaces: Iterable[Mapping[str, Any]] = (),
        workspace_id: str | None = None,
    ) -> list[StoredFile]:
        """Add data; returns the files added to ``workspace_id`` (default: the default one).

        ``files``: a number of generated, realistic files (names in folders, mixed types,
        a fifth of them server-created and downloadable), or file entries as in a seed
        file (``{"filename": ..., "text" | "base64" | "size_bytes": ..., "downloadable",
        "created_at", "id", "mime_type", "purpose"}``). ``workspaces``: workspace entries
        as in a seed file (``{"id", "name", "slug", "description", "files": [...]}``).
        """
        from orbrowse.emulator.seed import generate_files, load_files, load_seed_data

        store = self._running.store
        chosen = workspace_id or self.workspace_id
        listed = list(workspaces)
        if listed:
            load_seed_data(store, {"workspaces": listed})
        if isinstance(files, int):
            existing = store.count(chosen)
            return generate_files(store, chosen, files, seed=existing)
        return load_files(store, chosen, [dict(item) for item in files])

    def reset(self) -> None:
        """Back to the start: the empty default workspace, no faults, no requests logged."""
        _fill(self._running.store)
        self._running.faults.clear()


def _fill(store: Store) -> None:
    from datetime import UTC, datetime

    store.clear()
    store.add_workspace(
        DEFAULT_WORKSPACE_ID,
        "Default",
        "default",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        default=True,
    )


def _start() -> RunningEmulator:
    from orbrowse.emulator.faults import Faults
    from orbrowse.emulator.keys import Keys
    from orbrowse.emulator.server import start_emulator
    from orbrowse.emulator.store import Store

    store = Store()
    _fill(store)
    return start_emulator(store=store, faults=Faults(), keys=Keys())


@pytest.fixture
def openrouter_emulator() -> Iterator[OpenRouterEmulator]:
    """A fresh emulator for this test: an empty default workspace, no faults."""
    with _start() as running:
        yield OpenRouterEmulator(running)


@pytest.fixture(scope="session")
def _openrouter_emulator_session() -> Iterator[OpenRouterEmulator]:
    with _start() as running:
        yield OpenRouterEmulator(running)


@pytest.fixture
def openrouter_emulator_shared(
    _openrouter_emulator_session: OpenRouterEmulator,
) -> OpenRouterEmulator:
    """The session's one emulator, reset for this test (data, faults, request log)."""
    _openrouter_emulator_session.reset()
    return _openrouter_emulator_session
