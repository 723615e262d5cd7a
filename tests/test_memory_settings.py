"""An operator's view of the bot's memory: the allocator settings a long-running front end makes
(leaving an operator's own alone), and the national list indexed in the background once the
bot is ready (a failure there is logged, never fatal)."""

from __future__ import annotations

import json
import logging
import os
import platform
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.frontends.telegram.startup import warm_soon
from bot.storage.sqlite import PAGE_CACHE_KIB, SQLiteDatabase

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
SHOW = (
    "import json; from bot.frontends.memory import compact_malloc; "
    "print(json.dumps(compact_malloc()))"
)


def _compact(env: dict[str, str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, check=True
    )
    result: list[str] = json.loads(done.stdout)
    return result


@pytest.mark.skipif(not GLIBC, reason="the settings are glibc's")
def test_both_allocator_settings_are_made_unless_the_operator_made_them() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    assert _compact(env) == ["MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_"]
    assert _compact({**env, "MALLOC_ARENA_MAX": "4"}) == ["MALLOC_MMAP_THRESHOLD_"]
    assert _compact({**env, "MALLOC_MMAP_THRESHOLD_": "65536"}) == ["MALLOC_ARENA_MAX"]


def test_the_national_list_is_indexed_in_a_worker_thread() -> None:
    ran: list[str] = []
    thread = warm_soon(lambda: ran.append(threading.current_thread().name))
    thread.join(10)
    assert ran == ["national-index"]
    assert ran[0] != threading.main_thread().name


def test_a_failure_to_index_in_the_background_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken() -> None:
        raise OSError("disk gone")

    with caplog.at_level(logging.ERROR):
        warm_soon(broken).join(10)
    assert "indexing the national list in the background failed" in caplog.text


async def test_both_database_connections_keep_a_small_page_cache(tmp_path: Path) -> None:
    # SQLite's default (2 MB a connection) fills with pages each update writes once: memory
    # that grows with every citizen until the cache is full.
    db = await SQLiteDatabase.open(tmp_path / "bot.sqlite3")
    try:
        writer = await db.read("PRAGMA cache_size")
        reader = await db.peek("PRAGMA cache_size")  # the second, read-only connection
    finally:
        await db.close()
    assert writer[0][0] == reader[0][0] == -PAGE_CACHE_KIB
    assert PAGE_CACHE_KIB <= 512


def test_the_telegram_front_end_does_not_load_httpx_command_line_client() -> None:
    # With click, rich and pygments installed (a dev install), httpx would import its
    # command-line client at every start of the bot: 6 MB it never uses.
    code = (
        "import sys, bot.frontends.telegram.bot, httpx; "
        "print(sorted(m for m in ('click', 'rich', 'pygments') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert callable(__import__("httpx").AsyncClient)
