"""The web chat in a real browser: Debian's headless Chromium, driven by Playwright.

Playwright's own browser download is never used: the tests launch /usr/bin/chromium. Without it
they are skipped on a developer's machine, but under CI (CI=true) they run and fail, so that a
CI machine without Chromium cannot pass them silently. WEB_SCREENSHOTS=<folder> saves the page
at phone and desktop widths there.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core import ratelimit
from tests.web_fixtures import RunningWeb, web

__all__ = ["web"]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
IN_CI = os.environ.get("CI", "").lower() == "true"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT = 15_000  # milliseconds: a busy CI machine is slow, a broken page never answers

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not IN_CI,
    reason="Debian's chromium is not installed (apt-get install chromium); CI installs it",
)

if CHROMIUM.exists() or IN_CI:
    from playwright.async_api import Browser, Page, async_playwright, expect


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Headless Chromium from /usr/bin/chromium (fails clearly under CI if it is missing)."""
    assert CHROMIUM.exists(), "CI must install Debian's chromium (see .ci/run)"
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            await launched.close()


def _shots() -> Path | None:
    folder = os.environ.get("WEB_SCREENSHOTS", "")
    return Path(folder) if folder else None


async def _open(browser: Browser, web: RunningWeb, viewport: dict[str, int]) -> Page:
    page = await browser.new_page(viewport=viewport)
    page.set_default_timeout(TIMEOUT)
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.problems = problems  # type: ignore[attr-defined]
    await page.goto(web.url + "/")
    return page


async def test_ask_press_tick_reload_and_continue(browser: Browser, web: RunningWeb) -> None:
    page = await _open(browser, web, PHONE)
    await expect(page.locator("#log .msg.bot").first).to_contain_text("Xin chào")

    # A question typed without diacritics, sent with Enter.
    await page.get_by_label("Câu hỏi của bạn").fill("lam giay khai sinh cho con")
    await page.keyboard.press("Enter")
    card = page.locator("#log .msg.bot").filter(has_text="Đăng ký khai sinh").last
    await expect(card).to_be_visible()
    await expect(page.get_by_label("Câu hỏi của bạn")).to_have_value("")
    await expect(page.get_by_label("Câu hỏi của bạn")).to_be_focused()
    await expect(page.locator("#announce")).to_contain_text("Đăng ký khai sinh")
    shots = _shots()
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(shots / "web-phone-card.png"))

    # The documents to bring are on the card; a button opens where to submit.
    await expect(card).to_contain_text("Giấy tờ cần mang")
    await card.get_by_role("button", name="Nơi nộp").click()
    place = page.locator("#log .msg.bot").last
    await expect(place).to_contain_text("Cơ quan giải quyết")

    # The checklist: tick the first document; the same message changes, focus stays on it.
    await (
        page.locator("#log .msg.bot")
        .filter(has=page.get_by_role("button", name="Kiểm tra giấy tờ"))
        .last.get_by_role("button", name="Kiểm tra giấy tờ")
        .click()
    )
    checklist = page.locator("#log .msg.bot").last
    first = checklist.get_by_role("button", name="☐ 1.")
    await first.click()
    ticked = checklist.get_by_role("button", name="☑ 1.")
    await expect(ticked).to_be_visible()
    await expect(ticked).to_be_focused()
    count = await page.locator("#log .msg").count()

    if shots is not None:
        await page.screenshot(path=str(shots / "web-phone.png"))

    # Reload: the conversation and the tick are still there, and it goes on from there.
    await page.reload()
    await expect(page.locator("#log .msg")).to_have_count(count)
    checklist = page.locator("#log .msg.bot").last
    await expect(checklist.get_by_role("button", name="☑ 1.")).to_be_visible()
    await checklist.get_by_role("button", name="☐ 2.").click()
    await expect(checklist.get_by_role("button", name="☑ 2.")).to_be_visible()
    await expect(checklist).to_contain_text("2/")

    await page.get_by_label("Câu hỏi của bạn").fill("het bao nhieu tien")
    await page.keyboard.press("Enter")
    await expect(page.locator("#log .msg.bot").last).to_contain_text("Lệ phí")
    assert page.problems == []  # type: ignore[attr-defined]


async def test_the_page_works_without_its_script(browser: Browser, web: RunningWeb) -> None:
    context = await browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT)
    await page.goto(web.url + "/")
    await page.get_by_label("Câu hỏi của bạn").fill("lam cccd")
    await page.get_by_role("button", name="Gửi", exact=True).click()
    await expect(page.locator("#log .msg.mine").last).to_have_text("Bạn: lam cccd")
    await expect(page.locator("#log .msg.bot").last).to_contain_text("ăn cước")
    await context.close()


async def test_desktop_width_and_a_procedure_page(browser: Browser, web: RunningWeb) -> None:
    ratelimit.install(web.assistant, ratelimit.FloodLimiter(clock=lambda: 0.0))
    page = await _open(browser, web, DESKTOP)
    await page.get_by_label("Câu hỏi của bạn").fill("dang ky ket hon can giay to gi")
    await page.get_by_role("button", name="Gửi", exact=True).click()
    await expect(page.locator("#log .msg.bot").last).to_contain_text("kết hôn")
    # Nothing wider than the window: no sideways scrolling on a phone or a desktop.
    assert await page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    shots = _shots()
    if shots is not None:
        await page.screenshot(path=str(shots / "web-desktop.png"))
    await page.goto(web.url + "/thu-tuc/dang-ky-khai-sinh")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký khai sinh")
    await page.get_by_role("link", name="Hỏi trợ lý về thủ tục này").click()
    await expect(page.locator("#log .msg.bot").last).to_contain_text("Đăng ký khai sinh")
    if shots is not None:
        await page.set_viewport_size(PHONE)
        await page.goto(web.url + "/thu-tuc/dang-ky-khai-sinh")
        await page.screenshot(path=str(shots / "procedure-phone.png"), full_page=True)
    assert page.problems == []  # type: ignore[attr-defined]


async def test_the_portal_widget_adds_a_link_to_the_chat(
    browser: Browser, web: RunningWeb
) -> None:
    page = await browser.new_page(viewport=PHONE)
    page.set_default_timeout(TIMEOUT)
    snippet = (
        f'<script src="{web.url}/static/widget.js" data-thu-tuc="dang-ky-khai-sinh"></script>'
    )
    await page.set_content(f'<html lang="vi"><body><p>Cổng thông tin</p>{snippet}</body></html>')
    link = page.get_by_role("link", name="Hỏi trợ lý thủ tục")
    await expect(link).to_be_visible()
    assert await link.get_attribute("href") == f"{web.url}/?thu-tuc=dang-ky-khai-sinh"
    assert await link.get_attribute("target") == "_blank"
