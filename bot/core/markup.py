"""The core's reply markup, and how each front end renders it.

`Reply.text` is written in the core's own markup: a small subset of HTML, chosen so that the
bot's wording reads the same in the messages module and on every door. The whole vocabulary:

- `<b>bold</b>`, `<i>italic</i>`, `<code>code or a number to copy</code>`;
- `<a href="https://...">label</a>`: a link (http, https, tg or mailto only);
- a line break is a newline character; an empty line separates paragraphs;
- every other `<`, `>` and `&` is text, written `&lt;`, `&gt;`, `&amp;` (`&quot;` and numeric
  entities are read too). Text from a citizen or the catalogue goes in through `esc`.

Tags nest (`<b><a href="...">x</a></b>`) but never cross a line: the Telegram front end splits
long messages on line boundaries. `validate` names what breaks these rules; the renderers never
trust their input and escape whatever is not in the vocabulary, so that a citizen's "<script>"
stays text everywhere:

- `to_telegram_html`: Telegram's HTML parse mode (the markup as it is, when valid);
- `to_plain`: the terminal (no tags, entities read, links as "label (url)");
- `to_web_html`: a web page (escaped, line breaks as `<br>`, links with rel="noopener").
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

STYLES = ("b", "i", "code")
SCHEMES = ("http://", "https://", "tg://", "mailto:")

# Only these three characters can start markup; the scanner jumps from one to the next, and
# reads a token where one starts (a regex over every position costs 50 times more).
_SPECIAL = re.compile(r"[<>&]")
_TOKEN = re.compile(
    r"<(?P<close>/?)(?P<tag>b|i|code)>"
    r"|<a href=\"(?P<href>[^\"<>]*)\">"
    r"|(?P<end_a></a>)"
    r"|&(?P<entity>amp|lt|gt|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});"
)
_WEB_TAGS = {"b": "strong", "i": "em", "code": "code"}


@dataclass(frozen=True)
class Span:
    """A run of text with the styles around it and the link it belongs to ('' for none)."""

    text: str
    styles: frozenset[str] = frozenset()
    href: str = ""


def esc(text: str) -> str:
    """Text as markup: `<`, `>` and `&` become entities (quotes stay as they are)."""
    return html.escape(text, quote=False)


def link(label: str, url: str) -> str:
    """A link in markup (`label` and `url` are plain text)."""
    return f'<a href="{html.escape(url, quote=True)}">{esc(label)}</a>'


def _entity(name: str) -> str:
    if name.startswith("#x"):
        code = int(name[2:], 16)
    elif name.startswith("#"):
        code = int(name[1:])
    else:
        return {"amp": "&", "lt": "<", "gt": ">", "quot": '"'}[name]
    try:
        return chr(code) if code else "\ufffd"
    except (ValueError, OverflowError):
        return "\ufffd"


def _safe_url(url: str) -> bool:
    return url.strip().lower().startswith(SCHEMES)


def _scan(text: str) -> Iterator[tuple[str, str]]:
    """(kind, value) tokens: text, open, close, a, end_a, and bad (a stray `<`, `>` or `&`)."""
    at = 0
    for special in _SPECIAL.finditer(text):
        start = special.start()
        if start < at:
            continue  # inside a token already read
        if start > at:
            yield "text", text[at:start]
        match = _TOKEN.match(text, start)
        if match is None:
            yield "bad", special.group()
            at = start + 1
            continue
        at = match.end()
        if match.group("tag"):
            yield ("close" if match.group("close") else "open"), match.group("tag")
        elif match.group("href") is not None:
            yield "a", html.unescape(match.group("href"))
        elif match.group("end_a"):
            yield "end_a", ""
        else:
            yield "text", _entity(match.group("entity"))
    if at < len(text):
        yield "text", text[at:]


def _walk(text: str, spans: list[Span] | None) -> list[str]:
    """The problems of `text`; its spans are appended to `spans` when one is given."""
    problems: list[str] = []
    open_tags: list[str] = []
    in_link = False
    href = ""
    for kind, value in _scan(text):
        if kind == "text" or kind == "bad":
            if kind == "bad":
                problems.append(f"a bare {value!r}: write it as an entity")
            if (open_tags or in_link) and "\n" in value:
                problems.append("a tag left open across a line break")
            if spans is not None:
                spans.append(Span(value, frozenset(open_tags), href))
        elif kind == "open":
            if value in open_tags:
                problems.append(f"<{value}> inside <{value}>")
            open_tags.append(value)
        elif kind == "close":
            if value not in open_tags:
                problems.append(f"</{value}> without <{value}>")
                continue
            if open_tags[-1] != value:
                problems.append(f"</{value}> closes across <{open_tags[-1]}>")
            open_tags.remove(value)
        elif kind == "a":
            if in_link:
                problems.append("a link inside a link")
            if not _safe_url(value):
                problems.append(f"a link to {value!r}: only http, https, tg and mailto")
            in_link = True
            href = value if _safe_url(value) else ""
        elif kind == "end_a":
            if not in_link:
                problems.append("</a> without <a>")
            in_link = False
            href = ""
    if open_tags or in_link:
        problems.append("a tag left open at the end")
    return problems


def _merged(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if out and (out[-1].styles, out[-1].href) == (span.styles, span.href):
            out[-1] = Span(out[-1].text + span.text, span.styles, span.href)
        else:
            out.append(span)
    return out


def validate(text: str) -> list[str]:
    """What in `text` is not the core's markup (empty when it is valid)."""
    if _SPECIAL.search(text) is None:
        return []  # plain words: nothing to check
    return _walk(text, None)


