"""A careless operator: bad numbers in the settings, an unreachable Bot API, a token Telegram
refuses, `-v` logging. The bot says what is wrong in plain Vietnamese and stops at once (no
traceback, no minutes of silence), and no log line holds the token or what a citizen wrote."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import messages as m
from bot.settings import SettingsError, load_settings
from bot.tools.fakebotapi.server import FakeTelegram
from tests.harness import CATALOGUE, CHAT, BotProcess


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_bot(env: dict[str, str], cwd: Path, timeout: float = 60) -> tuple[int, str, float]:
    """`python -m bot run` with `env`; its exit code, everything it printed, seconds taken."""
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=cwd,
        env={
            **os.environ,
            "BOT_CATALOGUE": str(CATALOGUE),
            "BOT_DATABASE": str(cwd / "bot.sqlite3"),
            "TELEGRAM_API_URL": f"http://127.0.0.1:{closed_port()}/bot",  # never the internet
            **env,
        },
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done.returncode, done.stdout + done.stderr, time.monotonic() - began


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BOT_RELOAD_INTERVAL", "0"),
        ("BOT_RELOAD_INTERVAL", "-1"),
        ("BOT_RELOAD_INTERVAL", "hai giây"),
        ("BOT_RELOAD_INTERVAL", "nan"),
        ("WEBHOOK_PORT", "70000"),
        ("BOT_RETENTION_DAYS", "0"),
        ("BOT_SEND_RATE", "nhanh"),
        ("BOT_SEND_RATE", "-5"),
    ],
)
def test_a_bad_number_in_the_settings_is_named_plainly(
    name: str, value: str, tmp_path: Path
) -> None:
    code, printed, _ = run_bot({"TELEGRAM_BOT_TOKEN": "1:x", name: value}, tmp_path)
    assert code == 1
    assert name in printed and "Lỗi cấu hình" in printed
    assert "Traceback" not in printed


def test_reload_interval_has_sane_bounds() -> None:
    assert load_settings({"BOT_RELOAD_INTERVAL": "0,5"}).reload_interval == 0.5
    with pytest.raises(SettingsError, match=r"từ 0\.5 đến 86400"):
        load_settings({"BOT_RELOAD_INTERVAL": "0"})


def test_an_unreachable_bot_api_is_retried_briefly_then_named(tmp_path: Path) -> None:
    port = closed_port()
    env = {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_API_URL": f"http://127.0.0.1:{port}/bot"}
    code, printed, took = run_bot(env, tmp_path)
    assert code == 3
    assert took < 30
    assert printed.count("not reachable (attempt") == 4
    assert (
        m.API_UNREACHABLE.splitlines()[0].format(host=f"http://127.0.0.1:{port}", attempts=4)
        in printed
    )
    assert "Traceback" not in printed


def test_a_refused_token_is_said_without_printing_it(
    fake_tg: FakeTelegram, tmp_path: Path
) -> None:
    env = {"TELEGRAM_BOT_TOKEN": "987654:WRONG-SECRET", "TELEGRAM_API_URL": fake_tg.base_url}
    code, printed, _ = run_bot(env, tmp_path)
    assert code == 3
    assert m.TOKEN_REJECTED.splitlines()[0] in printed
    assert "WRONG-SECRET" not in printed
    assert "Traceback" not in printed


def test_verbose_logs_hold_neither_the_token_nor_what_citizens_wrote(
    bot_process: Callable[..., BotProcess],
) -> None:
    proc = bot_process()
    proc.command = [sys.executable, "-m", "bot", "-v", "run"]
    proc.start()
    proc.wait_ready()
    secret = "tôi là Nguyễn Văn Bê ở thôn Đông"
    assert proc.say(CHAT, f"làm giấy khai sinh cho con, {secret}")
    proc.stop()
    logged = proc.log()
    assert "DEBUG" in logged  # -v was on
    token = proc.fake.token
    assert token not in logged and token.split(":")[1] not in logged
    assert "Nguyễn Văn Bê" not in logged


@pytest.mark.parametrize("fault", ["folder", "damaged", "not-sqlite"])
def test_an_unusable_database_stops_the_bot_at_once_naming_the_file(
    fault: str, fake_tg: FakeTelegram, tmp_path: Path
) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    path.parent.mkdir()
    if fault == "folder":
        path.mkdir()
    elif fault == "not-sqlite":
        path.write_bytes(b"this is a text file, not a database\n" * 200)
    else:  # an SQLite header followed by garbage
        path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8192)
    env = {
        "TELEGRAM_BOT_TOKEN": fake_tg.token,
        "TELEGRAM_API_URL": fake_tg.base_url,
        "BOT_DATABASE": str(path),
    }
    code, printed, took = run_bot(env, tmp_path, timeout=60)
    assert code == 1
    assert took < 30
    assert str(path) in printed
    assert "Traceback" not in printed
    assert ("thư mục" in printed) if fault == "folder" else ("hỏng" in printed)
