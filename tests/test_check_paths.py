"""A clean file read in one pass (`stream`) gets the very report the node-tree reading gives.

Staff must not see a difference: same messages at the same lines in the same order, same data,
and the same line for every value, whichever way the checker took through the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalogue import stream
from bot.catalogue.tree import Builder, compose
from bot.catalogue.validation import Report, check_text
from tests.test_validation import BASE, CORPUS, PASSING, REQUIRED, TODAY, WRONG_VALUES

ROOT = Path(__file__).resolve().parent.parent


def _report(text: str, careful: bool, monkeypatch: pytest.MonkeyPatch) -> Report:
    with monkeypatch.context() as patch:
        if careful:
            patch.setattr(stream, "read", lambda text, **_: None)
        return check_text(text, "procedures.yaml", TODAY, required=REQUIRED)


def _same(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _report(text, False, monkeypatch)
    slow = _report(text, True, monkeypatch)
    assert [str(p) for p in fast.errors] == [str(p) for p in slow.errors]
    assert [str(p) for p in fast.warnings] == [str(p) for p in slow.warnings]
    assert fast.data == slow.data
    assert fast.summary() == slow.summary()


def _case_text(case: dict[str, Any]) -> str:
    if "text" in case:
        return str(case["text"])
    return BASE.replace(case["find"], case["replace"])


@pytest.mark.parametrize(
    "case", CORPUS["cases"] + PASSING["cases"], ids=lambda case: str(case["name"])
)
def test_every_corpus_case_gets_the_same_report_both_ways(
    case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    if case.get("encoding", "utf-8") != "utf-8":
        pytest.skip("a file in another encoding is refused before any reading")
    _same(_case_text(case), monkeypatch)


@pytest.mark.parametrize("wrong", WRONG_VALUES)
def test_a_wrong_value_anywhere_gets_the_same_report_both_ways(
    wrong: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = BASE.splitlines()
    for i, line in enumerate(lines):
        if line.lstrip().startswith("#") or not (": " in line or line.lstrip().startswith("- ")):
            continue
        head = line[: line.index(": ") + 2] if ": " in line else line[: line.index("- ") + 2]
        _same("\n".join([*lines[:i], head + wrong, *lines[i + 1 :]]) + "\n", monkeypatch)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(BASE) - 1), st.sampled_from(list(" :-\t\"'[]{}#&*!|>"))
)
def test_any_one_character_edit_gets_the_same_report_both_ways(at: int, char: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same(BASE[:at] + char + BASE[at + 1 :], monkeypatch)


def test_the_shipped_catalogue_and_a_large_one_get_the_same_report_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.tools.bench_catalogue import write_catalogue

    for path in (ROOT / "procedures.yaml", write_catalogue(120, tmp_path)):
        text = path.read_text(encoding="utf-8")
        assert stream.read(text) is not None, "a clean file takes the one pass"
        _same(text, monkeypatch)


def _both_ways(text: str) -> tuple[Any, Builder, Any]:
    """The file read in one pass, and the node tree's builder with the data it built."""
    streamed = stream.read(text)
    assert streamed is not None
    builder = Builder("procedures.yaml", text)
    root = compose(text)
    assert root is not None
    return streamed, builder, builder.build(root)


def test_the_lines_found_on_demand_are_those_of_the_node_tree() -> None:
    for text in (BASE, (ROOT / "procedures.yaml").read_text(encoding="utf-8")):
        streamed, builder, data = _both_ways(text)
        assert data == streamed.data
        assert dict(streamed.lines) == builder.lines
        assert dict(streamed.lines.raw) == builder.raw


def _with_alias(text: str) -> str:
    day = "    verified: 2026-11-20\n"
    text = text.replace(day, "    verified: &day 2026-11-20\n", 1)
    return text.replace(day, "    verified: *day\n", 1)


@pytest.mark.parametrize(
    "edit",
    [
        _with_alias,  # a value used again through '*'
        lambda text: text.replace(
            "    verified: 2026-11-20\n", "    verified: !!str 2026-11-20\n"
        ),
        lambda text: text.replace("\n", "\r\n"),  # a break libyaml counts apart from ours
        lambda text: text + "---\nversion: 2\n",  # a second document
    ],
)
def test_anything_unusual_takes_the_careful_way(edit: Any) -> None:
    assert stream.read(BASE) is not None
    assert stream.read(edit(BASE)) is None


def test_an_anchor_never_used_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    text = BASE.replace("    verified: 2026-11-20\n", "    verified: &day 2026-11-20\n", 1)
    assert stream.read(text) is not None
    _same(text, monkeypatch)


def test_an_entry_read_alone_gives_the_lines_of_the_node_tree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stream.LazyLines, "ENTRIES_ALONE", 10**6)
    for text in (BASE, (ROOT / "procedures.yaml").read_text(encoding="utf-8")):
        streamed, builder, _ = _both_ways(text)
        alone = [loc for loc in builder.lines if streamed.lines._entry(loc) is not None]
        assert len(alone) > len(builder.lines) / 2, "most values are read entry by entry"
        for loc in alone:
            assert loc in streamed.lines
            assert streamed.lines[loc] == builder.lines[loc]
            assert streamed.lines.raw.get(loc) == builder.raw.get(loc)
            assert (*loc, "nowhere") not in streamed.lines
        assert streamed.lines._lines is None, "no entry needed the whole file read again"
        assert dict(streamed.lines) == builder.lines
