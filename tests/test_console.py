"""The terminal chat: the same conversation, buttons as numbers, scriptable."""

from __future__ import annotations

import io
from pathlib import Path

from bot.core.replies import Button
from bot.frontends.console import chat, parse_line
from tests.core_fixtures import make_assistant


def test_a_number_presses_the_button_shown_with_it() -> None:
    buttons = [Button("A", data="p:a"), Button("B", data="p:b")]
    assert parse_line("2", buttons).data == "p:b"
    assert parse_line("/start dang-ky-ket-hon", buttons).command == "start"
    assert parse_line("/start dang-ky-ket-hon", buttons).args == "dang-ky-ket-hon"
    assert parse_line("9", buttons).kind == "text"


async def test_scripted_chat_answers_birth_registration_then_a_section(tmp_path: Path) -> None:
    assistant = await make_assistant(tmp_path)
    out = io.StringIO()
    try:
        await chat(assistant, io.StringIO("lam giay khai sinh cho con\n1\n"), out)
    finally:
        await assistant.db.close()
    shown = out.getvalue()
    assert "Đăng ký khai sinh" in shown
    assert "Mã thủ tục: 1.001193" in shown
    assert "[1]" in shown
    assert "Giấy chứng sinh" in shown
    assert "<b>" not in shown and "&amp;" not in shown and "<a href" not in shown
