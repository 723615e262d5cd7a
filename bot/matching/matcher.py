"""Read a citizen's free text: which procedure, which part of it, and how sure we are.

`Matcher.match` ranks the catalogue entries (procedures and guides) and, when it is loaded, the
national list of procedures as a second tier that never outranks a curated entry that fits. It
returns a `Match` whose `decision` is what the bot should do: show the card ("answer"), offer a
short choice ("clarify"), or say kindly that it does not know ("none").
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Literal

from bot.catalogue.model import Catalogue, Entry
from bot.catalogue.national import NationalProcedure
from bot.matching import qualifiers
from bot.matching.aspects import Aspect, detect_aspect, is_small_talk, pure_followup_words
from bot.matching.index import Index
from bot.matching.national_index import SHARED, NationalIndex
from bot.matching.ranking import Scored, score_query
from bot.matching.score import SLACK, Query, Reading, Thresholds, analyse, read, weigh
from bot.matching.words import GENERIC

__all__ = [
    "Aspect",
    "Candidate",
    "Decision",
    "Match",
    "Matcher",
    "Thresholds",
    "decide",
    "detect_aspect",
]

Decision = Literal["answer", "clarify", "none"]
# A word this telling (its weight in the national list) or more tells procedures apart.
TELLING = 2.0
# A national procedure that holds this share of the question's telling words more than the
# curated card does, losing few of the card's, fits the question better.
EXPLAINS_MORE = 0.25
# A card that scores this share of the first card's score or more is about the same thing.
CLOSE = 0.8
Tier = Literal["catalogue", "national"]


@dataclass(frozen=True)
class Candidate:
    """One possible reading of a question: an entry id, its score and why it scored."""

    id: str
    score: float
    tier: Tier = "catalogue"
    why: str = ""
    coverage: float = 1.0  # how much of its best name or alias the question holds


@dataclass(frozen=True)
class Match:
    """How the bot reads one question."""

    query: str
    decision: Decision
    candidates: tuple[Candidate, ...]
    aspect: Aspect | None = None
    followup: bool = False

    def to_json(self) -> dict[str, object]:
        """Return the JSON form printed by `python -m bot match --json`."""
        return {
            "query": self.query,
            "decision": self.decision,
            "candidates": [
                {"id": c.id, "score": round(c.score, 4), "tier": c.tier, "why": c.why}
                for c in self.candidates
            ],
            "aspect": self.aspect,
            "followup": self.followup,
        }


def _entry_texts(entry: Entry) -> list[tuple[str, str]]:
    texts = [("name", entry.name), *zip(repeat("alias"), entry.aliases)]
    if entry.summary:
        texts.append(("summary", entry.summary))
    return texts


_NAME = attrgetter("name")


def _catalogue_words(catalogue: Catalogue) -> list[str]:
    """The texts of the catalogue that are not indexed: their words are real, not typos."""
    texts: list[str] = []
    for procedure in catalogue.procedures.values():
        texts.extend([procedure.time, procedure.fee, procedure.where])
        texts.extend(map(_NAME, procedure.documents))
        texts.extend((*procedure.steps, *procedure.notes))
    for guide in catalogue.guides.values():
        texts.extend(f"{s.title} {s.text}" for s in guide.steps)
    return texts


class Matcher:
    """Ranks catalogue entries (and optionally national procedures) for a free-text question."""

    def __init__(
        self,
        catalogue: Catalogue,
        national: Mapping[str, NationalProcedure] | None = None,
        thresholds: Thresholds | None = None,
        cache: Path | None = None,
    ) -> None:
        """Index a catalogue; `cache` is a folder where built indexes are kept between starts."""
        self.catalogue = catalogue
        self.thresholds = thresholds or Thresholds()
        vocabulary = dict(catalogue.vocabulary)
        self.index = Index.build(
            ((e.id, _entry_texts(e)) for e in catalogue.entries.values()),
            vocabulary,
            _catalogue_words(catalogue),
            cache=cache,
        )
        # The national list is indexed when a question first needs it (see `national_index`).
        # Not `national or None`: that would read a list read on first use (LazyNational) now,
        # on the way to "ready", rather than after it.
        self._national_list = national
        self._curated_codes = frozenset(p.code for p in catalogue.procedures.values() if p.code)
        self._vocabulary = vocabulary
        self._cache = cache
        self._national: NationalIndex | None = None
        self._numbers = {entry_id: n for n, entry_id in enumerate(self.index.ids)}

    @property
    def national(self) -> Index | None:
        """The national list's index (None without the list), built on first use."""
        return self._national_tier().index if self._national_list else None

    def _national_tier(self) -> NationalIndex:
        tier = self._national
        if tier is None:
            assert self._national_list is not None
            tier = SHARED.get(
                self._national_list, self._curated_codes, self._vocabulary, self._cache
            )
            self._national = tier
        return tier

    def warm(self) -> None:
        """Build the national list's index now, if there is one, rather than on first need."""
        if self._national_list:
            self._national_tier()

    def match(self, text: str, top: int = 3, context: str | None = None) -> Match:
        """Read one question; `context` is the id of the card the citizen saw last."""
        aspect = detect_aspect(text)
        query = analyse(self.index, text)
        # Only the first `top` curated entries can be shown or weighed (`candidates` below):
        # asking for no more lets the scoring stop sooner.
        scored = score_query(self.index, query, limit=max(top, 1))
        if (
            context is not None
            and context in self.catalogue.entries
            and aspect is not None
            and (pure_followup_words(query, self.index) or not scored)
        ):
            why = f"follow-up about {aspect} of the card shown last"
            candidate = Candidate(context, 1.0, "catalogue", why, 1.0)
            return Match(text, "answer", (candidate,), aspect, followup=True)
        t = self.thresholds
        curated = [Candidate(s.id, s.score, "catalogue", s.why, s.coverage) for s in scored]
        fits = [c for c in curated if c.score >= t.clarify]
        others: list[Candidate] = [c for c in curated if c.score < t.clarify]
        reads = _Reads(self._national_tier, text, t) if self._national_list else None
        # National candidates only ever come after the curated ones that fit: when those fill
        # every place shown, none could be shown, and the list is not searched.
        if (
            reads is not None
            and (not fits or fits[0].score < t.curated_fits)
            and len(fits) < max(top, 1)
        ):
            extra = reads.scored(6)
            others.extend(
                Candidate(s.id, s.score * t.national_factor, "national", s.why, s.coverage)
                for s in extra
                if s.score * t.national_factor >= t.national_min
            )
            others.sort(key=lambda c: -c.score)
        # A curated entry that fits always comes before the national list; one that nearly fits
        # keeps a place among those shown.
        candidates = (fits + others)[: max(top, 1)]
        nearly = next((c for c in others if c.tier == "catalogue"), None)
        if nearly is not None and not fits and nearly not in candidates:
            candidates[-1] = nearly
        # Small talk only matters to a first candidate that scores under the override.
        small_talk = (
            bool(candidates)
            and candidates[0].score < t.small_talk_override
            and is_small_talk(text)
        )
        decision = decide(candidates, small_talk, t)
        if decision != "none" and candidates[0].tier == "catalogue":
            candidates, decision = self._narrow(text, query, candidates, decision, reads)
        return Match(text, decision, tuple(candidates[:top]), aspect)

    def _narrow(
        self,
        text: str,
        query: Query,
        candidates: list[Candidate],
        decision: Decision,
        reads: _Reads | None,
    ) -> tuple[list[Candidate], Decision]:
        """Never a sure answer with a card that does not cover what the question names.

        When the question names a qualifier (a foreign element, a loss, a first test, a
        licensed trade ...) that the first card holds none of, the bot offers a choice, and
        puts first the national procedure that holds it, if one fits the question.
        """
        first = candidates[0]
        named = qualifiers.named(query.folded, text)
        lacking = qualifiers.lacked(self.index, self._numbers[first.id], named) if named else []
        if not lacking:
            better = self._explains_more(reads, first) if decision == "answer" else None
            if better is None:
                return candidates, decision
            return [better, *(c for c in candidates if c.id != better.id)], "clarify"
        why = f"; lacks {', '.join(lacking)}"
        for other in candidates[1:]:
            # Another card among those found covers it ("mất bằng lái": the reissue card).
            if other.tier != "catalogue" or other.score < CLOSE * first.score:
                continue
            if all(qualifiers.holds(self.index, self._numbers[other.id], q) for q in lacking):
                rest = [c for c in candidates if c.id not in (other.id, first.id)]
                chosen = [other, *rest]
                return [*chosen, replace(first, why=first.why + why)], decide(
                    chosen, False, self.thresholds
                )
        better = self._fitting(reads, first, lacking, named)
        if better is not None:
            better = replace(better, why=better.why + why)
            return [better, *(c for c in candidates if c.id != better.id)], "clarify"
        return [replace(first, why=first.why + why), *candidates[1:]], "clarify"

    def _fitting(
        self, reads: _Reads | None, first: Candidate, lacking: list[str], named: list[str]
    ) -> Candidate | None:
        """Return the national procedure that fits a question the first card does not cover.

        It is looked for with the question alone, and with the card's name and the official
        words for the qualifier added (a loss weighs so much that "bị mất cà vẹt" alone finds
        every lost paper, and "người Hàn" alone no foreign element). First choice: one
        that holds what the card lacks; else a plain one that holds no qualifier the question
        does not name ("thi bằng lái" → "Cấp giấy phép lái xe", not its reissue). Of those, the
        one that holds most of the telling words: the thing asked about, not only the qualifier.
        """
        if reads is None:
            return None
        tier = reads.tier
        index, numbers = tier.index, tier.numbers
        t = self.thresholds
        text = reads.text
        # The way official names say each qualifier comes first in its class.
        said = " ".join(qualifiers.QUALIFIERS[q][0] for q in lacking)
        about = f"{text} {self.catalogue.entries[first.id].name}"
        subject = analyse(index, f"{about} {said}")
        words = _telling(index, read(index, about).folded)  # (the words alone: not weighed)
        card = sum(w for f, w in words.items() if self.index.holds(self._numbers[first.id], f))
        found: dict[str, Scored] = {}
        subjects = score_query(index, subject, limit=12, floor=reads.floor)
        for s in (*reads.scored(12), *subjects):
            if s.id not in found or s.score > found[s.id].score:
                found[s.id] = s
        holding: list[tuple[float, Candidate]] = []
        plain: list[tuple[float, Candidate]] = []
        others = [q for q in qualifiers.QUALIFIERS if q not in named]
        for s in found.values():
            number = numbers[s.id]
            score = s.score * t.national_factor
            if score < t.national_min:
                continue
            held = sum(w for f, w in words.items() if index.holds(number, f))
            candidate = Candidate(s.id, score, "national", s.why, s.coverage)
            if all(qualifiers.holds(index, number, q) for q in lacking):
                holding.append((held + score, candidate))
            elif held >= card / 2 and not any(qualifiers.holds(index, number, q) for q in others):
                plain.append((held + score, candidate))
        best = holding or plain
        return max(best, key=lambda pair: pair[0])[1] if best else None

    def _explains_more(self, reads: _Reads | None, first: Candidate) -> Candidate | None:
        """Return the national procedure that explains clearly more of the question's telling
        words than the curated card about to be answered, if one does."""
        if reads is None:
            return None
        tier = reads.tier
        index, numbers = tier.index, tier.numbers
        t = self.thresholds
        # Most answers stop at the telling words: the question need not be weighed for them.
        words = _telling(index, reads.folded())
        if not words:
            return None
        entry = self._numbers[first.id]
        card = {w for w in words if self.index.holds(entry, w)}
        # What a national procedure can explain beyond the card is at most the telling words
        # the card lacks: when they weigh too little, no search can find one (most answers).
        # (A hair of slack, so that no rounding in the sums below can tell otherwise.)
        lacked = sum(words[w] for w in words if w not in card)
        if lacked < EXPLAINS_MORE * sum(words.values()) - 1e-9:
            return None
        # Nor when no national procedure holds enough of them: the search is not run.
        if not _may_explain(index, words, card):
            return None
        # Only those the national list would offer count (see below).
        offered = t.national_clarify / t.national_factor if t.national_factor > 0 else 0.0
        for s in reads.scored(3, offered):
            score = s.score * t.national_factor
            if score < t.national_clarify:
                break
            number = numbers[s.id]
            held = {w for w in words if index.holds(number, w)}
            extra = sum(words[w] for w in held - card)
            lost = sum(words[w] for w in card - held)
            if extra >= EXPLAINS_MORE * sum(words.values()) and lost <= extra / 4:
                why = f"{s.why}; explains more than {first.id}"
                return Candidate(s.id, score, "national", why, s.coverage)
        return None


