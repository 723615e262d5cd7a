"""The web chat over HTTP: a visitor's turns, sessions kept apart, limits, escaping, pages."""

from __future__ import annotations

import html
import re
import sqlite3
from pathlib import Path

import httpx
import pytest

from bot import messages as m
from bot.core import ratelimit
from bot.core.replies import Button, Reply
from bot.frontends.web import messages as w
from bot.frontends.web.render import buttons_html
from bot.frontends.web.sessions import COOKIE, SessionStore
from bot.settings import SettingsError, load_settings
from tests.web_fixtures import RunningWeb, start_web, web

__all__ = ["web"]


def buttons(page: str) -> list[tuple[int, str]]:
    """Every payload button on the page, with the id of the message it is on."""
    found = []
    for item in re.finditer(r'<li id="m(\d+)".*?</li>', page, re.S):
        for value in re.findall(r'name="data" value="([^"]*)"', item.group(0)):
            found.append((int(item.group(1)), html.unescape(value)))
    return found


def button(page: str, prefix: str) -> tuple[int, str]:
    """The last button whose payload starts with `prefix`."""
    matches = [b for b in buttons(page) if b[1].startswith(prefix)]
    assert matches, f"no button {prefix!r} on the page"
    return matches[-1]


async def say(client: httpx.AsyncClient, text: str) -> str:
    """Type a message as the page's form does; return the page shown after."""
    response = await client.post("/gui", data={"text": text})
    assert response.status_code == 200
    return response.text


async def press(client: httpx.AsyncClient, found: tuple[int, str]) -> str:
    """Press a button as the page's form does; return the page shown after."""
    response = await client.post("/gui", data={"msg": str(found[0]), "data": found[1]})
    assert response.status_code == 200
    return response.text


async def test_a_new_visitor_gets_a_greeting_and_an_httponly_cookie(web: RunningWeb) -> None:
    async with web.visitor() as client:
        response = await client.get("/")
    assert response.status_code == 200
    assert '<html lang="vi"' in response.text
    assert '<label for="q">' in response.text
    assert "Xin chào" in response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


async def test_a_question_without_diacritics_opens_the_card_with_its_buttons(
    web: RunningWeb,
) -> None:
    async with web.visitor() as client:
        await client.get("/")
        page = await say(client, "lam giay khai sinh cho con")
    assert "Đăng ký khai sinh" in page
    assert "Giấy chứng sinh" in page
    assert button(page, "s:dang-ky-khai-sinh:place")
    assert button(page, "c:dang-ky-khai-sinh")


async def test_ticking_the_checklist_updates_the_same_message(web: RunningWeb) -> None:
    async with web.visitor() as client:
        await client.get("/")
        page = await say(client, "lam giay khai sinh cho con")
        page = await press(client, button(page, "c:dang-ky-khai-sinh"))
        first = button(page, "c:dang-ky-khai-sinh:t0")
        count_before = page.count('class="msg bot"')
        page = await press(client, first)
    assert page.count('class="msg bot"') == count_before
    ticked = [b for b in buttons(page) if b[0] == first[0]]
    assert ticked, "the checklist message is still there"
    item = re.search(rf'<li id="m{first[0]}".*?</li>', page, re.S)
    assert item is not None and f"{m.CHECK_ON} 1." in item.group(0)


async def test_what_a_visitor_types_is_escaped(web: RunningWeb) -> None:
    async with web.visitor() as client:
        await client.get("/")
        page = await say(client, '<script>alert("x")</script><img src=x onerror=alert(1)>')
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert" in page


async def test_one_visitor_never_sees_another_visitors_conversation(web: RunningWeb) -> None:
    async with web.visitor() as alice, web.visitor() as bob:
        await alice.get("/")
        await bob.get("/")
        await say(alice, "dang ky ket hon can giay to gi")
        bob_page = (await bob.get("/")).text
        alice_page = (await alice.get("/")).text
    assert "dang ky ket hon can giay to gi" in alice_page
    assert "dang ky ket hon" not in bob_page
    assert "Đăng ký kết hôn" not in bob_page
    assert alice.cookies[COOKIE] != bob.cookies[COOKIE]


