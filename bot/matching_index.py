"""The search index behind `bot.matching`: weighted syllable and syllable-pair features.

Vietnamese words are made of syllables ("khai sinh", "tạm trú"), so a feature is a folded
syllable or a pair of adjacent folded syllables; pairs tell far more than single syllables
("khai sinh" against "khai" + "sinh"). Each feature weighs its inverse document frequency over
the entries, so the words found everywhere (đăng ký, cấp, giấy, thủ tục) weigh little. An entry is
indexed as phrases (its name, each alias, its summary); a phrase scores by how much of its weight
the question covers, and by how much of the question it explains.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.text import expand_shorthand, has_marks, normalize, strip_marks, word_set

# How much a phrase of each kind counts: the summary is a description, not how people ask.
KIND_WEIGHT = {"name": 1.0, "alias": 1.0, "summary": 0.55}
# A marked question word that meets the same word with other marks (hóa / hòa) counts less.
OTHER_MARKS = 0.8
# A fuzzy (typo) match counts this much of an exact one, times the similarity.
FUZZY = 0.85
# Function words: they glue a question together and say nothing about the procedure.
STOPWORDS = word_set(
    """tôi em anh chị mình bạn cho của thì là và với có không được muốn cần phải làm sao thế
    nào gì ạ à ơi nhé nha nhá vậy này đó kia ở đâu đi về bao nhiêu như thì mà nên hay hoặc hỏi
    xin giúp ad admin ạh rồi đã đang sẽ bị các những một mấy cái con người ai khi lúc nếu vì
    nhưng trong ngoài trên dưới từ đến tại theo để cũng vẫn còn nữa luôn lại ra vào thôi chứ
    nhỉ hả hở ừ ok dạ vâng thưa cần có thể biết giờ nay hiện bây được hết mất gồm những nào
    ông bà cô chú bác cháu"""
)
FOLDED_STOPWORDS = frozenset(strip_marks(w) for w in STOPWORDS)


@dataclass(frozen=True)
class Phrase:
    """One indexed phrase of an entry, with its features and their weights."""

    entry: int
    kind: str
    text: str
    features: frozenset[str]
    exact: frozenset[str]
    weight: float


@dataclass
class Rewriter:
    """Rewrites shorthand and vocabulary keys into the words the catalogue uses."""

    vocabulary: Mapping[str, tuple[str, ...]]
    keys: list[tuple[list[str], list[str], list[str]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for key, expansions in self.vocabulary.items():
            words = normalize(key).split()
            if not words:
                continue
            target: list[str] = []
            for expansion in expansions:
                for word in normalize(expansion).split():
                    if word not in target:
                        target.append(word)
            self.keys.append((words, [strip_marks(w) for w in words], target))
        # Longest keys first, so "sổ đỏ" wins over "sổ".
        self.keys.sort(key=lambda k: -len(k[0]))

    def rewrite(self, words: list[str], chat: bool) -> tuple[list[str], list[str]]:
        """Return the rewritten words, and a note per rewrite for `why`."""
        if chat:
            words = expand_shorthand(words)
        out: list[str] = []
        notes: list[str] = []
        i = 0
        while i < len(words):
            for key, folded, target in self.keys:
                n = len(key)
                span = words[i : i + n]
                if len(span) == n and all(
                    w == k or (not has_marks(w) and w == f)
                    for w, k, f in zip(span, key, folded, strict=True)
                ):
                    out.extend(target)
                    notes.append(f"{' '.join(span)}→{' '.join(target)}")
                    i += n
                    break
            else:
                out.append(words[i])
                i += 1
        return out, notes


def features_of(folded: Sequence[str]) -> list[str]:
    """Return the syllables and adjacent syllable pairs of a folded word list."""
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(folded)]
    return [*folded, *pairs]


@dataclass
class Index:
    """Phrases of a set of entries, with feature weights and posting lists."""

    ids: list[str]
    phrases: list[Phrase]
    idf: dict[str, float]
    postings: dict[str, list[int]]
    rewriter: Rewriter
    vocab_by_length: dict[int, list[str]]
    entry_features: list[frozenset[str]]
    unknown_weight: float

    @classmethod
    def build(
        cls,
        entries: Iterable[tuple[str, Sequence[tuple[str, str]]]],
        vocabulary: Mapping[str, tuple[str, ...]],
    ) -> Index:
        """Index entries given as (id, [(kind, text), ...])."""
        rewriter = Rewriter(vocabulary)
        ids: list[str] = []
        raw: list[tuple[int, str, str, list[str], list[str]]] = []
        for number, (entry_id, texts) in enumerate(entries):
            ids.append(entry_id)
            for kind, text in texts:
                words, _ = rewriter.rewrite(normalize(text).split(), chat=False)
                if words:
                    raw.append((number, kind, text, words, [strip_marks(w) for w in words]))
        df: dict[str, int] = {}
        per_entry: list[set[str]] = [set() for _ in ids]
        for number, _, _, _, folded in raw:
            per_entry[number].update(features_of(folded))
        for entry_feats in per_entry:
            for feat in entry_feats:
                df[feat] = df.get(feat, 0) + 1
        total = max(len(ids), 1)
        idf = {f: math.log(1 + (total - n + 0.5) / (n + 0.5)) for f, n in df.items()}
        phrases: list[Phrase] = []
        postings: dict[str, list[int]] = {}
        for number, kind, text, words, folded in raw:
            feats = frozenset(features_of(folded))
            exact = frozenset(words)
            weight = sum(idf[f] for f in feats)
            phrase_id = len(phrases)
            phrases.append(Phrase(number, kind, text, feats, exact, weight))
            for feat in feats:
                postings.setdefault(feat, []).append(phrase_id)
        vocab_by_length: dict[int, list[str]] = {}
        for feat in df:
            if " " not in feat:
                vocab_by_length.setdefault(len(feat), []).append(feat)
        return cls(
            ids=ids,
            phrases=phrases,
            idf=idf,
            postings=postings,
            rewriter=rewriter,
            vocab_by_length=vocab_by_length,
            entry_features=[frozenset(f) for f in per_entry],
            unknown_weight=math.log(1 + (total - 0.5) / 1.5),
        )

    fuzzy_cache: dict[str, tuple[str, float] | None] = field(default_factory=dict)

    def correct(self, word: str) -> tuple[str, float] | None:
        """Return the indexed syllable nearest to an unknown folded word, with its similarity."""
        if word not in self.fuzzy_cache:
            if len(self.fuzzy_cache) > 50_000:
                self.fuzzy_cache.clear()
            self.fuzzy_cache[word] = _nearest(self.vocab_by_length, word)
        return self.fuzzy_cache[word]

    def split(self, word: str) -> list[str] | None:
        """Split a run-together word ("khaisinh") into two indexed syllables, if it is one."""
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            if left in self.idf and right in self.idf:
                return [left, right]
        return None


def _nearest(vocab_by_length: Mapping[int, list[str]], word: str) -> tuple[str, float] | None:
    if len(word) < 4 or not word.isalpha():
        return None
    cutoff = 75.0 if len(word) <= 5 else 72.0
    choices: list[str] = []
    for length in range(len(word) - 1, len(word) + 2):
        choices.extend(vocab_by_length.get(length, ()))
    found = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
    if found is None:
        return None
    return str(found[0]), float(found[1]) / 100.0
