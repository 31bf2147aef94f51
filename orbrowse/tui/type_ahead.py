"""Type-ahead: keys typed after a key that opens an input wait until that input has focus.

Why this is needed (Textual 8.2): the app forwards each key to the widget that has focus *when
the app takes the key off its queue*, and a binding's action runs only later, when the key has
bubbled back up from that widget to the app. A burst such as ``/board`` (a paste, or a fast
typist over SSH, arrives in one read) is therefore forwarded to the file table in full before
``/`` has run its action; and the action's focus change is deferred once more
(``Widget.focus`` goes through ``call_later``; a pushed dialog mounts its children
asynchronously). So ``b``, ``o``, ``a``, ``r`` ran the browser's bindings instead of reaching
the filter.

:class:`TypeAhead` sits in front of the app's key dispatch. After a key whose active binding
opens an input or a screen (and after Enter or Escape in an input, which usually hand focus
back), later keys and pastes are held, in order, until focus has moved (to the input, or to
the new screen once it is mounted), then dispatched as if they had just arrived. If focus does
not move after all, they are released after ``timeout`` seconds. Held keys are then sent one
at a time, each once the one before has been handled, since it may move focus again.

A key whose action waits for something still on its way (``x`` typed before the browser's
first rows: there is no file to delete yet) is held the same way, with the keys after it,
until what it waits for has come (``waits_for``); Ctrl+C, and ``q`` right after it, quit at once.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, replace
from typing import Any, Literal

from textual import events
from textual.app import App
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

InputEvent = events.Key | events.Paste
Forward = Callable[[InputEvent], Awaitable[None]]

POLL_SECONDS = 0.01
LEAVING_KEYS = frozenset({"enter", "escape"})
"""Keys that, in an input, usually move focus elsewhere (submit, close)."""


@dataclass(frozen=True, slots=True)
class _Gate:
    """Focus as it was when the opening key was dispatched."""

    screen: Screen[Any]
    focused: Widget | None
    deadline: float
    leaving: bool = False
    """Not an opening key: also open once the app has nothing left to do."""
    waiting_turn: bool = False
    until: Callable[[], bool] | None = None
    """Held for what a key waits for (``waits_for``): open once this is true, not before."""


def action_name(action: str) -> str:
    """``"app.help"`` and ``"move(1)"`` → ``"help"``, ``"move"``."""
    return action.split("(", 1)[0].rsplit(".", 1)[-1]


class TypeAhead:
    """Holds keys behind a key that opens an input, until focus gets there."""

    def __init__(
        self,
        app: App[Any],
        forward: Forward,
        opening_actions: Collection[str],
        *,
        maybe_opening: Collection[str] = (),
        timeout: float = 1.0,
        waiting: Callable[[], bool] = lambda: False,
        waits_for: Callable[[events.Key], Callable[[], bool] | None] = lambda _: None,
    ) -> None:
        """``maybe_opening``: actions that may open a screen or an input, or act in place;
        keys after them are held as after Enter in an input (until focus moves or the app
        has nothing left to do). ``waiting``: whether the screen an opening key asked for
        is still being prepared (the workspaces looked up over a slow link); the timeout
        waits for that too. ``waits_for``: for a key that cannot act yet but will once
        something arrives, whether it has arrived (the key and those after it are held
        until then); ``None`` for a key that can act now."""
        self._app = app
        self._forward = forward
        self._opening_actions = frozenset(opening_actions)
        self._maybe_opening = frozenset(maybe_opening)
        self._timeout = timeout
        self._waiting = waiting
        self._waits_for = waits_for
        self._held: deque[InputEvent] = deque()
        self._gate: _Gate | None = None
        self._timer: Timer | None = None
        self._releasing = False

    @property
    def holding(self) -> int:
        """How many keys and pastes are waiting."""
        return len(self._held)

    async def dispatch(self, event: InputEvent) -> None:
        """Dispatch ``event`` now, or hold it behind an opening key still in flight."""
        if self._gate is not None and self._gate.until is not None and self._quits(event):
            await self._forward(event)  # quitting is never held behind what a key waits for
            return
        if self._gate is not None or self._held:
            self._held.append(event)
            await self._release()
            return
        await self._send(event)

    def _quits(self, event: InputEvent) -> bool:
        """Ctrl+C (a priority binding), or ``q`` right after the waiting key (after other
        keys it may be a letter for a field they open)."""
        if not isinstance(event, events.Key):
            return False
        active = self._app.screen.active_bindings.get(event.key)
        if active is None:
            return False
        if action_name(active.binding.action) != "quit":
            return False  # another priority binding (Ctrl+P) waits its turn with the rest
        return active.binding.priority or len(self._held) == 1

    async def _send(self, event: InputEvent, *, held: bool = False) -> None:
        moves = self._moves_focus(event)
        screen, focused = self._app.screen, self._app.focused
        until = self._waiting_key(event)
        if until is not None:
            self._held.appendleft(event)  # sent once what it waits for has come
            self._gate = _Gate(screen, focused, time.monotonic(), until=until)
            self._start_polling()
            return
        await self._forward(event)
        if moves is not None or held:
            # A held key goes one at a time too: the dialog it reached may move focus on it
            # (digits typed on the delete confirmation's Cancel go to the count field).
            deadline = time.monotonic() + self._timeout
            self._gate = _Gate(screen, focused, deadline, leaving=moves != "opening")
            self._start_polling()

    def _start_polling(self) -> None:
        if self._timer is None:
            self._timer = self._app.set_interval(POLL_SECONDS, self._release, name="type-ahead")

    def _waiting_key(self, event: InputEvent) -> Callable[[], bool] | None:
        if not isinstance(event, events.Key):
            return None
        focused = self._app.focused
        if focused is not None and focused.check_consume_key(event.key, event.character):
            return None  # text for an input
        return self._waits_for(event)

    def _moves_focus(self, event: InputEvent) -> Literal["opening", "leaving"] | None:
        if not isinstance(event, events.Key):
            return None
        focused = self._app.focused
        if focused is not None and focused.check_consume_key(event.key, event.character):
            return None  # the input takes it as text (a "/" typed into a filter)
        if isinstance(focused, Input) and event.key in LEAVING_KEYS:
            return "leaving"  # "/foo", Enter, "x": the "x" belongs to where Enter moves focus
        active = self._app.screen.active_bindings.get(event.key)
        if active is None or not active.enabled:
            return None
        name = action_name(active.binding.action)
        if name in self._opening_actions:
            return "opening"
        return "leaving" if name in self._maybe_opening else None

    def _gate_open(self, gate: _Gate) -> bool:
        if gate.until is not None:
            return gate.until()
        app = self._app
        if time.monotonic() >= gate.deadline and not self._waiting():
            return True
        if app.screen is not gate.screen:
            # Mounted means its on_mount has run and queued any focus() call it makes.
            return app.screen.is_mounted
        return app.focused is not gate.focused or (gate.leaving and self._idle())

    def _idle(self) -> bool:
        """No message waiting for the app or for any widget of the screen.

        Enter that submits a field and leaves focus where it was has then been handled: the
        key and the messages it causes travel from queue to queue (a message is handled
        without awaiting in between), and a focus change waits on the app's queue.
        ``_pending_message`` is a message a pump has already taken to look ahead at.
        """
        app = self._app
        if app.message_queue_size or app._next_callbacks:
            return False
        return not any(
            node.message_queue_size or node._pending_message is not None or node._next_callbacks
            for node in app.screen.walk_children(with_self=True)
        )

    async def _release(self) -> None:
        """Poll: once focus has arrived, dispatch what was held (up to the next opening key)."""
        if self._releasing:
            return
        gate = self._gate
        if gate is not None:
            if gate.waiting_turn or not self._gate_open(gate):
                return
            if gate.screen is not self._app.screen:
                # A new screen: let the focus calls it has queued on the app run first.
                self._gate = replace(gate, waiting_turn=True)
                self._app.call_later(self._turn_taken)
                return
            self._gate = None
        await self._drain()

    async def _turn_taken(self) -> None:
        self._gate = None
        await self._drain()

    async def _drain(self) -> None:
        self._releasing = True
        try:
            while self._held and self._gate is None:
                await self._send(self._held.popleft(), held=True)
        finally:
            self._releasing = False
            if self._gate is None and not self._held and self._timer is not None:
                self._timer.stop()
                self._timer = None
