"""Where to go after the merger: the communes file, its check, and old-commune questions as a
citizen asks them (terminal-chat core, transcripts)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from bot.catalogue.communes import CommunesHolder
from bot.catalogue.communes_check import check_path, check_text
from bot.catalogue.quickcheck import is_communes_file
from bot.core.assistant import Assistant
from bot.frontends.console import chat
from bot.settings import load_settings
from tests.core_fixtures import command, joined, labels, make_assistant, payloads, press, text

ROOT = Path(__file__).resolve().parent.parent
COMMUNES = ROOT / "communes.yaml"

SMALL = """\
updated: 2026-12-01
resolution: Nghị quyết 1666/NQ-UBTVQH15
districts:
  Khoái Châu: {kind: huyện, province: Hưng Yên}
  Kim Động: {kind: huyện, province: Hưng Yên}
communes:
  - name: Việt Tiến
    kind: xã
    code: "12100"
    from:
      - {name: Dân Tiến, kind: xã, district: Khoái Châu, code: "12001"}
      - {name: Ngọc Thanh, kind: xã, district: Kim Động, code: "12002", split: true}
  - name: Sơn Nam
    kind: phường
    code: "12200"
    from:
      - {name: Ngọc Thanh, kind: xã, district: Kim Động, code: "12002", split: true}
