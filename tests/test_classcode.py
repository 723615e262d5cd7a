"""The dataclass methods' code kept between starts (bot.classcode): the same classes, sooner."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import classcode

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty store in a folder of the test's own, and the module's memory emptied."""
    monkeypatch.setenv("BOT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(classcode, "_known", {})
    monkeypatch.setattr(classcode, "_new", set())
    monkeypatch.setattr(classcode, "_used", set())
    monkeypatch.setattr(classcode, "_read", [False])
    return tmp_path


def _make() -> type:
    @dataclasses.dataclass(frozen=True)
    class Card:
        title: str
        count: int = 1
        notes: tuple[str, ...] = ()

    return Card


def _methods(kind: type) -> dict[str, object]:
    names = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")
    return {name: getattr(kind, name).__code__ for name in names}


def test_a_stored_class_gets_the_very_methods_a_fresh_compile_gives(fresh: Path) -> None:
    first = _make()
    assert classcode._new, "the methods were compiled here and are waiting to be saved"
    classcode.save()
    assert not classcode._new
    stored = list(fresh.glob("classcode-*.marshal"))
    assert len(stored) == 1

    # A new process: nothing in memory, the store on disk.
    classcode._known.clear()
    classcode._read[0] = False
    second = _make()
    assert not classcode._new, "every text was found in the store"
    assert _methods(second) == _methods(first)
    card = second("Khai sinh", 2)
    assert repr(card).endswith("Card(title='Khai sinh', count=2, notes=())")
    assert card == second("Khai sinh", 2) and hash(card) == hash(second("Khai sinh", 2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        card.title = "Kết hôn"  # type: ignore[misc]


def test_a_damaged_or_foreign_store_is_ignored_and_replaced(fresh: Path) -> None:
    _make()
    classcode.save()
    (stored,) = fresh.glob("classcode-*.marshal")
    stored.write_bytes(stored.read_bytes()[:-10] + b"0123456789")  # damaged
    classcode._known.clear()
    classcode._read[0] = False
    kind = _make()
    assert classcode._new, "nothing was taken from a damaged file: compiled again"
    assert kind("Khai sinh").count == 1
    classcode.save()
    classcode._known.clear()
    classcode._read[0] = False
    os.chmod(stored, 0o666)  # writable by anyone: not trusted
    _make()
    assert classcode._new


def test_the_cache_turned_off_compiles_as_before_and_writes_nothing(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_CACHE_DIR", "")
    assert _make()("Khai sinh").title == "Khai sinh"
    classcode.save()
    assert not list(fresh.iterdir())


def test_chat_stores_its_classes_once_and_starts_from_them_next_time(tmp_path: Path) -> None:
    env = {**os.environ, "BOT_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("TELEGRAM_BOT_TOKEN", None)

    def chat() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "chat"],
            input="/start\nlam cccd o dau\n",
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**env, "BOT_DATABASE": str(tmp_path / "bot.sqlite3")},
            timeout=60,
            check=True,
        )
        return done.stdout

    first = chat()
    (stored,) = (tmp_path / "cache").glob("classcode-*.marshal")
    written = stored.stat().st_mtime_ns
    second = chat()
    assert second == first
    assert "căn cước" in second.lower()
    assert stored.stat().st_mtime_ns == written, "nothing new to store on the second start"
