"""Settings: flags > environment > TOML file > defaults, loaded without ever raising.

The file lives at ``platformdirs.user_config_path("orbrowse") / "config.toml"`` unless
``ORBROWSE_CONFIG`` or an explicit ``config_path`` says otherwise. Keys it understands::

    api_key = "sk-or-v1-…"            # optional; never printed in full
    base_url = "https://openrouter.ai/api/v1"
    default_workspace = "<uuid>"
    clipboard = "auto"                # auto | osc52 | system
    delete_concurrency = 8            # 1–32
    page_size = 100                   # 1–1000
    undo_seconds = 5                  # 0 turns the undo window off, at most 60
    stall_timeout = 60                # seconds a download may receive nothing, 1–3600
    request_timeout = 60              # seconds per API call, retries included (not transfers)
    preview_max_bytes = 262144        # bytes a preview reads at most: 0 turns previews off
    images = "auto"                   # auto | kitty | sixel | halfblock ($ORBROWSE_IMAGES wins)
    read_only_workspaces = ["<uuid>"]
    theme = "textual-dark"
    view = "auto"                     # auto | folders | flat: the browser's first view
    [workspaces."<uuid>"]             # how one workspace looks, and whether it is read-only
    label = "PROD"                    # at most 24 characters, shown as plain text
    color = "red"                     # a name from COLOR_NAMES or #rgb / #rrggbb
    read_only = true
    [keys]                            # binding id = keys (see the README); e.g. delete = "D"
    delete = "D"
    [[recent_workspaces]]             # most recent first, at most 10
    id = "<uuid>"
    name = "Production"
    slug = "production"

A bad value costs only that value: it becomes a :class:`ConfigProblem` and the default is
used. A file that cannot be parsed costs the whole file, with one problem (a warning: the run
goes on with defaults, the environment and the flags). Writers edit the
file with tomlkit, so keys they do not know, comments, order and layout stay as written; they
never touch ``api_key``; they write a symlinked config through to the file it points to,
atomically (a temp file beside it, then a rename); and they refuse (with
:class:`ConfigError`) to overwrite a file they cannot parse, since that would lose what the
user wrote. Workspace names from the server are written without control, bidi or invisible
characters.
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, cast
from urllib.parse import urlsplit

import platformdirs

from orbrowse.api.client import DEFAULT_BASE_URL
from orbrowse.names import strip_invisible
from orbrowse.preview.detect import ENV_IMAGES, IMAGES_MODES, ImagesMode
from orbrowse.private_file import replace_atomically

if TYPE_CHECKING:  # tomlkit is imported by the writers, with the first change saved
    import tomlkit
    from tomlkit.items import AoT

ClipboardMode = Literal["auto", "osc52", "system"]
ViewMode = Literal["auto", "folders", "flat"]
"""The browser's first view; ``auto``: folders as soon as a listed name holds a ``/``."""
KeySource = Literal["--api-key", "OPENROUTER_API_KEY", "config file"]

DEFAULT_THEME: Final = "textual-dark"
DEFAULT_CLIPBOARD: Final[ClipboardMode] = "auto"
DEFAULT_VIEW: Final[ViewMode] = "auto"
DEFAULT_DELETE_CONCURRENCY: Final = 8
DEFAULT_PAGE_SIZE: Final = 100
DEFAULT_UNDO_SECONDS: Final = 5
DEFAULT_STALL_TIMEOUT: Final = 60
DEFAULT_REQUEST_TIMEOUT: Final = 60.0
REQUEST_TIMEOUT_RANGE: Final = (1.0, 3600.0)
DEFAULT_PREVIEW_MAX_BYTES: Final = 256 * 1024
MAX_RECENT_WORKSPACES: Final = 10
MAX_LABEL_LENGTH: Final = 24
COLOR_NAMES: Final = (
    "red", "crimson", "darkred", "maroon", "orange", "darkorange", "gold", "yellow", "olive",
    "lime", "green", "darkgreen", "teal", "cyan", "blue", "darkblue", "navy", "purple",
    "magenta", "pink", "brown", "gray", "grey", "silver", "white", "black",
)  # fmt: skip
"""The colour names a workspace may have (each is a Textual colour); or #rgb / #rrggbb."""
_HEX_COLOR_RE: Final = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6})")
_WORKSPACE_KEYS: Final = ("label", "color", "read_only")

