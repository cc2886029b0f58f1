"""The dependency rules of DESIGN.md section 3, the layers of the application, and the Clock
rule. Each rule is also shown catching an offender, so a rule that cannot fail is noticed."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "storage")
CORE = [
    ROOT / "bot" / "core",
    ROOT / "bot" / "usecases",
    ROOT / "bot" / "domain",
    ROOT / "handlers",
]
FORBIDDEN = {
    "telegram",
    "nio",
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "alembic",
    "storage",
    "aiohttp",
}
NOT_FOR_USE_CASES = {
    "bot.core.context",
    "bot.core.router",
    "bot.adapters",
    "bot.channels",
    "bot.app",
    "handlers",
    "storage",
    "telegram",
    "nio",
    "aiohttp",
    "sqlalchemy",
}
"""A use case knows no chat command, no platform, no channel and no SQL."""
MAX_LINES = 400


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    return {
        _module_name(path, root): path
        for package in packages
        for path in (root / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def _imported_modules(path: Path, modules: set[str]) -> set[str]:
    """Project modules `path` imports, anywhere in it (top level, functions, TYPE_CHECKING):
    `from a.b import c` counts as `a.b.c` when that is a module, else as `a.b`."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in modules
                else node.module
                for alias in node.names
            ]
        found |= {name for name in names if name in modules}
    return found


def import_cycles(root: Path, packages: Iterable[str] = PACKAGES) -> list[list[str]]:
    """Every group of modules that import each other in a circle (Tarjan's strongly
    connected components with more than one module, or a module importing itself)."""
    sources = _sources(root, packages)
    modules = set(sources)
    graph = {name: _imported_modules(path, modules) - {name} for name, path in sources.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

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
                cycles.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return cycles


def repository_touches(path: Path) -> list[str]:
    """Places where a handler reaches the unit of work (and so a repository) itself."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Attribute) and node.attr == "uow") or (
            isinstance(node, ast.ImportFrom) and node.module in {"bot.usecases.ports", "storage"}
        ):
            found.append(f"{path.name}:{node.lineno}")
    return found


def use_case_offences(path: Path) -> list[str]:
    """Imports a use case (or a domain rule) may not have."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            if any(name == bad or name.startswith(bad + ".") for bad in NOT_FOR_USE_CASES):
                found.append(f"{path.name}:{node.lineno} {name}")
    return found


def test_core_knows_no_platform_and_no_sql() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN)
        for folder in CORE
        for path in folder.rglob("*.py")
        if _imports(path) & FORBIDDEN
    }
    assert offenders == {}


def test_the_rule_would_catch_an_offender(tmp_path: Path) -> None:
    offender = tmp_path / "bad.py"
    offender.write_text("from sqlalchemy import select\nimport nio.api\n", encoding="utf-8")
    assert _imports(offender) & FORBIDDEN == {"sqlalchemy", "nio"}


def test_handlers_never_touch_a_repository() -> None:
    offenders = [
        place for path in (ROOT / "handlers").glob("*.py") for place in repository_touches(path)
    ]
    assert offenders == []


def test_a_handler_touching_a_repository_is_caught(tmp_path: Path) -> None:
    offender = tmp_path / "members.py"
    offender.write_text(
        "async def members(ctx):\n    return await ctx.call.uow.members.of_partnership(1)\n",
        encoding="utf-8",
    )
    assert repository_touches(offender) == ["members.py:2"]


def test_use_cases_know_no_chat_context_and_no_platform() -> None:
    offenders = [
        place
        for folder in ("usecases", "domain")
        for path in (ROOT / "bot" / folder).rglob("*.py")
        for place in use_case_offences(path)
    ]
    assert offenders == []


def test_a_use_case_importing_the_chat_context_is_caught(tmp_path: Path) -> None:
    offender = tmp_path / "meetings.py"
    offender.write_text(
        "from bot.core.context import Context\nimport telegram.ext\nfrom bot.core.model import Meeting\n",
        encoding="utf-8",
    )
    assert use_case_offences(offender) == [
        "meetings.py:1 bot.core.context",
        "meetings.py:2 telegram.ext",
    ]


def test_the_modules_form_no_import_cycle() -> None:
    assert import_cycles(ROOT) == []


def test_an_import_cycle_is_caught(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "a.py").write_text("from pkg.b import thing\n", encoding="utf-8")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import c\n",
        encoding="utf-8",
    )
    (package / "c.py").write_text("def f():\n    import pkg.a\n", encoding="utf-8")
    (package / "d.py").write_text("import pkg.a\n", encoding="utf-8")
    assert import_cycles(tmp_path, ["pkg"]) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_no_module_is_over_400_lines() -> None:
    long = {
        name: lines
        for name, path in _sources(ROOT, (*PACKAGES, "bench", "tests")).items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_every_command_names_its_use_case_in_the_module_of_its_area() -> None:
    """`/termin` is registered in handlers/meetings.py with `uses=meetings.schedule`, which
    lives in bot/usecases/meetings.py: a newcomer finds any command's use case from its name."""
    from handlers import build_router

    answered_by_the_app = {"help", "start", "yes", "no"}
    router = build_router()
    missing, elsewhere = [], []
    for command in router.commands:
        if command.name in answered_by_the_app:
            continue
        if not command.use_cases:
            missing.append(command.key)
            continue
        area = command.handler.__module__.removeprefix("handlers.")
        for use_case in command.use_cases:
            module = getattr(use_case, "__module__", "")
            if module != f"bot.usecases.{area}":
                elsewhere.append(f"{command.key}: {module} (expected bot.usecases.{area})")
    assert missing == []
    assert elsewhere == []


@pytest.mark.parametrize("folder", ["bot", "handlers", "storage"])
def test_nobody_reads_the_wall_clock_directly(folder: str) -> None:
    calls = []
    for path in (ROOT / folder).rglob("*.py"):
        if path.name == "clock.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"now", "utcnow", "today"}
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in {"datetime", "date"}
            ):
                calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert calls == []
