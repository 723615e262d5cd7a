"""A realistic week of use, written through the bot's own storage functions (so redaction
applies as in service): questions answered, clarified and declined, ratings with reasons and
comments, hand-offs. Used by the report tests and to make docs/bao-cao-mau.md:

    .venv/bin/python -m tests.seed docs/bao-cao-mau.md
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.core import events
from bot.features import feedback
from bot.matching.matcher import Candidate, Match
from bot.report.weeks import VIETNAM, Week
from bot.storage import handoffs
from bot.storage.database import Database, open_database

WEEK = Week(2026, 47)  # 16-22/11/2026

# (question, decision, entry id, relative weight)
ASKED: list[tuple[str, str, str | None, int]] = [
    ("làm giấy khai sinh cho con cần gì", "answer", "dang-ky-khai-sinh", 14),
    ("lam giay khai sinh o dau", "answer", "dang-ky-khai-sinh", 6),
    ("đăng ký kết hôn cần giấy tờ gì", "answer", "dang-ky-ket-hon", 8),
    ("đổi cccd hết bao nhiêu tiền", "answer", "cap-doi-cap-lai-can-cuoc", 9),
    ("làm sổ đỏ lần đầu mất bao lâu", "answer", "cap-so-do-lan-dau", 7),
    ("dk tam tru online duoc ko", "answer", "dang-ky-tam-tru", 7),
    ("xin lý lịch tư pháp số 1", "answer", "ly-lich-tu-phap", 5),
    ("làm hộ chiếu ở đâu", "answer", "cap-ho-chieu", 5),
    ("sang tên xe máy cần gì", "answer", "sang-ten-xe", 4),
    ("chứng thực bản sao hết bao nhiêu", "answer", "chung-thuc-ban-sao", 4),
    ("đăng ký thường trú cho con", "answer", "dang-ky-thuong-tru", 3),
    ("trợ cấp thất nghiệp nộp ở đâu", "answer", "tro-cap-that-nghiep", 3),
    ("đăng ký", "clarify", "dang-ky-khai-sinh", 4),
    ("giấy xác nhận", "clarify", "xac-nhan-cu-tru", 3),
    ("làm lại giấy tờ nhà", "clarify", "cap-doi-cap-lai-so-do", 2),
]
# (question, how many times) for questions the bot declined
DECLINED: list[tuple[str, int]] = [
    ("thủ tục nhập học lớp 1 cho con", 4),
    ("Thu tuc nhap hoc lop 1 cho con?", 2),
    ("tiền điện tháng này sao cao thế", 3),
    ("vay vốn ngân hàng chính sách xã hội", 3),
    ("đăng ký xe điện cho học sinh", 2),
    ("mất ví thì báo ai", 1),
    ("sdt tôi 0912345678, cccd 034190001234, gọi lại giúp về chế độ người có công", 1),
    ("xin chào bot", 3),
    ("thời tiết hôm nay thế nào", 2),
    ("bot ngu thế", 1),
]
# (entry id, rating, reason, comment, saved trip)
RATINGS: list[tuple[str, int, str | None, str, bool | None]] = [
    ("dang-ky-khai-sinh", 1, None, "", True),
    ("dang-ky-khai-sinh", 1, None, "", True),
    ("dang-ky-khai-sinh", 1, None, "", False),
    ("dang-ky-khai-sinh", 1, None, "", True),
    ("dang-ky-khai-sinh", -1, "docs", "Thiếu giấy tờ khi bố mẹ chưa đăng ký kết hôn", None),
    ("dang-ky-ket-hon", 1, None, "", True),
    ("dang-ky-ket-hon", 1, None, "", None),
    ("cap-doi-cap-lai-can-cuoc", 1, None, "", True),
    ("cap-doi-cap-lai-can-cuoc", -1, "old", "Lệ phí đã thay đổi từ tháng 7", None),
    ("cap-doi-cap-lai-can-cuoc", -1, "hard", "", None),
    ("cap-so-do-lan-dau", -1, "hard", "Không rõ nộp ở xã hay tỉnh, gọi 0987654321", None),
    ("cap-so-do-lan-dau", -1, "wrong", "", None),
    ("cap-so-do-lan-dau", 1, None, "", False),
    ("dang-ky-tam-tru", 1, None, "", True),
    ("dang-ky-tam-tru", 1, None, "", True),
    ("tai-khoan-dich-vu-cong", 1, None, "", True),
    ("tai-khoan-dich-vu-cong", -1, "other", "Ứng dụng VNeID báo lỗi khi quét mã QR", None),
]
# (question, answered, the card it was about, the question that produced that card)
HANDOFFS: list[tuple[str, bool, str | None, str | None]] = [
    (
        "con tôi sinh ở Hà Nội, về Hưng Yên đăng ký khai sinh được không",
        True,
        "dang-ky-khai-sinh",
        "làm giấy khai sinh cho con cần gì",
    ),
    ("sổ đỏ của bố mẹ tôi ghi sai tên, sđt 0912 345 678", True, None, None),
    ("xin hỏi hồ sơ 000.00.20.H31-251117-0042 đến đâu rồi", False, None, None),
    (
        "lệ phí đổi căn cước có được giảm không",
        False,
        "cap-doi-cap-lai-can-cuoc",
        "đổi cccd hết bao nhiêu tiền",
    ),
]


@dataclass(frozen=True)
class Seeded:
    """How much was written, for tests that check the report's figures."""

    users: int
    questions: int
    answered: int
    clarified: int
    declined: int
    none_of_these: int
    ratings_up: int
    ratings_down: int
    saved_trips: int
    handoffs: int
    handoffs_answered: int


