"""The weekly report on paper: plain text, markdown, csv, html with inline SVG charts, and a
short Telegram summary that fits in one message."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io

from bot import messages as m
from bot.core.replies import MAX_TEXT
from bot.report import messages as rm
from bot.report.weekly import (
    VOLUME_FIELDS,
    Satisfaction,
    Volume,
    WeeklyReport,
)
from bot.report.work_render import partial_note, rate_lines, sections, summary_lines

FORMATS = ("text", "markdown", "csv", "html")


def vn(day: dt.date) -> str:
    """A date as 23/11/2026."""
    return day.strftime("%d/%m/%Y")


def percent(rate: float | None) -> str:
    """A share as '82%', or '—' when there is nothing to divide."""
    return "—" if rate is None else f"{round(rate * 100)}%"


def delta(now: int, before: int | None) -> str:
    """The change against last week: '+12', '−3', '0'."""
    if before is None:
        return ""
    diff = now - before
    return f"+{diff}" if diff > 0 else ("0" if diff == 0 else f"−{-diff}")


def reason_label(code: str) -> str:
    """The wording of a 👎 reason code."""
    return m.FEEDBACK_REASONS.get(code, m.REPORT_REASON_NONE)


def title(report: WeeklyReport) -> str:
    """The report's title line."""
    week = report.week
    return m.REPORT_TITLE.format(week=week.label, start=vn(week.monday), end=vn(week.sunday))


def volume_rows(report: WeeklyReport) -> list[tuple[str, str, int, int | None]]:
    """(field, label, this week, last week) for every figure."""
    before = report.previous
    return [
        (name, m.REPORT_LABELS[name], getattr(report.volume, name), _get(before, name))
        for name in VOLUME_FIELDS
    ]


def _get(volume: Volume | None, name: str) -> int | None:
    return None if volume is None else int(getattr(volume, name))


def rate_line(report: WeeklyReport) -> str:
    """The satisfaction rate this week and the week before."""
    previous = report.previous.satisfaction if report.previous else None
    return m.REPORT_SATISFACTION_RATE.format(
        rate=percent(report.volume.satisfaction), previous=percent(previous)
    )


def reasons_text(item: Satisfaction) -> str:
    """The 👎 reasons of an entry with their counts."""
    return ", ".join(f"{reason_label(code)} ({n})" for code, n in item.reasons)


def rated_line(item: Satisfaction) -> str:
    """One entry's ratings in a line."""
    return m.REPORT_RATED_LINE.format(
        up=item.up, down=item.down, rate=percent(item.rate), saved=item.saved_trips
    )


# --- text and markdown -----------------------------------------------------------------------


def render_text(report: WeeklyReport) -> str:
    """The report as plain text: rates, the work list, then the figures and ratings."""
    out = [title(report).upper(), m.BOT_NAME, ""]
    if partial_note(report):
        out += [partial_note(report), ""]
    if report.from_aggregate:
        out += [m.REPORT_FROM_AGGREGATE, ""]
    out.append(f"{rm.RATES.upper()}")
    out += [f"   {line}" for line in rate_lines(report)]
    out.append("")
    for n, (heading, lines) in enumerate(sections(report), 1):
        out.append(f"{n}. {heading.upper()}")
        out += [f"   {i}. {line}" for i, line in enumerate(lines, 1)] or [f"   {m.REPORT_NONE}"]
        out.append("")
    out.append(f"{m.REPORT_VOLUME.upper()} ({m.REPORT_VOLUME_NOTE})")
    width = max(len(label) for _, label, _, _ in volume_rows(report))
    for _, label, value, before in volume_rows(report):
        change = delta(value, before)
        out.append(f"   {label.ljust(width)}  {value:>6}" + (f"  ({change})" if change else ""))
    out += [f"   {rate_line(report)}", ""]
    days = "  ".join(
        f"{d} {n}" for d, n in zip(m.REPORT_WEEKDAYS_SHORT, report.daily, strict=False)
    )
    out += [f"   {m.REPORT_DAILY}: {days}", ""]
    out.append(m.REPORT_ASKED.upper())
    out += [f"   {i}. {a.name} — {a.count}" for i, a in enumerate(report.asked, 1)] or [
        f"   {m.REPORT_NONE}"
    ]
    out += ["", m.REPORT_SATISFACTION.upper()]
    for item in report.satisfaction:
        out.append(f"   • {item.name}: {rated_line(item)}")
        if item.reasons:
            out.append(f"     {m.REPORT_REASONS}: {reasons_text(item)}")
        for d in item.details:
            out.append(f"     - [{reason_label(d.reason)}] " + detail_text(d.question, d.comment))
    if not report.satisfaction:
        out.append(f"   {m.REPORT_NONE}")
    if report.trust:
        out += ["", trust_line(report)]
    return "\n".join(out) + "\n"


