"""Updates are stored before Telegram is told they were received: a SIGKILL loses none of them,
and none is answered twice; what a citizen typed is kept only until it is answered."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from bot import messages as m
from bot.frontends.telegram import inbox as front_inbox
from bot.frontends.telegram.inbox import Inbox
from bot.privacy import user_hash
from bot.storage import inbox as stored
from bot.storage.database import open_database
from bot.storage.retention import erase_user
from bot.tools.fakebotapi.server import FakeTelegram
from tests.harness import BotHarness, BotProcess
from tests.test_webhook import SECRET, start_webhook_bot, update, wait_listening

HELLO = "xin chao"  # one reply


def replies(fake: FakeTelegram, chat: int) -> int:
    """How many messages the bot sent to a chat."""
    return sum(1 for o in fake.outgoing(chat) if o.method == "sendMessage")


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Poll until `condition()` holds (or fail after `timeout` s)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def bodies(path: Path) -> tuple[int, int]:
    """Rows in the inbox table, and how many still hold an update's body."""
    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT count(*), count(body) FROM inbox").fetchone()
        return int(found[0]), int(found[1])


def test_a_burst_received_before_a_sigkill_is_answered_once_after_it(
    fake_tg: FakeTelegram, bot_process: Callable[..., BotProcess], tmp_path: Path
) -> None:
    proc = bot_process(env={"BOT_SEND_RATE": "0"})
    proc.start()
    proc.wait_ready()
    answered = list(range(30001, 30051))
    unanswered = list(range(30051, 30201))
    for chat in answered:
        fake_tg.push_text(chat, HELLO)
    wait_for(lambda: all(replies(fake_tg, chat) for chat in answered))
    time.sleep(1.0)  # their "answered" marks are written (within a second)

    # The next 150 citizens: Telegram is told every update was received, and no reply can go.
    fake_tg.hold("sendMessage")
    for chat in unanswered:
        fake_tg.push_text(chat, HELLO)
    wait_for(lambda: fake_tg.pending_updates() == 0 and fake_tg.held() > 0)
    time.sleep(0.5)
    assert proc.kill(signal.SIGKILL) == -signal.SIGKILL
    fake_tg.release(drop=True)  # what was on its way never reached Telegram
    assert all(replies(fake_tg, chat) == 0 for chat in unanswered)
    assert fake_tg.pending_updates() == 0  # Telegram will not deliver them again

    proc.start()
    proc.wait_ready()
    wait_for(lambda: all(replies(fake_tg, chat) for chat in unanswered))
    time.sleep(1.5)  # time for a second answer, were one to come
    twice = [chat for chat in answered + unanswered if replies(fake_tg, chat) != 1]
    assert twice == []
    assert "answering 150 updates left unanswered by the last run" in proc.log()
    assert bodies(tmp_path / "bot.sqlite3") == (200, 0)  # answered: only the ids are kept


def test_an_update_delivered_again_after_a_crash_is_not_answered_twice(
    fake_tg: FakeTelegram, bot_process: Callable[..., BotProcess], tmp_path: Path
) -> None:
    proc = bot_process(env={"BOT_SEND_RATE": "0"})
    proc.start()
    proc.wait_ready()
    assert len(proc.say(31000, HELLO)) == 1  # the bot now waits in a fresh long poll
    # The call that would tell Telegram the next batch was received never gets through: the
    # kill comes first, so Telegram delivers that batch again after the restart.
    fake_tg.hold("getUpdates")
    chats = list(range(31001, 31011))
    for chat in chats:
        fake_tg.push_text(chat, HELLO)
    wait_for(lambda: any(replies(fake_tg, chat) for chat in chats), timeout=15)
    time.sleep(1.0)
    assert fake_tg.pending_updates() == len(chats)  # none acknowledged
    first = [chat for chat in chats if replies(fake_tg, chat)]
    assert proc.kill(signal.SIGKILL) == -signal.SIGKILL
    fake_tg.release(drop=True)

    proc.start()
    proc.wait_ready()
    wait_for(lambda: all(replies(fake_tg, chat) for chat in chats))
    time.sleep(1.5)
    assert [chat for chat in chats if replies(fake_tg, chat) != 1] == []
    # Those stored before the kill (answered, or answered from the store) came again: dropped.
    dropped = re.findall(r"dropped (\d+) updates received before", proc.log())
    assert sum(int(n) for n in dropped) >= len(first) > 0


