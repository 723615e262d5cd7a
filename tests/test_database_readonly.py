"""A database the bot may not write from the start (a read-only file, a read-only data folder):
the real bot exits at once with a Vietnamese message naming the file, never says it is ready,
and tells the staff chat first when the Bot API is reachable.

Permissions mean nothing to root, and the tests run as root in CI: there the bot is run as the
unprivileged user `nobody` (setpriv), in a folder of its own under /tmp that it can read.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import messages as m
from bot.storage.database import open_database
from bot.tools.fakebotapi.server import FakeTelegram
from tests.harness import CATALOGUE

NOBODY = 65534
STAFF_CHAT = -100700
SETPRIV = shutil.which("setpriv")
AS_ROOT = os.geteuid() == 0


def as_bot_user() -> list[str]:
    """The command prefix that runs the bot without root's power over permissions."""
    if not AS_ROOT:
        return []
    return [SETPRIV or "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


pytestmark = pytest.mark.skipif(
    AS_ROOT and SETPRIV is None, reason="running as root without setpriv to drop privileges"
)


@functools.cache
def bot_user_cannot_run() -> str:
    """Why the unprivileged user cannot start Python with the bot ("" when it can): a checkout
    or virtual environment under a folder only root may enter, say."""
    if not AS_ROOT:
        return ""
    probe = subprocess.run(
        [*as_bot_user(), sys.executable, "-c", "import bot.cli, telegram, yaml, aiosqlite"],
        cwd="/tmp",
        capture_output=True,
        text=True,
        timeout=60,
    )
    return "" if probe.returncode == 0 else (probe.stderr.strip().splitlines() or ["?"])[-1]


@pytest.fixture
def folder() -> Iterator[Path]:
    """A folder under /tmp that the unprivileged user can reach (pytest's tmp_path is 0700)."""
    why = bot_user_cannot_run()
    if why:
        pytest.skip(f"the user nobody cannot run the bot from this checkout: {why}")
    made = Path(tempfile.mkdtemp(prefix="tthc-readonly-"))
    made.chmod(0o755)
    yield made
    for path in (made, *made.rglob("*")):
        path.chmod(0o700 if path.is_dir() else 0o600)
    shutil.rmtree(made)


def make_database(path: Path) -> None:
    """A database with the bot's schema, closed (no -wal file left)."""

    async def go() -> None:
        db = await open_database(path)
        await db.close()

    asyncio.run(go())


def give(path: Path, mode: int) -> None:
    """Give `path` to the bot's user (when it is not root) with `mode`."""
    if AS_ROOT:
        os.chown(path, NOBODY, NOBODY)
    path.chmod(mode)


@pytest.mark.parametrize("fault", ["read-only-file", "read-only-folder"])
def test_a_read_only_database_stops_the_bot_at_once_and_tells_the_staff(
    fault: str, fake_tg: FakeTelegram, folder: Path
) -> None:
    data = folder / "data"
    data.mkdir()
    path = data / "bot.sqlite3"
    make_database(path)
    if fault == "read-only-file":
        give(data, 0o755)  # the folder is the bot's to write
        give(path, 0o444)
    else:
        give(path, 0o644)  # the file is the bot's, the folder is not (root's, 0755)
        data.chmod(0o555)
    began = time.monotonic()
    done = subprocess.run(
        [*as_bot_user(), sys.executable, "-m", "bot", "run"],
        cwd=folder,
        env={
            **os.environ,
            "TELEGRAM_BOT_TOKEN": fake_tg.token,
            "TELEGRAM_API_URL": fake_tg.base_url,
            "BOT_CATALOGUE": str(CATALOGUE),
            "BOT_DATABASE": str(path),
            "BOT_STAFF_CHAT_ID": str(STAFF_CHAT),
            "HOME": str(folder),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    printed = done.stdout + done.stderr
    assert done.returncode == 1, printed
    assert time.monotonic() - began < 30
    assert str(path) in printed
    assert m.DATABASE_NOT_WRITABLE.split("{path}")[0] in printed
    assert "Traceback" not in printed
    assert not fake_tg.calls("getUpdates")  # it never said it was ready
    told = [o.text for o in fake_tg.outgoing(STAFF_CHAT)]
    assert len(told) == 1
    assert told[0].startswith("⚠️ <b>Bot không khởi động được</b>")
    assert str(path) in told[0]
