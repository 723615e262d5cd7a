"""Vietnamese normalisation: what a citizen types and what the catalogue says meet."""

from __future__ import annotations

import unicodedata

from bot.text import (
    expand_shorthand,
    fold,
    has_marks,
    normalize,
    tokens,
    typed_words,
    typed_words_of,
)


def test_decomposed_input_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    assert normalize(decomposed) == normalize("Đăng ký khai sinh")


def test_both_tone_placements_are_one_spelling() -> None:
    assert normalize("hoà giải") == normalize("hòa giải")
    assert normalize("Uỷ ban") == normalize("Ủy ban")
    assert normalize("thuỷ lợi") == normalize("thủy lợi")
    assert normalize("khoẻ") == normalize("khỏe")


def test_tone_stays_on_the_main_vowel_of_closed_syllables() -> None:
    assert normalize("hoàng") == "hoàng"
    assert normalize("thuyền") == "thuyền"


def test_quy_keeps_its_mark_on_the_y() -> None:
    assert normalize("quý") == "quý"
    assert normalize("quỹ") == "quỹ"


def test_lone_y_after_a_consonant_is_written_i() -> None:
    assert normalize("đăng ký") == normalize("đăng kí")
    assert normalize("lý lịch") == normalize("lí lịch")
    assert normalize("tuy") == "tuy"


def test_case_punctuation_and_spaces_are_dropped() -> None:
    assert normalize("  Làm   GIẤY khai-sinh?!  ") == "làm giấy khai sinh"


def test_fold_strips_every_mark_and_d_bar() -> None:
    assert fold("Đăng ký khai sinh ở đâu") == "dang ki khai sinh o dau"
    assert fold("lam giay khai sinh") == fold("làm giấy khai sinh")


def test_tokens_are_the_normalised_words() -> None:
    assert tokens("Sổ đỏ, bìa hồng") == ["sổ", "đỏ", "bìa", "hồng"]


def test_has_marks_tells_typed_diacritics() -> None:
    assert has_marks("đỏ")
    assert not has_marks("do")


def test_chat_shorthand_is_expanded() -> None:
    assert expand_shorthand(["ko", "dc", "bn", "j"]) == ["không", "được", "bao", "nhiêu", "gì"]
    assert expand_shorthand(["dk"]) == normalize("đăng ký").split()


def test_words_of_many_texts_at_once_are_those_of_each() -> None:
    texts = [
        "Đăng ký khai sinh (cho con)",
        "",
        "a_b  c – “trích lục”",
        unicodedata.normalize("NFD", "Hoà Bình, tỉnh"),
        "\u0301dấu rời",
        "ΣΑΣ x",
    ]
    assert list(typed_words_of(texts)) == [typed_words(t) for t in texts]
    odd = [*texts, "một\x1ehai"]  # a text that holds the separator itself
    assert list(typed_words_of(odd)) == [typed_words(t) for t in odd]
    assert list(typed_words_of([])) == []
