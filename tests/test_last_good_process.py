"""Done when: the real bot, started with a broken catalogue and a last good copy beside its
database, serves citizens from the copy and tells the staff chat at once, with file:line."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from bot.tools.fakebotapi.server import FakeTelegram
from tests.harness import CATALOGUE, BotProcess

STAFF_CHAT = -100555


def test_a_broken_catalogue_at_start_up_serves_the_last_good_copy_and_tells_staff(
    fake_tg: FakeTelegram, bot_process: Callable[..., BotProcess], tmp_path: Path
) -> None:
    path = tmp_path / "procedures.yaml"
    shutil.copy(CATALOGUE, path)
    env = {
        "BOT_CATALOGUE": str(path),
        "BOT_STAFF_CHAT_ID": str(STAFF_CHAT),
        "BOT_SALT": "a-long-random-secret-for-this-test",
    }
    proc = bot_process(env=env)
    proc.start()
    proc.wait_ready()
    assert (tmp_path / "procedures.last-good.yaml").read_bytes() == CATALOGUE.read_bytes()
    proc.stop()

    text = path.read_text(encoding="utf-8")
    broken = text.replace("  - id: dang-ky-ket-hon", "  - id dang-ky-ket-hon", 1)
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    line = broken[: broken.index("  - id dang-ky-ket-hon")].count("\n") + 1
    since = fake_tg.last_seq
    proc.start()
    proc.wait_ready()
    deadline = time.monotonic() + 30
    told: list[str] = []
    while not told and time.monotonic() < deadline:
        sent = fake_tg.wait_outgoing(STAFF_CHAT, 1, since, 1)
        told = [o.text for o in sent if "bản tốt gần nhất" in o.text]
    assert told, [o.text for o in fake_tg.outgoing(STAFF_CHAT, since)]
    assert f"{path}:" in told[0]
    assert any(f"{path}:{n}:" in told[0] for n in range(line - 3, line + 3))
    card = proc.say(8301, "đăng ký kết hôn cần giấy tờ gì")
    assert "kết hôn" in card[0].text.lower()
