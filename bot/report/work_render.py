"""The work list and the rates in plain lines, shared by the text, markdown and csv reports and
the Telegram summary (the HTML page draws its own, with colours and charts)."""

from __future__ import annotations

import datetime as dt
import html

from bot.report import messages as rm
from bot.report.weekly import Volume, WeeklyReport
from bot.report.weeks import VIETNAM
from bot.report.worklist import Group, waited_text

# Whether a rise of a rate is good news (True) or bad news (False).
RISE_IS_GOOD = {"answered": True, "clarified": False, "declined": False, "satisfaction": True}


def rate(volume: Volume | None, name: str) -> float | None:
    """A rate of the week: answered, clarified, declined (of questions) or satisfaction."""
    if volume is None:
        return None
    if name == "satisfaction":
        return volume.satisfaction
    return getattr(volume, name) / volume.questions if volume.questions else None


def count(volume: Volume, name: str) -> int:
    """The count a rate is made of (ratings in all for satisfaction)."""
    if name == "satisfaction":
        return volume.ratings_up + volume.ratings_down
    return int(getattr(volume, name))


def pct(value: float | None) -> str:
    """'42%' or '—'."""
    return "—" if value is None else f"{round(value * 100)}%"


def change(report: WeeklyReport, name: str) -> tuple[str, str]:
    """The change of a rate against last week in points, and 'good', 'bad' or ''."""
    now, before = rate(report.volume, name), rate(report.previous, name)
    if now is None or before is None:
        return "—", ""
    points = round((now - before) * 100)
    if points == 0:
        return "0", ""
    good = (points > 0) == RISE_IS_GOOD[name]
    sign = "+" if points > 0 else "−"
    return f"{sign}{abs(points)} điểm", "good" if good else "bad"


def rate_lines(report: WeeklyReport) -> list[str]:
    """One line per rate: count, rate, change and whether that change is good or bad."""
    out = []
    for name, label in rm.RATE_LABELS.items():
        shift, verdict = change(report, name)
        word = {"good": rm.BETTER, "bad": rm.WORSE}.get(verdict, "")
        line = rm.RATE_LINE.format(
            label=label, count=count(report.volume, name), rate=pct(rate(report.volume, name))
        )
        out.append(f"{line}; {shift}" + (f" ({word})" if word else ""))
    return out


def partial_note(report: WeeklyReport) -> str:
    """The note that the week is not over yet, or ''."""
    if report.partial_until is None:
        return ""
    at = report.partial_until.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
    return rm.PARTIAL_WEEK.format(at=at)


def group_line(group: Group) -> str:
    """'“text” — 6 lần (cách hỏi: …) → suggestion'."""
    others = [t for t, _ in group.wordings[1:4]]
    said = f" ({rm.WORDINGS}: " + "; ".join(f"“{t}”" for t in others) + ")" if others else ""
    return f"“{group.text}” — {rm.TIMES.format(count=group.count)}{said} → {group.suggestion}"


def sections(report: WeeklyReport) -> list[tuple[str, list[str]]]:
    """The work list as (heading, lines), in the order a reviewer works through it."""
    work = report.work
    out: list[tuple[str, list[str]]] = [
        (rm.GAPS, [group_line(g) for g in work.gaps]),
        (rm.NOT_THESE, [group_line(g) for g in work.not_these]),
        (rm.CLARIFIED, [group_line(g) for g in work.clarified]),
        (
            rm.HANDOFFS,
            [
                rm.HANDOFF_LINE.format(
                    id=h.number, question=h.question, waited=waited_text(h.waited)
                )
                + (
                    "; " + rm.HANDOFF_CARD.format(id=h.entry_id, question=h.card_question)
                    if h.entry_id
                    else ""
                )
                for h in work.handoffs
            ],
        ),
        (rm.FEES, [fee_line(f.where, f.name, f.entry_id, f.until, f.days) for f in work.fees]),
        (
            rm.CONFIRMS,
            [
                rm.CONFIRM_LINE.format(where=c.where, id=c.entry_id, text=c.text)
                for c in work.confirms
            ]
            + [s.text for s in work.stale],
        ),
        (rm.CHITCHAT, [f"“{t}” — {rm.TIMES.format(count=n)}" for t, n in work.chitchat]),
        (rm.INSULTS, [f"“{t}” — {rm.TIMES.format(count=n)}" for t, n in work.insults]),
    ]
    return out


def fee_line(where: str, name: str, entry_id: str, until: dt.date, days: int) -> str:
    """A fee about to lapse, or lapsed."""
    template = rm.FEE_PASSED if days < 0 else rm.FEE_SOON
    return template.format(
        where=where, name=name, id=entry_id, date=until.strftime("%d/%m/%Y"), days=abs(days)
    )


def summary_lines(report: WeeklyReport) -> list[str]:
    """The work list in a few Telegram HTML lines, for the message above the report file."""
    work = report.work
    e = html.escape
    out = [rm.SUMMARY_WORK]
    out.append(e(rm.SUMMARY_GAPS.format(count=len(work.gaps), questions=work.gap_questions)))
    out += [f"  – {e(g.suggestion)} ({g.count})" for g in work.gaps[:3]]
    out.append(e(rm.SUMMARY_HANDOFFS.format(count=len(work.handoffs))))
    out.append(e(rm.SUMMARY_FEES.format(count=len(work.fees))))
    out.append(e(rm.SUMMARY_STALE.format(count=len(work.stale), confirms=len(work.confirms))))
    out += [e(line) for line in rate_lines(report)]
    note = partial_note(report)
    if note:
        out.append(f"<i>{e(note)}</i>")
    return out