class _Reads:
    """The national tier's reading of one question, worked out once however often it is asked
    for while the question is matched (by the search, `_explains_more` and `_fitting`).

    Each of them drops the national procedures whose score, scaled by `national_factor`, falls
    under `national_min`: the search is told so (`floor`), and need not score them.
    """

    def __init__(self, tier: Callable[[], NationalIndex], text: str, t: Thresholds) -> None:
        self._tier = tier
        self.text = text
        self.floor = t.national_min / t.national_factor if t.national_factor > 0 else 0.0
        self._reading: Reading | None = None
        self._query: Query | None = None
        self._scored: tuple[int, float, list[Scored]] | None = None

    @property
    def tier(self) -> NationalIndex:
        """The national index (built on first need)."""
        return self._tier()

    def folded(self) -> list[str]:
        """Return the question's folded words as read against the national index."""
        return self._read().folded

    def _read(self) -> Reading:
        if self._reading is None:
            self._reading = read(self.tier.index, self.text)
        return self._reading

    def query(self) -> Query:
        """Return the question analysed against the national index."""
        if self._query is None:
            self._query = weigh(self.tier.index, self._read())
        return self._query

    def scored(self, limit: int, floor: float | None = None) -> list[Scored]:
        """Return the best `limit` national procedures for the question, of those that score
        at least `floor` (by default, the least any reader takes).

        A search for more, or with a lower floor, serves any later ask for fewer: the list
        `score_query` keeps only ever loses its end, so asking for fewer gives its start.
        """
        floor = self.floor if floor is None else max(floor, self.floor)
        last = self._scored
        if last is None or last[0] < limit or last[1] > floor:
            last = self._scored = (
                limit,
                floor,
                score_query(self.tier.index, self.query(), limit, floor),
            )
        return [s for s in last[2][:limit] if s.score >= floor * (1 - SLACK)]


