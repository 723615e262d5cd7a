"""The package's shape: layers kept (import contracts in .importlinter) and no import cycles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def import_cycles() -> set[tuple[str, str]]:
    """Pairs of modules that reach each other through imports, TYPE_CHECKING ones included."""
    graph = grimp.build_graph("bot", exclude_type_checking_imports=False)
    cycles: set[tuple[str, str]] = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.chain_exists(importer=imported, imported=module):
                first, second = sorted((module, imported))
                cycles.add((first, second))
    return cycles


def test_no_module_imports_one_that_imports_it_back() -> None:
    assert import_cycles() == set()


def test_the_layer_contracts_hold() -> None:
    # In a child process: import-linter reconfigures logging in the process that runs it.
    command = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
