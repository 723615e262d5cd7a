"""Property-based tests of the core as Telegram sees it: whatever a citizen sends or presses,
in whatever order, the bot answers without an unhandled exception, and every reply is one
Telegram accepts (valid HTML with the allowed tags, within the length, button and payload limits).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import ratelimit
from bot.core.assistant import Assistant
from bot.core.markup import to_telegram_html, validate
from bot.core.ratelimit import FloodLimiter
from bot.core.replies import MAX_CALLBACK_BYTES, MAX_TEXT, Incoming, Reply, split_text
from bot.frontends.telegram.delivery import keyboard_markup
from bot.messages import MENU_COMMANDS
from bot.tools.fakebotapi.telegram_html import HtmlError, parse_html
from tests.core_fixtures import make_assistant, who

CITIZEN, NEIGHBOUR = 501, 502
QUESTIONS = [
    "lam giay khai sinh cho con",
    "đổi cccd hết bao nhiêu tiền",
    "hết bao nhiêu tiền?",
    "sang tên sổ đỏ nộp ở đâu",
    "xin chào",
    "cảm ơn",
    "asdfgh",
    "<b>đăng ký kết hôn</b> & <i>",
]
COMMANDS = [c for c, _ in MENU_COMMANDS] + ["baocao", "reload", "thongke", "khongco"]
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Any text a Telegram client can send, including control characters, RTL marks and emoji.
any_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=3000
)
huge_text = st.builds(
    lambda chunk, times: (chunk * times)[:100_000],
    st.text(min_size=1, max_size=40),
    st.integers(min_value=1, max_value=5000),
)
tricky_text = st.sampled_from(
    [
        "\u202e" + "lam giay khai sinh" + "\u202c",  # right-to-left override
        "👶" * 5000,
        "\x00\x01\x1b[31m\u200b\ufeff",
        "&amp; &lt;b&gt; </b> <a href='x'>",
        "",
        " \n\t ",
        "/start " + "x" * 5000,
    ]
)
forged_payload = st.one_of(
    st.text(max_size=64),
    st.text(min_size=65, max_size=300),  # more than Telegram would ever deliver
    st.from_regex(r"[a-zA-Z]{1,2}(:[^:]{0,30}){0,5}", fullmatch=True),
)


def assert_telegram_accepts(replies: list[Reply]) -> None:
    """Every reply is valid core markup, a message Telegram would take, and buildable."""
    for reply in replies:
        assert validate(reply.text) == [], reply.text
        for part in split_text(to_telegram_html(reply.text)):
            assert len(part) <= MAX_TEXT
            try:
                plain = parse_html(part)
            except HtmlError as exc:
                pytest.fail(f"invalid Telegram HTML ({exc}) in {part!r}")
            assert plain.strip(), f"empty message part in {reply.text!r}"
        buttons = [b for row in reply.buttons for b in row]
        assert len(buttons) <= 100
        for button in buttons:
            assert button.label.strip()
            assert len(button.data.encode()) <= MAX_CALLBACK_BYTES
        keyboard_markup(reply.buttons)  # PTB builds it without complaint


def payloads(replies: list[Reply]) -> list[str]:
    """The payloads of every button in the replies."""
    return [b.data for r in replies for row in r.buttons for b in row if b.data]


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[tuple[asyncio.Runner, Assistant]]:
    """An assistant on the shipped catalogue, and the event loop to drive it from sync code."""
    with asyncio.Runner() as runner:
        assistant = runner.run(make_assistant(tmp_path))
        # Thousands of messages from one citizen: the flood limit is tested elsewhere.
        ratelimit.install(assistant, FloodLimiter(burst=10**9))
        yield runner, assistant
        runner.run(assistant.db.close())


def handle(bot: tuple[asyncio.Runner, Assistant], incoming: Incoming) -> list[Reply]:
    """One turn, checked."""
    runner, assistant = bot
    replies = runner.run(assistant.handle(incoming)).replies
    assert_telegram_accepts(replies)
    return replies


def test_any_text_gets_a_valid_answer(bot: tuple[asyncio.Runner, Assistant]) -> None:
    @SETTINGS
    @given(st.one_of(any_text, huge_text, tricky_text))
    def check(text: str) -> None:
        handle(bot, Incoming(chat=who(CITIZEN), user=who(CITIZEN), kind="text", text=text))

    check()


def test_any_command_with_any_arguments_gets_a_valid_answer(
    bot: tuple[asyncio.Runner, Assistant],
) -> None:
    @SETTINGS
    @given(st.one_of(st.sampled_from(COMMANDS), st.text(max_size=40)), any_text)
    def check(command: str, args: str) -> None:
        said = Incoming(chat=who(CITIZEN), user=who(CITIZEN), kind="command", command=command,
                        args=args, text=f"/{command} {args}")  # fmt: skip
        handle(bot, said)

    check()


def test_any_button_payload_gets_a_valid_answer(bot: tuple[asyncio.Runner, Assistant]) -> None:
    @SETTINGS
    @given(forged_payload, st.one_of(st.none(), st.integers(-(2**31), 2**31)))
    def check(data: str, message_id: int | None) -> None:
        pressed = Incoming(chat=who(CITIZEN), user=who(CITIZEN), kind="button", data=data,
                           message_id=message_id)  # fmt: skip
        handle(bot, pressed)

    check()


def test_media_of_any_kind_gets_a_valid_answer(bot: tuple[asyncio.Runner, Assistant]) -> None:
    @SETTINGS
    @given(st.text(max_size=20), any_text)
    def check(media: str, caption: str) -> None:
        sent = Incoming(chat=who(CITIZEN), user=who(CITIZEN), kind="media", media=media,
                        text=caption)  # fmt: skip
        handle(bot, sent)

    check()


def test_any_order_of_presses_by_anyone_gets_valid_answers(
    bot: tuple[asyncio.Runner, Assistant],
) -> None:
    fresh = itertools.count(10_000, 2)

    @settings(SETTINGS, max_examples=60)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        # Two citizens new to the bot in each example, so no example depends on another.
        citizen = next(fresh)
        shown: list[str] = []  # every payload the bot has shown, to either of them
        for _ in range(data.draw(st.integers(min_value=1, max_value=14), label="turns")):
            # Every draw is made whatever the bot answered, so that examples replay exactly.
            person = citizen + data.draw(st.integers(0, 1), label="who")
            kind = data.draw(st.sampled_from(["text", "command", "press", "press", "forged"]))
            pick = data.draw(st.integers(0, 10_000), label="button")
            forged = data.draw(forged_payload, label="payload")
            name = data.draw(st.sampled_from(COMMANDS), label="command")
            text = data.draw(st.sampled_from(QUESTIONS), label="text")
            said = Incoming(chat=who(person), user=who(person), kind="text", text=text)
            if kind == "press" and shown:
                said = Incoming(chat=who(person), user=who(person), kind="button", message_id=1,
                                data=shown[pick % len(shown)])  # fmt: skip
            elif kind in ("forged", "press"):
                said = Incoming(chat=who(person), user=who(person), kind="button", data=forged)
            elif kind == "command":
                said = Incoming(chat=who(person), user=who(person), kind="command", command=name)
            shown += payloads(handle(bot, said))

    check()
