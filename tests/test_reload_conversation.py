"""A catalogue edit while citizens are mid-conversation: good edits swap in, broken ones do
not, and nobody's walkthrough or card breaks."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.app import register_features
from bot.catalogue.reload import CatalogueHolder
from bot.core.assistant import Assistant
from bot.matching.matcher import Matcher
from bot.settings import Settings
from bot.storage.database import open_database
from tests.core_fixtures import CATALOGUE, command, joined, payloads, press, text


async def open_bot(tmp_path: Path) -> tuple[Assistant, CatalogueHolder[Matcher], Path]:
    path = tmp_path / "procedures.yaml"
    shutil.copy(CATALOGUE, path)
    shutil.copy(CATALOGUE.with_name("procedures.schema.json"), tmp_path)
    holder = CatalogueHolder(path, lambda catalogue: Matcher(catalogue))
    db = await open_database(tmp_path / "bot.sqlite3")
    settings = Settings(catalogue=path, database=str(tmp_path / "b.sqlite3"))
    assistant = Assistant(holder, db, settings)
    register_features(assistant)
    return assistant, holder, path


async def test_walkthrough_in_progress_survives_a_good_and_a_broken_edit(tmp_path: Path) -> None:
    bot, holder, path = await open_bot(tmp_path)
    try:
        first = (await bot.handle(press("g:tai-khoan-dich-vu-cong"))).replies
        step_buttons = [p for p in payloads(first) if p.startswith("g:tai-khoan-dich-vu-cong:")]
        assert step_buttons

        # A staff member edits a fee: the next card shows it; the walk goes on.
        original = path.read_text(encoding="utf-8")
        edited = original.replace(
            "Miễn lệ phí khi đăng ký đúng hạn", "Miễn lệ phí (đã sửa) khi đăng ký đúng hạn", 1
        )
        assert edited != original
        path.write_text(edited, encoding="utf-8")
        outcome = holder.reload(force=True)
        assert outcome.ok and outcome.changed
        card = (await bot.handle(text("lam giay khai sinh cho con"))).replies
        assert "(đã sửa)" in joined(card)
        moved = (await bot.handle(press(step_buttons[0]))).replies
        assert moved[0].notice != "Nút này đã cũ hoặc không còn dùng được."
        assert "Bước" in moved[0].text

        # A broken edit: the bot keeps the last good catalogue and says exactly what is wrong.
        path.write_text(edited.replace("  - id: dang-ky-ket-hon", "  - id dang-ky-ket-hon"))
        broken = holder.reload(force=True)
        assert not broken.ok
        assert any(str(path) in problem and ":" in problem for problem in broken.problems)
        assert "bản cũ" in broken.staff_message() or "vẫn dùng" in broken.staff_message()
        again = (await bot.handle(text("đăng ký kết hôn cần gì"))).replies
        assert "Đăng ký kết hôn" in joined(again)
        resumed = (await bot.handle(command("tieptuc"))).replies
        assert "Bước" in joined(resumed)
    finally:
        await bot.db.close()
