"""The HTML report as a reviewer sees it: rendered in headless Chromium (Debian's `chromium`,
driven by Playwright, never a downloaded browser) at desktop and phone widths, with no element
wider than the page."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from pathlib import Path

import pytest

from bot.report.html import render_html
from bot.report.weekly import build_report
from bot.report.weeks import VIETNAM
from bot.storage.database import open_database
from tests.core_fixtures import shipped_catalogue, shipped_matcher
from tests.seed import WEEK, seed_week

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {"desktop": (1280, 800), "phone": (360, 740)}
NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=VIETNAM)

playwright_api = pytest.importorskip("playwright.async_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")

# Every element whose right edge passes the page's width, named for the failure message.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) {
      wide.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(box.right)}`);
    }
  }
  return {width, scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 10)};
}"""


@pytest.fixture(scope="module")
def page_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of a seeded week, written to a file."""

    async def make() -> str:
        db = await open_database(tmp_path_factory.mktemp("db") / "bot.sqlite3")
        try:
            await seed_week(db, WEEK.previous(), scale=0.7, seed=3)
            await seed_week(db, WEEK, scale=1.7)
            report = await build_report(
                db, WEEK, shipped_catalogue(), now=NOW, matcher=shipped_matcher()
            )
        finally:
            await db.close()
        return render_html(report)

    path = tmp_path_factory.mktemp("report") / "bao-cao.html"
    path.write_text(asyncio.run(make()), encoding="utf-8")
    return path


async def screenshot(path: Path, width: int, height: int, out: Path | None) -> dict[str, object]:
    """Open the page at a width; return what overflows; save the first screen to `out`."""
    async with playwright_api.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = await browser.new_context(
                viewport={"width": width, "height": height}, device_scale_factor=1
            )
            page = await context.new_page()
            await page.route("**/*", lambda route: (
                route.continue_() if route.request.url.startswith("file:") else route.abort()
            ))  # fmt: skip
            await page.goto(path.as_uri())
            found: dict[str, object] = await page.evaluate(OVERFLOW)
            if out is not None:
                await page.screenshot(path=str(out))
            return found
        finally:
            await browser.close()


@pytest.mark.parametrize("name", list(WIDTHS))
async def test_the_report_fits_the_page_on_desktop_and_phone(page_html: Path, name: str) -> None:
    width, height = WIDTHS[name]
    shots = os.environ.get("REPORT_SCREENSHOTS")  # a folder to keep the first screens in
    out = Path(shots) / f"bao-cao-{name}.png" if shots else None
    found = await screenshot(page_html, width, height, out)
    assert found["wide"] == [], found
    assert found["scroll"] == found["width"] == width
