"""The core never imports Telegram: only the front end's modules (and the load benchmark) may."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
ALLOWED = {"telegram_bot.py", "telegram_delivery.py", "loadtest.py"}


def telegram_imports(path: Path) -> list[str]:
    """The telegram modules a file imports, anywhere in it (also inside functions)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [n for n in names if n == "telegram" or n.startswith("telegram.")]
    return found


def test_no_core_module_imports_telegram() -> None:
    offenders = {
        path.name: telegram_imports(path)
        for path in sorted(BOT.glob("*.py"))
        if path.name not in ALLOWED and telegram_imports(path)
    }
    assert offenders == {}


def test_the_check_sees_the_front_ends_own_import() -> None:
    assert "telegram" in telegram_imports(BOT / "telegram_bot.py")
