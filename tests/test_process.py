"""The bot as a process: SIGKILL under load loses nothing it confirmed; SIGTERM is graceful."""

from __future__ import annotations

import re
import signal
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.privacy import user_hash
from bot.tools.fakebotapi.server import FakeTelegram, Outgoing
from tests.harness import BotProcess

PROCEDURE = "dang-ky-khai-sinh"
GUIDE = "g:tai-khoan-dich-vu-cong"
SALT = "tthc-bot"  # the default BOT_SALT


@dataclass
class Confirmed:
    """What the bot confirmed to one citizen before the kill."""

    ticks: set[int] = field(default_factory=set)
    step: int = 0
    rated: bool = False


CHOICE = "Tôi đã có VNeID mức độ 2"  # a choice on the guide's first step
# Three kinds of citizens, so that the kill finds each kind of confirmation under way.
PLANS = [
    [f"c:{PROCEDURE}"] + [f"c:{PROCEDURE}:t{i}" for i in range(4)],
    [f"r:u:{PROCEDURE}", GUIDE, CHOICE],
    [GUIDE, CHOICE, f"r:u:{PROCEDURE}"],
]
STEP = re.compile(r"Bước (\d+)/")


def act(fake: FakeTelegram, chat: int, since: int, action: str) -> tuple[list[Outgoing], int]:
    """Press a payload (or a label) on the chat's messages; the bot's answer ([] if none)."""
    if action == CHOICE:
        fake.press(chat, action)
    else:
        fake.push_callback(chat, action)
    sent = fake.wait_outgoing(chat, 1, since, timeout=3.0)
    return sent, (sent[-1].seq if sent else since)


def citizen(fake: FakeTelegram, chat: int, done: Confirmed, stop: threading.Event) -> None:
    """Follow one plan, noting each thing the bot confirms, until stopped."""
    fake.push_command(chat, "start", PROCEDURE)
    sent = fake.wait_outgoing(chat, 1, 0, timeout=5.0)
    if not sent:
        return
    since = sent[-1].seq
    for action in PLANS[chat % len(PLANS)]:
        if stop.is_set():
            return
        sent, since = act(fake, chat, since, action)
        if not sent:
            return
        text, labels = sent[-1].text, sent[-1].labels
        if action.startswith(f"c:{PROCEDURE}:t"):
            done.ticks = {i for i, label in enumerate(labels) if label.startswith(f"☑ {i + 1}.")}
        elif action.startswith("r:"):
            done.rated = True
        elif STEP.search(text):
            done.step = int(STEP.findall(text)[0])


def ask(fake: FakeTelegram, chat: int, push: Callable[[int], int]) -> list:
    """Push an update for a chat and wait for the bot's first answer to it."""
    since = fake.last_seq
    push(chat)
    sent = fake.wait_outgoing(chat, 1, since, timeout=10.0)
    assert sent, chat
    return sent


def settle(fake: FakeTelegram, quiet: float = 1.0, limit: float = 30.0) -> None:
    """Wait until the bot has answered what was left pending and has gone quiet."""
    deadline = time.monotonic() + limit
    last, since = fake.last_seq, time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if fake.last_seq != last or fake.pending_updates():
            last, since = fake.last_seq, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def integrity(path: Path) -> str:
    """PRAGMA integrity_check of the database file."""
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def ratings(path: Path, chat: int) -> int:
    """How many ratings the database holds for a citizen."""
    with sqlite3.connect(path) as conn:
        query = "SELECT count(*) FROM feedback WHERE user_hash = ?"
        return int(conn.execute(query, (user_hash(f"tg:{chat}", SALT),)).fetchone()[0])


def test_sigkill_under_load_keeps_everything_confirmed(
    fake_tg: FakeTelegram, bot_process: Callable[..., BotProcess], tmp_path: Path
) -> None:
    proc = bot_process(env={"BOT_SEND_RATE": "0"})
    proc.start()
    proc.wait_ready()
    chats = list(range(7001, 7025))
    confirmed = {chat: Confirmed() for chat in chats}
    stop = threading.Event()
    threads = [
        threading.Thread(target=citizen, args=(fake_tg, chat, confirmed[chat], stop))
        for chat in chats
    ]
    for thread in threads:
        thread.start()
    # In the middle of it: once each kind of confirmation has come back at least once (the
    # machine may be slow; a fixed pause would kill before anything was confirmed).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(
        any(getattr(c, kind) for c in confirmed.values()) for kind in ("ticks", "rated", "step")
    ):
        time.sleep(0.05)
    assert proc.kill(signal.SIGKILL) == -signal.SIGKILL
    stop.set()
    for thread in threads:
        thread.join()
    database = tmp_path / "bot.sqlite3"
    assert integrity(database) == "ok"
    # The kill came in the middle: some of each kind of confirmation, not all of them.
    assert any(c.ticks for c in confirmed.values())
    assert any(c.rated for c in confirmed.values())
    assert any(c.step for c in confirmed.values())

    proc.start()
    proc.wait_ready()
    # Updates pushed just before the kill are answered first after the restart; ask after.
    settle(fake_tg)
    for chat, done in confirmed.items():
        if done.ticks:
            reopened = ask(fake_tg, chat, lambda c: fake_tg.push_callback(c, f"c:{PROCEDURE}"))
            labels = reopened[-1].labels
            ticked = {i for i, label in enumerate(labels) if label.startswith(f"☑ {i + 1}.")}
            assert done.ticks <= ticked, chat
        if done.rated:
            assert ratings(database, chat) >= 1, chat
        if done.step:
            resumed = ask(fake_tg, chat, lambda c: fake_tg.push_command(c, "tieptuc"))
            assert int(STEP.findall(resumed[-1].text)[0]) >= done.step, chat
    assert integrity(database) == "ok"