def parse(text: str) -> list[Span]:
    """The text as styled spans (anything outside the vocabulary is read as text)."""
    spans: list[Span] = []
    _walk(text, spans)
    return _merged(spans)


def _lines(spans: list[Span]) -> Iterator[list[Span]]:
    """Spans per line: tags never cross a line in the renderings."""
    line: list[Span] = []
    for span in spans:
        parts = span.text.split("\n")
        for i, part in enumerate(parts):
            if i:
                yield line
                line = []
            if part:
                line.append(Span(part, span.styles, span.href))
    yield line


def _render(
    text: str, tags: dict[str, str], escape: Callable[[str], str], anchor: Callable[[str], str]
) -> list[str]:
    """Each line rebuilt from spans: styles as `tags` name them, a link's spans in one anchor."""
    lines = []
    for line in _lines(parse(text)):
        parts: list[str] = []
        i = 0
        while i < len(line):
            href = line[i].href
            run = [line[i]]
            i += 1
            while href and i < len(line) and line[i].href == href:
                run.append(line[i])
                i += 1
            styled = "".join(_styled(span, tags, escape) for span in run)
            parts.append(f"{anchor(href)}{styled}</a>" if href else styled)
        lines.append("".join(parts))
    return lines


def _styled(span: Span, tags: dict[str, str], escape: Callable[[str], str]) -> str:
    order = [s for s in STYLES if s in span.styles]
    opening = "".join(f"<{tags[s]}>" for s in order)
    closing = "".join(f"</{tags[s]}>" for s in reversed(order))
    return opening + escape(span.text) + closing


def to_telegram_html(text: str) -> str:
    """The markup for Telegram's HTML parse mode (as it is when valid, else rebuilt safely)."""
    if not validate(text):
        return text

    def anchor(href: str) -> str:
        return f'<a href="{html.escape(href, quote=True)}">'

    return "\n".join(_render(text, {s: s for s in STYLES}, esc, anchor))


def to_plain(text: str) -> str:
    """The markup as plain text: no tags, entities read, a link as "label (url)"."""
    out: list[str] = []
    spans = parse(text)
    i = 0
    while i < len(spans):
        span = spans[i]
        if not span.href:
            out.append(span.text)
            i += 1
            continue
        # A link's label may be several spans (part of it bold); the url follows the whole.
        label = ""
        while i < len(spans) and spans[i].href == span.href:
            label += spans[i].text
            i += 1
        out.append(label if label.strip() == span.href else f"{label} ({span.href})")
    return "".join(out)


def to_web_html(text: str) -> str:
    """The markup as safe HTML for a web page: escaped, `<br>` lines, noopener links."""

    def escape(part: str) -> str:
        return html.escape(part, quote=True)

    def anchor(href: str) -> str:
        url = html.escape(href, quote=True)
        return f'<a href="{url}" rel="noopener noreferrer" target="_blank">'

    return "<br>\n".join(_render(text, _WEB_TAGS, escape, anchor))
