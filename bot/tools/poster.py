"""Printable A4 posters for the counters: a procedure's name, the first three things to bring,
and QR codes that open its card on Telegram and on the web chat.

SVG, which every browser prints at A4 as drawn (no PDF library needed); the QR codes are made
by segno (pure Python, well kept) and drawn as one path each, so they stay sharp at any size.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape
from pathlib import Path

import segno

from bot.catalogue.model import Catalogue, Procedure
from bot.core import cards
from bot.tools import poster_messages as p

WIDTH, HEIGHT = 210, 297  # millimetres: A4 portrait
MARGIN = 15
QR_SIZE = 80  # millimetres, quiet zone included: scans from an arm's length
QUIET = 4  # modules of white around a code, as the standard asks
FONT = "'Noto Sans', 'Segoe UI', Arial, sans-serif"


@dataclass(frozen=True)
class Code:
    """One QR code on the poster: what it opens, and the caption under it."""

    url: str
    title: str
    caption: str


def telegram_link(bot_username: str, entry_id: str) -> str:
    """The deep link that opens an entry's card in the Telegram bot (`/start <id>`)."""
    return f"https://t.me/{bot_username}?start={entry_id.replace('.', '_')}"


def web_link(base_url: str, entry_id: str) -> str:
    """The entry's page on the web chat."""
    return f"{base_url.rstrip('/')}/thu-tuc/{entry_id}"


def qr_matrix(url: str) -> list[list[bool]]:
    """The modules of the QR code (a full-size code, never a Micro QR) for a URL, dark as True."""
    code = segno.make_qr(url, error="m")
    return [[bool(cell) for cell in row] for row in code.matrix]


def qr_path(matrix: list[list[bool]]) -> str:
    """The dark modules as one SVG path, one rectangle per horizontal run, in module units."""
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return "".join(parts)


def _lines(text: str, chars: int) -> list[str]:
    wrapped = textwrap.wrap(text, width=chars, break_long_words=False, break_on_hyphens=False)
    return wrapped or [""]


def _text(x: float, y: float, size: float, lines: list[str], weight: str = "400",
          anchor: str = "start", gap: float = 1.3) -> tuple[str, float]:  # fmt: skip
    """Lines of text from (x, y); returns the SVG and the y below the last line."""
    out = []
    for line in lines:
        out.append(
            f'<text x="{x}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" '
            f'text-anchor="{anchor}">{escape(line)}</text>'
        )
        y += size * gap
    return "\n".join(out), y


def _code(code: Code, x: float, y: float) -> str:
    matrix = qr_matrix(code.url)
    modules = len(matrix) + 2 * QUIET
    scale = QR_SIZE / modules
    centre = x + QR_SIZE / 2
    title, below = _text(centre, y, 6, [code.title], "700", "middle")
    top = below - 3
    caption, _ = _text(centre, top + QR_SIZE + 6, 4.2, _lines(code.caption, 38), anchor="middle")
    url, _ = _text(centre, top + QR_SIZE + 13, 3.2, [code.url], anchor="middle")
    return (
        f"{title}\n"
        f'<rect x="{x}" y="{top:.1f}" width="{QR_SIZE}" height="{QR_SIZE}" fill="#fff" '
        'stroke="#999" stroke-width="0.3"/>\n'
        f'<g transform="translate({x + QUIET * scale:.3f} {top + QUIET * scale:.3f}) '
        f'scale({scale:.4f})"><path class="qr" data-url="{escape(code.url)}" '
        f'd="{qr_path(matrix)}" fill="#000"/></g>\n{caption}\n{url}'
    )


def poster_svg(catalogue: Catalogue, procedure: Procedure, codes: list[Code]) -> str:
    """The poster of one procedure as an A4 SVG document."""
    inner = WIDTH - 2 * MARGIN
    body = [
        f'<rect x="0" y="0" width="{WIDTH}" height="24" fill="#a0141e"/>',
        f'<text x="{MARGIN}" y="15" font-size="7" font-weight="700" fill="#fff">'
        f"{escape(p.HEADER)}</text>",
    ]
    name, y = _text(MARGIN, 42, 10, _lines(procedure.name.upper(), 32), "700")
    body.append(name)
    y += 4
    heading, y = _text(MARGIN, y, 7, [p.BRING_FIRST], "700")
    body.append(heading)
    # What everybody must bring comes first; papers needed only in some cases ("chỉ khi ...")
    # would send most readers off to find something they do not need.
    documents = sorted(procedure.documents, key=lambda doc: doc.conditional)[:3]
    if not documents:
        lines, y = _text(MARGIN + 4, y, 6, _lines(p.NO_DOCUMENTS, 48))
        body.append(lines)
    for n, doc in enumerate(documents, 1):
        text = f"{n}. {doc.name} ({cards.document_kind(doc)})"
        lines, y = _text(MARGIN + 4, y, 6, _lines(text, 50))
        body.append(lines)
        y += 1.5
    if len(procedure.documents) > 3:
        more, y = _text(MARGIN + 4, y, 5, [p.MORE.format(count=len(procedure.documents) - 3)])
        body.append(more)
    y = max(y + 10, 140)
    gap = inner - 2 * QR_SIZE
    for i, code in enumerate(codes[:2]):
        x = MARGIN + (QR_SIZE + gap) * i if len(codes) > 1 else (WIDTH - QR_SIZE) / 2
        body.append(_code(code, x, y))
    footer = [p.HOTLINE.format(hotline=catalogue.hotline)] if catalogue.hotline else []
    if procedure.verified is None:
        footer.append(p.UNVERIFIED)
    else:
        footer.append(p.VERIFIED.format(date=cards.vn_date(procedure.verified)))
    lines, _ = _text(MARGIN, HEIGHT - 14, 4.5, footer)
    body.append(lines)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}mm" height="{HEIGHT}mm" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" lang="vi" font-family="{FONT}" fill="#111">\n'
        f"<title>{escape(procedure.name)}</title>\n"
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>\n' + "\n".join(body) + "\n</svg>\n"
    )


def codes_for(entry_id: str, bot_username: str, web_url: str) -> list[Code]:
    """The QR codes a poster carries: Telegram if the bot's name is set, web if its address is."""
    codes = []
    if bot_username:
        codes.append(
            Code(telegram_link(bot_username, entry_id), p.QR_TELEGRAM, p.QR_TELEGRAM_HINT)
        )
    if web_url:
        codes.append(Code(web_link(web_url, entry_id), p.QR_WEB, p.QR_WEB_HINT))
    return codes


def write_poster(catalogue: Catalogue, procedure: Procedure, codes: list[Code], out: Path) -> Path:
    """Write one poster; `out` is a file, or a folder to put `poster-<id>.svg` in."""
    path = out / f"poster-{procedure.id}.svg" if out.is_dir() else out
    path.write_text(poster_svg(catalogue, procedure, codes), encoding="utf-8")
    return path
