"""Trợ lý thủ tục hành chính Hưng Yên: a Telegram assistant for administrative procedures."""

__version__ = "0.1.0"

# Before any of the bot's dataclasses is made: their methods' code is kept between starts.
from bot import classcode as _classcode

_classcode.install()
