"""The Textual application: the screens and how the app moves between them.

:func:`build_app` is the one way to make it (the CLI, the demo, the tests and the screenshot
script all call it). At start it finds out which workspaces the key may use and either opens
the browser directly or shows the workspace picker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import cached_property
from typing import Any, ClassVar

from textual import events, work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen

from orbrowse import startup_gc
from orbrowse.api.errors import (
    OpenRouterError,
    PermissionDeniedError,
    describe,
)
from orbrowse.tui.base import OrbrowseBase, WorkspaceChoice
from orbrowse.tui.keymap import binding_ids, check_keymap
from orbrowse.tui.type_ahead import InputEvent, TypeAhead, action_name

INPUT_OPENING_ACTIONS = frozenset(
    {
        "filter",  # the browser's and the picker's filter fields
        "upload",
        "download",
        "delete",  # the confirmation, with its typed count
        "copy_menu",
        "pick_workspace",
        "help",
        "command_palette",
        "open_preview",
        "search",  # the preview's search field
    }
)
"""Actions after which typed keys belong to the input or screen they open (see type_ahead)."""

MAYBE_OPENING_ACTIONS = frozenset({"open_row", "open_folder", "folder_up"})
"""Actions that open a screen or not (Enter previews a file, opens a folder in place; l and h
change folder through a message the screen handles): keys after them wait until focus moves
or the app has handled the action, whichever comes first."""


def all_binding_lists() -> list[list[BindingType]]:
    """The ``BINDINGS`` of every orbrowse app, screen, dialog and widget (for the keymap)."""
    import orbrowse.tui.dialogs
    import orbrowse.tui.screens.browser
    import orbrowse.tui.screens.no_key
    import orbrowse.tui.screens.workspace_picker  # noqa: F401

    found: list[list[BindingType]] = []
    pending: list[type[DOMNode]] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("orbrowse.") and "BINDINGS" in cls.__dict__:
            found.append(list(cls.__dict__["BINDINGS"]))
    return found


EXIT_NO_USABLE_KEY = 3
"""The exit code when the app ends without a usable key (none, or refused), as the
subcommands use it."""

GC_RESUME_SECONDS = 1.0
"""When the collector paused for the start-up runs again if no browser's first rows have
resumed it (a picker, a key screen, a first page that does not come)."""

IN_FLIGHT = {
    "delete": "A deletion is running: quitting stops it. Deletes already sent may still "
    "complete, no more are sent, and the deletion log keeps what is known; opening this "
    "workspace again (or orbrowse rm --resume) offers to finish it.",
    "download": "A download is running: quitting stops it and removes the partly written "
    "file; files already saved stay.",
    "upload": "An upload is running: quitting stops it, and the file is kept only if the "
    "server already has all of it.",
}
"""Worker groups that hold work a person would not want cut off silently."""


class OrbrowseApp(OrbrowseBase):
    """orbrowse: browse and manage the files OpenRouter keeps for a workspace."""

    TITLE = "orbrowse"
    ENABLE_COMMAND_PALETTE = True
    # The browser's stylesheet (also its CSS_PATH) parsed with Textual's at the start: a screen
    # that brings a new one makes Textual parse every stylesheet loaded so far again, as the
    # browser opens (``benchmarks/profile_speed.py startup``).
    CSS_PATH = "screens/browser.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit orbrowse"),
        Binding(
            "ctrl+c",
            "quit",
            "Quit",
            show=False,
            priority=True,
            id="quit_ctrl_c",
            tooltip="Quit orbrowse (asks first while a deletion or a transfer runs)",
        ),
        Binding(
            "w",
            "pick_workspace",
            "Workspaces",
            id="workspaces",
            tooltip="Pick another workspace to browse",
        ),
        Binding(
            "question_mark",
            "help",
            "Help",
            id="help",
            key_display="?",
            tooltip="Every key, grouped",
        ),
        Binding("f1", "help", "Help", show=False, id="help_f1", tooltip="Every key, grouped"),
    ]

    # -- keys ---------------------------------------------------------------------------------

    @cached_property
    def type_ahead(self) -> TypeAhead:
        return TypeAhead(
            self,
            self._forward_input,
            INPUT_OPENING_ACTIONS,
            maybe_opening=MAYBE_OPENING_ACTIONS,
            waiting=self._looking_up_workspaces,
            waits_for=self._key_waits_for,
        )

    def _key_waits_for(self, event: events.Key) -> Callable[[], bool] | None:
        """What a key that cannot act yet waits for (the browser's first rows), if it does."""
        waits_for = getattr(self.screen, "key_waits_for", None)
        return waits_for(event.key) if callable(waits_for) else None

    def _looking_up_workspaces(self) -> bool:
        """``w`` waits for the workspaces before the picker shows (1.5 s over a slow link):
        keys typed meanwhile are the picker's, not the browser's."""
        return any(w.group == "workspaces" and w.is_running for w in self.workers)

    _keys_ready = False
    """Whether a screen that takes keys (the browser, the picker) is up: before, keys are
    held (a slow link's wait for the workspaces shows no screen they could reach)."""

    @cached_property
    def _keys_before_a_screen(self) -> list[InputEvent]:
        return []

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            if not self._keys_ready and not self._acts_at_once(event):
                self._keys_before_a_screen.append(event)
                return
            await self.type_ahead.dispatch(event)
        else:
            await super().on_event(event)

    def _acts_at_once(self, event: InputEvent) -> bool:
        """Quitting works before any screen is up: Ctrl+C (a priority binding) always, and
        ``q`` typed first (after another key it may be a filter's letter)."""
        if not isinstance(event, events.Key):
            return False
        active = self.active_bindings.get(event.key)
        if active is None:
            return False
        quits = action_name(active.binding.action) == "quit"
        return active.binding.priority or (quits and not self._keys_before_a_screen)

    def replay_typed_ahead(self) -> None:
        super().replay_typed_ahead()
        if self._keys_ready:
            return
        self._keys_ready = True
        # After the keys typed before Textual read the terminal (queued just now), in order;
        # sent by the app, as the driver sends keys (a key sent by the screen would stop
        # bubbling there, short of the app's binding check).
        for event in self._keys_before_a_screen:
            copy = (
                events.Key(event.key, event.character)
                if isinstance(event, events.Key)
                else events.Paste(event.text)
            )
            self.post_message(copy.set_sender(self))
        self._keys_before_a_screen.clear()

    async def _forward_input(self, event: InputEvent) -> None:
        await super().on_event(event)

    _asking_to_quit = False

    # -- start-up ---------------------------------------------------------------------------

    async def on_load(self) -> None:
        """Before Textual starts the terminal and draws: put the first page's request on the
        wire, so the round trip overlaps the first layout and paint (``orbrowse`` itself has
        sent it before importing Textual: ``tui/launch.py``)."""
        workspace = self.settings.workspace
        if self.client is None or not workspace or self.early_listing is not None:
            return
        client = self.client.with_workspace(workspace)
        pager = client.pager(limit=self.settings.page_size)
        self.early_listing = (workspace, client, pager)
        await pager.prefetch_sent()

    def on_mount(self) -> None:
        # The browser resumes it after its first rows; any other start, a second from now.
        self.set_timer(GC_RESUME_SECONDS, startup_gc.resume)
        for problem in self.settings.problems:
            self.notify(str(problem), title="Config", severity="warning", markup=False)
        if self.settings.keys:
            self.apply_config_keys()
        if self.client is None:
            from orbrowse.tui.screens.no_key import NoKeyScreen

            self.push_screen(NoKeyScreen(self.settings, self.startup_error))
            self.call_after_refresh(self.replay_typed_ahead)
            return
        if workspace := self.settings.workspace:
            # After Textual's start-up batch (Compose to Mount, with its own awaits): a screen
            # pushed inside it lays out and draws a first frame that the batch throws away.
            self.call_later(
                self.open_workspace, WorkspaceChoice(workspace, self._recent_name(workspace))
            )
        else:
            self.discover_workspaces(initial=True)

    def apply_config_keys(self) -> None:
        """Remap keys from the config's ``[keys]``; each entry that cannot apply is reported."""
        keymap, problems = check_keymap(self.settings.keys, binding_ids(all_binding_lists()))
        self.set_keymap(keymap)
        for problem in problems:
            self.notify(problem, title="Config", severity="warning", markup=False)

    async def known_workspaces(self) -> tuple[list[WorkspaceChoice], bool]:
        """Workspaces to offer, and whether the key could list them (a management key)."""
        assert self.client is not None
        choices: list[WorkspaceChoice] = []
        can_list = True
        try:
            async for workspace in self.client.iter_workspaces():
                choices.append(WorkspaceChoice.of(workspace, "account"))
        except PermissionDeniedError:
            can_list = False
            info = await self.client.get_key_info()
            # No placeholder name here: it would be remembered as the workspace's name.
            choices.append(
                WorkspaceChoice(
                    info.workspace_id, self._recent_name(info.workspace_id or ""), "", "key"
                )
            )
        seen = {c.id for c in choices}
        for recent in self.settings.recent_workspaces:
            if recent.id not in seen:
                choices.append(WorkspaceChoice(recent.id, recent.name, recent.slug, "recent"))
                seen.add(recent.id)
        return choices, can_list

    @work(exclusive=True, group="workspaces", exit_on_error=False)
    async def discover_workspaces(self, initial: bool = False) -> None:
        from orbrowse.tui.screens.workspace_picker import WorkspacePicker

        notice = None
        if initial:
            from orbrowse.tui.widgets.waiting_notice import WaitingNotice

            notice = WaitingNotice("Looking up the workspaces…", markup=False)
            await self.screen.mount(notice)
        try:
            choices, can_list = await self.known_workspaces()
        except OpenRouterError as error:
            if initial:
                self.open_workspace(WorkspaceChoice(None, "This key's workspace"))
            self.notify(describe(error), title="Workspaces", severity="error", markup=False)
            return
        finally:
            if notice is not None:
                await notice.remove()
        if initial and len(choices) == 1:
            self.open_workspace(choices[0])
            return
        current = self.workspace.id if self.workspace else None
        picker = WorkspacePicker(choices, can_list, current=current, client=self.client)
        choice = await self.push_screen_wait(picker)
        if choice is not None:
            self.open_workspace(choice)
        elif initial and self.workspace is None:
            self.exit(0)

    def open_workspace(self, choice: WorkspaceChoice) -> None:
        """Show the browser for ``choice``, replacing any browser already open."""
        from orbrowse.tui.screens.browser import BrowserScreen

        assert self.client is not None
        if choice.id and not choice.name:
            choice = replace(choice, name=self._recent_name(choice.id))
        self.workspace = choice  # remembered by the browser once its first rows are drawn
        early, self.early_listing = self.early_listing, None
        if early is not None and early[0] == choice.id:
            client, pager = early[1], early[2]
        else:
            if early is not None:
                early[2].cancel()
            client, pager = self.client.with_workspace(choice.id), None
        browser = BrowserScreen(client, choice, read_only=self.is_read_only(choice), pager=pager)
        while len(self.screen_stack) > 1 and not isinstance(self.screen, BrowserScreen):
            self.pop_screen()
        if isinstance(self.screen, BrowserScreen):
            self.switch_screen(browser)
        else:
            self.push_screen(browser)

    # -- actions ------------------------------------------------------------------------------

    @property
    def exit_code(self) -> int:
        """0, or :data:`EXIT_NO_USABLE_KEY` when the app ends without a usable key."""
        return EXIT_NO_USABLE_KEY if self.client is None or self.key_refused else 0

    def work_in_flight(self) -> list[str]:
        """What quitting now would interrupt, each said with what happens to it.

        A deletion still in its undo countdown has sent nothing: quitting undoes it, without
        a question (the countdown went on behind it, and ended in the deletion)."""
        from orbrowse.tui.dialogs.delete_progress import DeleteProgressDialog

        running = {
            worker.group
            for worker in self.workers
            if worker.is_running
            and not (isinstance(worker.node, DeleteProgressDialog) and worker.node.phase == "undo")
        }
        return [text for group, text in IN_FLIGHT.items() if group in running]

    async def action_quit(self) -> None:
        work = self.work_in_flight()
        if work and not self._asking_to_quit:
            self.ask_to_quit(work)
            return
        self.exit(self.exit_code, return_code=self.exit_code)

    @work(group="quit", exit_on_error=False)
    async def ask_to_quit(self, work: list[str]) -> None:
        from orbrowse.tui.dialogs.confirm import ConfirmDialog

        self._asking_to_quit = True  # a second Ctrl+C while asking quits at once
        try:
            question = " ".join(work) + " Quit anyway?"
            if await self.push_screen_wait(ConfirmDialog("Quit now?", question, yes_label="Quit")):
                self.exit(self.exit_code, return_code=self.exit_code)
        finally:
            self._asking_to_quit = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without a key there is nothing to pick from.
        return not (action == "pick_workspace" and self.client is None)

    def action_pick_workspace(self) -> None:
        if self.client is not None:
            self.discover_workspaces()

    def action_help(self) -> None:
        from orbrowse.tui.dialogs.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen.for_screen(self.screen))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = getattr(screen, "palette_commands", None)
        if callable(commands):
            yield from commands()


build_app = OrbrowseApp
"""The one factory for the app, used by the CLI, the demo, tests and screenshots: the
constructor itself (settings, then the keywords of :class:`OrbrowseBase`)."""
