"""Reply markup as web HTML: the bot's few tags kept, nothing else gets through."""

from __future__ import annotations

from bot.frontends.web.markup import to_web_html


def test_the_bots_tags_become_their_web_equivalents() -> None:
    html = to_web_html(
        '<b>Giấy tờ</b> và <i>lưu ý</i>\n<a href="https://dichvucong.gov.vn">Cổng</a>'
    )
    assert html == (
        "<strong>Giấy tờ</strong> và <em>lưu ý</em><br>\n"
        '<a href="https://dichvucong.gov.vn" rel="noopener noreferrer" target="_blank">Cổng</a>'
    )


def test_escaped_text_stays_escaped() -> None:
    assert to_web_html("&lt;script&gt;alert(1)&lt;/script&gt; &amp; 5 &lt; 6") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 5 &lt; 6"
    )


def test_unknown_tags_and_unsafe_links_are_dropped() -> None:
    html = to_web_html('<script>x</script><a href="javascript:alert(1)">bấm</a><img src=x>')
    assert "<script" not in html and "<img" not in html and "javascript:" not in html
    assert "bấm" in html


def test_unclosed_tags_are_closed() -> None:
    assert to_web_html("<b>đậm") == "<strong>đậm</strong>"
