"""Unique long words typed by citizens cannot grow the caches past their byte budgets."""

from __future__ import annotations

import random
import string

from bot import text
from bot.bounded import BoundedMemo, size_of
from bot.core.markup import to_telegram_html
from bot.frontends.telegram import delivery
from bot.matching.index import FUZZY_CACHE_BYTES, Index


def unique_words(count: int, length: int = 500) -> list[str]:
    """`count` distinct words of `length` letters (Vietnamese letters among them)."""
    rng = random.Random(15)
    letters = string.ascii_lowercase + "àáạảãâầấậẩẫăđêếệôồơờưứ"
    return [f"{i}" + "".join(rng.choices(letters, k=length - len(str(i)))) for i in range(count)]


def test_20000_unique_long_words_leave_the_text_caches_under_their_budget() -> None:
    words = unique_words(20_000)
    for word in words:
        assert text.fold(f"làm giấy {word} khai sinh").endswith("khai sinh")
    total = 0
    for memo in (text._WORDS, text._NORMALIZED, text._STRIPPED):
        assert memo.held_bytes <= memo.max_bytes == text.CACHE_BYTES
        assert sum(size_of(k) + size_of(v) for k, v in memo.items()) == memo.held_bytes
        total += memo.held_bytes
    # Without a bound, these words alone would hold well over 100 MB.
    assert sum(size_of(w) for w in words) * 3 > 10 * total
    # Common words are still answered right after the caches started afresh.
    assert text.fold("Làm giấy khai sinh") == "lam giay khai sinh"


def test_the_reply_rendering_cache_stays_under_its_budget() -> None:
    for word in unique_words(20_000):
        assert delivery.telegram_text(f"Bạn hỏi: {word}") == to_telegram_html(f"Bạn hỏi: {word}")
    memo = delivery._RENDERED
    assert 0 < memo.held_bytes <= memo.max_bytes


def test_the_fuzzy_cache_of_an_index_stays_under_its_budget() -> None:
    index = Index.build([("khai-sinh", [("name", "đăng ký khai sinh cho con")])], {})
    assert [w for w, _ in index.near("khai")] == ["khai"]
    for word in unique_words(20_000):
        index.near(text.strip_marks(word))
        assert index.fuzzy_cache.held_bytes <= FUZZY_CACHE_BYTES
    assert [w for w, _ in index.near("khai")] == ["khai"]
    # An entry larger than the whole budget is not kept at all.
    memo: BoundedMemo[str, list[str]] = BoundedMemo(1024)
    memo.put("x", ["y" * 2048])
    assert "x" not in memo and memo.held_bytes == 0
