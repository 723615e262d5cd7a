"""What operators rely on: the container's health check, its defaults, and the settings files.

Docker itself is not available to the tests; they check what can be checked without it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.harness import BotHarness

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def instruction(name: str) -> str:
    """The arguments of the last Dockerfile instruction of that name (continuations joined)."""
    joined = DOCKERFILE.replace("\\\n", " ")
    found = re.findall(rf"^{name}\s+(.*)$", joined, re.MULTILINE)
    assert found, name
    return str(found[-1]).strip()


def health_check(database: Path | str) -> int:
    """Run the image's HEALTHCHECK command here, for a bot whose database is `database`."""
    command = json.loads(instruction("HEALTHCHECK").split("CMD", 1)[1])
    command[0] = sys.executable
    env = {**os.environ, "BOT_DATABASE": str(database)}
    return subprocess.run(command, env=env, check=False, timeout=30).returncode


async def test_health_check_passes_while_the_bot_runs(tg_bot: BotHarness, tmp_path: Path) -> None:
    assert health_check(tmp_path / "bot.sqlite3") == 0


def test_health_check_reads_a_database_url_too(tmp_path: Path) -> None:
    (tmp_path / "heartbeat").touch()
    assert health_check(f"sqlite:///{tmp_path / 'bot.sqlite3'}") == 0
    assert health_check(tmp_path / "bot.sqlite3") == 0


def test_health_check_fails_when_the_heartbeat_is_stale_or_missing(tmp_path: Path) -> None:
    assert health_check(tmp_path / "bot.sqlite3") == 1
    heartbeat = tmp_path / "heartbeat"
    heartbeat.touch()
    old = time.time() - 600
    os.utime(heartbeat, (old, old))
    assert health_check(tmp_path / "bot.sqlite3") == 1


def test_image_runs_the_bot_as_a_non_root_user_with_data_on_a_volume() -> None:
    assert instruction("USER") == "bot"
    assert json.loads(instruction("CMD")) == ["python", "-m", "bot", "run"]
    assert json.loads(instruction("VOLUME")) == ["/data"]
    assert "BOT_DATABASE=/data/bot.sqlite3" in DOCKERFILE
    assert "BOT_CATALOGUE=/data/procedures.yaml" in DOCKERFILE
    assert instruction("FROM").startswith("python:3.11-slim")


def test_compose_uses_the_env_file_and_keeps_data_on_the_host() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    bot = compose["services"]["bot"]
    assert bot["env_file"] == ".env"
    assert "./data:/data" in bot["volumes"]


def test_env_example_documents_every_setting() -> None:
    read = set(re.findall(r'"([A-Z][A-Z_]+)"', (ROOT / "bot/settings.py").read_text()))
    read |= {"BOT_SEND_RATE"}
    read -= {"BOT_NATIONAL_TIER", "BOT_RELOAD_INTERVAL"}  # for tests and benchmarks
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z_]+)=", example, re.MULTILINE))
    assert sorted(read - documented) == []
