"""Vietnamese text normalisation for matching: one canonical spelling, and a folded form.

Citizens type with or without diacritics, in decomposed or composed Unicode, with either
tone-placement convention (hoà / hòa, uỷ / ủy) and with i or y (kí / ký). `normalize` maps all of
that to one spelling; `fold` also drops the marks, so `lam giay khai sinh` meets `làm giấy khai
sinh`. Chat shorthand (ko, dc, bn, j, z ...) is expanded by `expand_shorthand`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

from bot.bounded import BoundedMemo

# Old-style tone placement ("hòa", "thủy", "ủy") is what most official names use for "uy"
# and what the catalogue uses for "Ủy ban"; we map the new style onto it, in open syllables only
# ("hoàng" keeps its mark on the a). "quý" / "quỹ" are qu + y and are left alone.
_TONED_A = "àáảãạ"
_TONED_E = "èéẻẽẹ"
_TONED_Y = "ỳýỷỹỵ"
_TONED_O = "òóỏõọ"
_TONED_U = "ùúủũụ"
_OA = re.compile(rf"o([{_TONED_A}{_TONED_E}])(?!\w)")
_UY = re.compile(rf"(?<!q)u([{_TONED_Y}])(?!\w)")

# "kí" and "ký", "lí" and "lý", "mĩ" and "mỹ" are both in use: a syllable made of one initial
# consonant and a lone y is written with i here.
_LONE_Y = re.compile(r"(?<!\w)(b|c|d|đ|h|k|l|m|n|s|t|v|x|ch|kh|ph|th|tr)([yỳýỷỹỵ])(?!\w)")
_Y_TO_I = str.maketrans("yỳýỷỹỵ", "iìíỉĩị")

# Anything that is neither a letter, a digit nor a space (one character at a time is fastest),
# but for the underscore, which \w counts as a letter: a plain replace takes it, and keeps this
# one character class, which the regex engine scans for far faster than an alternation.
_NON_WORD = re.compile(r"[^\w\s]")


def _old_style(match: re.Match[str]) -> str:
    vowel = match.group(1)
    if vowel in _TONED_A:
        return _TONED_O[_TONED_A.index(vowel)] + "a"
    return _TONED_O[_TONED_E.index(vowel)] + "e"


def _uy_old_style(match: re.Match[str]) -> str:
    return _TONED_U[_TONED_Y.index(match.group(1))] + "y"


def _lone_y(match: re.Match[str]) -> str:
    return match.group(1) + match.group(2).translate(_Y_TO_I)


def _canonical(word: str) -> str:
    return _LONE_Y.sub(_lone_y, _UY.sub(_uy_old_style, _OA.sub(_old_style, word)))


# A language has a few thousand syllables: spelling each once and remembering it is far faster
# than running the rules over every text (and a look-up per word runs without Python code).
# Unique long "words" typed by citizens would fill it: it is bounded by bytes (each memo here
# starts afresh past its budget, a few MB).
CACHE_BYTES = 8 * 1024 * 1024
_WORDS: BoundedMemo[str, str] = BoundedMemo(CACHE_BYTES, _canonical)


def typed_words(text: str) -> list[str]:
    """Return the words of a text as typed (composed, casefolded, without punctuation); each
    word's `spelling` makes them the words of `normalize(text)`."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _NON_WORD.sub(" ", text.casefold()).replace("_", " ").split()


def typed_text(texts: Sequence[str]) -> str | None:
    """Return the texts made as `typed_words` makes them (composed, casefolded, without
    punctuation), one per line and in one go; None when a text has a line break of its own
    (or there is no text).

    NFC, case folding and the punctuation rule act on the whole as on each text, and a line
    break is whitespace that never composes with a neighbour, so a line's `split()` is its
    text's `typed_words`.
    """
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        return None
    if not unicodedata.is_normalized("NFC", joined):
        joined = unicodedata.normalize("NFC", joined)
    return _NON_WORD.sub(" ", joined.casefold()).replace("_", " ")


def typed_words_of(texts: Sequence[str]) -> Iterator[list[str]]:
    """Yield `typed_words` of each text, worked out in one pass over them all (each text's
    words are made as they are asked for, not all at once)."""
    typed = typed_text(texts)
    if typed is None:  # a text holds a line break itself (or there is none)
        return map(typed_words, texts)
    return map(str.split, typed.split("\n"))


