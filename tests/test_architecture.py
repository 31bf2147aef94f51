"""Import rules between the packages, checked the way harlequin does: import each module in
a fresh interpreter and look at ``sys.modules`` (what a user's process would really load).

- ``api/`` is a library: never Textual, never the emulator, the TUI or the commands.
- ``emulator/`` never imports Textual, the TUI or the commands.
- ``listing/`` (what the browser and the CLI both show) never imports Textual or the TUI.
- ``commands/`` (the scriptable CLI) never imports the TUI or Textual.
- ``preview/`` (decoding and drawing previews) never imports Textual or the TUI.
- ``tui/`` never starts the emulator: the command line does (``orbrowse --demo``).
- Start-up (the CLI, the app and the browser screen) loads neither Pillow nor Rich's Markdown
  (markdown-it): the preview imports them when it first draws an image or Markdown.

A static check over every ``import`` statement (lazy ones inside functions too, which the
fresh interpreter never runs) holds the same rules, and keeps the package graph free of the
circles it once had (``cli`` <-> ``commands``, ``tui.app`` <-> screens).
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import orbrowse

ROOT = Path(orbrowse.__file__).parent

RULES: dict[str, tuple[str, ...]] = {
    "orbrowse.api": ("textual", "orbrowse.emulator", "orbrowse.tui", "orbrowse.commands"),
    "orbrowse.emulator": ("textual", "orbrowse.tui", "orbrowse.commands"),
    "orbrowse.listing": ("textual", "orbrowse.emulator", "orbrowse.tui", "orbrowse.commands"),
    "orbrowse.commands": ("textual", "orbrowse.tui"),
    "orbrowse.preview": ("textual", "orbrowse.emulator", "orbrowse.tui", "orbrowse.commands"),
    "orbrowse.tui": ("orbrowse.emulator",),
}

PROBE = """
import importlib, json, sys
forbidden = tuple(sys.argv[2:])
found = {}
for name in sys.argv[1].split(","):
    importlib.import_module(name)
    for loaded in list(sys.modules):
        if loaded.startswith(forbidden) and loaded not in found:
            found[loaded] = name
print(json.dumps(found))
"""


def modules_of(package: str) -> list[str]:
    path = ROOT.joinpath(*package.split(".")[1:])
    names = [package]
    for info in pkgutil.walk_packages([str(path)], prefix=f"{package}."):
        if not info.name.rsplit(".", 1)[-1].startswith("__"):
            names.append(info.name)
    return sorted(names)


def imported_by(modules: list[str], forbidden: tuple[str, ...]) -> dict[str, str]:
    """{forbidden module loaded: the module whose import loaded it}, from a fresh interpreter."""
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(modules), *forbidden],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    found: dict[str, str] = json.loads(completed.stdout)
    return found


@pytest.mark.parametrize("package", sorted(RULES))
def test_package_imports_follow_the_rules(package: str) -> None:
    modules = modules_of(package)
    assert len(modules) > 1
    found = imported_by(modules, RULES[package])
    assert found == {}, f"{package} must not import these (loaded by): {found}"


STARTUP = ["orbrowse.cli", "orbrowse.tui.launch", "orbrowse.tui.screens.browser"]
PREVIEW_ONLY = ("PIL", "rich.markdown", "markdown_it")


def test_start_up_leaves_the_preview_decoders_unloaded() -> None:
    """They were a third of the browser screen's imports (``profile_speed.py startup``)."""
    assert imported_by(STARTUP, PREVIEW_ONLY) == {}


STARTUP_NEVER_USES = (
    "click",  # httpx's own command line (httpx.main), with rich.progress and pygments
    "rich.progress",
    "orbrowse.commands.runner",  # the subcommands' runner and output
    "orbrowse.commands.output",
    "tomlkit",  # writing the config: reading it is tomllib's
    "pyperclip",  # the first copy
    "orbrowse.bulk",  # the first deletion
    "rich.syntax",  # the first highlighted preview, with Pygments
    "pygments",
    "httpcore",  # httpx's own transport, with h11 and anyio: only behind an HTTPS proxy
    "h11",
    "anyio",
)


def test_start_up_leaves_what_the_first_row_does_not_use_unloaded() -> None:
    """As ``orbrowse`` starts (``cli.main`` first keeps httpx's command line out), up to the
    browser screen; each was a part of the imports before the first row
    (``profile_speed.py startup``)."""
    probe = (
        "import sys\n"
        "from orbrowse.cli import skip_httpx_command_line\n"
        "skip_httpx_command_line()\n"
        f"sys.argv[1:] = {[','.join(STARTUP), *STARTUP_NEVER_USES]!r}\n" + PROBE
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(completed.stdout) == {}


def test_the_probe_sees_a_forbidden_import() -> None:
    # The check itself can fail: the TUI does load Textual.
    assert "textual" in imported_by(["orbrowse.tui.app"], ("textual",))


def _imports(path: Path, module: str, *, ours_only: bool = True) -> set[str]:
    """Every orbrowse module ``path`` imports (every module, if not ``ours_only``), at any
    level: lazy imports inside functions included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("orbrowse") or not ours_only}


@pytest.mark.parametrize("package", sorted(RULES))
def test_no_import_statement_breaks_the_rules(package: str) -> None:
    """The same rules over every ``import`` written in the package, also those inside a
    function that the probe above never runs."""
    forbidden = RULES[package]
    folder = ROOT.joinpath(*package.split(".")[1:])
    broken = {
        f"{path.relative_to(ROOT.parent)}: {name}"
        for path in folder.rglob("*.py")
        for name in _imports(path, _module_name(path), ours_only=False)
        if any(name == f or name.startswith(f"{f}.") for f in forbidden)
    }
    assert broken == set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_the_statement_check_sees_a_lazy_import(tmp_path: Path) -> None:
    source = tmp_path / "lazy.py"
    source.write_text("def f():\n    from textual.app import App\n    return App\n")
    assert "textual.app" in _imports(source, "orbrowse.api.lazy", ours_only=False)


def import_graph() -> dict[str, set[str]]:
    modules: dict[str, Path] = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return {
        name: {target for target in _imports(path, name) if target in modules and target != name}
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def without_package_inits(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Drop edges from a module to its own package's ``__init__`` (Python imports it first
    anyway, so ``api.client`` "importing" ``orbrowse.api`` is no circle)."""
    return {
        name: {t for t in targets if not name.startswith(t + ".")}
        for name, targets in graph.items()
    }


def test_no_import_circles() -> None:
    assert cycles(without_package_inits(import_graph())) == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
