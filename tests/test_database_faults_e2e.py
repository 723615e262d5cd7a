"""Database faults through the real bot: a question that cannot be stored, the database file
deleted or replaced under the running bot, a database that turns read-only while it runs.
(A database read-only from the start: tests/test_database_readonly.py.)"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot import messages as m
from bot.tools.fakebotapi.server import FakeTelegram
from tests.harness import CHAT, BotHarness, BotProcess, start_bot

STAFF_CHAT = -100700
QUESTION = "làm giấy khai sinh cho con"


def wait_exit(proc: BotProcess, timeout: float) -> int | None:
    """The process's exit code once it ends by itself within `timeout`, else None."""
    assert proc.proc is not None
    try:
        return proc.proc.wait(timeout)
    except Exception:
        return None


def questions_in(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT text FROM questions ORDER BY id")]


def test_a_question_that_cannot_be_stored_blocks_neither_others_nor_sigterm(
    bot_process: Callable[..., BotProcess], tmp_path: Path
) -> None:
    proc = bot_process()
    proc.start()
    proc.wait_ready()
    assert proc.say(CHAT, "làm giấy khai sinh")
    assert proc.say(CHAT + 1, "đổi căn cước \ud800 hết bao nhiêu")  # a lone surrogate
    time.sleep(0.5)  # its row is written (or dropped) in the next batch
    assert proc.say(CHAT + 2, "đăng ký kết hôn")
    assert proc.kill(signal.SIGTERM, timeout=20) == 0  # stops at once, closing the database
    stored = questions_in(tmp_path / "bot.sqlite3")
    assert len(stored) == 2
    assert any("khai sinh" in q for q in stored) and any("kết hôn" in q for q in stored)
    assert "Traceback" not in proc.log()


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_database_file_gone_under_the_bot_stops_it_and_tells_the_staff(
    bot_process: Callable[..., BotProcess], fake_tg: FakeTelegram, tmp_path: Path, how: str
) -> None:
    path = tmp_path / "bot.sqlite3"
    proc = bot_process({"BOT_STAFF_CHAT_ID": str(STAFF_CHAT)})
    proc.start()
    proc.wait_ready()
    assert proc.say(CHAT, QUESTION)
    if how == "deleted":
        path.unlink()
    else:  # an operator restores a backup over it (a consistent copy, moved into place)
        with sqlite3.connect(path) as live, sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
            live.backup(copy)
        os.replace(tmp_path / "copy.sqlite3", path)
    proc.fake.push_text(CHAT, "đăng ký kết hôn")  # its row is the next write
    code = wait_exit(proc, 30)
    assert code not in (None, 0)  # stopped by itself, non-zero: the supervisor restarts it
    told = fake_tg.wait_outgoing(STAFF_CHAT, 1, timeout=5)
    assert told and m.STAFF_DATABASE_GONE.splitlines()[0] in told[-1].text
    assert str(path) in told[-1].text
    logged = proc.log()
    assert m.DATABASE_GONE.format(path=path).splitlines()[0] in logged
    assert "Traceback" not in logged
    # Started again, it works on the file now at that path (a new one, or the backup).
    proc.start()
    proc.wait_ready()
    assert proc.say(CHAT + 5, QUESTION)
    assert path.exists()


@pytest.fixture
async def staffed(fake_tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotHarness]:
    """The real bot, in process, with a staff chat."""
    async with start_bot(fake_tg, tmp_path, staff_chat_id=STAFF_CHAT) as harness:
        yield harness


async def staff_messages(fake: FakeTelegram, count: int, since: int = 0) -> list[str]:
    """The texts of the staff chat's messages, once `count` arrived (or 5 s passed)."""
    sent = await asyncio.to_thread(fake.wait_outgoing, STAFF_CHAT, count, since, 5.0)
    return [o.text for o in sent]


async def test_a_database_turned_read_only_is_told_to_staff_once_and_fails_the_health_check(
    staffed: BotHarness, tmp_path: Path
) -> None:
    fake, front = staffed.fake, staffed.front
    heartbeat = tmp_path / "heartbeat"
    assert heartbeat.exists()
    assert front.runtime is not None
    writer = front.runtime.db._conn  # type: ignore[attr-defined]
    await writer.execute("PRAGMA query_only = ON")  # SQLite's own "readonly database" error
    for n in range(3):  # each citizen gets the polite busy answer
        sent = await staffed.chat(CHAT + n).command("gapcanbo", "hỏi về đất đai")
        assert [o.text for o in sent] == [m.BUSY]
    told = await staff_messages(fake, 1)
    await asyncio.sleep(0.3)
    assert len(fake.outgoing(STAFF_CHAT)) == 1  # once, not once per failure
    assert told[0].startswith("⚠️ <b>Bot không ghi được vào cơ sở dữ liệu</b>")
    assert m.STORAGE_REASONS["read-only"] in told[0]
    assert not heartbeat.exists()  # the health check fails rather than say all is well
    front._touch_heartbeat()  # the heartbeat job's next run
    assert not heartbeat.exists()
    await writer.execute("PRAGMA query_only = OFF")
    sent = await staffed.chat(CHAT + 9).command("gapcanbo", "hỏi về đất đai")
    assert sent and sent[0].text != m.BUSY
    again = await staff_messages(fake, 2)
    assert again[1].startswith("✅ <b>Bot đã ghi được vào cơ sở dữ liệu trở lại</b>")
    assert heartbeat.exists()
