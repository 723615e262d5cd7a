"""What the matcher relies on when it asks the ranking for less: a shorter list is the start of a
longer one, and a floor only drops what lies under it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.catalogue.loader import load
from bot.catalogue.national import load_national
from bot.matching import ranking, stored
from bot.matching.index import Index
from bot.matching.matcher import Matcher
from bot.matching.ranking import Scored, _candidates, score_query
from bot.matching.score import analyse

ROOT = Path(__file__).resolve().parent.parent


def _questions() -> list[str]:
    rows = (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(row)["q"] for row in rows if row.strip()][::4]


@pytest.fixture(scope="module")
def indexes() -> dict[str, Index]:
    matcher = Matcher(load(ROOT / "procedures.yaml"), load_national())
    assert matcher.national is not None
    return {"catalogue": matcher.index, "national": matcher.national}


def _seen(scored: list[Scored]) -> list[tuple[str, float, str, float]]:
    return [(s.id, s.score, s.why, s.coverage) for s in scored]


@pytest.mark.parametrize("tier", ["catalogue", "national"])
def test_asking_for_fewer_gives_the_start_of_the_longer_list(
    indexes: dict[str, Index], tier: str
) -> None:
    index = indexes[tier]
    for question in _questions():
        longer = _seen(score_query(index, analyse(index, question), 12))
        for limit in (1, 3, 6):
            assert _seen(score_query(index, analyse(index, question), limit)) == longer[:limit]


@pytest.mark.parametrize("floor", [0.2, 0.3125, 0.4375, 0.6])
def test_a_floor_drops_only_what_scores_under_it(indexes: dict[str, Index], floor: float) -> None:
    index = indexes["national"]
    for question in _questions():
        every = score_query(index, analyse(index, question), 12)
        above = [s for s in every if s.score >= floor]
        assert _seen(score_query(index, analyse(index, question), 12, floor)) == _seen(above)


@pytest.mark.parametrize("common", [None, 20])
@pytest.mark.parametrize("tier", ["catalogue", "national"])
def test_a_large_index_ranks_exactly_as_a_small_one(
    indexes: dict[str, Index], tier: str, common: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A large index sums its candidates and scores its pool in numpy (`bulk`): every pool,
    # promise, score and tie must come out as the loops', bit for bit. With few features
    # taken as common, most questions leave some out (as at 10,000 entries), and the whole
    # pool is scored.
    if common is not None:
        monkeypatch.setattr(ranking, "COMMON", common)
    index = indexes[tier]
    questions = [*_questions(), "đăng ký", "thủ tục", "xyz"]
    loop = {
        q: (_candidates(index, analyse(index, q)), score_query(index, analyse(index, q)))
        for q in questions
    }
    monkeypatch.setattr(stored, "LARGE", 0)
    for question in questions:
        query = analyse(index, question)
        assert _candidates(index, query) == loop[question][0]
        assert _seen(score_query(index, analyse(index, question))) == _seen(loop[question][1])