def spelling(word: str) -> str:
    """Return the canonical spelling of one word of `typed_words`."""
    return _WORDS[word]


def normal_words(text: str) -> list[str]:
    """Return the words of `normalize(text)`, without caching the text (for texts seen once)."""
    return list(map(_WORDS.__getitem__, typed_words(text)))


def _normalized(text: str) -> str:
    return " ".join(normal_words(text))


_NORMALIZED: BoundedMemo[str, str] = BoundedMemo(CACHE_BYTES, _normalized)


def normalize(text: str) -> str:
    """Return the canonical spelling: NFC, one tone placement, casefolded, words only."""
    return _NORMALIZED[text]


def _bare_letters() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii():
            table[code] = base
    return table


_BARE = _bare_letters()


def strip_marks(text: str) -> str:
    """Return the text without Vietnamese diacritics (đ becomes d); nothing else changes."""
    return _STRIPPED[text]


def strip_marks_uncached(text: str) -> str:
    """`strip_marks` without remembering the result (for texts seen once)."""
    bare = text.translate(_BARE)
    if bare.isascii():
        return bare
    # Combining marks left over (decomposed input): the slow, complete way.
    decomposed = unicodedata.normalize("NFD", bare)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_BARE)


_STRIPPED: BoundedMemo[str, str] = BoundedMemo(CACHE_BYTES, strip_marks_uncached)


def fold(text: str) -> str:
    """Return the normalised text without diacritics, đ as d: the form for lenient matching."""
    return strip_marks(normalize(text))


def tokens(text: str) -> list[str]:
    """Return the normalised words (syllables) of a text."""
    return normalize(text).split()


def word_set(text: str, sep: str | None = None) -> frozenset[str]:
    """Return the set of items of a word list written as one string (split on `sep`)."""
    return frozenset(" ".join(item.split()) for item in text.split(sep) if item.strip())


def has_marks(word: str) -> bool:
    """Tell whether a word carries any Vietnamese diacritic (or đ)."""
    return strip_marks(word) != word


# Chat shorthand that is language, not catalogue content: it means the same in any question.
# Domain shorthand (cccd, gplx, sổ đỏ ...) lives in the catalogue's `vocabulary`.
SHORTHAND: dict[str, str] = {
    "ko": "không",
    "k": "không",
    "kg": "không",
    "kh": "không",
    "khg": "không",
    "hok": "không",
    "hem": "không",
    "hông": "không",
    "dc": "được",
    "đc": "được",
    "dk": "đăng ký",
    "đk": "đăng ký",
    "dky": "đăng ký",
    "đky": "đăng ký",
    "j": "gì",
    "gi": "gì",
    "z": "vậy",
    "v": "vậy",
    "bn": "bao nhiêu",
    "bnh": "bao nhiêu",
    "ntn": "như thế nào",
    "mk": "mình",
    "mik": "mình",
    "mjk": "mình",
    "e": "em",
    "a": "anh",
    "ng": "người",
    "ad": "admin",
    "vs": "với",
    "trc": "trước",
    "r": "rồi",
    "cx": "cũng",
    "cg": "cũng",
    "ms": "mới",
    "bt": "biết",
    "lm": "làm",
    "lun": "luôn",
    "nhìu": "nhiều",
    "bik": "biết",
    "wa": "qua",
    "thik": "thích",
    "tks": "cảm ơn",
    "thks": "cảm ơn",
    "thanks": "cảm ơn",
    "thank": "cảm ơn",
    "camon": "cảm ơn",
    "ak": "à",
    "ah": "à",
    "uh": "ừ",
    "oke": "ok",
    "okie": "ok",
    "okay": "ok",
    "sđt": "số điện thoại",
    "sdt": "số điện thoại",
    "đt": "điện thoại",
    "onl": "online",
    "ol": "online",
    "oln": "online",
    "hc": "hành chính",
}


def expand_shorthand(words: list[str]) -> list[str]:
    """Replace chat shorthand words (ko, dc, bn, j ...) by the normalised words they stand for."""
    out: list[str] = []
    for word in words:
        out.extend(_SHORTHAND_WORDS.get(word, (word,)))
    return out


_SHORTHAND_WORDS = {key: tuple(normalize(value).split()) for key, value in SHORTHAND.items()}
