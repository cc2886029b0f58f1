"""The dependency rule of DESIGN.md section 3, and the Clock rule."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = [ROOT / "bot" / "core", ROOT / "bot" / "services", ROOT / "handlers"]
FORBIDDEN = {"telegram", "nio", "sqlalchemy", "aiosqlite", "asyncpg", "alembic", "storage"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
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


def test_nobody_reads_the_wall_clock_directly() -> None:
    calls = []
    for folder in ("bot", "handlers", "storage"):
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
