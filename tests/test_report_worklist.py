"""A seeded week (>= 300 questions, >= 40 people) gives a report that is a work list: every
unanswered question grouped by meaning with a suggested fix, chit-chat and insults apart, open
hand-offs with their wait and card, fees about to lapse and facts to confirm with file:line."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.catalogue.model import Catalogue
from bot.core.assistant import Assistant
from bot.report import messages as rm
from bot.report.html import render_html
from bot.report.render import render_text, telegram_summary
from bot.report.weekly import WeeklyReport, build_report
from bot.report.weeks import VIETNAM, Week
from bot.storage.database import Database, open_database
from tests.core_fixtures import command, make_assistant, shipped_catalogue, shipped_matcher
from tests.seed import WEEK, Seeded, seed_week

NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=VIETNAM)  # two weeks after the seeded one
STAFF = 4242


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "bot.sqlite3")
    yield database
    await database.close()


def with_lapsed_fee(catalogue: Catalogue) -> Catalogue:
    """The shipped catalogue, with the birth registration fee lapsed on 01/11/2026."""
    entry = dataclasses.replace(
        catalogue.procedures["dang-ky-khai-sinh"], fee_until=dt.date(2026, 11, 1)
    )
    procedures = {**catalogue.procedures, entry.id: entry}
    entries = {**catalogue.entries, entry.id: entry}
    return dataclasses.replace(catalogue, procedures=procedures, entries=entries)


async def seeded(db: Database) -> tuple[Seeded, WeeklyReport]:
    await seed_week(db, WEEK.previous(), scale=0.7, seed=3)
    week = await seed_week(db, WEEK, scale=1.7)
    catalogue = with_lapsed_fee(shipped_catalogue())
    report = await build_report(db, WEEK, catalogue, now=NOW, matcher=shipped_matcher())
    return week, report


async def test_the_seeded_week_is_big_enough(db: Database) -> None:
    week, report = await seeded(db)
    assert week.questions >= 300 and week.users >= 40
    assert report.volume.questions == week.questions


async def test_every_unanswered_question_is_in_a_group_most_asked_first(db: Database) -> None:
    week, report = await seeded(db)
    work = report.work
    grouped = (
        work.gap_questions + sum(n for _, n in work.chitchat) + sum(n for _, n in work.insults)
    )
    declined = report.volume.unanswered - week.none_of_these
    assert grouped == declined  # nothing left out (the old report showed at most 15)
    counts = [g.count for g in work.gaps]
    assert counts == sorted(counts, reverse=True)
    school = work.gaps[0]
    assert school.text == "thủ tục nhập học lớp 1 cho con"
    assert dict(school.wordings) == {
        "thủ tục nhập học lớp 1 cho con": 7,
        "Thu tuc nhap hoc lop 1 cho con?": 3,
    }
    assert school.suggestion == "thủ tục chưa có: “thủ tục nhập học lớp 1 cho con”"


async def test_a_question_near_an_entry_suggests_an_alias_for_it(db: Database) -> None:
    _, report = await seeded(db)
    near = [g for g in report.work.gaps if g.closest is not None]
    assert near, [g.suggestion for g in report.work.gaps]
    for group in near:
        assert group.suggestion.startswith("thêm cách gọi '")
        assert group.suggestion.endswith(f"' cho {group.closest}?")


async def test_chitchat_and_insults_are_apart_from_the_gaps(db: Database) -> None:
    _, report = await seeded(db)
    work = report.work
    assert dict(work.chitchat) == {"xin chào bot": 5, "thời tiết hôm nay thế nào": 3}
    assert dict(work.insults) == {"bot ngu thế": 2}
    in_gaps = {t for g in work.gaps for t, _ in g.wordings}
    assert not in_gaps & {"xin chào bot", "thời tiết hôm nay thế nào", "bot ngu thế"}


async def test_not_these_and_clarified_questions_are_listed_with_a_fix(db: Database) -> None:
    week, report = await seeded(db)
    work = report.work
    assert sum(g.count for g in work.not_these) == week.none_of_these
    assert all(g.suggestion.startswith("các gợi ý đều không đúng") for g in work.not_these)
    assert sum(g.count for g in work.clarified) == week.clarified
    assert all(g.suggestion for g in work.clarified)


async def test_open_handoffs_show_their_wait_and_the_card_they_were_about(db: Database) -> None:
    _, report = await seeded(db)
    handoffs = report.work.handoffs
    assert len(handoffs) == 4  # two open in each seeded week, none answered yet
    assert [h.waited for h in handoffs] == sorted((h.waited for h in handoffs), reverse=True)
    card = [h for h in handoffs if h.entry_id]
    assert {(h.entry_id, h.card_question) for h in card} == {
        ("cap-doi-cap-lai-can-cuoc", "đổi cccd hết bao nhiêu tiền")
    }
    assert all(h.waited > dt.timedelta(days=10) for h in handoffs)
    text = render_text(report)
    assert "từ câu hỏi “đổi cccd hết bao nhiêu tiền”" in text


async def test_fees_lapsing_within_30_days_or_lapsed_are_listed_with_file_line(
    db: Database,
) -> None:
    _, report = await seeded(db)
    fees = {f.entry_id: f for f in report.work.fees}
    # The shipped catalogue dates one fee (căn cước); the test adds a lapsed one (khai sinh).
    assert set(fees) == {"dang-ky-khai-sinh", "cap-doi-cap-lai-can-cuoc"}
    assert fees["dang-ky-khai-sinh"].days == -34
    assert fees["cap-doi-cap-lai-can-cuoc"].days == 26
    path, line = fees["cap-doi-cap-lai-can-cuoc"].where.rsplit(":", 1)
    assert "fee_until:" in Path(path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    text = render_text(report)
    assert "đã quá 34 ngày" in text and "còn 26 ngày" in text


async def test_facts_to_confirm_are_listed_with_file_line(db: Database) -> None:
    _, report = await seeded(db)
    confirms = report.work.confirms
    catalogue = shipped_catalogue()
    assert len(confirms) == sum(len(p.confirm) for p in catalogue.procedures.values())
    source = Path(catalogue.source).read_text(encoding="utf-8").splitlines()
    for item in confirms[:10]:
        line = int(item.where.rsplit(":", 1)[1])
        assert item.text[:30] in source[line - 1]


async def test_rates_sit_beside_counts_and_a_bad_rise_is_marked_bad(db: Database) -> None:
    _, report = await seeded(db)
    text = render_text(report)
    assert "Không tìm thấy: " in text and "%" in text
    page = render_html(report)
    assert 'class="bad"' in page and rm.WORSE in page
    assert len(report.trend) == 8
    assert report.trend[-1][0] == WEEK.label


async def test_a_week_not_over_yet_is_marked_partial(db: Database) -> None:
    await seed_week(db, WEEK, scale=0.3)
    midweek = dt.datetime(2026, 11, 19, 12, 0, tzinfo=VIETNAM)
    report = await build_report(db, WEEK, shipped_catalogue(), now=midweek)
    assert report.partial_until == midweek
    assert "Tuần chưa kết thúc" in render_text(report)
    assert rm.PARTIAL_MARK in render_html(report)


async def test_the_summary_names_the_work_and_fits_one_message(db: Database) -> None:
    _, report = await seeded(db)
    summary = telegram_summary(report)
    assert len(summary) <= 4096
    assert "Việc cần làm" in summary and "còn chờ" in summary


async def test_baocao_sends_the_summary_with_the_html_report_as_a_file(tmp_path: Path) -> None:
    bot: Assistant = await make_assistant(tmp_path, staff_ids=frozenset({STAFF}))
    try:
        await seed_week(bot.db, Week.containing(dt.date.today()).previous(), scale=0.3)
        replies = (await bot.handle(command("baocao", user=STAFF))).replies
    finally:
        await bot.db.close()
    (reply,) = replies
    assert reply.text.startswith("📊")
    assert reply.document is not None
    assert reply.document.filename.endswith(".html")
    assert reply.document.data.startswith(b"<!DOCTYPE html>")