def _moment(rng: random.Random, week: Week) -> str:
    day = week.monday + dt.timedelta(days=rng.choices(range(7), [9, 8, 8, 7, 7, 4, 3])[0])
    local = dt.datetime.combine(day, dt.time(rng.randint(6, 21), rng.randint(0, 59)), week.tz)
    return local.astimezone(dt.UTC).isoformat(timespec="seconds")


async def seed_week(
    db: Database, week: Week = WEEK, scale: float = 1.0, seed: int = 7, ratings: bool = True
) -> Seeded:
    """Write a plausible week of questions, ratings and hand-offs; return the counts."""
    rng = random.Random(seed)
    users = [f"user-{seed}-{n:03d}" for n in range(max(3, int(60 * scale)))]
    counts = {"answer": 0, "clarify": 0, "none": 0}
    none_of_these = 0
    seen: set[str] = set()
    total = int(180 * scale)
    weights = [w for *_, w in ASKED]
    for _ in range(total):
        text, decision, entry, _w = rng.choices(ASKED, weights)[0]
        user, at = rng.choice(users), _moment(rng, week)
        seen.add(user)
        candidates = (Candidate(entry, 0.9 if decision == "answer" else 0.5),) if entry else ()
        match = Match(text, decision, candidates)  # type: ignore[arg-type]
        await events.record_question(db, user, text, match, at=at)
        counts[decision] += 1
        if decision == "clarify" and rng.random() < 0.3:
            await events.record_unanswered(db, user, text, "none-of-these", at=at)
            none_of_these += 1
    for text, times in DECLINED:
        for _ in range(max(1, round(times * scale))):
            user, at = rng.choice(users), _moment(rng, week)
            seen.add(user)
            await events.record_question(db, user, text, Match(text, "none", ()), at=at)
            await events.record_unanswered(db, user, text, "declined", at=at)
            counts["none"] += 1
    up = down = saved = 0
    rated = RATINGS[: round(len(RATINGS) * min(scale, 1.0))] if ratings else []
    for n, (entry, rating, reason, comment, trip) in enumerate(rated):
        # One rater per rating: a repeat by the same person would change, not add, a rating.
        user, at = f"rater-{seed}-{n:02d}", _moment(rng, week)
        seen.add(user)
        asked = next((q for q, _d, e, _w in ASKED if e == entry), "")
        number = await feedback.record_rating(db, user, entry, rating, asked, at=at)
        if reason:
            await feedback.set_reason(db, user, number, reason)
        if comment:
            await feedback.set_comment(db, user, number, comment)
        if trip is not None:
            await feedback.set_saved_trip(db, user, number, trip)
        up, down, saved = up + (rating > 0), down + (rating < 0), saved + (trip is True)
    answered = 0
    for text, done, entry, card_question in HANDOFFS:
        user, at = rng.choice(users), _moment(rng, week)
        seen.add(user)
        number = await handoffs.create_handoff(
            db, user, "tg:1000", events.clean(text), entry, card_question, at=at
        )
        if done:
            await handoffs.mark_answered(db, number)
        answered += done
    return Seeded(
        users=len(seen),
        questions=sum(counts.values()),
        answered=counts["answer"],
        clarified=counts["clarify"],
        declined=counts["none"],
        none_of_these=none_of_these,
        ratings_up=up,
        ratings_down=down,
        saved_trips=saved,
        handoffs=len(HANDOFFS),
        handoffs_answered=answered,
    )


async def _sample(path: Path) -> None:
    """Seed a fresh database with the week and a lighter week before; write the report."""
    from bot.report.render import render_markdown
    from bot.report.weekly import build_report
    from tests.core_fixtures import shipped_catalogue

    db = await open_database(":memory:")
    try:
        await seed_week(db, WEEK.previous(), scale=0.7, seed=3)
        await seed_week(db, WEEK)
        now = dt.datetime(2026, 11, 27, 9, 0, tzinfo=VIETNAM)
        report = await build_report(db, WEEK, shipped_catalogue(), now=now)
    finally:
        await db.close()
    preface = (
        "> Báo cáo mẫu, tạo từ dữ liệu giả lập của một tuần (tests/seed.py), không phải số liệu "
        "thật. Tạo lại: `.venv/bin/python -m tests.seed docs/bao-cao-mau.md`. Báo cáo thật: "
        "`python -m bot report --format markdown` (hoặc `html` có biểu đồ, `csv`, `text`).\n\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(preface + render_markdown(report), encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(_sample(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/bao-cao-mau.md")))
