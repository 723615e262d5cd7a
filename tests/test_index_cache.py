"""The matcher's indexes kept between starts: read back alike, and never trusted when stale or
damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalogue.loader import load
from bot.catalogue.model import Catalogue
from bot.catalogue.national import load_national
from bot.matching import stored
from bot.matching.index import Index
from bot.matching.matcher import Matcher
from bot.matching.national_index import build as build_national
from tests.test_matching import small_catalogue

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "lam giay khai sinh cho con",
    "mất sổ đỏ thì làm lại thế nào",
    "đăng ký tạm trú online hết bao nhiêu tiền",
    "cấp lại giấy phép kinh doanh bị mất",
    "thời tiết hôm nay",
]


def _readings(matcher: Matcher) -> list[tuple[object, ...]]:
    return [
        (m.decision, [(c.id, c.score, c.why, c.coverage) for c in m.candidates])
        for m in map(matcher.match, QUESTIONS)
    ]


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.marshal"))


def test_an_index_read_back_from_the_cache_answers_as_the_one_built(tmp_path: Path) -> None:
    catalogue = load(ROOT / "procedures.yaml")
    built = _readings(Matcher(catalogue))
    first = Matcher(catalogue, cache=tmp_path)
    assert len(_files(tmp_path)) == 1
    assert _readings(first) == built
    again = Matcher(catalogue, cache=tmp_path)
    assert _readings(again) == built
    assert len(_files(tmp_path)) == 1


def test_the_national_index_is_kept_and_read_back_alike(tmp_path: Path) -> None:
    national = load_national()
    built = build_national(national, frozenset(), {})
    build_national(national, frozenset(), {}, tmp_path)
    read = build_national(national, frozenset(), {}, tmp_path)
    assert [p.name.split("-")[0] for p in _files(tmp_path)] == ["national"]
    assert read.numbers == built.numbers
    assert read.index.idf == built.index.idf
    assert [read.index.phrases[n] for n in (0, 7, len(read.index.phrases) - 1)] == [
        built.index.phrases[n] for n in (0, 7, len(built.index.phrases) - 1)
    ]


def test_a_changed_catalogue_is_indexed_anew_not_read_from_a_stale_cache(
    tmp_path: Path,
) -> None:
    small = small_catalogue()
    Matcher(small, cache=tmp_path)
    shipped: Catalogue = load(ROOT / "procedures.yaml")
    assert _readings(Matcher(shipped, cache=tmp_path)) == _readings(Matcher(shipped))
    assert len(_files(tmp_path)) == 2  # one per catalogue, the older kept for a quick undo


def test_a_damaged_or_truncated_cache_file_is_rebuilt_silently(tmp_path: Path) -> None:
    catalogue = load(ROOT / "procedures.yaml")
    built = _readings(Matcher(catalogue))
    Matcher(catalogue, cache=tmp_path)
    (cached,) = _files(tmp_path)
    data = cached.read_bytes()
    for damaged in (data[: len(data) // 2], data[:100] + b"\0" * 50 + data[150:], b""):
        cached.write_bytes(damaged)
        assert _readings(Matcher(catalogue, cache=tmp_path)) == built
        assert cached.read_bytes() == data  # written anew, whole


def test_a_cache_folder_that_cannot_be_written_is_no_obstacle(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    catalogue = load(ROOT / "procedures.yaml")
    assert _readings(Matcher(catalogue, cache=blocked / "index-cache")) == _readings(
        Matcher(catalogue)
    )


def test_a_large_catalogue_is_indexed_as_a_small_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # A large catalogue reads its texts in numpy (`bulkbuild`), and groups its postings and
    # entry features in numpy (`building`): the index must be the same, array for array, as
    # the one read and grouped in Python.
    catalogue = load(ROOT / "procedures.yaml")
    monkeypatch.setattr(stored, "BULK", 10**9)
    small = Matcher(catalogue).index.to_state()
    monkeypatch.setattr(stored, "LARGE", 0)
    grouped = Matcher(catalogue).index.to_state()
    monkeypatch.setattr(stored, "BULK", 0)
    large = Matcher(catalogue).index.to_state()
    assert grouped == small
    assert large == small
    assert small["postings"][1] and small["held"][1]  # something was indexed


def test_texts_with_a_nul_or_a_lone_surrogate_are_read_back_as_written(tmp_path: Path) -> None:
    for turn, rows in enumerate(
        (
            [("a", [("name", "khai sinh")]), ("b", [("name", "tạm\0trú"), ("alias", "")])],
            [("a", [("name", "khai \ud800sinh")]), ("b", [("name", "tạm trú")])],
            [("a", [("name", "khai sinh"), ("alias", "")]), ("b", [("name", "tạm trú")])],
        )
    ):
        folder = tmp_path / str(turn)
        built = Index.build(rows, {}, cache=folder)
        read = Index.build(rows, {}, cache=folder)
        assert read.phrases.texts == built.phrases.texts
        assert [read.phrases[n] for n in range(len(read.phrases))] == [
            built.phrases[n] for n in range(len(built.phrases))
        ]
