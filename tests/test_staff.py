"""Staff commands exist only for staff; the weekly report is scheduled for Monday 08:00."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import messages as m
from bot.addresses import telegram
from bot.core.assistant import Assistant
from bot.core.replies import MAX_TEXT, Reply
from bot.features import staff
from bot.report.weeks import VIETNAM, next_run
from tests.core_fixtures import command, text

STAFF = 555
CITIZEN = 4242
STAFF_CHAT = -100200


BOT_SETTINGS = {"staff_ids": frozenset({STAFF}), "staff_chat_id": STAFF_CHAT}


@pytest.mark.parametrize("name", ["baocao", "reload", "thongke"])
async def test_staff_commands_look_unknown_to_citizens(bot: Assistant, name: str) -> None:
    replies = (await bot.handle(command(name, user=CITIZEN))).replies
    assert [r.text for r in replies] == [m.UNKNOWN_COMMAND]


async def test_report_command_gives_a_summary_that_fits_one_message(bot: Assistant) -> None:
    await bot.handle(text("làm giấy khai sinh cho con", user=CITIZEN))
    replies = (await bot.handle(command("baocao", user=STAFF))).replies
    assert len(replies) == 1
    assert replies[0].text.startswith("📊 <b>Báo cáo tuần")
    assert len(replies[0].text) <= MAX_TEXT


async def test_report_command_takes_a_week(bot: Assistant) -> None:
    replies = (await bot.handle(command("baocao", "2026-W10", user=STAFF))).replies
    assert "2026-W10 (02/03/2026 – 08/03/2026)" in replies[0].text


async def test_report_command_explains_a_bad_week(bot: Assistant) -> None:
    replies = (await bot.handle(command("baocao", "tuần-trước", user=STAFF))).replies
    assert replies[0].text == m.REPORT_BAD_WEEK.format(week="tuần-trước")


async def test_stats_command_counts_today_and_this_week(bot: Assistant) -> None:
    await bot.handle(text("làm giấy khai sinh cho con", user=CITIZEN))
    await bot.handle(text("tiền điện sao cao thế", user=CITIZEN + 1))
    replies = (await bot.handle(command("thongke", user=STAFF))).replies
    body = replies[0].text
    assert body.count("Người hỏi: 2 · câu hỏi: 2") == 2
    assert body.count("chưa trả lời được: 1") == 2


class FakeHolder:
    """A source that records reloads."""

    def __init__(self, current: object) -> None:
        self.current = current
        self.forced: list[bool] = []

    async def reload_async(self, force: bool = False) -> object:
        self.forced.append(force)

        class Outcome:
            def staff_message(self) -> str:
                return "✅ Đã cập nhật danh mục: 3 thủ tục"

        return Outcome()


async def test_reload_forces_a_reload_and_answers_with_its_staff_message(
    bot: Assistant,
) -> None:
    holder = FakeHolder(bot.source.current)
    bot.source = holder
    replies = (await bot.handle(command("reload", user=STAFF))).replies
    assert holder.forced == [True]
    assert [r.text for r in replies] == ["✅ Đã cập nhật danh mục: 3 thủ tục"]


async def test_reload_of_a_fixed_catalogue_says_so(bot: Assistant) -> None:
    replies = (await bot.handle(command("reload", user=STAFF))).replies
    assert replies[0].text.startswith("⚠️")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (dt.datetime(2026, 11, 27, 10, 0), dt.datetime(2026, 11, 30, 8, 0)),  # Friday
        (dt.datetime(2026, 11, 30, 7, 59), dt.datetime(2026, 11, 30, 8, 0)),  # Monday early
        (dt.datetime(2026, 11, 30, 8, 0), dt.datetime(2026, 12, 7, 8, 0)),  # Monday at 8
        (dt.datetime(2026, 12, 31, 23, 0), dt.datetime(2027, 1, 4, 8, 0)),  # over the year
    ],
)
def test_weekly_report_runs_next_monday_at_eight(now: dt.datetime, expected: dt.datetime) -> None:
    found = next_run(now.replace(tzinfo=VIETNAM), dt.time(8, 0), weekday=0)
    assert found == expected.replace(tzinfo=VIETNAM)


async def test_weekly_report_is_posted_to_the_staff_chat(bot: Assistant) -> None:
    sent: list[Reply] = []

    async def sender(reply: Reply) -> list[int]:
        sent.append(reply)
        return [1]

    await staff.Scheduler(bot).weekly_report(sender)
    assert [r.chat for r in sent] == [telegram(STAFF_CHAT)]
    assert sent[0].text.startswith(m.REPORT_WEEKLY_HEAD)
    assert len(sent[0].text) <= MAX_TEXT
    kept = await bot.db.read("SELECT COUNT(*) FROM weekly_aggregates")
    assert kept[0][0] == 1


def test_the_weekly_report_and_retention_are_registered_jobs(bot: Assistant) -> None:
    jobs = {job.name: job for job in bot.registry.jobs}
    report, retention = jobs["weekly-report"], jobs["retention"]
    assert (report.at, report.weekday, report.at_start) == (dt.time(8, 0), 0, False)
    assert (retention.at, retention.weekday, retention.at_start) == (dt.time(3, 0), None, True)