def trust_line(report: WeeklyReport) -> str:
    """One line on how much of the catalogue rests on checked facts."""
    assert report.trust is not None
    t = report.trust
    return m.REPORT_TRUST.format(
        unverified=t.unverified,
        procedures=t.procedures,
        to_confirm=t.to_confirm,
        with_confirm=t.with_confirm,
    )


def detail_text(question: str, comment: str) -> str:
    """A 👎 comment and the question that led to it, as one line."""
    parts = []
    if comment:
        parts.append(f"{m.REPORT_COMMENT}: “{comment}”")
    if question:
        parts.append(f"{m.REPORT_ASKED_WITH}: “{question}”")
    return "; ".join(parts)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: WeeklyReport) -> str:
    """The report as markdown: rates, the work list, then tables for the figures."""
    out = [f"# {title(report)}", "", f"_{m.BOT_NAME}_", ""]
    if partial_note(report):
        out += [f"> {partial_note(report)}", ""]
    if report.from_aggregate:
        out += [f"> {m.REPORT_FROM_AGGREGATE}", ""]
    out += [f"## {rm.RATES}", ""] + [f"- {_md(line)}" for line in rate_lines(report)] + [""]
    for n, (heading, lines) in enumerate(sections(report), 1):
        out += [f"## {n}. {heading}", ""]
        out += [f"{i}. {_md(line)}" for i, line in enumerate(lines, 1)] or [m.REPORT_NONE]
        out.append("")
    out += [f"## {m.REPORT_VOLUME}", ""]
    out += [
        f"| {m.REPORT_ITEM} | {m.REPORT_THIS_WEEK} | {m.REPORT_PREVIOUS_WEEK} "
        f"| {m.REPORT_CHANGE} |",
        "| --- | ---: | ---: | ---: |",
    ]
    for _, label, value, before in volume_rows(report):
        shown = "—" if before is None else str(before)
        out.append(f"| {_md(label)} | {value} | {shown} | {delta(value, before) or '—'} |")
    out += ["", rate_line(report), ""]
    out.append(
        f"**{m.REPORT_DAILY}:** "
        + ", ".join(
            f"{d} {n}" for d, n in zip(m.REPORT_WEEKDAYS_SHORT, report.daily, strict=False)
        )
    )
    out += ["", f"## {m.REPORT_ASKED}", ""]
    if report.asked:
        out += [f"| # | {m.REPORT_PROCEDURE} | {m.REPORT_COUNT} |", "| ---: | --- | ---: |"]
        out += [f"| {i} | {_md(a.name)} | {a.count} |" for i, a in enumerate(report.asked, 1)]
    else:
        out.append(m.REPORT_NONE)
    out += ["", f"## {m.REPORT_SATISFACTION}", ""]
    for item in report.satisfaction:
        out.append(f"- **{_md(item.name)}**: {rated_line(item)}")
        if item.reasons:
            out.append(f"  - {m.REPORT_REASONS}: {reasons_text(item)}")
        for d in item.details:
            out.append(
                f"  - _{reason_label(d.reason)}_: {_md(detail_text(d.question, d.comment))}"
            )
    if not report.satisfaction:
        out.append(m.REPORT_NONE)
    if report.trust:
        out += ["", trust_line(report)]
    return "\n".join(out) + "\n"


# --- csv -------------------------------------------------------------------------------------


