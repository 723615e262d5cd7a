"""A large catalogue's texts read in numpy (`bulkbuild`) give the index the loop gives, array for
array: numbers, order, rewritten words, marks, weights."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.catalogue.loader import load
from bot.catalogue.national import load_national
from bot.matching import bulkbuild, bulkwords, stored
from bot.matching.index import Index
from bot.matching.national_index import build as build_national

ROOT = Path(__file__).resolve().parent.parent

VOCABULARY = {
    "cty": ("công ty",),
    "mở công ty": ("thành lập doanh nghiệp",),
    "sổ đỏ": ("giấy chứng nhận quyền sử dụng đất",),
    "sổ": ("sổ hộ khẩu",),
    "giấy chứng nhận quyền": ("chứng nhận",),
    "đẻ": ("sinh",),
    "xoá": (),
    "làm lại sổ đỏ bị mất": ("cấp lại",),
    "hộ khẩu": ("cư trú",),
    "khai sinh cho": ("khai sinh",),  # and one that starts inside it
    "sinh cho con": ("sinh con",),
}
TEXTS: list[tuple[str, list[tuple[str, str]]]] = [
    ("a", [("name", "Mở cty TNHH"), ("alias", "mở công ty mở công ty"), ("summary", "Mở cty.")]),
    ("b", [("name", "Làm lại sổ đỏ bị mất"), ("alias", "sổ đỏ sổ"), ("alias", "sổ")]),
    ("c", [("name", "xoá"), ("alias", ""), ("alias", "!!!"), ("summary", "xoá xoá")]),
    ("d", []),
    ("e", [("name", "Đăng ký khai sinh cho con mới đẻ"), ("alias", "Khai sinh\ncho con")]),
    ("f", [("name", "giấy chứng nhận quyền sử dụng đất"), ("alias", "GIẤY  chứng-nhận, quyền")]),
    ("g", [("summary", "Chỉ có tóm tắt: hộ khẩu, sổ hộ khẩu.")]),
    ("h", [("name", "hộ khẩu hộ khẩu hộ"), ("alias", "khai sinh khai sinh khai")]),
    ("i", [("name", "Cấp đổi Giấy phép lái xe"), ("alias", "đổi bằng lái xe ô tô de")]),
    ("j", [("alias", "sinh cho con"), ("alias", "khai sinh cho con khai sinh cho")]),
]


def _both(
    entries: list[tuple[str, list[tuple[str, str]]]],
    vocabulary: dict[str, tuple[str, ...]],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[dict[str, Any], dict[str, Any]]:
    monkeypatch.setattr(stored, "BULK", 10**9)
    loop = Index.build(entries, vocabulary).to_state()
    monkeypatch.setattr(stored, "BULK", 0)
    bulk = Index.build(entries, vocabulary).to_state()
    return loop, bulk


def test_rewritten_empty_and_repeated_texts_are_read_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loop, bulk = _both(TEXTS, VOCABULARY, monkeypatch)
    assert bulk == loop
    # Rewritten words were indexed, and a text rewritten to nothing was left out.
    assert "thanh lap" in loop["names"] and "xoa" not in loop["names"]


def test_texts_without_a_line_break_of_their_own_are_read_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries = [(i, [(k, t.replace("\n", " ")) for k, t in texts]) for i, texts in TEXTS]
    loop, bulk = _both(entries, VOCABULARY, monkeypatch)
    assert bulk == loop


def test_texts_read_a_few_at_a_time_are_read_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pieces of a few characters and blocks of a few texts: every boundary falls somewhere.
    monkeypatch.setattr(bulkwords, "_PIECE", 8)
    monkeypatch.setattr(bulkbuild, "_BLOCK", 3)
    entries = [(i, [(k, t.replace("\n", " ")) for k, t in texts]) for i, texts in TEXTS]
    loop, bulk = _both(entries, VOCABULARY, monkeypatch)
    assert bulk == loop


def test_keys_too_large_to_pack_are_numbered_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    keys = np.array([7, 2**61, 3, 7, 2**61 + 5, 3, 2**61], dtype=np.int64)
    texts = np.array([0, 0, 0, 0, 1, 1, 1], dtype=np.int64)
    kept = bulkbuild._once(np, keys, texts)
    assert kept.tolist() == [True, True, True, False, True, True, True]
    runs = [keys[:3], keys[3:]]
    numbers, unique = bulkbuild._number(np, runs)
    assert numbers.tolist() == [0, 1, 2, 0, 3, 2, 1]
    assert unique.tolist() == [7, 2**61, 3, 2**61 + 5]
    assert runs == []


def test_the_catalogue_and_the_national_list_are_indexed_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    catalogue = load(ROOT / "procedures.yaml")
    vocabulary = dict(catalogue.vocabulary)
    national = load_national()
    monkeypatch.setattr(stored, "BULK", 10**9)
    loop = build_national(national, frozenset(), vocabulary).index.to_state()
    monkeypatch.setattr(stored, "BULK", 0)
    bulk = build_national(national, frozenset(), vocabulary).index.to_state()
    assert bulk == loop


def test_words_of_any_length_and_alphabet_are_read_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    # Long words (spelled out), characters past the table (kept in words or not), a casefold
    # that lengthens a word, decomposed marks, "_" between words.
    odd = [
        "Nghiêngnghiêng khaisinhkhaisinh 0123456789 Straße ĐĂNG_KÝ",
        "漢字 và chữ 😀 – “sổ đỏ” ﬁle ẞ",
        "Đăng ký khai sinh",  # decomposed marks
        "a b ab ba abc cab bca",
    ]
    entries = [(str(i), [("name", text), ("alias", text[::-1])]) for i, text in enumerate(odd)]
    loop, bulk = _both(entries, VOCABULARY, monkeypatch)
    assert bulk == loop
    assert "0123456789" in loop["names"] and "dang ki" in loop["names"]


def test_a_block_of_many_alphabets_is_read_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    # More than 255 distinct word characters in one block: read word by word instead.
    letters = [
        chr(c) for c in (*range(0x100, 0x250), *range(0x430, 0x460), *range(0x10D0, 0x10FB))
    ]
    texts = [" ".join(letters[i : i + 7]) for i in range(0, len(letters), 7)]
    entries = [(str(i), [("name", text)]) for i, text in enumerate(texts)]
    loop, bulk = _both(entries, VOCABULARY, monkeypatch)
    assert bulk == loop


def test_large_blocks_come_from_the_heap_only_while_an_index_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.matching import heap

    bars: list[int] = []
    trims: list[int] = []

    def mallopt(parameter: int, value: int) -> int:
        bars.append(value)
        return 1

    def trim(pad: int) -> int:
        trims.append(pad)
        return 1

    from bot import allocator

    monkeypatch.setattr(allocator, "_LIBC", [(mallopt, trim)])
    monkeypatch.setattr(allocator.sys, "platform", "linux")
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    with heap.roomy(), heap.roomy():  # two builds at once: the last one sets the bar back
        assert bars == [heap.BUILDING, heap.BUILDING] and not trims
    assert bars[-1] == heap.KEPT and trims == [0]
    # An operator's own bar is left alone.
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")
    bars.clear()
    with heap.roomy():
        pass
    assert bars == []
