"""Guide walkthroughs through the core, as transcripts: steps, branches, resume, stale buttons."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import messages as m
from bot.app import FEATURES
from bot.catalogue.model import Catalogue, Guide
from bot.core.assistant import Assistant
from bot.core.payloads import step_data
from bot.core.replies import Reply, esc
from bot.features import flows, handoff
from tests.conftest import MakeBot
from tests.core_fixtures import (
    command,
    labels,
    make_assistant,
    payloads,
    press,
    transcript,
)
from tests.flow_fixtures import guide_steps, tiny, unlimited

BOT_CATALOGUE = tiny


async def test_main_path_for_a_citizen_who_has_level_2(bot: Assistant) -> None:
    await transcript(
        bot,
        [
            (press("p:tai-khoan"), "Gồm 3 bước"),
            (press("g:tai-khoan"), "Bước 1/2: Tài khoản VNeID"),
            (press("g:tai-khoan:co-vneid:c0"), "Bước 2/2: Đăng nhập"),
            (press("g:tai-khoan:dang-nhap:n"), "Bạn đã đi hết hướng dẫn"),
            (command("tieptuc"), m.RESUME_NOTHING),
        ],
    )


async def test_main_path_for_a_citizen_without_level_2_goes_by_the_police(bot: Assistant) -> None:
    replies = await transcript(
        bot,
        [
            (press("g:tai-khoan"), "mức 2 chưa?"),
            (press("g:tai-khoan:co-vneid:c1"), "Bước 2/3: Làm mức 2 ở Công an xã"),
            (press("p:muc-2"), "Cấp tài khoản định danh điện tử mức độ 2"),
            (press("g:tai-khoan:lam-muc-2:n"), "Bước 3/3: Đăng nhập"),
            (press("g:tai-khoan:dang-nhap:b"), "Bước 2/3"),
            (press("g:tai-khoan:lam-muc-2:b"), "Bước 1/2"),
        ],
    )
    step_two = replies[1]
    assert "p:muc-2" in payloads(step_two)
    assert "&lt;ngay&gt;" in step_two[0].text  # catalogue text is escaped


async def test_step_message_has_the_issue_buttons_and_edits_in_place(bot: Assistant) -> None:
    replies = (await bot.handle(press("g:tai-khoan"))).replies
    assert replies[0].edit
    assert labels(replies) == [
        "Tôi đã có",
        "Tôi chưa có",
        m.BUTTON_GUIDE_STUCK,
        m.BUTTON_GUIDE_LEAVE,
    ]
    assert payloads(replies) == [
        "g:tai-khoan:co-vneid:c0",
        "g:tai-khoan:co-vneid:c1",
        "g:tai-khoan:co-vneid:v",
        "g:tai-khoan:co-vneid:x",
    ]
    assert m.GUIDE_CHOOSE_HINT in replies[0].text


async def test_a_step_with_a_link_opens_the_portal_page(bot: Assistant) -> None:
    await bot.handle(press("g:tai-khoan"))
    replies = (await bot.handle(press("g:tai-khoan:co-vneid:c0"))).replies
    urls = [b.url for row in replies[0].buttons for b in row if b.url]
    assert urls == ["https://dichvucong.gov.vn"]
    assert m.BUTTON_GUIDE_FINISH in labels(replies)
    assert m.BUTTON_GUIDE_BACK in labels(replies)


async def test_stuck_offers_the_hotline_and_keeps_the_step(tmp_path: Path) -> None:
    without_handoff = [f for f in FEATURES if f is not handoff]
    bot = unlimited(await make_assistant(tmp_path, tiny(), features=without_handoff))
    await bot.handle(press("g:tai-khoan"))
    replies = (await bot.handle(press("g:tai-khoan:co-vneid:v"))).replies
    assert "18001096" in replies[0].text
    assert not replies[0].edit
    assert payloads(replies) == ["g:tai-khoan:co-vneid"]
    back = (await bot.handle(press("g:tai-khoan:co-vneid"))).replies
    await bot.db.close()
    assert "Bước 1/2" in back[0].text


async def test_stuck_offers_a_handoff_when_staff_can_be_reached(make_bot: MakeBot) -> None:
    bot = await make_bot(tiny(), staff_chat_id=-100)
    replies = (await bot.handle(press("g:tai-khoan:co-vneid:v"))).replies
    assert payloads(replies) == ["h", "g:tai-khoan:co-vneid"]
    assert m.BUTTON_HANDOFF in labels(replies)
    assert m.GUIDE_STUCK_HANDOFF in replies[0].text


async def test_stuck_names_no_handoff_when_no_staff_chat_is_set(bot: Assistant) -> None:
    replies = (await bot.handle(press("g:tai-khoan:co-vneid:v"))).replies
    assert payloads(replies) == ["g:tai-khoan:co-vneid"]
    assert "Gặp cán bộ" not in replies[0].text


async def test_leaving_keeps_the_place_for_tieptuc_and_the_greeting(bot: Assistant) -> None:
    replies = await transcript(
        bot,
        [
            (press("g:tai-khoan"), "Bước 1/2"),
            (press("g:tai-khoan:co-vneid:c1"), "Bước 2/3"),
            (press("g:tai-khoan:lam-muc-2:x"), "tạm dừng"),
            (command("tieptuc"), "Bước 2/3: Làm mức 2 ở Công an xã"),
        ],
    )
    assert payloads(replies[2]) == ["g:tai-khoan:lam-muc-2", "m"]
    assert replies[2][0].edit
    greeting = (await bot.handle(command("start"))).replies
    assert greeting[0].buttons[0][0].label == "▶️ Tiếp tục: Đăng nhập Cổng Dịch vụ công"
    assert greeting[0].buttons[0][0].data == "g:tai-khoan:lam-muc-2"
    resumed = (await bot.handle(press("g:tai-khoan:lam-muc-2"))).replies
    assert "Bước 2/3" in resumed[0].text
    assert "g:tai-khoan:lam-muc-2:b" in payloads(resumed)


async def test_huy_leaves_the_walk(bot: Assistant) -> None:
    await transcript(
        bot,
        [
            (press("g:tai-khoan"), "Bước 1/2"),
            (command("huy"), "(bước 1/2)"),  # asks before erasing the walk
            (press("k:no"), m.CANCEL_KEPT),
            (command("tieptuc"), "Bước 1/2"),
            (command("huy"), m.BUTTON_CANCEL_YES),
            (press("k:yes"), m.CANCELLED),
            (command("tieptuc"), m.RESUME_NOTHING),
            (command("huy"), m.NOTHING_TO_CANCEL),
        ],
    )
    greeting = (await bot.handle(command("start"))).replies
    assert not any(d.startswith("g:") for d in payloads(greeting))


async def test_progress_survives_closing_and_reopening_the_database(tmp_path: Path) -> None:
    first = await make_assistant(tmp_path, tiny())
    await first.handle(press("g:tai-khoan"))
    await first.handle(press("g:tai-khoan:co-vneid:c1"))
    await first.handle(press("g:tai-khoan:lam-muc-2:n"))
    await first.db.close()

    second = await make_assistant(tmp_path, tiny())
    try:
        resumed = (await second.handle(command("tieptuc"))).replies
        assert "Bước 3/3: Đăng nhập" in resumed[0].text
        back = (await second.handle(press("g:tai-khoan:dang-nhap:b"))).replies
        assert "Bước 2/3: Làm mức 2" in back[0].text
    finally:
        await second.db.close()


async def test_progress_is_kept_per_citizen(bot: Assistant) -> None:
    await bot.handle(press("g:tai-khoan", user=1))
    await bot.handle(press("g:tai-khoan:co-vneid:c1", user=1))
    other = (await bot.handle(command("tieptuc", user=2))).replies
    assert other[0].text == m.RESUME_NOTHING


async def test_an_older_message_button_acts_from_the_step_it_showed(bot: Assistant) -> None:
    await bot.handle(press("g:tai-khoan"))
    await bot.handle(press("g:tai-khoan:co-vneid:c1"))
    await bot.handle(press("g:tai-khoan:lam-muc-2:n"))
    # The first message is still on screen; its "Tôi đã có" is pressed now.
    replies = (await bot.handle(press("g:tai-khoan:co-vneid:c0"))).replies
    assert "Bước 2/2: Đăng nhập" in replies[0].text
    back = (await bot.handle(press("g:tai-khoan:dang-nhap:b"))).replies
    assert "Bước 1/2: Tài khoản VNeID" in back[0].text


async def test_a_step_button_works_after_the_progress_was_cleared(bot: Assistant) -> None:
    await bot.handle(press("g:tai-khoan"))
    await bot.handle(command("huy"))
    replies = (await bot.handle(press("g:tai-khoan:lam-muc-2:n"))).replies
    assert "Bước 3/3: Đăng nhập" in replies[0].text


@pytest.mark.parametrize(
    "data",
    [
        "g",
        "g:nope",
        "g:nope:x",
        "g:tai-khoan:gone:n",
        "g:tai-khoan:co-vneid:zz",
        "g:tai-khoan:co-vneid:n:extra",
        "g:tai-khoan:#99:n",
        "g:" + "x" * 80,
        "o:unknown",
        "o",
        "c:unknown",
        "c:khai-sinh:zz",
        "q:nothing",
    ],
)
async def test_forged_or_stale_payloads_get_a_polite_answer(bot: Assistant, data: str) -> None:
    replies = (await bot.handle(press(data))).replies
    assert replies[0].notice == m.STALE_BUTTON
    assert replies[0].text == m.STALE_BUTTON_TEXT


async def test_a_choice_that_moved_resyncs_to_the_step_as_it_is_now(bot: Assistant) -> None:
    replies = (await bot.handle(press("g:tai-khoan:co-vneid:c9"))).replies
    assert replies[0].notice == m.GUIDE_RESYNCED
    assert "Bước 1/2" in replies[0].text
    needs_choice = (await bot.handle(press("g:tai-khoan:co-vneid:n"))).replies
    assert needs_choice[0].notice == m.GUIDE_RESYNCED


async def test_a_step_removed_by_a_catalogue_edit_is_answered_politely(tmp_path: Path) -> None:
    first = await make_assistant(tmp_path, tiny())
    await first.handle(press("g:tai-khoan"))
    await first.handle(press("g:tai-khoan:co-vneid:c1"))
    await first.db.close()
    edited = guide_steps([{"id": "moi", "title": "Bước mới", "text": "Mới."}])
    second = await make_assistant(tmp_path, tiny(guides=edited))
    try:
        greeting = (await second.handle(command("start"))).replies
        assert not any(d.startswith("g:") for d in payloads(greeting))
        old_button = (await second.handle(press("g:tai-khoan:lam-muc-2:n"))).replies
        assert old_button[0].notice == m.STALE_BUTTON
        resumed = (await second.handle(command("tieptuc"))).replies
        assert resumed[0].text == m.RESUME_GONE
        assert payloads(resumed) == ["g:tai-khoan:moi"]
        restarted = (await second.handle(press("g:tai-khoan:moi"))).replies
        assert "Bước 1/1: Bước mới" in restarted[0].text
    finally:
        await second.db.close()


async def test_a_guide_removed_from_the_catalogue_is_answered_politely(tmp_path: Path) -> None:
    first = await make_assistant(tmp_path, tiny())
    await first.handle(press("g:tai-khoan"))
    await first.db.close()
    second = await make_assistant(tmp_path, tiny(guides=[]))
    try:
        resumed = (await second.handle(command("tieptuc"))).replies
        assert resumed[0].text == m.RESUME_GUIDE_GONE
    finally:
        await second.db.close()


# --- the submission guide for one procedure ------------------------------------------------------


def flow_row(reply: Reply) -> list[str]:
    """The payloads of the card row this feature adds (the one with the checklist)."""
    rows = [[b.data for b in row] for row in reply.buttons]
    return next(row for row in rows if any(d.startswith("c:") for d in row))


async def test_card_offers_checklist_and_online_submission(bot: Assistant) -> None:
    online = (await bot.handle(press("p:khai-sinh"))).replies
    assert flow_row(online[0]) == ["c:khai-sinh", "o:khai-sinh"]
    assert m.BUTTON_CHECKLIST in labels(online) and m.BUTTON_ONLINE_GUIDE in labels(online)
    offline = (await bot.handle(press("p:muc-2"))).replies
    assert flow_row(offline[0]) == ["c:muc-2"]


async def test_submit_online_walks_the_submission_guide_with_the_procedure_link(
    bot: Assistant,
) -> None:
    replies = await transcript(
        bot,
        [
            (press("o:khai-sinh"), "Bước 1/3: Tìm thủ tục"),
            (press("g:nop-ho-so-truc-tuyen:tim:n"), "https://dichvucong.gov.vn/khai-sinh"),
            (press("g:nop-ho-so-truc-tuyen:dien:n"), "Thủ tục của bạn: <b>Đăng ký khai sinh"),
            (press("g:nop-ho-so-truc-tuyen:nop:n"), "Bạn đã đi hết hướng dẫn"),
        ],
    )
    for step in replies[:3]:
        assert "https://dichvucong.gov.vn/khai-sinh" in step[0].text
        urls = [b.url for row in step[0].buttons for b in row if b.url]
        assert urls == ["https://dichvucong.gov.vn/khai-sinh"]
    assert not replies[0][0].edit  # the card stays on screen above the walk
    first = replies[0][0].text
    assert "Cơ quan giải quyết:" in first  # the generic guide, said for this procedure
    assert m.ONLINE["full"] in first
    assert "Xin chào" not in first  # no second greeting in the middle of a conversation
    assert "c:khai-sinh" in payloads(replies[0])
    assert "c:khai-sinh" in payloads(replies[3])


async def test_submission_walk_resumes_with_its_procedure(bot: Assistant) -> None:
    await bot.handle(press("o:khai-sinh"))
    await bot.handle(press("g:nop-ho-so-truc-tuyen:tim:n"))
    resumed = (await bot.handle(command("tieptuc"))).replies
    assert "Bước 2/3: Điền tờ khai" in resumed[0].text
    assert "Đăng ký khai sinh" in resumed[0].text


async def test_submit_online_for_a_counter_only_procedure_says_so(bot: Assistant) -> None:
    replies = (await bot.handle(press("o:muc-2"))).replies
    assert "chưa nộp trực tuyến được" in replies[0].text
    assert payloads(replies) == ["p:muc-2"]


async def test_submit_online_without_the_guide_shows_the_online_section(tmp_path: Path) -> None:
    catalogue = tiny(guides=guide_steps([{"id": "a", "text": "A"}])[:1])
    bot = await make_assistant(tmp_path, catalogue)
    try:
        replies = (await bot.handle(press("o:khai-sinh"))).replies
        assert m.SECTION_TITLES["online"] in replies[0].text
        assert "https://dichvucong.gov.vn/khai-sinh" in replies[0].text
    finally:
        await bot.db.close()


# --- long ids and the 64-byte limit ------------------------------------------------------------


async def test_long_ids_fall_back_to_positions_and_still_work(tmp_path: Path) -> None:
    long_guide = {
        "id": "huong-dan-" + "rat-dai-" * 6,
        "name": "Dài",
        "verified": "2026-11-27",
        "steps": [
            {
                "id": "buoc-" + "dai-" * 12,
                "text": "Một",
                "choices": [{"label": "Đi", "next": "b"}],
            },
            {"id": "b", "text": "Hai"},
        ],
    }
    catalogue: Catalogue = tiny(guides=[long_guide])
    guide = catalogue.guides[long_guide["id"]]
    bot = await make_assistant(tmp_path, catalogue)
    try:
        first = (await bot.handle(press(f"g:{guide.id}"))).replies
        assert all(len(d.encode()) <= 64 for d in payloads(first))
        assert step_data(catalogue, guide, guide.steps[0].id, "c0") in payloads(first)
        moved = (
            await bot.handle(press(step_data(catalogue, guide, guide.steps[0].id, "c0")))
        ).replies
        assert "Bước 2/2" in moved[0].text
    finally:
        await bot.db.close()


# --- hand-written transcripts on the shipped guides ----------------------------------------------


@pytest.fixture
async def shipped(tmp_path: Path) -> AsyncIterator[Assistant]:
    assistant = await make_assistant(tmp_path)
    yield assistant
    await assistant.db.close()


async def test_shipped_login_with_level_2_by_qr_code(shipped: Assistant) -> None:
    guide = "g:tai-khoan-dich-vu-cong"
    await transcript(
        shipped,
        [
            (command("huongdan"), "Bạn muốn được hướng dẫn việc gì"),
            (press("p:tai-khoan-dich-vu-cong"), "Bắt đầu"),
            (press(guide), "Bước 1/5: Tài khoản VNeID"),
            (press(f"{guide}:co-vneid:c0"), "Bước 2/5: Mở Cổng Dịch vụ công"),
            (press(f"{guide}:mo-cong:n"), "Bước 3/5: Chọn cách đăng nhập"),
            (press(f"{guide}:chon-cach:c0"), "Bước 4/5: Đăng nhập bằng mã QR"),
            (press(f"{guide}:dang-nhap-qr:n"), "Bước 5/5: Đăng nhập thành công"),
            (press(f"{guide}:dang-nhap-xong:n"), "Bạn đã đi hết hướng dẫn"),
        ],
    )


async def test_shipped_login_without_level_2_goes_to_the_commune_police(
    shipped: Assistant,
) -> None:
    guide = "g:tai-khoan-dich-vu-cong"
    replies = await transcript(
        shipped,
        [
            (press(guide), "Bước 1/5"),
            (press(f"{guide}:co-vneid:c2"), "Bước 2/7: Làm tài khoản định danh mức độ 2"),
            (press("p:dinh-danh-dien-tu-muc-2"), "3.000228"),
            (press(f"{guide}:lam-muc-2:n"), "Bước 3/7: Kích hoạt trên ứng dụng VNeID"),
            (command("start"), "Tiếp tục: Đăng ký, đăng nhập"),
            (command("tieptuc"), "Bước 3/7: Kích hoạt trên ứng dụng VNeID"),
            (press(f"{guide}:kich-hoat:n"), "Bước 4/7: Mở Cổng Dịch vụ công"),
            (press(f"{guide}:mo-cong:b"), "Bước 3/7"),
        ],
    )
    assert "p:dinh-danh-dien-tu-muc-2" in payloads(replies[1])


async def test_shipped_forgotten_password_then_help_loops_back_to_login(
    shipped: Assistant,
) -> None:
    guide = "g:tai-khoan-dich-vu-cong"
    await transcript(
        shipped,
        [
            (press(guide), "Bước 1/5"),
            (press(f"{guide}:co-vneid:c3"), "Quên mật khẩu VNeID"),
            (press(f"{guide}:quen-mat-khau:c1"), "Cần người hỗ trợ"),
            (press(f"{guide}:ho-tro:n"), "Bước 4/7: Mở Cổng Dịch vụ công"),
        ],
    )


async def test_shipped_submission_of_a_birth_registration(shipped: Assistant) -> None:
    guide = "g:nop-ho-so-truc-tuyen"
    card = (await shipped.handle(press("p:dang-ky-khai-sinh"))).replies
    assert "o:dang-ky-khai-sinh" in payloads(card)
    await transcript(
        shipped,
        [
            (press("o:dang-ky-khai-sinh"), "Thủ tục của bạn: <b>Đăng ký khai sinh"),
            (press(f"{guide}:chuan-bi:c0"), "Tìm thủ tục"),
            (press(f"{guide}:tim-thu-tuc:n"), "Chọn tỉnh và cơ quan thực hiện"),
            (press(f"{guide}:chon-co-quan:n"), "Điền tờ khai"),
            (press(f"{guide}:dien-to-khai:n"), "Tải giấy tờ lên"),
            (press(f"{guide}:tai-giay-to:n"), "Chọn cách nhận kết quả"),
            (press(f"{guide}:nhan-ket-qua:n"), "Nộp hồ sơ và thanh toán"),
            (press(f"{guide}:nop-ho-so:n"), "Lưu mã hồ sơ"),
            (press(f"{guide}:luu-ma:c1"), "Hoàn tất"),
            (press(f"{guide}:xong:n"), "Bạn đã đi hết hướng dẫn"),
        ],
    )


# --- every guide of the shipped catalogue, every step and every choice ---------------------------


async def test_every_step_and_choice_of_every_shipped_guide(tmp_path: Path) -> None:
    bot = unlimited(await make_assistant(tmp_path))
    catalogue = bot.source.current.catalogue
    try:
        for guide in catalogue.guides.values():
            first = (await bot.handle(press(f"g:{guide.id}"))).replies
            assert f"Bước 1/{flows.position(guide, flows.start(guide))[1]}" in first[0].text
            seen = {guide.steps[0].id}
            todo = [guide.steps[0].id]
            while todo:
                step_id = todo.pop()
                shown = (await bot.handle(press(step_data(catalogue, guide, step_id)))).replies
                step = guide.step(step_id)
                assert step is not None
                assert esc(step.text)[:40] in shown[0].text
                for data in payloads(shown):
                    assert len(data.encode()) <= 64
                    replies = (await bot.handle(press(data))).replies
                    assert replies[0].notice != m.STALE_BUTTON, data
                    assert expected_after(guide, step_id, data) in replies[0].text, data
                for after in flows.successors(guide, step):
                    if after and after not in seen:
                        seen.add(after)
                        todo.append(after)
            assert seen == {s.id for s in guide.steps}
    finally:
        await bot.db.close()


def expected_after(guide: Guide, step_id: str, data: str) -> str:
    """A fragment the reply to pressing `data` on step `step_id` must contain."""
    step = guide.step(step_id)
    assert step is not None
    if data.startswith("p:"):
        return "📋 <b>"
    action = data.rsplit(":", 1)[1] if data.count(":") == 3 else ""
    if action == "n" and flows.is_last(guide, step):
        return "Bạn đã đi hết hướng dẫn"
    if action.startswith("c"):
        target = guide.step(step.choices[int(action[1:])].next)
        assert target is not None
        return esc(target.title)
    if action == "v":
        return "18001096"
    if action == "x":
        return "tạm dừng"
    return "Bước "
