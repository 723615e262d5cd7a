"""The commune lookup's own evaluation: figures printed by `python -m bot evaluate`, floors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalogue.communes import build
from bot.catalogue.communes_check import check_path
from bot.matching.places import PlaceIndex
from bot.tools.commune_eval import evaluate_communes, generated_questions
from bot.tools.evaluation import main, read_rows, variants
from tests.core_fixtures import shipped_matcher

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def index() -> PlaceIndex:
    report = check_path(ROOT / "communes.yaml")
    assert report.data is not None
    return PlaceIndex(build(report.data))


def test_commune_questions_name_the_right_new_unit_and_leave_procedures_alone(
    index: PlaceIndex,
) -> None:
    rows = read_rows(ROOT / "eval" / "communes.jsonl")
    assert len(rows) >= 30
    procedures = read_rows(ROOT / "eval" / "questions.jsonl")
    figures = evaluate_communes(index, shipped_matcher(), rows, procedures)
    assert figures.rate("old unit") >= 95.0, figures.misses
    for kind in ("district", "ambiguous", "unknown", "procedure"):
        assert figures.rate(kind) >= 75.0, (kind, figures.misses)
    assert figures.taken <= figures.procedure_questions // 100, figures.misses


def test_every_old_unit_is_found_by_name_and_district_even_with_typos(
    index: PlaceIndex,
) -> None:
    every = generated_questions(index.communes)
    assert len(every) == 381
    assert evaluate_communes(index, shipped_matcher(), every).rate("old unit") == 100.0
    typed = variants(every)["no marks, typos"]
    assert evaluate_communes(index, shipped_matcher(), typed).rate("old unit") >= 90.0


def test_evaluate_command_prints_the_commune_figures(capsys: pytest.CaptureFixture[str]) -> None:
    questions = ROOT / "eval" / "questions.jsonl"
    assert main([str(questions), "--catalogue", str(ROOT / "procedures.yaml")]) == 0
    out = capsys.readouterr().out
    assert "communes.jsonl:" in out and "named the right new unit" in out
    assert "procedure questions taken by the lookup: 0 of" in out
