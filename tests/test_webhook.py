"""Webhook mode end to end: the bot registers its URL and secret, and refuses forged posts."""

from __future__ import annotations

import json
import signal
import socket
import time
from collections.abc import Callable

import httpx

from bot.tools.fakebotapi.server import FakeTelegram
from tests.harness import BotProcess

SECRET = "s3cret-Token_42"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def update(update_id: int, chat_id: int, text: str) -> dict[str, object]:
    """A minimal text message update, as Telegram posts it."""
    user = {"id": chat_id, "is_bot": False, "first_name": "Dân"}
    message = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private"},
        "from": user,
        "text": text,
    }
    return {"update_id": update_id, "message": message}


def start_webhook_bot(
    bot_process: Callable[..., BotProcess],
    path: str = "/telegram/hook",
    secret: str | None = SECRET,
    **env: str,
) -> tuple[BotProcess, str, int]:
    """The bot in webhook mode on a free local port, ready; the process, its URL and port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}{path}"
    settings = {"WEBHOOK_URL": url, "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": str(port)}
    if secret is not None:
        settings["WEBHOOK_SECRET"] = secret
    proc = bot_process(env={**settings, **env})
    proc.start()
    proc.wait_ready("setWebhook")
    wait_listening(port)
    return proc, url, port


def wait_listening(port: int, timeout: float = 30.0) -> None:
    """Wait until the webhook server accepts connections: python-telegram-bot calls setWebhook
    before it starts listening, so a post sent right after setWebhook may find the port shut."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_webhook_mode_registers_checks_the_secret_and_answers(
    fake_tg: FakeTelegram, bot_process: Callable[..., BotProcess]
) -> None:
    proc, url, _ = start_webhook_bot(bot_process)
    registered = fake_tg.webhook()
    assert (registered["url"], registered["secret_token"]) == (url, SECRET)
    assert fake_tg.calls("getUpdates") == []

    body = json.dumps(update(900, 9001, "xin chao"))
    headers = {"Content-Type": "application/json"}
    missing = httpx.post(url, content=body, headers=headers, timeout=10)
    wrong = httpx.post(
        url,
        content=body,
        headers={**headers, "X-Telegram-Bot-Api-Secret-Token": "guess"},
        timeout=10,
    )
    assert (missing.status_code, wrong.status_code) == (403, 403)
    time.sleep(0.3)
    assert fake_tg.outgoing(9001) == []

    right = httpx.post(
        url,
        content=body,
        headers={**headers, "X-Telegram-Bot-Api-Secret-Token": SECRET},
        timeout=10,
    )
    assert right.status_code == 200
    answered = fake_tg.wait_outgoing(9001, 1, timeout=10)
    assert [o.method for o in answered] == ["sendMessage"]

    # Updates the (fake) Telegram pushes itself arrive with the secret and are answered too.
    fake_tg.push_text(9002, "lam giay khai sinh cho con")
    card = fake_tg.wait_outgoing(9002, 1, timeout=10)
    assert "Đăng ký khai sinh" in card[0].text

    assert proc.kill(signal.SIGTERM, timeout=30) == 0
    assert "database closed" in proc.log()


def test_webhook_without_a_configured_secret_still_requires_one(
    fake_tg: FakeTelegram, bot_process: Callable[..., BotProcess]
) -> None:
    _, url, _ = start_webhook_bot(bot_process, "/hook", secret=None)
    assert len(fake_tg.webhook()["secret_token"]) >= 32
    body = json.dumps(update(901, 9003, "xin chao"))
    refused = httpx.post(url, content=body, headers={"Content-Type": "application/json"})
    assert refused.status_code == 403


def _raw_post(port: int, path: str, secret: str, length: int, sent: bytes) -> tuple[int, float]:
    """Announce a body of `length` bytes, send only `sent`, and read the status line."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\nContent-Length: {length}\r\n\r\n"
        )
        sock.sendall(head.encode() + sent)
        reply = sock.recv(4096).decode(errors="replace")
    return int(reply.split()[1]), time.monotonic() - started


def test_webhook_refuses_forged_and_oversized_posts_before_reading_them(
    fake_tg: FakeTelegram, bot_process: Callable[..., BotProcess]
) -> None:
    _, url, port = start_webhook_bot(bot_process, "/hook")
    # 50 MB announced, none sent: the answer comes at once, without waiting for the body.
    # (Nothing unread is left on the socket, so closing it sends no reset before the answer.)
    status, took = _raw_post(port, "/hook", "guess", 50_000_000, b"")
    assert status == 403 and took < 5
    # The right secret but a body far larger than any update: 413, again before reading it.
    status, took = _raw_post(port, "/hook", SECRET, 50_000_000, b"")
    assert status == 413 and took < 5
    # A body just over the cap, sent in full with the right secret, is refused too.
    big = httpx.post(
        url,
        content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
        timeout=10,
    )
    assert big.status_code == 413
    # A normal update is still answered.
    right = httpx.post(
        url,
        content=json.dumps(update(902, 9004, "xin chao")),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
        timeout=10,
    )
    assert right.status_code == 200
    assert [o.method for o in fake_tg.wait_outgoing(9004, 1, timeout=10)] == ["sendMessage"]
    assert fake_tg.outgoing(9001) == []
