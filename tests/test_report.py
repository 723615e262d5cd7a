"""The weekly report on a seeded week, its formats, retention with aggregates, and /xoadulieu."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import datetime as dt
import io
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import messages as m
from bot.catalogue.model import Catalogue
from bot.cli import main
from bot.core.assistant import Assistant
from bot.core.replies import MAX_TEXT
from bot.features.retention import erase_user, purge
from bot.privacy import ID_NUMBER, PHONE
from bot.report import messages as rm
from bot.report.output import render
from bot.report.render import telegram_summary
from bot.report.weekly import Volume, WeeklyReport, build_report, stale_entries, stored_aggregate
from bot.report.weeks import VIETNAM, Week
from bot.storage.database import Database, open_database
from tests.core_fixtures import command, press, shipped_catalogue, text, who
from tests.seed import WEEK, Seeded, seed_week

# A moment some days after the seeded week, when the report is read.
NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=VIETNAM)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "bot.sqlite3")
    yield database
    await database.close()


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return shipped_catalogue()


async def seeded_report(db: Database, catalogue: Catalogue) -> tuple[Seeded, WeeklyReport]:
    await seed_week(db, WEEK.previous(), scale=0.5, seed=3)
    seeded = await seed_week(db, WEEK)
    return seeded, await build_report(db, WEEK, catalogue, now=NOW)


def test_weeks_parse_and_know_their_days() -> None:
    week = Week.parse("2026-W47")
    assert (week.monday, week.sunday) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert week.previous().label == "2026-W46"
    assert Week.parse("2027-w1").label == "2027-W01"
    assert Week.last_complete(NOW).label == "2026-W47"
    assert Week.containing(dt.date(2027, 1, 1)).label == "2026-W53"


@pytest.mark.parametrize("bad", ["2026-47", "2025-W53", "W47", "2026-W00", ""])
def test_weeks_refuse_what_is_not_a_week(bad: str) -> None:
    with pytest.raises(ValueError):
        Week.parse(bad)


async def test_report_on_an_empty_database_is_all_zero(db: Database, catalogue: Catalogue) -> None:
    report = await build_report(db, WEEK, catalogue, now=NOW)
    assert report.volume == Volume()
    assert report.previous == Volume()
    assert (report.asked, report.unanswered, report.satisfaction) == ((), (), ())
    for fmt in ("text", "markdown", "csv", "html"):
        assert render(report, fmt)


async def test_report_counts_the_seeded_week(db: Database, catalogue: Catalogue) -> None:
    seeded, report = await seeded_report(db, catalogue)
    v = report.volume
    assert v.conversations == seeded.users
    assert (v.questions, v.answered, v.clarified, v.declined) == (
        seeded.questions,
        seeded.answered,
        seeded.clarified,
        seeded.declined,
    )
    assert (v.ratings_up, v.ratings_down, v.saved_trips) == (
        seeded.ratings_up,
        seeded.ratings_down,
        seeded.saved_trips,
    )
    assert (v.handoffs, v.handoffs_answered) == (seeded.handoffs, seeded.handoffs_answered)
    assert sum(report.daily) == seeded.questions
    assert report.previous is not None and report.previous.questions < v.questions


async def test_most_asked_is_ranked_with_catalogue_names(
    db: Database, catalogue: Catalogue
) -> None:
    _, report = await seeded_report(db, catalogue)
    counts = [a.count for a in report.asked]
    assert counts == sorted(counts, reverse=True)
    assert report.asked[0].entry_id == "dang-ky-khai-sinh"
    assert report.asked[0].name == "Đăng ký khai sinh"


async def test_unanswered_questions_are_grouped_after_normalisation(
    db: Database, catalogue: Catalogue
) -> None:
    _, report = await seeded_report(db, catalogue)
    top = report.unanswered[0]
    assert (top.text, top.count) == ("thủ tục nhập học lớp 1 cho con", 6)
    texts = [u.text for u in report.unanswered]
    assert not any("nhap hoc" in t for t in texts)
    assert f"sdt tôi {PHONE}, cccd {ID_NUMBER}, gọi lại giúp về chế độ người có công" in texts


async def test_satisfaction_lists_reasons_and_comments_per_procedure(
    db: Database, catalogue: Catalogue
) -> None:
    _, report = await seeded_report(db, catalogue)
    by_id = {s.entry_id: s for s in report.satisfaction}
    land = by_id["cap-so-do-lan-dau"]
    assert (land.up, land.down) == (1, 2)
    assert dict(land.reasons) == {"hard": 1, "wrong": 1}
    comments = [d.comment for d in land.details if d.comment]
    assert comments == [f"Không rõ nộp ở xã hay tỉnh, gọi {PHONE}"]
    assert by_id["tai-khoan-dich-vu-cong"].name.startswith("Đăng ký, đăng nhập tài khoản")
    assert report.satisfaction[0].down >= report.satisfaction[-1].down


def test_entries_verified_more_than_180_days_ago_are_stale(catalogue: Catalogue) -> None:
    birth = catalogue.procedures["dang-ky-khai-sinh"]
    old = dataclasses.replace(birth, verified=dt.date(2026, 1, 2))
    entries = {**catalogue.entries, old.id: old}
    aged = dataclasses.replace(catalogue, entries=entries)
    stale = stale_entries(aged, dt.date(2026, 11, 22))
    assert [(s.entry_id, s.days) for s in stale] == [("dang-ky-khai-sinh", 324)]
    assert stale_entries(catalogue, dt.date(2026, 11, 22)) == []


async def test_report_counts_entries_never_compared_and_facts_to_confirm(
    db: Database, catalogue: Catalogue
) -> None:
    report = await build_report(db, WEEK, catalogue, now=NOW)
    never = sum(1 for p in catalogue.procedures.values() if p.verified is None)
    confirm = sum(len(p.confirm) for p in catalogue.procedures.values())
    assert report.trust is not None
    assert (report.trust.unverified, report.trust.to_confirm) == (never, confirm)
    assert never > 0 and confirm > 0
    line = f"{never}/{len(catalogue.procedures)} thủ tục chưa được đối chiếu"
    for fmt in ("text", "markdown", "html"):
        assert line in render(report, fmt)
    assert line in telegram_summary(report)
    rows = list(csv.reader(io.StringIO(render(report, "csv").lstrip("\ufeff"))))
    assert any("unverified" in row and str(never) in row for row in rows)


async def test_text_and_markdown_show_every_section(db: Database, catalogue: Catalogue) -> None:
    _, report = await seeded_report(db, catalogue)
    for fmt in ("text", "markdown"):
        body = render(report, fmt)
        for heading in (m.REPORT_ASKED, rm.GAPS, m.REPORT_SATISFACTION, rm.HANDOFFS):
            assert heading.upper() in body.upper()
        assert "Đăng ký khai sinh" in body
        assert "0912345678" not in body and "0987654321" not in body


async def test_csv_is_one_table_with_the_week_on_every_row(
    db: Database, catalogue: Catalogue
) -> None:
    seeded, report = await seeded_report(db, catalogue)
    table = render(report, "csv")
    assert table.startswith("\ufeff")  # Excel reads UTF-8 only with a BOM
    found = list(csv.DictReader(io.StringIO(table.removeprefix("\ufeff"))))
    assert {row["week"] for row in found} == {"2026-W47"}
    questions = next(r for r in found if r["section"] == "volume" and r["item"] == "questions")
    assert int(questions["value"]) == seeded.questions
    assert {"volume", "daily", "asked", "gap", "handoff_open", "rating_up", "reason"} <= {
        r["section"] for r in found
    }


async def test_html_is_self_contained_with_svg_charts(db: Database, catalogue: Catalogue) -> None:
    _, report = await seeded_report(db, catalogue)
    page = render(report, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") >= 4
    assert not re.search(r"(src|href)=\"?(https?:)?//", page)
    assert "<script" not in page


async def test_html_escapes_what_citizens_wrote(db: Database, catalogue: Catalogue) -> None:
    await seed_week(db, WEEK, scale=0.1)
    from bot.core import events

    await events.record_unanswered(db, "u", "<b>hello</b> & <script>", "declined", at=_in_week())
    page = render(await build_report(db, WEEK, catalogue, now=NOW), "html")
    assert "&lt;script&gt;" in page and "<script>" not in page


def _in_week() -> str:
    return dt.datetime(2026, 11, 18, 10, 0, tzinfo=VIETNAM).astimezone(dt.UTC).isoformat()


async def test_telegram_summary_fits_one_message_even_when_long(
    db: Database, catalogue: Catalogue
) -> None:
    _, report = await seeded_report(db, catalogue)
    crowded = dataclasses.replace(report, unanswered=report.unanswered * 40)
    assert len(telegram_summary(crowded)) <= MAX_TEXT
    assert len(telegram_summary(report)) <= MAX_TEXT


# --- retention -------------------------------------------------------------------------------


async def test_retention_keeps_the_aggregate_and_deletes_raw_rows(
    db: Database, catalogue: Catalogue
) -> None:
    seeded, before = await seeded_report(db, catalogue)
    later = NOW + dt.timedelta(days=30)
    purged = await purge(db, retention_days=7, now=later)
    assert "2026-W47" in purged.weeks
    for table in ("questions", "unanswered", "feedback", "handoffs"):
        assert (await db.read(f"SELECT COUNT(*) FROM {table}"))[0][0] == 0
    kept = await stored_aggregate(db, WEEK)
    assert kept is not None and kept["volume"]["questions"] == seeded.questions
    assert "nhập học" not in json.dumps(kept, ensure_ascii=False)
    after = await build_report(db, WEEK, catalogue, retention_days=7, now=later)
    assert after.from_aggregate
    assert after.volume == before.volume
    assert after.asked == before.asked
    assert after.unanswered == ()
    assert m.REPORT_FROM_AGGREGATE in render(after, "text")


async def test_retention_leaves_recent_rows(db: Database, catalogue: Catalogue) -> None:
    seeded = await seed_week(db, WEEK)
    purged = await purge(db, retention_days=180, now=NOW)
    assert purged.weeks == ()
    assert (await db.read("SELECT COUNT(*) FROM questions"))[0][0] == seeded.questions


async def test_retention_deletes_old_waiting_input(db: Database) -> None:
    await db.execute(
        "INSERT INTO pending_input VALUES ('u', 'handoff', '', '2020-01-01T00:00:00+00:00')"
    )
    await purge(db, retention_days=180)
    assert await db.read("SELECT * FROM pending_input") == []


# --- /xoadulieu ------------------------------------------------------------------------------


BOT_SETTINGS = {"staff_chat_id": -1}


async def test_erase_asks_first_and_keeps_data_on_no(bot: Assistant) -> None:
    await bot.handle(text("làm giấy khai sinh cho con"))
    asked = (await bot.handle(command("xoadulieu"))).replies
    assert asked[0].text == m.ERASE_CONFIRM
    kept = (await bot.handle(press("d:no"))).replies
    assert kept[0].text == m.ERASE_KEPT
    assert (await bot.db.read("SELECT COUNT(*) FROM questions"))[0][0] == 1


async def test_erase_deletes_everything_keyed_by_the_user_and_nothing_else(
    bot: Assistant,
) -> None:
    me, other = 4242, 5151
    for user in (me, other):
        await bot.handle(text("tiền điện sao cao thế", user=user))
        await bot.handle(press("x", user=user))
        await bot.handle(press("r:d:dang-ky-khai-sinh", user=user))
        await bot.handle(command("gapcanbo", "hỏi cán bộ", user=user))
        await bot.handle(press("h:ok", user=user))
    key = bot.user_key(who(me))
    now = "2026-11-27T00:00:00+00:00"
    await bot.db.execute(
        "INSERT INTO flow_progress (user_hash, guide_id, step_id, updated_at) VALUES (?,?,?,?)",
        (key, "tra-cuu-ho-so", "s1", now),
    )
    await bot.db.execute(
        "INSERT INTO checklists (user_hash, procedure_id, updated_at) VALUES (?, ?, ?)",
        (key, "dang-ky-khai-sinh", now),
    )
    await bot.db.execute("INSERT INTO pending_input VALUES (?, 'x', '', ?)", (key, now))
    await bot.handle(command("xoadulieu", user=me))
    done = (await bot.handle(press("d:yes", user=me))).replies
    assert done[0].text.startswith("Dạ, tôi đã xóa toàn bộ dữ liệu")
    tables = ("questions", "unanswered", "feedback", "handoffs", "pending_input")
    for table in (*tables, "flow_progress", "checklists"):
        rows = await bot.db.read(f"SELECT COUNT(*) FROM {table} WHERE user_hash = ?", (key,))
        assert (table, rows[0][0]) == (table, 0)
    others = await bot.db.read(
        "SELECT COUNT(*) FROM questions WHERE user_hash = ?", (bot.user_key(who(other)),)
    )
    assert others[0][0] == 1
    assert bot.context_for(me).last_question == ""


async def test_erase_user_counts_what_it_deleted(db: Database) -> None:
    await seed_week(db, WEEK, scale=0.1, seed=1)
    user = (await db.read("SELECT user_hash FROM questions LIMIT 1"))[0][0]
    expected = 0
    for table in ("questions", "unanswered", "feedback", "handoffs"):
        rows = await db.read(f"SELECT COUNT(*) FROM {table} WHERE user_hash = ?", (user,))
        expected += rows[0][0]
    assert expected > 0
    assert await erase_user(db, user) == expected


# --- the command line ------------------------------------------------------------------------


def test_cli_report_without_a_database_says_so_and_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_DATABASE", str(tmp_path / "none.sqlite3"))
    assert main(["report", "--week", "2026-W47", "--format", "markdown"]) == 1
    said = capsys.readouterr()
    assert said.out == ""
    assert "Chưa có cơ sở dữ liệu" in said.err and "none.sqlite3" in said.err
    assert not (tmp_path / "none.sqlite3").exists()


def test_cli_report_writes_html_to_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asyncio.run(_create_database(tmp_path / "bot.sqlite3"))
    monkeypatch.setenv("BOT_DATABASE", str(tmp_path / "bot.sqlite3"))
    out = tmp_path / "out" / "report.html"
    assert main(["report", "--week", "2026-W47", "--format", "html", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


async def _create_database(path: Path) -> None:
    await (await open_database(path)).close()


def test_cli_report_refuses_a_bad_week(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--week", "last"]) == 2
    assert "YYYY-Www" in capsys.readouterr().err
