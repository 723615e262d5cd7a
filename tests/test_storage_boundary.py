"""All SQL lives in bot/storage: no string outside it reads like a statement."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bot"
STORAGE = PACKAGE / "storage"

# The shapes of SQL statements, in the capitals SQL is written in. Prose ("select a file",
# "Cập nhật") does not match: it is not upper case, or has no FROM / INTO / SET / TABLE after.
SQL = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b"
    r"|\bINSERT\s+(OR\s+[A-Z]+\s+)?INTO\b"
    r"|\bUPDATE\s+\"?\w+\"?\s+SET\b"
    r"|\bDELETE\s+FROM\b"
    r"|\b(CREATE|DROP|ALTER)\s+(TEMP\s+)?(TABLE|INDEX|VIEW|TRIGGER)\b"
    r"|\bPRAGMA\s+\w+"
    r"|\b(BEGIN|COMMIT|ROLLBACK)(\s+(IMMEDIATE|TRANSACTION))?\s*;?\s*$"
)


def docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string nodes that are docstrings (prose, never run)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def sql_strings(path: Path) -> list[str]:
    """The string literals (f-string parts too) of a module that read like SQL."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    prose = docstrings(tree)
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in prose
        and SQL.search(node.value)
    ]


def test_the_pattern_finds_sql_and_leaves_prose() -> None:
    statements = [
        "SELECT kind FROM pending_input WHERE user_hash = ?",
        "INSERT OR REPLACE INTO weekly_aggregates (week, data) VALUES (?, ?)",
        "UPDATE feedback SET rating = ?",
        "DELETE FROM checklists WHERE user_hash = ?",
        "CREATE INDEX questions_at ON questions(at)",
        "PRAGMA wal_checkpoint(TRUNCATE)",
        "BEGIN IMMEDIATE",
    ]
    prose = [
        "Select the procedure from the list",
        "Chọn thủ tục từ danh sách, rồi bấm Cập nhật.",
        "Update the card, then delete it from the chat",
        "Bạn muốn xoá dữ liệu? Hãy bấm nút bên dưới.",
        "UPDATE",
    ]
    assert [s for s in statements if not SQL.search(s)] == []
    assert [s for s in prose if SQL.search(s)] == []


def test_no_sql_outside_the_storage_layer() -> None:
    found = [
        hit
        for path in sorted(PACKAGE.rglob("*.py"))
        if STORAGE not in path.parents
        for hit in sql_strings(path)
    ]
    assert found == []


def test_the_storage_layer_is_where_the_sql_is() -> None:
    # The check above would pass on a package with no SQL at all; make sure it looks right.
    assert any(sql_strings(path) for path in STORAGE.rglob("*.py"))
