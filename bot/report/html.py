"""The weekly report as one self-contained HTML page: the work list first, charts in inline SVG
that scale to the screen (a phone as well as a desktop), no external assets."""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot import messages as m
from bot.report import messages as rm
from bot.report.render import (
    delta,
    detail_text,
    rated_line,
    reason_label,
    reasons_text,
    title,
    trust_line,
    volume_rows,
)
from bot.report.weekly import WeeklyReport
from bot.report.work_render import (
    change,
    count,
    fee_line,
    partial_note,
    pct,
    rate,
)
from bot.report.worklist import Group, waited_text

_GOOD, _BAD, _NOW, _BEFORE, _PARTIAL = "#2e7d32", "#c62828", "#1565c0", "#90a4ae", "#90caf9"
_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,'Segoe UI',Roboto,Arial,sans-serif;max-width:960px;margin:0 auto;
padding:12px;color:#222;line-height:1.45;overflow-wrap:anywhere}
h1{font-size:1.35em;margin:.4em 0}h2{font-size:1.1em;margin-top:1.4em;
border-bottom:1px solid #ddd;padding-bottom:.2em}h3{font-size:1em}
.note{color:#555}.partial{background:#fff8e1;border:1px solid #ffe082;padding:.5em .7em;
border-radius:6px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px}
.tile{border:1px solid #e0e0e0;border-radius:8px;padding:.5em .7em}
.tile b{font-size:1.4em;display:block}.tile small{color:#555}
.good{color:#2e7d32}.bad{color:#c62828;font-weight:600}
ol,ul{padding-left:1.3em}li{margin:.35em 0}
.fix{display:block;color:#0d47a1}.fix::before{content:"→ "}
.where{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;color:#555}
.count{font-weight:600}
table{border-collapse:collapse;width:100%}td,th{padding:.25em .4em;border-bottom:1px solid #eee;
text-align:left;vertical-align:top}td.n,th.n{text-align:right;white-space:nowrap}
svg{display:block;width:100%;max-width:560px;height:auto}svg text{font-size:11px;fill:#222}
.legend{font-size:.9em;color:#444}
.todo{background:#e3f2fd;border-radius:8px;padding:.5em .7em;margin:.8em 0}
.todo a{color:#0d47a1}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _svg(width: int, height: int, parts: Sequence[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{_e(label)}">' + "".join(parts) + "</svg>"
    )


def hbars(rows: Sequence[tuple[str, Sequence[int]]], colors: Sequence[str], label: str) -> str:
    """Horizontal bars, each label on its own line above its bars (narrow enough for a phone)."""
    if not rows:
        return ""
    width, row_h = 360, 16 + 9 * len(colors)
    top = max(max(v, default=0) for _, v in rows) or 1
    parts = []
    for i, (name, values) in enumerate(rows):
        y = i * row_h
        short = name if len(name) <= 58 else name[:57].rstrip() + "…"
        parts.append(f'<text x="0" y="{y + 11}">{_e(short)}</text>')
        for j, value in enumerate(values):
            w = (width - 40) * value / top
            by = y + 14 + j * 9
            parts.append(
                f'<rect x="0" y="{by}" width="{w:.1f}" height="7" fill="{colors[j]}">'
                f"<title>{_e(name)}: {value}</title></rect>"
                f'<text x="{w + 3:.1f}" y="{by + 7}" style="font-size:9px">{value}</text>'
            )
    return _svg(width, row_h * len(rows) + 4, parts, label)


def vbars(labels: Sequence[str], values: Sequence[int], colors: Sequence[str], label: str) -> str:
    """Vertical bars, one per label, each in its own colour."""
    width, height = 360, 150
    step = width / max(len(labels), 1)
    top = max(values, default=0) or 1
    parts = []
    for i, (name, value) in enumerate(zip(labels, values, strict=False)):
        h = (height - 40) * value / top
        x = i * step + 3
        parts.append(
            f'<rect x="{x:.1f}" y="{height - 22 - h:.1f}" width="{step - 6:.1f}" '
            f'height="{h:.1f}" fill="{colors[i]}"><title>{_e(name)}: {value}</title></rect>'
            f'<text x="{x + 1:.1f}" y="{height - 26 - h:.1f}">{value}</text>'
            f'<text x="{x + 1:.1f}" y="{height - 8}" style="font-size:9px">{_e(name)}</text>'
        )
    return _svg(width, height, parts, label)


def _tiles(report: WeeklyReport) -> str:
    tiles = []
    for name, label in rm.RATE_LABELS.items():
        shift, verdict = change(report, name)
        word = {"good": rm.BETTER, "bad": rm.WORSE}.get(verdict, "")
        tiles.append(
            f'<div class="tile"><small>{_e(label)}</small><b>{_e(pct(rate(report.volume, name)))}'
            f"</b><small>{count(report.volume, name)} · "
            f'<span class="{verdict}">{_e(shift)}{" " + _e(word) if word else ""}</span>'
            "</small></div>"
        )
    return '<div class="tiles">' + "".join(tiles) + "</div>"


def _trend(report: WeeklyReport) -> str:
    if not report.trend:
        return ""
    labels = [label.split("-")[1] for label, _ in report.trend]
    questions = [v.questions for _, v in report.trend]
    colors = [_BEFORE] * (len(labels) - 1) + [_PARTIAL if report.partial_until else _NOW]
    declined = [rate(v, "declined") for _, v in report.trend]
    bars = vbars(labels, questions, colors, rm.TREND)
    rates = []
    for i, value in enumerate(declined):
        before = declined[i - 1] if i else None
        # A rise of the not-found rate is bad news: coloured so (in whole points, as shown).
        worse = (
            value is not None and before is not None and round(value * 100) > round(before * 100)
        )
        css = "bad" if worse else ""
        rates.append(f'<span class="{css}">{labels[i]}: {_e(pct(value))}</span>')
    mark = f" {_e(rm.PARTIAL_MARK)}" if report.partial_until else ""
    return (
        f"<h3>{_e(rm.TREND)}: {_e(m.REPORT_LABELS['questions'])}{mark}</h3>{bars}"
        f'<p class="legend">{_e(rm.RATE_LABELS["declined"])}: ' + " · ".join(rates) + "</p>"
    )


def _todo(report: WeeklyReport) -> str:
    """One line of what there is to do, each part a link to its section."""
    work = report.work
    parts = [
        ("gaps", rm.TODO_GAPS.format(count=len(work.gaps), questions=work.gap_questions)),
        ("handoffs", rm.TODO_HANDOFFS.format(count=len(work.handoffs))),
        ("fees", rm.TODO_FEES.format(count=len(work.fees))),
        ("confirms", rm.TODO_CONFIRMS.format(count=len(work.confirms) + len(work.stale))),
    ]
    links = " · ".join(f'<a href="#{anchor}">{_e(text)}</a>' for anchor, text in parts)
    return f'<p class="todo"><b>{_e(rm.TODO)}:</b> {links}</p>'


def _groups(groups: Sequence[Group]) -> str:
    items = []
    for g in groups:
        others = [t for t, _ in g.wordings[1:4]]
        said = (
            f' <span class="note">({_e(rm.WORDINGS)}: '
            + "; ".join(f"“{_e(t)}”" for t in others)
            + ")</span>"
            if others
            else ""
        )
        items.append(
            f'“{_e(g.text)}” <span class="count">{_e(rm.TIMES.format(count=g.count))}</span>'
            f'{said}<span class="fix">{_e(g.suggestion)}</span>'
        )
    return _list(items, ordered=True)


def _work(report: WeeklyReport) -> list[str]:
    work = report.work
    body = [f'<h2 id="gaps">1. {_e(rm.GAPS)}</h2>', _groups(work.gaps)]
    body += [f"<h2>2. {_e(rm.NOT_THESE)}</h2>", _groups(work.not_these)]
    body += [f"<h2>3. {_e(rm.CLARIFIED)}</h2>", _groups(work.clarified)]
    waiting = []
    for h in work.handoffs:
        line = _e(rm.HANDOFF_LINE.format(id=h.number, question=h.question, waited=""))
        line = line.removesuffix(" ").rstrip()
        days = h.waited.total_seconds() > 86400
        waited = f'<span class="{"bad" if days else ""}">{_e(waited_text(h.waited))}</span>'
        card = (
            f'<span class="note"> — {_e(rm.HANDOFF_CARD.format(id=h.entry_id, question=h.card_question))}</span>'  # noqa: E501
            if h.entry_id
            else ""
        )
        waiting.append(f"{line} {waited}{card}")
    body += [f'<h2 id="handoffs">4. {_e(rm.HANDOFFS)}</h2>', _list(waiting)]
    fees = [
        f'<span class="{"bad" if f.days < 0 else ""}">'
        + _e(fee_line(f.where, f.name, f.entry_id, f.until, f.days))
        + "</span>"
        for f in work.fees
    ]
    body += [f'<h2 id="fees">5. {_e(rm.FEES)}</h2>', _list(fees)]
    confirms = [
        f'<span class="where">{_e(c.where)}</span> {_e(c.entry_id)} — {_e(c.text)}'
        for c in work.confirms
    ] + [_e(s.text) for s in work.stale]
    body += [f'<h2 id="confirms">6. {_e(rm.CONFIRMS)}</h2>', _list(confirms)]
    return body


def render_html(report: WeeklyReport) -> str:
    """The report as one self-contained HTML page with inline SVG charts (no external assets)."""
    body: list[str] = [f"<h1>{_e(title(report))}</h1>", f'<p class="note">{_e(m.BOT_NAME)}</p>']
    if partial_note(report):
        body.append(f'<p class="partial">{_e(partial_note(report))}</p>')
    if report.from_aggregate:
        body.append(f'<p class="note">{_e(m.REPORT_FROM_AGGREGATE)}</p>')
    body += [_tiles(report), _todo(report)]
    body += _work(report)
    body.append(_trend(report))
    work = report.work
    chat = [f"“{_e(t)}” — {_e(rm.TIMES.format(count=n))}" for t, n in work.chitchat]
    body += [f"<h2>7. {_e(rm.CHITCHAT)}</h2>", _list(chat)]
    rude = [f"“{_e(t)}” — {_e(rm.TIMES.format(count=n))}" for t, n in work.insults]
    body += [f"<h2>8. {_e(rm.INSULTS)}</h2>", _list(rude)]
    body.append(_satisfaction(report))
    body.append(_figures(report))
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title(report))}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _satisfaction(report: WeeklyReport) -> str:
    parts = [f"<h2>9. {_e(m.REPORT_SATISFACTION)}</h2>"]
    if report.satisfaction:
        parts.append(
            f'<p class="legend"><span style="color:{_GOOD}">■</span> 👍 '
            f'<span style="color:{_BAD}">■</span> 👎</p>'
        )
        parts.append(
            hbars(
                [(s.name, (s.up, s.down)) for s in report.satisfaction],
                (_GOOD, _BAD),
                m.REPORT_SATISFACTION,
            )
        )
    items = []
    for s in report.satisfaction:
        inner = [f"<b>{_e(s.name)}</b>: {_e(rated_line(s))}"]
        if s.reasons:
            inner.append(f"<br>{_e(m.REPORT_REASONS)}: {_e(reasons_text(s))}")
        details = [
            f"<i>{_e(reason_label(d.reason))}</i>: " + _e(detail_text(d.question, d.comment))
            for d in s.details
        ]
        inner.append(_list(details, empty=""))
        items.append("".join(inner))
    parts.append(_list(items))
    return "".join(parts)


def _figures(report: WeeklyReport) -> str:
    parts = [f"<h2>10. {_e(m.REPORT_VOLUME)}</h2><table><tr><th>{_e(m.REPORT_ITEM)}</th>"]
    parts.append(
        f'<th class="n">{_e(m.REPORT_THIS_WEEK)}</th><th class="n">{_e(m.REPORT_PREVIOUS_WEEK)}'
        f'</th><th class="n">{_e(m.REPORT_CHANGE)}</th></tr>'
    )
    for _, label, value, before in volume_rows(report):
        parts.append(
            f'<tr><td>{_e(label)}</td><td class="n">{value}</td>'
            f'<td class="n">{"—" if before is None else before}</td>'
            f'<td class="n">{_e(delta(value, before) or "—")}</td></tr>'
        )
    parts.append("</table>")
    parts.append(f"<h3>{_e(m.REPORT_DAILY)}</h3>")
    parts.append(vbars(m.REPORT_WEEKDAYS_SHORT, report.daily, [_NOW] * 7, m.REPORT_DAILY))
    parts.append(f"<h2>11. {_e(m.REPORT_ASKED)}</h2>")
    parts.append(
        hbars([(a.name, (a.count,)) for a in report.asked], (_NOW,), m.REPORT_ASKED)
        or f"<p>{_e(m.REPORT_NONE)}</p>"
    )
    if report.trust:
        parts.append(f'<p class="note">{_e(trust_line(report))}</p>')
    return "".join(parts)


def _list(items: Sequence[str], ordered: bool = False, empty: str | None = None) -> str:
    if not items:
        return f"<p>{_e(m.REPORT_NONE)}</p>" if empty is None else empty
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{item}</li>" for item in items) + f"</{tag}>"
