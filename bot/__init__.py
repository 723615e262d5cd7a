"""Trợ lý thủ tục hành chính Hưng Yên: a Telegram assistant for administrative procedures."""

__version__ = "0.1.0"
