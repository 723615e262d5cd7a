"""The web chat as the operator starts it: `python -m bot web`, and beside `run`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from bot.tools.fakebotapi.server import FakeTelegram
from tests.core_fixtures import ROOT
from tests.harness import start_bot


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