ENV_API_KEY: Final = "OPENROUTER_API_KEY"
ENV_CONFIG: Final = "ORBROWSE_CONFIG"
ENV_BASE_URL: Final = "ORBROWSE_BASE_URL"
ENV_WORKSPACE: Final = "ORBROWSE_WORKSPACE"
ENV_REQUEST_TIMEOUT: Final = "ORBROWSE_REQUEST_TIMEOUT"

_CLIPBOARD_MODES: Final = ("auto", "osc52", "system")
_VIEW_MODES: Final[tuple[ViewMode, ...]] = ("auto", "folders", "flat")
_RANGES: Final[dict[str, tuple[int, int, int]]] = {
    # key: (low, high, default)
    "delete_concurrency": (1, 32, DEFAULT_DELETE_CONCURRENCY),
    "page_size": (1, 1000, DEFAULT_PAGE_SIZE),
    "undo_seconds": (0, 60, DEFAULT_UNDO_SECONDS),
    "stall_timeout": (1, 3600, DEFAULT_STALL_TIMEOUT),
    "preview_max_bytes": (0, 16 * 1024 * 1024, DEFAULT_PREVIEW_MAX_BYTES),
}
_UUID_RE: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


_IGNORED: Final = "ignoring it, using defaults, the environment and the flags"


class ConfigError(OSError):
    """The config file could not be written; ``str(error)`` is fit to show a person.

    An ``OSError`` so that callers guarding file writes with ``except OSError`` catch it.
    """


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """Something wrong with the settings that was worked around; shown to the user."""

    message: str
    key: str | None = None
    severity: Literal["warning", "error"] = "warning"

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class RecentWorkspace:
    """A workspace used before, remembered so the picker can offer it without a management key."""

    id: str
    name: str = ""
    slug: str = ""


@dataclass(frozen=True, slots=True)
class WorkspaceStyle:
    """How one workspace is told apart (``[workspaces."<uuid>"]``): all optional."""

    label: str = ""
    """Plain text (never markup), without control or invisible characters."""
    color: str = ""
    """A lower-case name from :data:`COLOR_NAMES` or ``#rgb``/``#rrggbb``; "" for none."""
    read_only: bool = False

    @property
    def is_plain(self) -> bool:
        """Nothing set: the workspace looks like any other."""
        return not (self.label or self.color or self.read_only)


def check_color(text: str) -> str | None:
    """The colour ``text`` names, normalised (lower case, trimmed), or ``None`` if not one."""
    value = text.strip().lower()
    if value in COLOR_NAMES or _HEX_COLOR_RE.fullmatch(value):
        return value
    return None


def clean_label(text: str) -> str:
    """A label as it is kept: visible characters only, trimmed, at most MAX_LABEL_LENGTH."""
    return strip_invisible(text).strip()[:MAX_LABEL_LENGTH]


