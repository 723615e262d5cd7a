"""Replies always fit Telegram's limits."""

from __future__ import annotations

import pytest

from bot.core.replies import MAX_TEXT, Button, split_text


def test_short_text_is_one_part() -> None:
    assert split_text("Xin chào") == ["Xin chào"]


def test_long_text_is_split_on_line_boundaries_and_loses_nothing() -> None:
    lines = [f"{n}. Giấy tờ số {n} — bản chính" for n in range(1000)]
    parts = split_text("\n".join(lines))
    assert len(parts) > 1
    assert all(len(part) <= MAX_TEXT for part in parts)
    assert "\n".join(parts).split("\n") == lines


def test_one_huge_line_is_cut_without_breaking_an_entity() -> None:
    line = ("a &amp; b " * 2000).strip()
    parts = split_text(line)
    assert all(len(part) <= MAX_TEXT for part in parts)
    assert all(not part.rstrip().endswith("&am") for part in parts)
    assert "".join(p.replace(" ", "") for p in parts) == line.replace(" ", "")


def test_button_needs_exactly_one_action_and_a_short_payload() -> None:
    with pytest.raises(ValueError):
        Button("x")
    with pytest.raises(ValueError):
        Button("x", data="a", url="https://dichvucong.gov.vn")
    with pytest.raises(ValueError):
        Button("x", data="p:" + "a" * 70)
    assert Button("ok", data="p:dang-ky-khai-sinh").data == "p:dang-ky-khai-sinh"