async def test_a_forged_cookie_is_a_new_empty_session(web: RunningWeb) -> None:
    async with web.visitor() as alice:
        await alice.get("/")
        await say(alice, "dang ky ket hon")
    async with httpx.AsyncClient(base_url=web.url, cookies={COOKIE: "x" * 43}) as mallory:
        page = (await mallory.get("/")).text
    assert "dang ky ket hon" not in page


async def test_data_is_stored_redacted_under_a_hash_not_the_cookie(web: RunningWeb) -> None:
    async with web.visitor() as client:
        await client.get("/")
        await say(client, "lam giay khai sinh cho con, sdt 0912 345 678")
        token = client.cookies[COOKIE]
    await web.assistant.db.flush()
    await web.assistant.db.close()
    database = Path(web.assistant.settings.database)
    rows = sqlite3.connect(database).execute("SELECT user_hash, text FROM questions").fetchall()
    assert rows, "the question was logged"
    user_hash, text = rows[0]
    assert "0912" not in text and "[số điện thoại]" in text
    assert token not in user_hash and len(user_hash) == 32
    raw = b"".join(p.read_bytes() for p in database.parent.glob("bot.sqlite3*"))
    assert token.encode() not in raw


async def test_erasing_my_data_clears_the_page_too(web: RunningWeb) -> None:
    async with web.visitor() as client:
        await client.get("/")
        await say(client, "lam giay khai sinh cho con")
        page = await say(client, "/xoadulieu")
        page = await press(client, button(page, "d:yes"))
    assert "lam giay khai sinh cho con" not in page
    assert page.count('class="msg bot"') == 1


async def test_a_flood_gets_one_polite_notice_then_silence(web: RunningWeb) -> None:
    ratelimit.install(web.assistant, ratelimit.FloodLimiter(clock=lambda: 0.0))
    async with web.visitor() as client:
        await client.get("/")
        for _ in range(30):
            await client.post("/gui", data={"text": "xin chao"})
        page = (await client.get("/")).text
    assert page.count(html.escape(m.SLOW_DOWN, quote=False)) == 1


async def test_new_sessions_from_one_address_are_limited(web: RunningWeb) -> None:
    web.chat.new_sessions = ratelimit.FloodLimiter(60, 1.0, clock=lambda: 0.0)
    statuses = []
    async with httpx.AsyncClient(base_url=web.url) as client:
        for _ in range(62):
            client.cookies.clear()  # a script dropping its cookie to dodge the flood limit
            statuses.append((await client.post("/gui", data={"text": " "})).status_code)
    assert statuses[:60] == [303] * 60
    assert statuses[60:] == [429, 429]


async def test_oversized_requests_are_refused_unread(web: RunningWeb) -> None:
    async with web.visitor() as client:
        await client.get("/")
        too_long = await client.post("/gui", data={"text": "a" * 2_000})
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        huge = await client.post("/gui", content=b"text=" + b"a" * 20_000, headers=form)
        page = (await client.get("/")).text
    assert too_long.status_code == 413
    assert html.escape(w.TOO_LARGE, quote=False) in too_long.text
    assert huge.status_code in (400, 413)
    assert "aaaaaaaaaa" not in page


async def test_a_post_from_another_site_is_refused(web: RunningWeb) -> None:
    async with web.visitor() as client:
        await client.get("/")
        response = await client.post(
            "/gui", data={"text": "/xoadulieu"}, headers={"Origin": "https://evil.example"}
        )
    assert response.status_code == 403


async def test_the_page_script_gets_only_the_transcript(web: RunningWeb) -> None:
    async with web.visitor() as client:
        await client.get("/")
        response = await client.post(
            "/gui", data={"text": "lam cccd"}, headers={"X-Requested-With": "fetch"}
        )
    assert response.status_code == 200
    assert response.text.startswith('<ol id="log">')
    assert "<html" not in response.text