def _may_explain(index: Index, words: Mapping[str, float], card: set[str]) -> bool:
    """Tell whether some entry of the national index could be what `_explains_more` offers:
    one that holds telling words the card lacks weighing `EXPLAINS_MORE` of the question's,
    and lacks few of the card's (each with a hair of slack for the order of the sums). The
    posting lists of the words the card lacks tell which entries hold them. (The national list
    is indexed by its names alone: an entry holds a word only in its name's phrase.)"""
    need = EXPLAINS_MORE * sum(words.values()) - 1e-9
    entries = index.phrases.entries
    extra: dict[int, float] = {}
    for word in words:
        if word not in card:
            weight = words[word]
            for entry in set(map(entries.__getitem__, index.postings.get(word, ()))):
                extra[entry] = extra.get(entry, 0.0) + weight
    for entry, held in extra.items():
        if held >= need:
            lost = sum(words[w] for w in card if not index.holds(entry, w))
            if lost <= held / 4 + 1e-9:
                return True
    return False


def _telling(index: Index, folded: Sequence[str]) -> dict[str, float]:
    """The question's words and word pairs that tell procedures apart, with their weight in
    an index."""
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(folded)]
    return {
        w: index.idf[w]
        for w in (*folded, *pairs)
        if w not in GENERIC and w in index.idf and index.idf[w] >= TELLING
    }


def decide(candidates: Sequence[Candidate], small_talk: bool, t: Thresholds) -> Decision:
    """Apply the confidence rule to ranked candidates: answer, clarify or none."""
    if not candidates:
        return "none"
    first = candidates[0].score
    second = candidates[1].score if len(candidates) > 1 else 0.0
    ahead = first - second >= t.margin * first
    if small_talk and first < t.small_talk_override:
        return "none"
    if candidates[0].tier == "national":
        if first < t.national_clarify:
            return "none"
        return "answer" if first >= t.national_answer and ahead else "clarify"
    if first < t.clarify:
        return "none"
    # Sure enough overall, or the question holds (nearly) a whole name or alias of it.
    sure = first >= t.answer or candidates[0].coverage >= t.answer_coverage
    return "answer" if sure and ahead else "clarify"