"""


# `bot`: the shared fixture (tests/conftest.py), on the shipped catalogue.


# --- the file and its check --------------------------------------------------------------------


def test_shipped_communes_file_is_clean_with_104_units_and_381_old_ones() -> None:
    report = check_path(COMMUNES)
    assert [str(p) for p in report.problems] == []
    assert "104 xã, phường mới, 381 đơn vị cũ" in report.summary()


def test_a_small_valid_file_passes() -> None:
    assert check_text(SMALL).errors == []


def problems(body: str) -> list[str]:
    return [str(p) for p in check_text(body, "communes.yaml").errors]


def test_an_old_unit_in_two_communes_without_split_is_named_at_its_line() -> None:
    body = SMALL.rsplit(", split: true}", 1)[0] + "}\n"
    found = problems(body)
    assert any(p.startswith("communes.yaml:17:") and "split: true" in p for p in found), found


def test_split_marked_but_listed_once_is_an_error() -> None:
    body = SMALL.split("  - name: Sơn Nam")[0]
    found = problems(body)
    assert any("chỉ có ở một xã" in p for p in found), found


def test_duplicate_new_commune_and_unknown_keys_and_districts_are_reported() -> None:
    body = SMALL.replace("name: Sơn Nam", "name: Viet Tien").replace(
        "district: Khoái Châu", "district: Khoai Chau"
    )
    body = body.replace("    kind: phường\n", "    kind: phường\n    adress: số 1\n")
    found = "\n".join(problems(body))
    assert "communes.yaml:13: 'Viet Tien' đã có ở dòng 7" in found
    assert "trường 'adress' không dùng được" in found
    assert "huyện cũ 'Khoai Chau' chưa có trong 'districts'" in found


def test_an_address_without_a_source_is_refused() -> None:
    body = SMALL.replace('    code: "12100"\n', '    code: "12100"\n    address: Số 1 đường A\n')
    assert any("thiếu 'source'" in p for p in problems(body))


def test_check_command_checks_the_communes_file_beside_the_catalogue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    assert is_communes_file(COMMUNES)
    broken = tmp_path / "communes.yaml"
    broken.write_text(SMALL.replace("kind: phường", "kind: quận"), encoding="utf-8")
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr().out
    assert f"{broken}:14: quận Sơn Nam: 'kind' phải là 'xã' hoặc 'phường'." in out
    assert main(["check", str(ROOT / "procedures.yaml")]) == 0
    out = capsys.readouterr().out
    assert "communes.yaml: hợp lệ — 104 xã, phường mới" in out


def test_bot_communes_setting_defaults_to_the_file_next_to_the_catalogue() -> None:
    settings = load_settings({"BOT_CATALOGUE": "/data/procedures.yaml"})
    assert settings.communes_path() == Path("/data/communes.yaml")
    settings = load_settings({"BOT_COMMUNES": "/srv/xa.yaml"})
    assert settings.communes_path() == Path("/srv/xa.yaml")


def test_holder_reloads_an_edited_file_and_keeps_the_last_good_one(tmp_path: Path) -> None:
    path = tmp_path / "communes.yaml"
    path.write_text(SMALL, encoding="utf-8")
    holder = CommunesHolder(path, interval=0)
    assert holder.current is not None
    assert [c.name for c in holder.current.communes] == ["Việt Tiến", "Sơn Nam"]
    path.write_text(SMALL.replace("Sơn Nam", "Sơn Nam Mới"), encoding="utf-8")
    os.utime(path, ns=(1, 2_000_000_000_000_000_000))
    assert holder.current is not None
    assert holder.current.communes[1].name == "Sơn Nam Mới"
    path.write_text(SMALL.replace("kind: phường", "kind: ???"), encoding="utf-8")
    os.utime(path, ns=(1, 3_000_000_000_000_000_000))
    assert holder.current is not None and holder.current.communes[1].name == "Sơn Nam Mới"
    assert holder.problems


# --- the conversation --------------------------------------------------------------------------


async def test_old_commune_with_diacritics_names_the_new_commune_and_its_centre(
    bot: Assistant,
) -> None:
    reply = joined(
        (await bot.handle(text("nhà tôi ở xã Dân Tiến cũ thì giờ nộp hồ sơ ở đâu"))).replies
    )
    assert "Xã Dân Tiến</b> (huyện Khoái Châu cũ) nay thuộc <b>xã Việt Tiến</b>" in reply
    assert "Trung tâm Phục vụ hành chính công <b>xã Việt Tiến</b>" in reply
    assert "Nghị quyết 1666/NQ-UBTVQH15" in reply
    # No address is invented: the bot says how to find it.
    assert "chưa có địa chỉ chính xác" in reply and "18001096" in reply


async def test_old_commune_without_diacritics_and_its_district(bot: Assistant) -> None:
    reply = joined((await bot.handle(text("thai tho thai thuy gio la xa nao"))).replies)
    assert "Xã Thái Thọ</b> (huyện Thái Thụy cũ) nay thuộc <b>xã Nam Thái Ninh</b>" in reply


async def test_old_district_lists_the_new_communes_that_took_its_units(bot: Assistant) -> None:
    reply = joined((await bot.handle(text("huyện Khoái Châu cũ giờ có những xã nào"))).replies)
    assert "Huyện Khoái Châu</b> (tỉnh Hưng Yên cũ)" in reply
    for line in ("<b>xã Việt Tiến</b>: xã Đồng Tiến, xã Dân Tiến", "<b>xã Mễ Sở</b>: xã Bình"):
        assert line in reply
    assert "nay thuộc 7 xã, phường" in reply


async def test_a_typo_in_the_old_name_still_finds_it(bot: Assistant) -> None:
    reply = joined((await bot.handle(text("xa dan tein cu gio la xa nao"))).replies)
    assert "nay thuộc <b>xã Việt Tiến</b>" in reply


async def test_a_split_old_commune_names_both_new_units_honestly(bot: Assistant) -> None:
    reply = joined((await bot.handle(text("xa ngoc thanh kim dong cu gio thuoc xa nao"))).replies)
    assert "được chia cho hai đơn vị mới" in reply
    assert "<b>xã Hiệp Cường</b>" in reply and "<b>phường Sơn Nam</b>" in reply
    assert "không đoán thay bạn" in reply


async def test_an_ambiguous_old_name_asks_which_district_with_buttons(bot: Assistant) -> None:
    replies = (await bot.handle(text("xa minh tan cu gio la xa nao"))).replies
    assert "Có 4 nơi cũ tên <b>Minh Tân</b>" in joined(replies)
    assert labels(replies) == [
        "Minh Tân (huyện Phù Cừ)",
        "Minh Tân (huyện Đông Hưng)",
        "Minh Tân (huyện Hưng Hà)",
        "Minh Tân (huyện Kiến Xương)",
    ]
    picked = (await bot.handle(press(payloads(replies)[0]))).replies
    assert picked[0].edit is True
    assert "nay thuộc <b>xã Quang Hưng</b>" in picked[0].text


async def test_typing_the_district_after_the_question_picks_it(bot: Assistant) -> None:
    await bot.handle(text("xã hòa bình cũ giờ là xã nào"))
    reply = joined((await bot.handle(text("huyen kien xuong"))).replies)
    assert "Xã Hòa Bình</b> (huyện Kiến Xương cũ) nay thuộc <b>xã Quang Lịch</b>" in reply


async def test_an_unknown_name_is_logged_for_staff(bot: Assistant) -> None:
    await bot.handle(text("xã Hòa Lạc cũ giờ là xã nào"))
    rows = await bot.db.read("SELECT text, reason FROM unanswered")
    assert [tuple(r) for r in rows] == [("xã Hòa Lạc cũ giờ là xã nào", "unknown-commune")]


async def test_naming_the_old_district_settles_an_ambiguous_name(bot: Assistant) -> None:
    reply = joined((await bot.handle(text("minh tân huyện kiến xương cũ giờ là xã nào"))).replies)
    assert "Xã Minh Tân</b> (huyện Kiến Xương cũ) nay thuộc <b>xã Bình Thanh</b>" in reply


async def test_an_unknown_name_gets_a_kind_answer(bot: Assistant) -> None:
    reply = joined((await bot.handle(text("xã Hòa Lạc cũ giờ là xã nào"))).replies)
    assert "chưa tìm thấy xã, phường, thị trấn nào tên “Hòa Lạc”" in reply
    assert "18001096" in reply


async def test_the_card_place_line_uses_the_commune_the_citizen_gave(bot: Assistant) -> None:
    replies = (await bot.handle(text("tôi ở xã Dân Tiến cũ, làm khai sinh ở đâu"))).replies
    card = joined(replies)
    assert "Đăng ký khai sinh" in card
    assert "Trung tâm Phục vụ hành chính công xã Việt Tiến" in card
    # Remembered for the conversation: the next card names it too.
    card = joined((await bot.handle(text("đăng ký kết hôn"))).replies)
    assert "Nơi nộp:</b> Trung tâm Phục vụ hành chính công xã Việt Tiến (xã Dân Tiến cũ" in card
    police = joined((await bot.handle(text("đăng ký thường trú"))).replies)
    assert "Công an xã Việt Tiến" in police
    # A province-level agency keeps the province's place.
    passport = joined((await bot.handle(press("p:cap-ho-chieu"))).replies)
    assert "Việt Tiến" not in passport
    # /huy forgets the commune.
    await bot.handle(command("huy"))
    card = joined((await bot.handle(text("đăng ký kết hôn"))).replies)
    assert "Việt Tiến" not in card


async def test_without_a_commune_the_card_keeps_the_catalogue_place(bot: Assistant) -> None:
    card = joined((await bot.handle(text("đăng ký kết hôn"))).replies)
    assert "Việt Tiến" not in card and "Nơi nộp" in card


@pytest.mark.parametrize(
    "question",
    [
        "lam cccd o dau",
        "bảo hiểm xã hội một lần",
        "tro cap xa hoi hang thang cho nguoi gia",
        "dang ky thuong tru o xa nao",
        "đăng ký cư trú cũ",
        "làm khai sinh ở phường được không",
    ],
)
async def test_procedure_questions_are_not_taken_by_the_lookup(
    bot: Assistant, question: str
) -> None:
    reply = joined((await bot.handle(text(question))).replies)
    assert "nay thuộc" not in reply and "chưa tìm thấy xã" not in reply, reply


async def test_lam_cccd_o_dau_still_reaches_the_id_card(bot: Assistant) -> None:
    replies = (await bot.handle(text("lam cccd o dau"))).replies
    assert "can-cuoc" in " ".join(payloads(replies))


async def test_terminal_chat_answers_an_old_commune_question(tmp_path: Path) -> None:
    assistant = await make_assistant(tmp_path)
    out = io.StringIO()
    try:
        await chat(assistant, io.StringIO("xa minh tan cu gio la xa nao\n1\n"), out)
    finally:
        await assistant.db.close()
    shown = out.getvalue()
    assert "[1] Minh Tân (huyện Phù Cừ)" in shown
    assert "Xã Minh Tân (huyện Phù Cừ cũ) nay thuộc xã Quang Hưng" in shown
    assert "<b>" not in shown
