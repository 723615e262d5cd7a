"""Staff see before they save: `xem` prints the real card, `match` speaks Vietnamese."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.test_validation import BASE

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_CATALOGUE", str(ROOT / "procedures.yaml"))
    monkeypatch.setenv("BOT_DATABASE", str(tmp_path / "bot.sqlite3"))
    monkeypatch.setenv("BOT_NATIONAL_TIER", "0")


def test_xem_prints_the_card_a_citizen_sees_with_its_buttons(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["xem", "dang-ky-khai-sinh"]) == 0
    out = capsys.readouterr().out
    assert "📋 Đăng ký khai sinh" in out
    assert "💰 Lệ phí:" in out
    assert "📎 Giấy tờ cần mang:" in out  # the documents, on the card itself
    assert "] ➕ Thêm…" in out and "[7]" not in out  # at most six buttons
    assert "<b>" not in out  # plain text, as the terminal chat shows it


def test_xem_a_draft_file_shows_the_edit_before_it_is_saved(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    draft = tmp_path / "draft.yaml"
    text = (ROOT / "procedures.yaml").read_text(encoding="utf-8")
    draft.write_text(text.replace("fee: 8.000 đồng/bản sao.", "fee: 9.500 đồng/bản sao."))
    code = main(["xem", "trich-luc-ho-tich", "--catalogue", str(draft)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "9.500 đồng/bản sao" in out


def test_xem_a_broken_draft_names_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text(BASE.replace("level: full", "level: all"), encoding="utf-8")
    assert main(["xem", "dang-ky-khai-sinh", "--catalogue", str(draft)]) == 1
    assert f"{draft}:52:" in capsys.readouterr().out


def test_xem_an_unknown_id_suggests_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["xem", "dang-ky-khai-snh"]) == 1
    assert "Có phải ý bạn là 'dang-ky-khai-sinh'?" in capsys.readouterr().out


def test_match_speaks_vietnamese_and_keeps_its_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["match", "lam giay khai sinh cho con"]) == 0
    out = capsys.readouterr().out
    assert "→ trả lời ngay" in out
    assert "dang-ky-khai-sinh" in out

    assert main(["match", "--json", "lam giay khai sinh cho con"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["decision"] == "answer"
    assert row["candidates"][0]["id"] == "dang-ky-khai-sinh"


def test_match_help_is_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["match", "--help"])
    out = capsys.readouterr().out
    assert "câu hỏi" in out and "số thủ tục gợi ý" in out


# --- cau-hoi: the questions that reached an entry, and those an edit turns away ---------------


async def _log(path: Path, rows: list[tuple[str, str, str | None]]) -> None:
    from bot.core import events
    from bot.matching.matcher import Candidate, Match
    from bot.storage.database import open_database

    db = await open_database(path)
    at = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).isoformat(timespec="seconds")
    try:
        for text, decision, entry in rows:
            candidates = (Candidate(entry, 0.9),) if entry else ()
            match = Match(text, decision, candidates)  # type: ignore[arg-type]
            await events.record_question(db, "u", text, match, at=at)
    finally:
        await db.close()


def test_cau_hoi_lists_what_reached_an_entry_and_what_an_edit_turns_away(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.tools.reached as reached
    from bot.matching.matcher import Candidate, Match

    asyncio.run(
        _log(
            tmp_path / "bot.sqlite3",
            [
                ("làm giấy khai sinh cho con", "answer", "dang-ky-khai-sinh"),
                ("làm giấy khai sinh cho con", "answer", "dang-ky-khai-sinh"),
                ("khai sinh muộn cho con", "answer", "dang-ky-khai-sinh"),
                ("khai sanh cho bé", "none", None),
            ],
        )
    )

    class Edited:  # the catalogue after an alias edit: "muộn" no longer leads to the entry
        def __init__(self, catalogue: object) -> None:
            pass

        def match(self, text: str, top: int = 3) -> Match:
            if "muộn" in text:
                return Match(text, "answer", (Candidate("dang-ky-khai-tu", 0.8),))
            return Match(text, "answer", (Candidate("dang-ky-khai-sinh", 0.9),))

    monkeypatch.setattr(reached, "Matcher", Edited)
    assert main(["cau-hoi", "dang-ky-khai-sinh"]) == 0
    out = capsys.readouterr().out
    head, lost, gained = out.split("\n\n")
    assert "(3 câu)" in head and "2 × “làm giấy khai sinh cho con”" in head
    assert "KHÔNG còn tới" in lost
    assert "1 × “khai sinh muộn cho con”  → trả lời ngay dang-ky-khai-tu" in lost
    assert "1 × “khai sanh cho bé”" in gained


def test_cau_hoi_without_a_database_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cau-hoi", "dang-ky-khai-sinh"]) == 1
    assert "Chưa có cơ sở dữ liệu" in capsys.readouterr().out
