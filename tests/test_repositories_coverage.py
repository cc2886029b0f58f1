"""Every repository of the unit of work has a contract test, method by method, that runs on
every backend; and storage's modules import each other without a cycle.

The contract tests are the `tests/test_repositories*.py` files. A method counts as covered
when one of their tests, taking the `database` fixture (so SQLite and, when configured,
PostgreSQL), calls it as `<anything>.<repository>.<method>(...)`: a repository or a method
added to `bot.usecases.ports` without such a test fails here.
"""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

from bot.usecases import ports

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = sorted(Path(__file__).parent.glob("test_repositories*.py"))


def repositories() -> dict[str, type]:
    """The unit of work's repositories: attribute name -> protocol."""
    hints = typing.get_type_hints(ports.UnitOfWork)
    return {
        name: kind
        for name, kind in hints.items()
        if inspect.isclass(kind) and kind.__module__.startswith(ports.__name__)
    }


def methods(protocol: type) -> set[str]:
    return {
        name
        for name, value in vars(protocol).items()
        if inspect.isfunction(value) and not name.startswith("_")
    }


def _tests(path: Path) -> list[ast.AsyncFunctionDef | ast.FunctionDef]:
    """The module's test functions (setup helpers do not count as testing a method)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in tree.body
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef)
        and node.name.startswith("test_")
    ]


def _calls(node: ast.AST, names: set[str]) -> set[tuple[str, str]]:
    """(repository, method) of every `x.<repository>.<method>(...)` under `node`."""
    found: set[tuple[str, str]] = set()
    for call in ast.walk(node):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
            continue
        owner = call.func.value
        if isinstance(owner, ast.Attribute) and owner.attr in names:
            found.add((owner.attr, call.func.attr))
    return found


def covered() -> dict[tuple[str, str], list[str]]:
    """(repository, method) -> the backend-parametrised tests that call it."""
    names = set(repositories())
    result: dict[tuple[str, str], list[str]] = {}
    for path in CONTRACTS:
        for test in _tests(path):
            if "database" not in {a.arg for a in test.args.args}:
                continue
            for key in _calls(test, names):
                result.setdefault(key, []).append(f"{path.name}::{test.name}")
    return result


def test_the_unit_of_work_is_read_as_expected() -> None:
    found = repositories()
    assert {"partnerships", "persons", "outbox", "reminders", "actions"} <= set(found)
    assert methods(found["outbox"]) >= {"add", "due", "mark_sent", "next_due_at"}


def test_every_repository_method_has_a_contract_test_on_every_backend() -> None:
    tested = covered()
    missing = sorted(
        f"uow.{name}.{method}"
        for name, protocol in repositories().items()
        for method in methods(protocol)
        if (name, method) not in tested
    )
    assert not missing, (
        "repository methods without a contract test in tests/test_repositories*.py "
        f"(a test taking the `database` fixture that calls them): {missing}"
    )


def _storage_imports(path: Path) -> set[str]:
    """Every storage module `path` imports: at the top, under TYPE_CHECKING, in functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("storage.")}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "storage":
                found |= {f"storage.{a.name}" for a in node.names}
            elif node.module.startswith("storage."):
                found.add(node.module)
    return found


def test_storage_modules_import_each_other_without_a_cycle() -> None:
    graph = {
        f"storage.{path.stem}": _storage_imports(path)
        for path in sorted((ROOT / "storage").glob("*.py"))
    }
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str], done: set[str]) -> None:
        if module in path:
            cycles.append([*path[path.index(module) :], module])
            return
        if module in done:
            return
        for target in sorted(graph.get(module, ())):
            visit(target, [*path, module], done)
        done.add(module)

    finished: set[str] = set()
    for module in graph:
        visit(module, [], finished)
    assert not cycles, f"import cycles in storage/: {[' -> '.join(c) for c in cycles]}"
