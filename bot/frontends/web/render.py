"""The web chat's HTML: the page, the transcript, the buttons, a procedure's page.

Everything that did not come from the bot's own markup is escaped here (`html.escape`), and
the bot's markup goes through the core's `to_web_html`, which keeps only a few harmless tags.
"""

from __future__ import annotations

from html import escape

from bot.catalogue.model import Catalogue, Procedure
from bot.core import cards
from bot.core.markup import SCHEMES, to_web_html
from bot.core.replies import Keyboard
from bot.frontends.web import messages as w
from bot.frontends.web.sessions import Message, Session

# Bumped when chat.css or chat.js change, so browsers fetch the new ones despite caching.
ASSET_VERSION = "3"
SEND_PATH = "/gui"


def safe_href(url: str) -> str | None:
    """A link button's address if it is one a citizen may follow (web, e-mail), else None."""
    url = url.strip()
    return url if url.lower().startswith(SCHEMES) else None


def _head(title: str, description: str = w.PAGE_DESCRIPTION) -> str:
    return (
        "<!doctype html>\n"
        f'<html lang="vi" data-working="{escape(w.WORKING)}" '
        f'data-offline="{escape(w.NETWORK_ERROR)}">'
        '\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<meta name="description" content="{escape(description)}">\n'
        '<meta name="color-scheme" content="light">\n'
        '<link rel="icon" href="data:,">\n'
        f'<link rel="stylesheet" href="/static/chat.css?v={ASSET_VERSION}">\n'
        "</head>\n"
    )


def buttons_html(message_id: int, keyboard: Keyboard) -> str:
    """A reply's buttons: payload buttons post back to the chat, link buttons are links."""
    if not keyboard:
        return ""
    parts = [f'<form class="buttons" method="post" action="{SEND_PATH}">']
    parts.append(f'<input type="hidden" name="msg" value="{message_id}">')
    for row in keyboard:
        parts.append('<div class="row">')
        for button in row:
            label = escape(button.label)
            href = safe_href(button.url) if button.url else None
            if href is not None:
                parts.append(
                    f'<a class="button link" href="{escape(href)}" target="_blank" '
                    f'rel="noopener noreferrer">{label}'
                    f'<span class="visually-hidden"> {w.OPENS_NEW_TAB}</span></a>'
                )
            elif button.data:
                parts.append(
                    f'<button type="submit" name="data" value="{escape(button.data)}">'
                    f"{label}</button>"
                )
        parts.append("</div>")
    parts.append("</form>")
    return "".join(parts)


def message_html(message: Message) -> str:
    """One transcript entry as a list item (its id lets the page update it in place)."""
    if message.mine:
        return (
            f'<li id="m{message.id}" class="msg mine"><span class="visually-hidden">'
            f"{w.YOU}: </span><p>{escape(message.text)}</p></li>"
        )
    return (
        f'<li id="m{message.id}" class="msg bot"><span class="visually-hidden">{w.BOT}: '
        f'</span><div class="text">{to_web_html(message.text)}</div>'
        f"{buttons_html(message.id, message.buttons)}</li>"
    )


def log_html(session: Session) -> str:
    """The transcript's items and the notice line: what the page swaps in after each turn."""
    items = "\n".join(message_html(message) for message in session.messages)
    notice = escape(session.notice)
    return f'<ol id="log">\n{items}\n</ol>\n<p id="notice" role="status">{notice}</p>'


def ask_form() -> str:
    """The question box."""
    return (
        f'<form id="ask" class="ask" method="post" action="{SEND_PATH}">'
        f'<label for="q">{w.ASK_LABEL}</label>'
        '<div class="ask-row">'
        f'<input id="q" name="text" type="text" maxlength="600" autocomplete="off" '
        f'enterkeyhint="send" required placeholder="{escape(w.ASK_PLACEHOLDER)}">'
        f'<button type="submit">{w.ASK_BUTTON}</button>'
        "</div>"
        f'<p class="hint">{escape(w.PRIVACY_NOTE)}</p>'
        "</form>"
    )


def chat_page(session: Session) -> str:
    """The whole chat page, with the visitor's transcript so far."""
    return (
        _head(w.PAGE_TITLE)
        + "<body>\n"
        + f'<a class="skip" href="#q">{w.SKIP_LINK}</a>\n'
        + f'<header class="top"><h1>{w.PAGE_TITLE}</h1>'
        + f'<form method="post" action="{SEND_PATH}">'
        + f'<button class="menu" type="submit" name="text" value="/start">{w.MENU_BUTTON}'
        + "</button></form></header>\n"
        + f'<main id="chat" aria-label="{w.LOG_LABEL}">\n'
        + f'<p class="intro">{w.INTRO}</p>\n'
        + log_html(session)
        + "\n</main>\n"
        + '<div id="announce" class="visually-hidden" aria-live="polite"></div>\n'
        + f'<footer class="bottom">{ask_form()}</footer>\n'
        + f'<script src="/static/chat.js?v={ASSET_VERSION}" defer></script>\n'
        + "</body>\n</html>\n"
    )


def procedure_body(catalogue: Catalogue, procedure: Procedure) -> str:
    """A procedure's card and every section of it, as HTML."""
    parts = [
        f'<section class="card">{to_web_html(cards.card_text(catalogue, procedure))}</section>'
    ]
    for section in cards.SECTIONS:
        if section == "notes" and not (procedure.notes or procedure.confirm):
            continue
        # Each section repeats the procedure's name on its first line (it stands alone in a
        # chat); on one page the name is the page's heading already.
        text = cards.section_text(catalogue, procedure, section)
        body = text.split("\n", 1)[1] if "\n" in text else text
        parts.append(f'<section class="card">{to_web_html(body)}</section>')
    return "\n".join(parts)


def procedure_page(
    catalogue: Catalogue, procedure: Procedure, telegram_url: str | None = None
) -> str:
    """The page a portal links to: the procedure's card, and ways to ask about it."""
    links = [
        f'<a class="button primary" href="/?thu-tuc={escape(procedure.id)}">{w.PROCEDURE_ASK}</a>'
    ]
    if telegram_url:
        links.append(f'<a class="button" href="{escape(telegram_url)}">{w.PROCEDURE_TELEGRAM}</a>')
    return (
        _head(f"{procedure.name} — {w.PAGE_TITLE}", procedure.summary or w.PAGE_DESCRIPTION)
        + "<body>\n"
        + f'<header class="top"><a class="back" href="/">{w.PROCEDURE_BACK}</a></header>\n'
        + f'<main class="procedure"><h1>{escape(procedure.name)}</h1>\n'
        + procedure_body(catalogue, procedure)
        + f'\n<p class="actions">{" ".join(links)}</p>\n</main>\n'
        + "</body>\n</html>\n"
    )


def message_page(title: str, text: str) -> str:
    """A short page that only says something (not found, too large...)."""
    return (
        _head(title)
        + "<body>\n"
        + f'<header class="top"><a class="back" href="/">{w.PROCEDURE_BACK}</a></header>\n'
        + f'<main class="procedure"><h1>{escape(title)}</h1><p>{escape(text)}</p></main>\n'
        + "</body>\n</html>\n"
    )
