"""The weekly report as one self-contained HTML page, with charts drawn in inline SVG."""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot import messages as m
from bot.report.render import (
    delta,
    detail_text,
    rate_line,
    rated_line,
    reason_label,
    reasons_text,
    title,
    trust_line,
    vn,
    volume_rows,
)
from bot.report.weekly import STALE_DAYS, Volume, WeeklyReport

_UP, _DOWN, _NOW, _BEFORE = "#2e7d32", "#c62828", "#1565c0", "#90a4ae"
_CSS = (
    "body{font-family:system-ui,'Segoe UI',Roboto,Arial,sans-serif;max-width:900px;"
    "margin:2em auto;"
    "padding:0 1em;color:#222}h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;"
    "border-bottom:1px solid #ddd}table{border-collapse:collapse}td,th{padding:.25em .6em;"
    "border-bottom:1px solid #eee;text-align:left}td.n{text-align:right}.note{color:#666}"
    "svg text{font-size:12px;fill:#222}.pos{color:#2e7d32}.neg{color:#c62828}"
)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def hbars(
    rows: Sequence[tuple[str, Sequence[int]]], colors: Sequence[str], stacked: bool = False
) -> str:
    """A horizontal bar chart as inline SVG: one row per label, one bar per series."""
    if not rows:
        return ""
    label_w, bar_w, row_h = 260, 420, 22 if stacked else 12 * len(colors) + 10
    top = max((sum(v) if stacked else max(v, default=0)) for _, v in rows) or 1
    height = row_h * len(rows) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 60}" '
        f'height="{height}" role="img">'
    ]
    for i, (label, values) in enumerate(rows):
        y = 5 + i * row_h
        short = label if len(label) <= 38 else label[:37].rstrip() + "…"
        parts.append(f'<text x="0" y="{y + row_h / 2 + 4:.0f}">{_e(short)}</text>')
        x = float(label_w)
        for j, value in enumerate(values):
            w = bar_w * value / top
            by = y + 3 if stacked else y + 3 + j * 12
            bh = row_h - 6 if stacked else 10
            parts.append(
                f'<rect x="{x:.1f}" y="{by}" width="{w:.1f}" height="{bh}" fill="{colors[j]}">'
                f"<title>{_e(label)}: {value}</title></rect>"
            )
            if stacked:
                x += w
            elif value:
                parts.append(f'<text x="{x + w + 4:.1f}" y="{by + 9}">{value}</text>')
        if stacked:
            parts.append(
                f'<text x="{x + 4:.1f}" y="{y + row_h / 2 + 4:.0f}">'
                f"{' / '.join(str(v) for v in values)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def vbars(labels: Sequence[str], values: Sequence[int], color: str = _NOW) -> str:
    """A vertical bar chart (one bar per label) as inline SVG."""
    width, height, gap = 60, 140, 10
    top = max(values, default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{len(labels) * width + gap}" '
        f'height="{height + 40}" role="img">'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        h = height * value / top
        x = gap + i * width
        parts.append(
            f'<rect x="{x}" y="{height - h + 15:.1f}" width="{width - gap}" height="{h:.1f}" '
            f'fill="{color}"><title>{_e(label)}: {value}</title></rect>'
            f'<text x="{x + 4}" y="{height - h + 11:.1f}">{value}</text>'
            f'<text x="{x + 4}" y="{height + 32}">{_e(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _legend(items: Sequence[tuple[str, str]]) -> str:
    return " ".join(f'<span style="color:{color}">■</span> {_e(label)}' for label, color in items)


def render_html(report: WeeklyReport) -> str:
    """The report as one self-contained HTML page with inline SVG charts (no external assets)."""
    body: list[str] = [f"<h1>{_e(title(report))}</h1>", f'<p class="note">{_e(m.BOT_NAME)}</p>']
    if report.from_aggregate:
        body.append(f'<p class="note">{_e(m.REPORT_FROM_AGGREGATE)}</p>')
    body.append(
        f"<h2>1. {_e(m.REPORT_VOLUME)}</h2><table><tr><th>{_e(m.REPORT_ITEM)}</th>"
        f"<th>{_e(m.REPORT_THIS_WEEK)}</th><th>{_e(m.REPORT_PREVIOUS_WEEK)}</th>"
        f"<th>{_e(m.REPORT_CHANGE)}</th></tr>"
    )
    for _, label, value, before in volume_rows(report):
        change = delta(value, before)
        css = "pos" if change.startswith("+") else ("neg" if change.startswith("−") else "")
        body.append(
            f'<tr><td>{_e(label)}</td><td class="n">{value}</td>'
            f'<td class="n">{"—" if before is None else before}</td>'
            f'<td class="n {css}">{_e(change or "—")}</td></tr>'
        )
    body.append(f"</table><p>{_e(rate_line(report))}</p>")
    main = ("questions", "answered", "clarified", "declined", "conversations")
    last = report.previous or Volume()
    body.append(_legend([(m.REPORT_THIS_WEEK, _NOW), (m.REPORT_PREVIOUS_WEEK, _BEFORE)]))
    body.append(
        hbars(
            [(m.REPORT_LABELS[k], (getattr(report.volume, k), getattr(last, k))) for k in main],
            (_NOW, _BEFORE),
        )
    )
    body.append(f"<h3>{_e(m.REPORT_DAILY)}</h3>")
    body.append(vbars(m.REPORT_WEEKDAYS_SHORT, report.daily))
    body.append(f"<h2>2. {_e(m.REPORT_ASKED)}</h2>")
    body.append(
        hbars([(a.name, (a.count,)) for a in report.asked], (_NOW,))
        or f"<p>{_e(m.REPORT_NONE)}</p>"
    )
    body.append(f"<h2>3. {_e(m.REPORT_UNANSWERED)}</h2>")
    body.append(
        _list(
            [
                f"“{_e(u.text)}” — {_e(m.REPORT_TIMES.format(count=u.count))}"
                for u in report.unanswered
            ],
            ordered=True,
        )
    )
    body.append(f"<h2>4. {_e(m.REPORT_SATISFACTION)}</h2>")
    if report.satisfaction:
        body.append(_legend([("👍", _UP), ("👎", _DOWN)]))
        body.append(
            hbars(
                [(s.name, (s.up, s.down)) for s in report.satisfaction], (_UP, _DOWN), stacked=True
            )
        )
    items = []
    for s in report.satisfaction:
        inner = [f"<b>{_e(s.name)}</b>: {_e(rated_line(s))}"]
        if s.reasons:
            inner.append(f"<br>{_e(m.REPORT_REASONS)}: {_e(reasons_text(s))}")
        inner.append(
            _list(
                [
                    f"<i>{_e(reason_label(d.reason))}</i>: "
                    + _e(detail_text(d.question, d.comment))
                    for d in s.details
                ],
                empty="",
            )
        )
        items.append("".join(inner))
    body.append(_list(items))
    body.append(f"<h2>5. {_e(m.REPORT_STALE.format(days=STALE_DAYS))}</h2>")
    body.append(
        _list(
            [
                _e(
                    m.REPORT_STALE_LINE.format(
                        name=s.name, id=s.entry_id, date=vn(s.verified), days=s.days
                    )
                )
                for s in report.stale
            ]
        )
    )
    if report.trust:
        body.append(f"<p>{_e(trust_line(report))}</p>")
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{_e(title(report))}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _list(items: Sequence[str], ordered: bool = False, empty: str | None = None) -> str:
    if not items:
        return f"<p>{_e(m.REPORT_NONE)}</p>" if empty is None else empty
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{item}</li>" for item in items) + f"</{tag}>"
