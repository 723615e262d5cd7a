"""The checker's bounds: oversized files, alias and nesting bombs give a line; real files pass."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.catalogue import communes_check, limits
from bot.catalogue.validation import _Builder, _compose, check_path, check_text

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "procedures.yaml"


def test_oversized_file_is_refused_before_parsing_with_its_size(tmp_path: Path) -> None:
    path = tmp_path / "procedures.yaml"
    path.write_bytes(b"version: 1\n" + b"# " * (limits.MAX_BYTES // 2 + 10))
    report = check_path(path, required={})
    assert len(report.errors) == 1 and report.data is None
    size = limits.MAX_BYTES // 1024 // 1024
    assert f"{size}.0 MB" in report.errors[0].message and f"{size} MB" in report.errors[0].message


def test_billion_laughs_is_named_at_a_line_that_uses_the_alias_and_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    report = check_text(bomb, required={})
    [problem] = report.errors
    assert 2 <= problem.line <= 9 and "'*'" in problem.message
    assert "lỗi nội bộ" not in problem.message


def test_hundred_levels_of_nesting_are_named_at_their_line() -> None:
    for depth in (100, 5000):
        text = "version: 1\nfields: " + "[" * depth + "]" * depth + "\n"
        [problem] = check_text(text, required={}).errors
        assert problem.line == 2 and "tầng" in problem.message, depth


def test_deep_block_nesting_is_named_at_its_line() -> None:
    text = "a:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(100))
    [problem] = check_text(text, required={}).errors
    assert problem.line > 50 and "tầng" in problem.message


def test_a_real_ten_thousand_entry_catalogue_stays_under_the_node_bound() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    entries = len(data["procedures"]) + len(data.get("guides") or [])
    builder = _Builder("procedures.yaml", text)
    root = _compose(text)
    assert root is not None
    builder.build(root)
    per_entry = builder._nodes / entries
    assert per_entry * 10_000 * 2 < limits.MAX_NODES  # twice the margin
    per_entry_bytes = len(text.encode()) / entries
    assert per_entry_bytes * 10_000 < limits.MAX_BYTES


def test_a_few_shared_values_through_aliases_still_pass() -> None:
    base = (ROOT / "tests" / "broken" / "base.yaml").read_text(encoding="utf-8")
    text = base.replace("    verified: 2026-11-20\n", "    verified: &day 2026-11-20\n", 1)
    report = check_text(text, required={})
    assert not [p for p in report.errors if "'*'" in p.message]


def test_oversized_communes_file_is_refused_with_its_size() -> None:
    report = communes_check.check_text(b"updated: 2026-11-20\n" + b"#" * limits.MAX_BYTES)
    assert report.errors and "MB" in report.errors[0].message
    assert "lỗi nội bộ" not in report.errors[0].message


def test_deeply_nested_communes_file_is_a_problem_not_an_exception() -> None:
    text = "communes: " + "[" * 5000 + "]" * 5000 + "\n"
    report = communes_check.check_text(text)
    assert report.errors and report.data is None