class WorkspaceLike(Protocol):
    """Anything with a workspace's id, name and slug (``api.models.Workspace`` included)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def slug(self) -> str: ...


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    """``$ORBROWSE_CONFIG`` if set, else the platform's config folder / ``config.toml``."""
    environ = os.environ if env is None else env
    override = environ.get(ENV_CONFIG)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path("orbrowse") / "config.toml"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything orbrowse is configured with, after precedence has been applied."""

    api_key: str | None = field(default=None, repr=False)
    api_key_source: KeySource | None = None
    base_url: str = DEFAULT_BASE_URL
    workspace: str | None = None
    recent_workspaces: tuple[RecentWorkspace, ...] = ()
    clipboard: ClipboardMode = DEFAULT_CLIPBOARD
    delete_concurrency: int = DEFAULT_DELETE_CONCURRENCY
    page_size: int = DEFAULT_PAGE_SIZE
    undo_seconds: int = DEFAULT_UNDO_SECONDS
    stall_timeout: int = DEFAULT_STALL_TIMEOUT
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    """Seconds one API request may take in all (attempts, waits and the reply's body)."""
    preview_max_bytes: int = DEFAULT_PREVIEW_MAX_BYTES
    images: ImagesMode = "auto"
    """How images are drawn: ``auto`` asks the terminal at start-up (see preview/detect.py)."""
    read_only: bool = False
    read_only_workspaces: tuple[str, ...] = ()
    workspace_styles: tuple[tuple[str, WorkspaceStyle], ...] = ()
    """(lower-case workspace id, style) from the ``[workspaces]`` tables."""
    theme: str = DEFAULT_THEME
    view: ViewMode = DEFAULT_VIEW
    keys: tuple[tuple[str, str], ...] = ()
    """(binding id, keys) pairs from the ``[keys]`` table; the TUI checks ids and key names."""
    allow_insecure_http: bool = False
    config_path: Path | None = None
    problems: tuple[ConfigProblem, ...] = ()

    @property
    def masked_key(self) -> str:
        """The key as it may be shown: see :func:`mask_key`; "" when there is none."""
        return mask_key(self.api_key) if self.api_key else ""

    def is_read_only(self, workspace_id: str | None) -> bool:
        """Whether write actions are hidden in this workspace (``--read-only`` or the file)."""
        if self.read_only:
            return True
        return workspace_id is not None and (
            workspace_id.lower() in {w.lower() for w in self.read_only_workspaces}
            or self.style_of(workspace_id).read_only
        )

    def style_of(self, workspace_id: str | None) -> WorkspaceStyle:
        """The workspace's label, colour and read-only flag from the file (plain if none)."""
        if workspace_id is not None:
            wanted = workspace_id.strip().lower()
            for known, style in self.workspace_styles:
                if known == wanted:
                    return style
        return WorkspaceStyle()

    def with_style(self, workspace_id: str, style: WorkspaceStyle) -> Settings:
        """These settings after :func:`set_workspace_style` saved ``style`` for the workspace."""
        wanted = workspace_id.strip().lower()
        styles = tuple((k, v) for k, v in self.workspace_styles if k != wanted)
        listed = self.read_only_workspaces
        if not style.read_only:
            listed = tuple(w for w in listed if w.lower() != wanted)
        return replace(
            self,
            workspace_styles=styles if style.is_plain else (*styles, (wanted, style)),
            read_only_workspaces=listed,
        )

    @property
    def any_read_only_workspace(self) -> bool:
        """Whether the file makes any workspace read-only (either way of saying it)."""
        return bool(self.read_only_workspaces) or any(
            style.read_only for _, style in self.workspace_styles
        )


def is_uuid(text: str) -> bool:
    """Whether ``text`` is a UUID in its usual 8-4-4-4-12 hex form (any case)."""
    return _UUID_RE.fullmatch(text.strip()) is not None


def mask_key(key: str) -> str:
    """A key fit to show: ``sk-or-v1-…a1b2``; short or odd keys become ``••••``.

    At most the vendor prefix (up to three short dash-separated groups) and the last four
    characters are shown, and only when at least 16 hidden characters remain between them.
    """
    key = key.strip()
    groups = key.split("-")
    prefix = ""
    for group in groups[:-1][:3]:
        if not (1 <= len(group) <= 4 and group.isascii() and group.isalnum()):
            break
        prefix += group + "-"
    hidden = len(key) - len(prefix) - 4
    if hidden < 16:
        return "••••"
    return f"{prefix}…{key[-4:]}"


def _redact(text: str, secret: str | None) -> str:
    if secret and len(secret) >= 4:
        return text.replace(secret, mask_key(secret))
    return text


def _check_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class _Loader:
    """Collects problems while reading one source; every check falls back, never raises."""

    def __init__(self) -> None:
        self.problems: list[ConfigProblem] = []

    def problem(self, message: str, key: str | None, severity: str = "warning") -> None:
        level: Literal["warning", "error"] = "error" if severity == "error" else "warning"
        self.problems.append(ConfigProblem(message, key, level))

    def read_file(self, path: Path) -> tuple[dict[str, Any], bool]:
        """The parsed table (empty if missing or bad) and whether the file exists."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return {}, False
        except IsADirectoryError:
            self.problem(f"config file {path} is a folder; using defaults", None, "error")
            return {}, True
        except OSError as exc:
            self.problem(
                f"config file {path} could not be read ({exc.strerror or exc}); using defaults",
                None,
                "error",
            )
            return {}, True
        if os.name == "posix":
            with contextlib.suppress(OSError):
                if path.stat().st_mode & 0o077:
                    self.problem(
                        f"config file {path} is readable by other users; run chmod 600 {path}",
                        None,
                    )
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            self.problem(f"config file {path} is not UTF-8 text; {_IGNORED}", None)
            return {}, True
        except tomllib.TOMLDecodeError as exc:
            # A warning, not an error: the flags and the environment may be all the run needs.
            self.problem(f"config file {path} is not valid TOML ({exc}); {_IGNORED}", None)
            return {}, True
        return data, True

    def integer(self, data: Mapping[str, Any], key: str) -> int:
        low, high, default = _RANGES[key]
        if key not in data:
            return default
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(
                f"{key} should be a whole number from {low} to {high}, got {value!r}; "
                f"using {default}",
                key,
            )
            return default
        if not low <= value <= high:
            self.problem(f"{key} {value} is out of range {low}–{high}; using {default}", key)
            return default
        return value

    def seconds(self, value: object, where: str) -> float | None:
        """A timeout from the file (a number) or the environment/flags (text), if valid."""
        low, high = REQUEST_TIMEOUT_RANGE
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        number: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            with contextlib.suppress(ValueError):
                number = float(value)
        if number is None or not low <= number <= high:  # NaN fails the range too
            self.problem(
                f"request_timeout {value!r} from {where} is not a number of seconds from "
                f"{low:g} to {high:g}; using {DEFAULT_REQUEST_TIMEOUT:g}",
                "request_timeout",
            )
            return None
        return number

    def string(self, data: Mapping[str, Any], key: str) -> str | None:
        if key not in data:
            return None
        value = data[key]
        if not isinstance(value, str):
            self.problem(f"{key} should be a string, got {type(value).__name__}; ignoring it", key)
            return None
        return value

    def choice(self, value: str | None, key: str, choices: Sequence[str], label: str = "") -> str:
        """``value`` (any case) if it is one of ``choices``, else the first choice."""
        if value is None:
            return choices[0]
        lowered = value.strip().lower()
        if lowered in choices:
            return lowered
        self.problem(
            f"{label or key} {value!r} is not one of {', '.join(choices)}; using {choices[0]}",
            key,
        )
        return choices[0]

    def clipboard(self, data: Mapping[str, Any]) -> ClipboardMode:
        value = self.choice(self.string(data, "clipboard"), "clipboard", _CLIPBOARD_MODES)
        return cast(ClipboardMode, value)

    def images(self, data: Mapping[str, Any], environ: Mapping[str, str]) -> ImagesMode:
        """``$ORBROWSE_IMAGES`` over the file's ``images``."""
        if environ.get(ENV_IMAGES, "").strip():
            value = self.choice(environ[ENV_IMAGES], "images", IMAGES_MODES, ENV_IMAGES)
        else:
            value = self.choice(self.string(data, "images"), "images", IMAGES_MODES)
        return cast(ImagesMode, value)

    def view(self, data: Mapping[str, Any]) -> ViewMode:
        return cast(ViewMode, self.choice(self.string(data, "view"), "view", _VIEW_MODES))

    def workspace_id(self, value: str | None, key: str, where: str) -> str | None:
        if value is None or not value.strip():
            return None
        if not is_uuid(value):
            self.problem(
                f"{key} {value!r} from {where} is not a workspace id (a UUID); ignoring it",
                key,
                "error",
            )
            return None
        return value.strip()

    def base_url(self, value: str | None, where: str) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not _check_url(value):
            self.problem(
                f"base_url {value!r} from {where} is not an http(s) URL; using {DEFAULT_BASE_URL}",
                "base_url",
                "error",
            )
            return None
        return value

    def items(self, data: Mapping[str, Any], key: str, of: str) -> list[Any]:
        """The list at ``key`` (none if absent); anything else is a problem, read as none."""
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problem(f"{key} should be a list of {of}; ignoring it", key)
            return []
        return value

    def id_list(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        ids: list[str] = []
        for item in self.items(data, key, "workspace ids"):
            if isinstance(item, str) and is_uuid(item):
                ids.append(item.strip())
            else:
                self.problem(f"{key} entry {item!r} is not a workspace id; ignoring it", key)
        return tuple(ids)

    def table(self, data: Mapping[str, Any], key: str, shape: str) -> dict[str, Any]:
        """The table at ``key`` (empty if absent); anything else is a problem, read as empty."""
        table = data.get(key, {})
        if not isinstance(table, dict):
            self.problem(f"{key} should be {shape}; ignoring it", key)
            return {}
        return table

    def keys(self, data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
        table = self.table(data, "keys", 'a table ([keys] with lines like delete = "D")')
        found: list[tuple[str, str]] = []
        for binding_id, keys in table.items():
            if isinstance(keys, str) and keys.strip():
                found.append((str(binding_id), keys.strip()))
            else:
                self.problem(
                    f'keys.{binding_id} should be a string of keys like "D" or "ctrl+d,D"; '
                    "ignoring it",
                    "keys",
                )
        return tuple(found)

    def workspace_styles(self, data: Mapping[str, Any]) -> tuple[tuple[str, WorkspaceStyle], ...]:
        tables = self.table(data, "workspaces", 'tables like [workspaces."<uuid>"]')
        found: dict[str, WorkspaceStyle] = {}
        for workspace_id, table in tables.items():
            where = f"workspaces.{workspace_id!r}"
            if not is_uuid(workspace_id):
                self.problem(f"{where}: not a workspace id (a UUID); ignoring it", "workspaces")
                continue
            if not isinstance(table, dict):
                self.problem(f"{where} should be a table; ignoring it", "workspaces")
                continue
            found[workspace_id.strip().lower()] = self.workspace_style(table, where)
        return tuple(found.items())

    def workspace_style(self, table: Mapping[str, Any], where: str) -> WorkspaceStyle:
        """One ``[workspaces."<uuid>"]`` table; each bad value is a problem and left out."""
        for unknown in sorted(set(table) - set(_WORKSPACE_KEYS)):
            self.problem(
                f"{where}.{unknown} is not a workspace setting (label, color, read_only); "
                "ignoring it",
                "workspaces",
            )
        label = table.get("label", "")
        if not isinstance(label, str):
            self.problem(f"{where}.label should be a string; ignoring it", "workspaces")
            label = ""
        elif len(strip_invisible(label).strip()) > MAX_LABEL_LENGTH:
            self.problem(
                f"{where}.label is cut to {MAX_LABEL_LENGTH} visible characters", "workspaces"
            )
        color_text = table.get("color", "")
        color = check_color(color_text) if isinstance(color_text, str) else None
        if color is None and color_text != "":
            self.problem(
                f"{where}.color {color_text!r} is not a colour (a name such as red, orange, "
                "green, blue, purple, gray, or #rrggbb); using none",
                "workspaces",
            )
        read_only = table.get("read_only", False)
        if not isinstance(read_only, bool):
            self.problem(f"{where}.read_only should be true or false; ignoring it", "workspaces")
            read_only = False
        return WorkspaceStyle(clean_label(label), color or "", read_only)

    def recent(self, data: Mapping[str, Any]) -> tuple[RecentWorkspace, ...]:
        key = "recent_workspaces"
        found: list[RecentWorkspace] = []
        seen: set[str] = set()
        for item in self.items(data, key, "tables"):
            entry = _recent_from(item)
            if entry is None:
                self.problem(f"{key} has an entry without a valid id; ignoring it", key)
                continue
            if entry.id.lower() not in seen:
                seen.add(entry.id.lower())
                found.append(entry)
        return tuple(found[:MAX_RECENT_WORKSPACES])


def _recent_from(item: object) -> RecentWorkspace | None:
    if not isinstance(item, Mapping):
        return None
    workspace_id = item.get("id")
    if not isinstance(workspace_id, str) or not is_uuid(workspace_id):
        return None
    name = item.get("name")
    slug = item.get("slug")
    return RecentWorkspace(
        id=workspace_id.strip(),
        name=strip_invisible(name) if isinstance(name, str) else "",
        slug=strip_invisible(slug) if isinstance(slug, str) else "",
    )


def load_settings(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    workspace: str | None = None,
    read_only: bool = False,
    allow_insecure_http: bool = False,
    config_path: Path | None = None,
    env: Mapping[str, str] | None = None,
    request_timeout: str | float | None = None,
) -> Settings:
    """Settings from flags (the keyword arguments) > ``env`` > the TOML file > defaults.

    Never raises: whatever was wrong is in ``Settings.problems`` (no message holds the key).
    ``env`` defaults to ``os.environ``; tests pass a dict.
    """
    environ = os.environ if env is None else env
    path = config_path if config_path is not None else default_config_path(environ)
    loader = _Loader()
    data, _exists = loader.read_file(path)

    file_key = loader.string(data, "api_key")
    key: str | None = None
    source: KeySource | None = None
    if api_key and api_key.strip():
        key, source = api_key.strip(), "--api-key"
    elif environ.get(ENV_API_KEY, "").strip():
        key, source = environ[ENV_API_KEY].strip(), "OPENROUTER_API_KEY"
    elif file_key and file_key.strip():
        key, source = file_key.strip(), "config file"

    url = (
        loader.base_url(base_url, "--base-url")
        or loader.base_url(environ.get(ENV_BASE_URL), ENV_BASE_URL)
        or loader.base_url(loader.string(data, "base_url"), "the config file")
        or DEFAULT_BASE_URL
    )
    chosen_workspace = (
        loader.workspace_id(workspace, "workspace", "--workspace")
        or loader.workspace_id(environ.get(ENV_WORKSPACE), "workspace", ENV_WORKSPACE)
        or loader.workspace_id(
            loader.string(data, "default_workspace"), "default_workspace", "the config file"
        )
    )
    theme = loader.string(data, "theme")
    timeout = (
        loader.seconds(request_timeout, "--request-timeout")
        or loader.seconds(environ.get(ENV_REQUEST_TIMEOUT), ENV_REQUEST_TIMEOUT)
        or loader.seconds(data.get("request_timeout"), "the config file")
        or DEFAULT_REQUEST_TIMEOUT
    )
    settings = Settings(
        api_key=key,
        api_key_source=source,
        base_url=url,
        workspace=chosen_workspace,
        recent_workspaces=loader.recent(data),
        clipboard=loader.clipboard(data),
        delete_concurrency=loader.integer(data, "delete_concurrency"),
        page_size=loader.integer(data, "page_size"),
        undo_seconds=loader.integer(data, "undo_seconds"),
        stall_timeout=loader.integer(data, "stall_timeout"),
        request_timeout=timeout,
        preview_max_bytes=loader.integer(data, "preview_max_bytes"),
        images=loader.images(data, environ),
        read_only=read_only,
        read_only_workspaces=loader.id_list(data, "read_only_workspaces"),
        workspace_styles=loader.workspace_styles(data),
        theme=theme.strip() if theme and theme.strip() else DEFAULT_THEME,
        view=loader.view(data),
        keys=loader.keys(data),
        allow_insecure_http=allow_insecure_http,
        config_path=path,
    )
    # A key pasted into the wrong field must not come back in full through a message.
    secrets = {key, file_key, api_key}
    problems = []
    for problem in loader.problems:
        message = problem.message
        for secret in secrets:
            message = _redact(message, secret)
        problems.append(replace(problem, message=message))
    return replace(settings, problems=tuple(problems))


# Writing ---------------------------------------------------------------------------------


def _read_for_update(path: Path) -> tuple[dict[str, Any], tomlkit.TOMLDocument]:
    """The file's data, and the document itself (comments, order and layout kept) to edit."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, tomlkit.document()
    except OSError as exc:
        raise ConfigError(f"config file {path} could not be read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8")
        return tomllib.loads(text), tomlkit.parse(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, TOMLKitError) as exc:
        raise ConfigError(
            f"config file {path} cannot be parsed, so it was left as it is; "
            "fix or remove it to save settings"
        ) from exc


def _write_atomic(path: Path, document: tomlkit.TOMLDocument) -> None:
    """Write ``document``: a 0600 temp file beside the real file, then ``os.replace``.

    A symlinked config is written through: the file the link points to is replaced, and the
    link stays a link.
    """
    import tomlkit

    text = tomlkit.dumps(document)
    target = Path(os.path.realpath(path))
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        replace_atomically(target, text, prefix=".config-")
    except OSError as exc:
        raise ConfigError(f"could not write {path}: {exc.strerror or exc}") from exc


def update_config(changes: Mapping[str, Any], path: Path | None = None) -> Path:
    """Set (or, with a value of ``None``, remove) top-level keys, keeping everything else.

    Raises :class:`ConfigError` when the file cannot be read, parsed or written.
    """
    target = path if path is not None else default_config_path()
    _, document = _read_for_update(target)
    for key, value in changes.items():
        if key == "api_key":
            raise ValueError("orbrowse never writes the API key")
        if value is None:
            document.pop(key, None)
        elif document.get(key) != value:  # an unchanged value keeps its comment and layout
            document[key] = value
    _write_atomic(target, document)
    return target


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Save the preferences of ``settings`` (not the key, base URL or workspaces).

    Writes clipboard, delete_concurrency, page_size, undo_seconds, read_only_workspaces and
    theme; the default and recent workspaces have their own writers below.
    """
    return update_config(
        {
            "clipboard": settings.clipboard,
            "delete_concurrency": settings.delete_concurrency,
            "page_size": settings.page_size,
            "undo_seconds": settings.undo_seconds,
            "read_only_workspaces": list(settings.read_only_workspaces),
            "theme": settings.theme,
        },
        path if path is not None else settings.config_path,
    )


def _recent_tables(recent: Sequence[RecentWorkspace]) -> AoT:
    import tomlkit

    tables = tomlkit.aot()
    for item in recent:
        table = tomlkit.table()
        table.update({"id": item.id, "name": item.name, "slug": item.slug})
        tables.append(table)
    return tables


def remember_workspace(
    workspace: WorkspaceLike, path: Path | None = None
) -> tuple[RecentWorkspace, ...]:
    """Put ``workspace`` first in the recent list (deduplicated, at most 10) and save it.

    Returns the new list. Entries in the file that are not valid are dropped.
    """
    if not is_uuid(workspace.id):
        raise ValueError(f"{workspace.id!r} is not a workspace id")
    target = path if path is not None else default_config_path()
    data, document = _read_for_update(target)
    # Names come from the server: no control, bidi or invisible characters reach the file.
    entry = RecentWorkspace(
        workspace.id.strip(), strip_invisible(workspace.name), strip_invisible(workspace.slug)
    )
    existing = data.get("recent_workspaces")
    previous = [
        item
        for item in (_recent_from(raw) for raw in (existing if isinstance(existing, list) else []))
        if item is not None and item.id.lower() != entry.id.lower()
    ]
    recent = (entry, *previous)[:MAX_RECENT_WORKSPACES]
    document["recent_workspaces"] = _recent_tables(recent)
    _write_atomic(target, document)
    return recent


def set_default_workspace(workspace_id: str | None, path: Path | None = None) -> Path:
    """Save (or with ``None`` clear) the workspace orbrowse opens when none is given."""
    if workspace_id is not None and not is_uuid(workspace_id):
        raise ValueError(f"{workspace_id!r} is not a workspace id")
    value = workspace_id.strip() if workspace_id is not None else None
    return update_config({"default_workspace": value}, path)


def set_workspace_style(
    workspace_id: str, style: WorkspaceStyle, path: Path | None = None
) -> WorkspaceStyle:
    """Save one workspace's label, colour and read-only flag in its ``[workspaces."<id>"]``
    table, keeping everything else in the file; returns what was saved.

    Empty values are removed (a table left empty goes); other keys the user wrote in that
    table stay. Turning read-only off also takes the id out of ``read_only_workspaces``, or it
    would stay read-only. Raises :class:`ConfigError` (unreadable file) or ``ValueError`` (not
    a workspace id, not a colour).
    """
    import tomlkit
    from tomlkit.items import InlineTable, KeyType, SingleKey, Table

    if not is_uuid(workspace_id):
        raise ValueError(f"{workspace_id!r} is not a workspace id")
    color = check_color(style.color) if style.color else ""
    if color is None:
        raise ValueError(f"{style.color!r} is not a colour")
    saved = WorkspaceStyle(clean_label(style.label), color, style.read_only)
    target = path if path is not None else default_config_path()
    _, document = _read_for_update(target)
    wanted = workspace_id.strip().lower()
    tables = document.get("workspaces")
    if not isinstance(tables, Table | InlineTable):  # absent (or not tables: it was ignored)
        tables = tomlkit.table(is_super_table=True)
        document["workspaces"] = tables
    key = next((k for k in tables if k.strip().lower() == wanted), None)
    found = tables.get(key) if key is not None else None
    table = found if isinstance(found, Table | InlineTable) else tomlkit.table()
    values: dict[str, str | bool | None] = {
        "label": saved.label or None,
        "color": saved.color or None,
        "read_only": True if saved.read_only else None,
    }
    for name, value in values.items():
        if value is None:
            table.pop(name, None)
        elif table.get(name) != value:
            table[name] = value
    if table is not found and table:
        table.add(tomlkit.nl())  # a blank line before whatever table follows
        if key is not None:
            tables.pop(key)  # it was not a table
        tables.append(SingleKey(wanted, t=KeyType.Basic), table)  # [workspaces."<id>"]
    elif table is found and not table and key is not None:
        tables.pop(key)
    if not tables:
        document.pop("workspaces", None)
    listed = document.get("read_only_workspaces")
    if not saved.read_only and isinstance(listed, list):
        kept = [
            item
            for item in listed
            if not (isinstance(item, str) and item.strip().lower() == wanted)
        ]
        if len(kept) != len(listed):
            document["read_only_workspaces"] = kept
    _write_atomic(target, document)
    return saved
