"""The core's reply markup: what is valid, and how each front end renders it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import messages as m
from bot.core import cards
from bot.core.markup import esc, link, to_plain, to_telegram_html, to_web_html, validate
from bot.tools.fakebotapi.telegram_html import parse_html
from tests.core_fixtures import command, make_assistant, shipped_catalogue

CARD_LINE = '<b>Lệ phí</b> &amp; <a href="https://x.vn/a?b=1&amp;c=2">trang <i>mẫu</i></a>'
SCRIPT = '<script>alert("x")</script> & <b>'


def test_plain_text_has_no_tags_and_links_show_their_address() -> None:
    assert to_plain(CARD_LINE) == "Lệ phí & trang mẫu (https://x.vn/a?b=1&c=2)"
    assert to_plain('<a href="https://x.vn">https://x.vn</a>') == "https://x.vn"
    assert to_plain("a &lt;b&gt; &quot;c&quot; &#273;") == 'a <b> "c" đ'


def test_web_html_is_escaped_with_line_breaks_and_safe_links() -> None:
    web = to_web_html(CARD_LINE + "\ndòng hai")
    assert web == (
        "<strong>Lệ phí</strong> &amp; "
        '<a href="https://x.vn/a?b=1&amp;c=2" rel="noopener noreferrer" target="_blank">'
        "trang <em>mẫu</em></a><br>\ndòng hai"
    )


def test_valid_markup_goes_to_telegram_as_it_is() -> None:
    assert validate(CARD_LINE) == []
    assert to_telegram_html(CARD_LINE) == CARD_LINE


@pytest.mark.parametrize("render", [to_plain, to_telegram_html, to_web_html])
def test_a_citizens_script_tag_stays_text_in_every_rendering(render: object) -> None:
    assert callable(render)
    shown = render(SCRIPT)
    if render is to_plain:
        assert shown == '<script>alert("x")</script> & '
    else:
        assert "<script" not in shown and "&lt;script&gt;" in shown
    if render is to_telegram_html:
        assert parse_html(shown) == '<script>alert("x")</script> & '


def test_escaped_citizen_text_is_valid_markup_and_reads_back_the_same() -> None:
    said = '<script>alert("x")</script> & 5 > 3'
    assert validate(esc(said)) == []
    assert to_plain(esc(said)) == said
    assert "<script" not in to_web_html(esc(said))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a < b", "a bare '<'"),
        ("<u>gạch</u>", "a bare '<'"),
        ("<b>mở", "left open at the end"),
        ("<b>một\nhai</b>", "across a line break"),
        ("</i>", "</i> without <i>"),
        ("<b><i>x</b></i>", "closes across"),
        ('<a href="javascript:alert(1)">x</a>', "only http, https, tg and mailto"),
        ("AT&T", "a bare '&'"),
    ],
)
def test_validate_names_what_is_not_markup(text: str, problem: str) -> None:
    assert any(problem in p for p in validate(text)), validate(text)


def test_a_link_to_a_script_is_never_rendered_as_a_link() -> None:
    unsafe = '<a href="javascript:alert(1)">bấm</a>'
    assert "href" not in to_web_html(unsafe)
    assert "href" not in to_telegram_html(unsafe)
    assert to_plain(unsafe) == "bấm"


def test_link_escapes_its_label_and_address() -> None:
    made = link("Mẫu <1>", 'https://x.vn/?q="a"&b=1')
    assert validate(made) == []
    assert to_plain(made) == 'Mẫu <1> (https://x.vn/?q="a"&b=1)'


def test_every_message_and_every_card_of_the_shipped_catalogue_is_valid_markup() -> None:
    for name in dir(m):
        value = getattr(m, name)
        if isinstance(value, str):
            assert validate(value) == [], name
    catalogue = shipped_catalogue()
    for procedure in catalogue.procedures.values():
        assert validate(cards.card_text(catalogue, procedure)) == [], procedure.id
        for section in m.SECTION_TITLES:
            text = cards.section_text(catalogue, procedure, section)
            assert validate(text) == [], (procedure.id, section)
    for guide in catalogue.guides.values():
        assert validate(cards.guide_text(guide)) == [], guide.id


async def test_a_question_for_staff_with_tags_reaches_them_as_text(tmp_path: Path) -> None:
    bot = await make_assistant(tmp_path, staff_chat_id=-100)
    try:
        asked = (await bot.handle(command("gapcanbo", "<b>sổ đỏ</b> <script>"))).replies
    finally:
        await bot.db.close()
    assert validate(asked[0].text) == []
    assert "<b>sổ đỏ</b> <script>" in to_plain(asked[0].text)
    assert "<script>" not in to_web_html(asked[0].text)