async def test_an_answered_update_keeps_only_its_id(tg_bot: BotHarness) -> None:
    assert await tg_bot.say(HELLO)
    db = tg_bot.front.runtime.db  # type: ignore[union-attr]
    await db.flush()
    assert await stored.count(db) == (1, 0)


async def test_an_update_the_database_cannot_store_is_not_acknowledged(
    tg_bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = stored.record

    async def busy(db: object, bot_id: int, updates: object, **kwargs: bool) -> list[int]:
        calls.append(updates)
        if len(calls) == 1:
            raise stored.NotStored("OperationalError: database is locked")
        return await real(db, bot_id, updates, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(front_inbox.stored, "record", busy)
    monkeypatch.setattr(front_inbox, "RETRY_SECONDS", 0.5)
    pushed = tg_bot.fake.push_text(tg_bot.chat_id, HELLO)
    sent = await tg_bot.turn(pushed)
    assert len(sent) == 1 and len(calls) >= 2  # answered once, after Telegram delivered again


async def test_an_update_is_handled_and_acknowledged_only_once_stored(
    tg_bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = stored.record
    stored_at: list[float] = []

    async def slow(db: object, bot_id: int, updates: object, **kwargs: bool) -> list[int]:
        await asyncio.sleep(0.3)  # the store runs beside the framework's work: take its time
        fresh = await real(db, bot_id, updates, **kwargs)  # type: ignore[arg-type]
        stored_at.append(time.monotonic())
        return fresh

    real_sync = stored.sync
    synced_at: list[float] = []

    async def slow_sync(db: object) -> None:
        await asyncio.sleep(0.3)  # the disk sync may come after the handling began
        await real_sync(db)  # type: ignore[arg-type]
        synced_at.append(time.monotonic())

    monkeypatch.setattr(front_inbox.stored, "record", slow)
    monkeypatch.setattr(front_inbox.stored, "sync", slow_sync)
    pushed = tg_bot.fake.push_text(tg_bot.chat_id, HELLO)
    sent = await tg_bot.turn(pushed)
    assert len(sent) == 1 and len(stored_at) == 1
    assert sent[0].at > stored_at[0]  # no answer for an update that is not stored

    def acknowledging() -> list[float]:
        calls = tg_bot.fake.calls("getUpdates")
        return [c.at for c in calls if int(c.params.get("offset") or 0) > pushed]

    for _ in range(100):
        if acknowledging():
            break
        await asyncio.sleep(0.05)
    # Telegram is told once the batch is on the disk (a power cut would lose it before).
    assert acknowledging() and min(acknowledging()) > synced_at[0] > stored_at[0]


async def test_erasure_leaves_no_trace_of_what_was_typed(
    tg_bot: BotHarness, tmp_path: Path
) -> None:
    await tg_bot.say("cho hỏi thủ tục Quxzanthorp ở xã")
    await tg_bot.command("xoadulieu")
    await tg_bot.press(m.BUTTON_ERASE_YES)
    db = tg_bot.front.runtime.db  # type: ignore[union-attr]
    await db.flush()
    await db.scrub()
    files = sorted(tmp_path.glob("bot.sqlite3*"))
    assert files
    assert not [f.name for f in files if b"Quxzanthorp" in f.read_bytes()]


async def test_stored_text_hides_a_citizens_numbers_but_not_staffs(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "inbox.sqlite3")
    try:
        inbox = Inbox(db, 1, "salt", staff={77})
        citizen = {
            "update_id": 5,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 42, "type": "private"},
                "from": {"id": 42, "is_bot": False, "first_name": "A"},
                "text": "/gapcanbo sđt em 0912 345 678, cccd 034190001234",
                "entities": [{"type": "bot_command", "offset": 0, "length": 9}],
            },
        }
        entry = inbox.entry(citizen)
        assert "0912" not in entry.body and "034190001234" not in entry.body
        assert '"bot_command"' in entry.body
        assert entry.user_hash == user_hash("tg:42", "salt")
        staff = {**citizen, "message": {**citizen["message"], "from": {"id": 77}}}
        assert "0912 345 678" in inbox.entry(staff).body

        assert await inbox.record([citizen]) == {5}
        assert await inbox.record([citizen]) == set()  # delivered again: recognised
        assert await erase_user(db, user_hash("tg:42", "salt")) == 1
        assert await stored.count(db) == (0, 0)
    finally:
        await db.close()


async def test_unanswered_updates_are_given_up_after_repeated_crashes(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "inbox.sqlite3")
    try:
        await stored.record(db, 1, [stored.Received(9, None, '{"update_id": 9}')])
        await stored.record(db, 2, [stored.Received(9, None, '{"update_id": 9}')])
        for _ in range(stored.MAX_ATTEMPTS):
            assert (await stored.take_unanswered(db, 1))[0] == [(9, '{"update_id": 9}', False)]
        assert await stored.take_unanswered(db, 1) == ([], 1)  # it may be what crashes the bot
        assert await stored.count(db) == (2, 1)  # another bot's update 9 is its own
    finally:
        await db.close()


def test_a_webhook_update_answered_200_survives_a_sigkill_and_comes_once(
    fake_tg: FakeTelegram, bot_process: Callable[..., BotProcess]
) -> None:
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    body = json.dumps(update(950, 9501, HELLO))
    proc, url, port = start_webhook_bot(bot_process, BOT_SEND_RATE="0")
    fake_tg.hold("sendMessage")
    assert httpx.post(url, content=body, headers=headers, timeout=10).status_code == 200
    wait_for(lambda: fake_tg.held() > 0, timeout=15)
    assert proc.kill(signal.SIGKILL) == -signal.SIGKILL
    fake_tg.release(drop=True)
    assert replies(fake_tg, 9501) == 0

    proc.start()
    proc.wait_ready("setWebhook")
    wait_listening(port)
    wait_for(lambda: replies(fake_tg, 9501) == 1)  # from the store: Telegram had its 200
    # Telegram posting it again (it had no 200 for it, say) is answered 200 and not handled.
    assert httpx.post(url, content=body, headers=headers, timeout=10).status_code == 200
    time.sleep(1.5)
    assert replies(fake_tg, 9501) == 1


async def test_a_press_begun_before_a_crash_is_not_repeated_but_a_message_is(
    tmp_path: Path,
) -> None:
    db = await open_database(tmp_path / "inbox.sqlite3")
    try:
        inbox = Inbox(db, 1, "salt")
        user = {"id": 42, "is_bot": False, "first_name": "A"}
        text = {"message_id": 1, "date": 0, "chat": {"id": 42, "type": "private"}, "from": user}
        press = {"id": "q1", "from": user, "chat_instance": "c", "data": "c:x:t0"}
        updates = [
            {"update_id": 1, "callback_query": press},  # begun: a box may be ticked already
            {"update_id": 2, "message": {**text, "text": HELLO}},  # begun: answered again
            {"update_id": 3, "callback_query": {**press, "id": "q2"}},  # never begun
        ]
        await inbox.record(updates)
        inbox.started(1)
        inbox.started(2)
        await db.flush()
        assert [u["update_id"] for u in await inbox.take_unanswered()] == [2, 3]
    finally:
        await db.close()