def render_csv(report: WeeklyReport) -> str:
    """The report as one long CSV table: section, item, label, value, previous, detail."""
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a BOM, so that Excel reads the file as UTF-8
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["week", "section", "item", "label", "value", "previous", "detail"])
    week = report.week.label

    def row(*cells: object) -> None:
        writer.writerow([week, *("" if c is None else c for c in cells)])

    for name, label, value, before in volume_rows(report):
        row("volume", name, label, value, before, "")
    for day, count in zip(m.REPORT_WEEKDAYS_SHORT, report.daily, strict=False):
        row("daily", day, day, count, None, "")
    for a in report.asked:
        row("asked", a.entry_id, a.name, a.count, None, "")
    for u in report.unanswered:
        row("unanswered", "", u.text, u.count, None, "")
    for s in report.satisfaction:
        row("rating_up", s.entry_id, s.name, s.up, None, "")
        row("rating_down", s.entry_id, s.name, s.down, None, "")
        row("saved_trips", s.entry_id, s.name, s.saved_trips, None, "")
        for code, n in s.reasons:
            row("reason", s.entry_id, reason_label(code), n, None, code)
        for d in s.details:
            row("comment", s.entry_id, d.comment, None, None, d.question)
    for st in report.stale:
        row("stale", st.entry_id, st.name, st.days, None, st.verified.isoformat())
    work = report.work
    for kind, groups in (("gap", work.gaps), ("not_these", work.not_these),
                         ("clarified", work.clarified)):  # fmt: skip
        for g in groups:
            row(kind, g.closest or "", g.text, g.count, None, g.suggestion)
    for text, n in work.chitchat:
        row("chitchat", "", text, n, None, "")
    for text, n in work.insults:
        row("insult", "", text, n, None, "")
    for h in work.handoffs:
        hours = round(h.waited.total_seconds() / 3600, 1)
        row("handoff_open", h.entry_id or "", h.question, hours, None, h.card_question)
    for f in work.fees:
        row("fee_until", f.entry_id, f.name, f.days, None, f"{f.until.isoformat()} {f.where}")
    for c in work.confirms:
        row("confirm", c.entry_id, c.text, None, None, c.where)
    if report.trust:
        t = report.trust
        row("unverified", "", "", t.unverified, None, str(t.procedures))
        row("to_confirm", "", "", t.to_confirm, None, str(t.with_confirm))
    return buffer.getvalue()


# --- the Telegram summary --------------------------------------------------------------------


def telegram_summary(report: WeeklyReport, limit: int = MAX_TEXT) -> str:
    """A Telegram HTML summary of the report that fits in one message."""
    for top, comments in ((5, 2), (5, 1), (3, 1), (3, 0), (2, 0)):
        text = _summary(report, top, comments)
        if len(text) <= limit:
            return text
    return text[: text.rfind("\n", 0, limit)]


def _summary(report: WeeklyReport, top: int, comments: int) -> str:
    e = html.escape
    out = [f"📊 <b>{e(title(report))}</b>"]
    if report.from_aggregate:
        out.append(f"<i>{e(m.REPORT_FROM_AGGREGATE)}</i>")
    out.append("")
    for _, label, value, before in volume_rows(report):
        change = delta(value, before)
        out.append(f"• {e(label)}: <b>{value}</b>" + (f" ({change})" if change else ""))
    out.append(e(rate_line(report)))
    out.append("")
    out += summary_lines(report)

    def section(name: str, lines: list[str], total: int) -> None:
        out.extend(["", f"<b>{e(name)}</b>"])
        out.extend(lines[:top] or [e(m.REPORT_NONE)])
        if total > top:
            out.append(e(m.REPORT_MORE.format(count=total - top)))

    section(
        m.REPORT_ASKED,
        [f"{i}. {e(a.name)} — {a.count}" for i, a in enumerate(report.asked, 1)],
        len(report.asked),
    )
    rated = []
    for s in report.satisfaction:
        lines = [f"• {e(s.name)}: {e(rated_line(s))}"]
        if s.reasons:
            lines.append(f"  {e(m.REPORT_REASONS)}: {e(reasons_text(s))}")
        lines += [f"  – “{e(d.comment)}”" for d in s.details if d.comment][:comments]
        rated.append("\n".join(lines))
    section(m.REPORT_SATISFACTION, rated, len(rated))
    if report.trust:
        out.append(e(trust_line(report)))
    out.extend(["", m.REPORT_FULL_HINT.format(week=report.week.label)])
    return "\n".join(out)
