"""Load scenario `handoffs` of `python -m bot bench-load --scenario handoffs`: do slow chats
delay private replies?

Our bot runs with the production rate limiter (30 messages a second), against a fake server
that answers 429 above `--flood` sends a second (30, like Telegram), and a staff chat that is a
group (Telegram takes 20 messages a minute there). Two phases of `--seconds` each, with new
citizens asking in private at `--rate` a second throughout:

- baseline: only the private questions;
- storm: the same, plus `--handoffs` citizens handing off to staff at the same moment (each
  post waits for the staff group's pace) and `--groups` noisy groups writing to the bot twice a
  second each.

For each phase: the private replies' p50 and p99 latency (from the update being available to
the reply reaching the fake server), and for the storm how long the citizens who handed off
waited for their confirmation and how many posts reached the staff group within the phase.
`--bot-path DIR` runs the bot from another checkout (e.g. an older commit) for a before/after.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bot.tools.bench_load import (
    FIRST_CHAT,
    Child,
    Driver,
    Phase,
    load_fake_module,
    load_questions,
    paced,
)

STAFF_CHAT = -1_000_777
HANDOFF_CHAT = 5_000_000
GROUP_CHAT = -2_000_000
QUESTION = "cho tôi hỏi về tranh chấp ranh giới thửa đất với nhà hàng xóm"


def quantile_ms(values: list[float], q: float) -> float:
    """A quantile of seconds, in milliseconds (nan when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def noisy_groups(fake: Any, groups: int, seconds: float, stop: threading.Event) -> None:
    """Each group writes to the bot twice a second (commands and questions) until stopped."""
    began = time.monotonic()
    count = 0
    while not stop.is_set() and time.monotonic() - began < seconds:
        group = GROUP_CHAT - count % groups
        text = "/start" if count % 3 == 0 else "lam giay khai sinh cho con"
        fake.push_text(group, text, user_id=9_000_000 + count % 50)
        count += 1
        delay = began + count / (2.0 * groups) - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def handoff_storm(fake: Any, citizens: int) -> list[float]:
    """`citizens` hand off at once; each one's wait for the confirmation, in seconds."""
    chats = [HANDOFF_CHAT + i for i in range(citizens)]
    for chat in chats:
        fake.push_command(chat, "gapcanbo", QUESTION)
    for chat in chats:
        fake.wait_outgoing(chat, 1, 0, 15.0)
    pressed: dict[int, tuple[float, int]] = {}
    for chat in chats:
        earlier = fake.outgoing(chat)
        pressed[chat] = (time.monotonic(), earlier[-1].seq if earlier else 0)
        fake.push_callback(chat, "h:ok")
    waits: list[float] = []
    deadline = time.monotonic() + 30.0
    for chat in chats:
        left = max(0.0, deadline - time.monotonic())
        at, since = pressed[chat]
        got = fake.wait_outgoing(chat, 1, since, left)
        confirm = next((o for o in got if "#HS" in o.text), None)
        if confirm is not None:
            waits.append(confirm.at - at)
    return waits


def run_storm(env: dict[str, str], args: argparse.Namespace, workdir: Path) -> str:
    """Both phases against one bot process; the figures as printable lines."""
    fake = load_fake_module().FakeTelegram().start()
    env = {
        **env,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.base_url,
        "BOT_STAFF_CHAT_ID": str(STAFF_CHAT),
    }
    env.pop("BOT_SEND_RATE", None)  # the production rate limiter
    command = [sys.executable, "-m", "bot", "run"]
    if args.bot_path:
        env["PYTHONPATH"] = str(Path(args.bot_path).resolve())
        command.insert(1, "-P")  # the bot from PYTHONPATH, not from the current directory
    child = Child(command, env, workdir / "storm.log")
    driver = Driver(fake, load_questions())
    driver.next_chat = FIRST_CHAT
    lines: list[str] = []
    try:
        child.wait_ready(fake)
        fake.set_flood_limit(args.flood)  # like Telegram: 429 above 30 sends a second
        driver.run(Phase("ours", "warm-up"), 1.0, paced(driver, 20, 1.0))
        driver.drain()
        base = driver.run(
            Phase("ours", "baseline"), args.seconds, paced(driver, args.rate, args.seconds)
        )
        driver.drain()
        stop = threading.Event()
        noisy = threading.Thread(
            target=noisy_groups, args=(fake, args.groups, args.seconds, stop), daemon=True
        )
        waits: list[float] = []
        before_posts = len(fake.outgoing(STAFF_CHAT))

        storming = threading.Thread(
            target=lambda: waits.extend(handoff_storm(fake, args.handoffs)), daemon=True
        )

        def start() -> None:
            paced(driver, args.rate, args.seconds)()
            noisy.start()
            storming.start()

        storm = driver.run(Phase("ours", "storm"), args.seconds, start)
        stop.set()
        storming.join(60.0)
        time.sleep(2.0)  # the first twenty posts go at once; the rest wait for the group's pace
        posts = len(fake.outgoing(STAFF_CHAT)) - before_posts
        group_lines = sum(len(fake.outgoing(GROUP_CHAT - g)) for g in range(args.groups))
        floods = sum(1 for call in fake.calls() if call.status == 429)
        driver.drain()
    finally:
        child.stop()
        fake.stop()
    lines.append(
        f"{'phase':10} {'private/s':>10} {'answered':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    )
    for phase in (base, storm):
        lat = phase.latencies
        lines.append(
            f"{phase.mode:10} {args.rate:10d} {phase.answered:>5}/{phase.pushed:<3} "
            f"{quantile_ms(lat, 0.5):8.1f} {quantile_ms(lat, 0.99):8.1f} "
            f"{(max(lat) * 1000 if lat else float('nan')):8.1f}"
        )
    lines.append(
        f"storm: {args.handoffs} hand-offs at once: {len(waits)} confirmed, confirmation p50 "
        f"{quantile_ms(waits, 0.5):.0f} ms, p99 {quantile_ms(waits, 0.99):.0f} ms; "
        f"{posts} posts reached the staff group by 2 s after the last confirmation (Telegram: 20 "
        "a minute);"
        f" {args.groups} noisy groups at 2 messages/s each got {group_lines} messages;"
        f" the fake answered 429 (above {args.flood} sends/s) {floods} times"
    )
    verdict = "yes" if quantile_ms(storm.latencies, 0.99) < 1000 else "NO"
    lines.append(f"private reply p99 under 1 s during the storm: {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the hand-off storm scenario and print its figures."""
    parser = argparse.ArgumentParser(
        prog="python -m bot bench-load --scenario handoffs", description=__doc__
    )
    parser.add_argument("--scenario", choices=("handoffs",), default="handoffs")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each phase")
    parser.add_argument("--rate", type=int, default=20, help="private questions a second")
    parser.add_argument("--handoffs", type=int, default=40, help="hand-offs at once")
    parser.add_argument("--groups", type=int, default=16, help="noisy groups")
    parser.add_argument(
        "--flood", type=int, default=30, help="the fake answers 429 above this many sends/s"
    )
    parser.add_argument("--catalogue", default="procedures.yaml", help="catalogue for the bot")
    parser.add_argument("--bot-path", default="", help="run the bot from this checkout")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-storm-") as tmp:
        workdir = Path(tmp)
        env = {
            **os.environ,
            "BOT_DATABASE": str(workdir / "bot.sqlite3"),
            "BOT_CATALOGUE": str(Path(args.catalogue).resolve()),
            "BOT_RELOAD_INTERVAL": "3600",
            "BOT_SALT": "bench-storm-salt",
        }
        print(
            f"private questions at {args.rate}/s; then with {args.handoffs} hand-offs at once "
            f"to a staff group and {args.groups} noisy groups (production rate limiter)..."
        )
        print(run_storm(env, args, workdir))
    return 0