def test_sigterm_finishes_the_reply_in_flight_and_closes_the_database(
    fake_tg: FakeTelegram, bot_process: Callable[..., BotProcess], tmp_path: Path
) -> None:
    proc = bot_process()
    proc.start()
    proc.wait_ready()
    fake_tg.fault("sendMessage", "delay", delay_ms=1500)
    fake_tg.push_text(8001, "lam giay khai sinh cho con")
    deadline = time.monotonic() + 10
    while not fake_tg.calls("sendMessage") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fake_tg.calls("sendMessage")  # the reply is on its way, and slow

    assert proc.kill(signal.SIGTERM, timeout=30) == 0
    assert [o.method for o in fake_tg.outgoing(8001)] == ["sendMessage"]
    assert "database closed" in proc.log()
    assert not (tmp_path / "bot.sqlite3-wal").exists()  # closed cleanly: the WAL is gone
    assert integrity(tmp_path / "bot.sqlite3") == "ok"


def test_a_stop_as_soon_as_the_bot_is_ready_still_ends_it_and_closes_the_database(
    fake_tg: FakeTelegram, bot_process: Callable[..., BotProcess], tmp_path: Path
) -> None:
    # `docker stop` or `systemctl restart` right after a start: the signal can come while the
    # library is still starting to poll (here: a slow answer to its first call), where it
    # fails before its own shutdown hook.
    fake_tg.fault("deleteWebhook", "delay", delay_ms=1500)
    proc = bot_process().start()
    deadline = time.monotonic() + 60
    while "bot ready" not in proc.log():
        assert time.monotonic() < deadline and proc.proc is not None and proc.proc.poll() is None
        time.sleep(0.005)
    assert proc.proc is not None
    time.sleep(0.3)  # the library is waiting for its first call's answer
    proc.proc.send_signal(signal.SIGTERM)
    proc.proc.wait(timeout=30)  # it ends (before: it hung, the database's thread alive)
    assert "database closed" in proc.log()
    assert not (tmp_path / "bot.sqlite3-wal").exists()
    assert integrity(tmp_path / "bot.sqlite3") == "ok"


def test_every_update_is_confirmed_once_across_a_restart(
    fake_tg: FakeTelegram, bot_process: Callable[..., BotProcess]
) -> None:
    proc = bot_process()
    proc.start()
    proc.wait_ready()
    assert len(proc.say(8101, "xin chao")) == 1
    assert proc.kill(signal.SIGTERM, timeout=30) == 0
    proc.start()
    proc.wait_ready()
    assert len(proc.say(8102, "xin chao")) == 1
    assert [o.chat_id for o in fake_tg.outgoing()] == [8101, 8102]


def test_the_log_holds_no_token_no_text_and_no_user_id(
    fake_tg: FakeTelegram, bot_process: Callable[..., BotProcess]
) -> None:
    proc = bot_process()
    proc.start()
    proc.wait_ready()
    proc.say(8201, "lam giay khai sinh, sdt 0912345678")
    proc.kill(signal.SIGTERM, timeout=30)
    log = proc.log()
    assert "update kind=text decision=" in log
    assert [
        secret for secret in (fake_tg.token, "0912345678", "8201", "khai sinh") if secret in log
    ] == []


def test_a_broken_catalogue_stops_start_up_and_says_where(
    fake_tg: FakeTelegram, bot_process: Callable[..., BotProcess], tmp_path: Path
) -> None:
    broken = tmp_path / "procedures.yaml"
    broken.write_text("version: 1\nprocedures: [\n", encoding="utf-8")
    proc = bot_process(env={"BOT_CATALOGUE": str(broken)})
    proc.start()
    assert proc.proc is not None
    assert proc.proc.wait(60) == 1
    assert f"{broken}:" in proc.log()
    assert fake_tg.calls("getUpdates") == []