async def test_a_procedure_page_shows_its_card_and_links(web: RunningWeb) -> None:
    async with web.visitor() as client:
        page = await client.get("/thu-tuc/dang-ky-khai-sinh")
        missing = await client.get("/thu-tuc/khong-co-dau")
        nowhere = await client.get("/khong-co-trang-nay")
    assert page.status_code == 200
    assert "<h1>Đăng ký khai sinh" in page.text
    assert m.SECTION_TITLES["documents"] in page.text
    assert 'href="/?thu-tuc=dang-ky-khai-sinh"' in page.text
    assert "https://t.me/hungyen_tthc_bot?start=dang-ky-khai-sinh" in page.text
    assert missing.status_code == 404 and "Không tìm thấy thủ tục" in missing.text
    assert nowhere.status_code == 404 and "không có trang này" in nowhere.text


async def test_a_portal_link_opens_the_card_in_the_chat(web: RunningWeb) -> None:
    async with web.visitor() as client:
        response = await client.get("/?thu-tuc=dang-ky-khai-sinh")
        again = await client.get("/")
    assert response.status_code == 200
    assert again.text.count("Đăng ký khai sinh</strong>") == 1


async def test_headers_forbid_inline_scripts_and_sniffing(web: RunningWeb) -> None:
    async with web.visitor() as client:
        response = await client.get("/")
        widget = await client.get("/static/widget.js")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert widget.status_code == 200 and "currentScript" in widget.text


async def test_without_a_bot_name_the_procedure_page_has_no_telegram_link(tmp_path: Path) -> None:
    running = await start_web(tmp_path)
    try:
        async with running.visitor() as client:
            page = (await client.get("/thu-tuc/dang-ky-khai-sinh")).text
    finally:
        await running.service.close()
        await running.assistant.db.close()
    assert "t.me/" not in page


def test_sessions_are_forgotten_when_idle_and_beyond_the_cap() -> None:
    now = [0.0]
    store = SessionStore(max_sessions=2, idle=100, clock=lambda: now[0])
    a = store.get("a" * 43)
    a.add(True, "xin chao")
    store.get("b" * 43)
    store.get("c" * 43)
    assert len(store) == 2
    assert store.get("a" * 43).messages == []
    now[0] = 500.0
    store.get("d" * 43)
    assert len(store) == 1


async def test_a_staff_answer_reaches_only_the_visitor_it_is_for(web: RunningWeb) -> None:
    async with web.visitor() as alice, web.visitor() as bob:
        await alice.get("/")
        await bob.get("/")
        alice_session = web.chat.store.get(alice.cookies[COOKIE])
        answer = Reply("Cán bộ trả lời: bạn mang thêm sổ hộ khẩu nhé.", chat=alice_session.address)
        assert web.chat.push(answer)
        assert not web.chat.push(Reply("cho nhóm cán bộ", chat="tg:-100"))
        alice_page = (await alice.get("/")).text
        bob_page = (await bob.get("/")).text
    assert "Cán bộ trả lời" in alice_page
    assert "Cán bộ trả lời" not in bob_page


def test_link_buttons_only_lead_to_web_or_mail_addresses() -> None:
    keyboard = ((Button("Cổng", url="https://dichvucong.gov.vn"),),
                (Button("xấu", url="javascript:alert(1)"),))  # fmt: skip
    rendered = buttons_html(7, keyboard)
    assert 'href="https://dichvucong.gov.vn"' in rendered
    assert "javascript:" not in rendered


def test_web_settings_are_read_from_the_environment() -> None:
    unset = load_settings({})
    set_ = load_settings(
        {
            "WEB_PORT": "0",
            "WEB_HOST": "0.0.0.0",
            "BOT_USERNAME": "@hy_bot",
            "WEB_PUBLIC_URL": "https://tthc.example.vn/",
        }
    )
    assert unset.web_port is None and unset.web_host == "127.0.0.1"
    assert (set_.web_port, set_.web_host) == (0, "0.0.0.0")
    assert set_.bot_username == "hy_bot"
    assert set_.web_public_url == "https://tthc.example.vn"
    with pytest.raises(SettingsError):
        load_settings({"WEB_PORT": "70000"})
