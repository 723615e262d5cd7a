"""The web chat as the operator starts it: `python -m bot web`, and beside `run`."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from bot.tools.fakebotapi.server import FakeTelegram
from tests.core_fixtures import ROOT
from tests.harness import BotProcess, start_bot


def test_the_web_command_serves_the_chat_and_stops_cleanly(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "BOT_CATALOGUE": str(ROOT / "procedures.yaml"),
        "BOT_DATABASE": str(tmp_path / "bot.sqlite3"),
        "BOT_NATIONAL_TIER": "0",
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "web"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), process.stderr
        page = httpx.get(url, timeout=10)
        assert page.status_code == 200 and "Xin chào" in page.text
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    assert code == 0


async def test_run_serves_the_web_chat_beside_telegram_when_web_port_is_set(
    fake_tg: FakeTelegram, tmp_path: Path
) -> None:
    async with start_bot(fake_tg, tmp_path, web_port=0) as bot:
        assert bot.front.web is not None
        url = f"http://127.0.0.1:{bot.front.web.port}"
        async with httpx.AsyncClient(base_url=url, follow_redirects=True) as visitor:
            await visitor.get("/")
            page = (await visitor.post("/gui", data={"text": "lam giay khai sinh"})).text
        sent = await bot.say("dang ky ket hon")
    assert "Đăng ký khai sinh" in page
    assert any("kết hôn" in message.text for message in sent)
    assert not any("khai sinh" in message.text.lower() for message in sent)


def _loads_tornado(pid: int) -> bool:
    """Whether the process has tornado's compiled part mapped (tornado was imported)."""
    maps = Path(f"/proc/{pid}/maps").read_text(encoding="utf-8", errors="replace")
    return "tornado" in maps


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc")
def test_run_loads_the_web_server_only_when_it_serves_the_web_chat(
    bot_process: Callable[..., BotProcess],
) -> None:
    import tornado.speedups  # noqa: F401  (installed with the webhook extra: what would show)

    polling = bot_process({"BOT_NATIONAL_TIER": "0"}).start()
    polling.wait_ready()
    assert polling.proc is not None and not _loads_tornado(polling.proc.pid)
    polling.stop()
    serving = bot_process({"BOT_NATIONAL_TIER": "0", "WEB_HOST": "127.0.0.1", "WEB_PORT": "0"})
    serving.start().wait_ready()
    deadline = time.monotonic() + 30
    while (found := re.search(r"web chat on (http://\S+)", serving.log())) is None:
        assert time.monotonic() < deadline, serving.log()
        time.sleep(0.05)
    page = httpx.get(found.group(1), timeout=10)
    assert page.status_code == 200 and "Xin chào" in page.text
    assert serving.proc is not None and _loads_tornado(serving.proc.pid)
