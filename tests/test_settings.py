"""Settings come from the environment with the documented defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import DEFAULT_API_URL, SettingsError, load_settings, read_dotenv


def test_defaults_match_the_documentation() -> None:
    settings = load_settings({})
    assert settings.token == ""
    assert settings.api_url == DEFAULT_API_URL
    assert settings.catalogue == Path("procedures.yaml")
    assert settings.database == "sqlite:///data/bot.sqlite3"
    assert settings.staff_ids == frozenset()
    assert settings.staff_chat_id is None


def test_values_are_read_and_staff_ids_parsed() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": "123:abc",
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/bot",
            "BOT_STAFF_IDS": "11, 22,33",
            "BOT_STAFF_CHAT_ID": "-100123",
            "WEBHOOK_PORT": "8080",
        }
    )
    assert settings.token == "123:abc"
    assert settings.api_url == "http://127.0.0.1:8081/bot"
    assert settings.staff_ids == frozenset({11, 22, 33})
    assert settings.is_staff("tg:22") and not settings.is_staff("tg:44")
    assert not settings.is_staff("web:22")  # staff ids are Telegram ids
    assert settings.staff_chat_id == -100123
    assert settings.staff_chat == "tg:-100123"
    assert settings.webhook_port == 8080


def test_bad_numbers_are_reported_in_plain_words() -> None:
    with pytest.raises(SettingsError, match="BOT_STAFF_IDS"):
        load_settings({"BOT_STAFF_IDS": "admin"})
    with pytest.raises(SettingsError, match="WEBHOOK_PORT"):
        load_settings({"WEBHOOK_PORT": "tám"})


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("# comment\nTELEGRAM_BOT_TOKEN='1:x'\nexport BOT_DATABASE=/tmp/a.db\n")
    assert read_dotenv(env) == {"TELEGRAM_BOT_TOKEN": "1:x", "BOT_DATABASE": "/tmp/a.db"}
    assert read_dotenv(tmp_path / "missing") == {}
