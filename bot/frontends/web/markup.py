"""Reply text as web HTML: the core's markup subset (<b>, <i>, <u>, <s>, <code>, <a href>)
kept, other tags dropped, all text escaped, and line breaks shown.

The text comes from the core with every citizen-typed string already escaped; this renderer
still treats it as untrusted, so that a slip anywhere upstream cannot put markup on the page.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

# Telegram tags -> the web tags that say the same.
_TAGS = {"b": "strong", "strong": "strong", "i": "em", "em": "em", "u": "u", "s": "s",
         "code": "code", "pre": "pre", "a": "a"}  # fmt: skip
_SCHEMES = ("https://", "http://", "tel:", "mailto:")


def safe_href(url: str) -> str | None:
    """The link if it is one a citizen may follow (web, phone, e-mail), else None."""
    url = url.strip()
    return url if url.lower().startswith(_SCHEMES) else None


class _Renderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        web = _TAGS.get(tag)
        if web is None:
            return
        if web == "a":
            href = safe_href(dict(attrs).get("href") or "")
            if href is None:
                self.open.append("")
                return
            quoted = html.escape(href, quote=True)
            self.out.append(f'<a href="{quoted}" rel="noopener noreferrer" target="_blank">')
        else:
            self.out.append(f"<{web}>")
        self.open.append(web)

    def handle_endtag(self, tag: str) -> None:
        web = _TAGS.get(tag)
        if web is None or web not in self.open:
            return
        while self.open:
            closing = self.open.pop()
            if closing:
                self.out.append(f"</{closing}>")
            if closing == web or (not closing and web == "a"):
                break

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False).replace("\n", "<br>\n"))

    def result(self) -> str:
        self.close()
        self.out.extend(f"</{tag}>" for tag in reversed(self.open) if tag)
        return "".join(self.out)


def to_web_html(text: str) -> str:
    """Telegram-subset HTML as safe web HTML: known tags kept, others dropped, text escaped."""
    renderer = _Renderer()
    renderer.feed(text)
    return renderer.result()
