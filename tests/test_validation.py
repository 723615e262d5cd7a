"""The catalogue checker: broken edits are named at their line, good files pass, nothing raises."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import unicodedata
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalogue import spec as catalogue_spec
from bot.catalogue.loader import load
from bot.catalogue.model import CatalogueError
from bot.catalogue.validation import (
    Problem,
    Report,
    check_path,
    check_text,
    load_required,
    run_check,
)

ROOT = Path(__file__).resolve().parent.parent
BROKEN = Path(__file__).resolve().parent / "broken"
BASE = (BROKEN / "base.yaml").read_text(encoding="utf-8")
CORPUS = yaml.safe_load((BROKEN / "cases.yaml").read_text(encoding="utf-8"))
REQUIRED: dict[str, str] = CORPUS["required"]
TODAY: dt.date = CORPUS["today"]
SCHEMA = json.loads((ROOT / "procedures.schema.json").read_text(encoding="utf-8"))


def materialise(case: dict[str, Any], directory: Path) -> Path:
    """Write one broken edit to a file: base.yaml patched once, or the case's whole text."""
    if "text" in case:
        text = case["text"]
    else:
        assert BASE.count(case["find"]) == 1, f"{case['name']}: 'find' must match exactly once"
        text = BASE.replace(case["find"], case["replace"])
    path = directory / f"{case['name']}.yaml"
    path.write_bytes(text.encode(case.get("encoding", "utf-8"), errors="replace"))
    return path


def check(text: str, today: dt.date = TODAY) -> Report:
    """Check a text with the corpus's required ids and date."""
    return check_text(text, "procedures.yaml", today, required=REQUIRED)


def as_json(value: Any) -> Any:
    """The document as an editor sees it: YAML dates are plain strings there."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def schema_errors(document: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(as_json(document))
    ]


# --- the corpus of broken edits -------------------------------------------------------------


def test_corpus_has_at_least_25_cases_with_unique_names() -> None:
    names = [case["name"] for case in CORPUS["cases"]]
    assert len(names) >= 25
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", CORPUS["cases"], ids=lambda case: case["name"])
def test_broken_edit_is_reported_at_its_line(case: dict[str, Any], tmp_path: Path) -> None:
    path = materialise(case, tmp_path)
    out = io.StringIO()

    code = run_check(path, out, today=TODAY, required=REQUIRED)

    printed = out.getvalue().splitlines()
    prefix = f"{path}:{case['line']}: "
    assert code == 1
    assert any(line.startswith(prefix) and case["message"] in line for line in printed), (
        f"expected {prefix}...{case['message']}... in:\n" + "\n".join(printed)
    )
    assert "Traceback" not in out.getvalue()
    assert printed[-1].startswith(f"{path}: có ")


def test_base_of_the_corpus_is_valid_with_no_warnings() -> None:
    report = check(BASE)
    assert report.errors == []
    assert report.warnings == []
    assert report.data is not None
    assert report.summary() == (
        "procedures.yaml: hợp lệ — 2 thủ tục, 1 hướng dẫn, 2 cơ quan; 0 cảnh báo."
    )


# --- the shipped catalogue --------------------------------------------------------------------


def test_shipped_catalogue_has_no_errors() -> None:
    # Only errors fail: stale `verified` dates are warnings for the weekly review, not for CI.
    report = check_path(ROOT / "procedures.yaml")
    assert [str(p) for p in report.errors] == []


def test_shipped_catalogue_loads() -> None:
    catalogue = load(ROOT / "procedures.yaml")
    assert set(load_required()) <= set(catalogue.entries)


def test_shipped_catalogue_matches_the_schema() -> None:
    document = yaml.safe_load((ROOT / "procedures.yaml").read_text(encoding="utf-8"))
    assert schema_errors(document) == []


def test_shipped_required_list_is_the_shared_one_when_available() -> None:
    shared = Path("/work/shared/catalogue/required.yaml")
    if not shared.exists():
        pytest.skip("the shared list is not available here")
    assert load_required(shared) == load_required()


def test_worked_example_in_the_staff_guide_is_valid() -> None:
    guide = (ROOT / "docs" / "huong-dan-bien-tap.md").read_text(encoding="utf-8")
    example = guide.split("```yaml\n", 1)[1].split("```", 1)[0]
    report = check(BASE.replace("guides:\n", example + "guides:\n", 1))
    assert [str(p) for p in report.errors + report.warnings] == []
    assert report.data is not None and len(report.data["procedures"]) == 3


# --- the schema and the checker agree -------------------------------------------------------


def schema_objects() -> dict[str, dict[str, Any]]:
    defs = SCHEMA["$defs"]
    objects = {name: defs[name] for name in catalogue_spec.OBJECTS if name != "catalogue"}
    return {"catalogue": SCHEMA, **objects}


@pytest.mark.parametrize("name", list(catalogue_spec.OBJECTS))
def test_schema_and_checker_know_the_same_fields(name: str) -> None:
    specs = catalogue_spec.OBJECTS[name]
    schema = schema_objects()[name]
    assert set(schema["properties"]) == set(specs)
    assert set(schema.get("required", [])) == {k for k, s in specs.items() if s.required}
    assert schema["additionalProperties"] is False
    for field, spec in specs.items():
        assert schema["properties"][field].get("description"), (
            f"{name}.{field} needs a description"
        )
        if spec.kind == "enum":
            prop = schema["properties"][field]
            enum = prop.get("enum") or SCHEMA["$defs"][prop["$ref"].split("/")[-1]]["enum"]
            assert enum == list(spec.choices)


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_catalogue_points_editors_at_the_schema() -> None:
    first = (ROOT / "procedures.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./procedures.schema.json"


def test_schema_accepts_the_corpus_base() -> None:
    assert schema_errors(yaml.safe_load(BASE)) == []


@pytest.mark.parametrize(
    "name",
    [
        "missing-agency",
        "typo-in-field-name",
        "documents-empty",
        "code-without-quotes",
        "level-district",
        "document-kind-typo",
        "count-zero",
        "url-without-scheme",
        "impossible-date-in-quotes",
        "date-written-day-first",
        "choice-goes-nowhere",
        "comma-inside-braces",
        "procedure-id-too-long-for-a-button",
        "html-in-a-field-icon",
        "double-quote-in-a-form-url",
    ],
)
def test_schema_underlines_the_same_mistakes(name: str) -> None:
    case = next(c for c in CORPUS["cases"] if c["name"] == name)
    assert schema_errors(yaml.safe_load(BASE.replace(case["find"], case["replace"]))) != []


# --- warnings, and the shape of what is reported ----------------------------------------------


def test_old_verified_date_is_a_warning_and_the_check_passes() -> None:
    report = check(BASE, today=dt.date(2027, 6, 1))
    assert report.errors == []
    messages = [str(p) for p in report.warnings]
    assert any(
        m.startswith("procedures.yaml:57: cảnh báo: ") and "180 ngày" in m for m in messages
    )
    assert report.data is not None


def test_passed_fee_until_is_a_warning() -> None:
    report = check(BASE, today=dt.date(2027, 1, 2))
    assert report.errors == []
    assert [p.line for p in report.warnings if "mức phí" in p.message] == [50]


def test_run_check_exits_0_on_warnings_only(tmp_path: Path) -> None:
    path = tmp_path / "procedures.yaml"
    path.write_text(BASE, encoding="utf-8")
    out = io.StringIO()
    assert run_check(path, out, today=dt.date(2027, 6, 1), required=REQUIRED) == 0
    assert "cảnh báo:" in out.getvalue()
    assert out.getvalue().splitlines()[-1].endswith("cảnh báo.")


def test_problem_prints_as_path_line_message() -> None:
    assert str(Problem("a.yaml", 3, "lỗi")) == "a.yaml:3: lỗi"
    assert str(Problem("a.yaml", 3, "cũ", "warning")) == "a.yaml:3: cảnh báo: cũ"
    assert str(Problem("a.yaml", 0, "không tìm thấy tệp")) == "a.yaml: không tìm thấy tệp"


def test_messages_are_composed_unicode() -> None:
    report = check(
        BASE.replace(
            "agency: ubnd-xa\n    level: commune\n    documents:\n      -"
            " name: Tờ khai đăng ký kết hôn",
            "level: commune\n    documents:\n      - name: Tờ khai đăng ký kết hôn",
        )
    )
    assert report.errors
    for problem in report.errors:
        assert unicodedata.is_normalized("NFC", problem.message)


def test_data_is_given_only_when_there_are_no_errors() -> None:
    assert check(BASE).data is not None
    assert check(BASE.replace("level: full", "level: all")).data is None


def test_byte_order_mark_is_accepted() -> None:
    assert check_text("\ufeff" + BASE, today=TODAY, required=REQUIRED).errors == []
    assert check_text(BASE.encode("utf-8-sig"), today=TODAY, required=REQUIRED).errors == []


def test_decomposed_alias_still_counts_as_the_same_alias() -> None:
    decomposed = unicodedata.normalize("NFD", "làm giấy khai sinh")
    text = BASE.replace("[đăng ký kết hôn, làm giấy đăng ký kết hôn]", f"[{decomposed}]")
    assert [p.line for p in check(text).errors if "cách gọi" in p.message] == [61]


def test_required_id_in_the_wrong_section_is_reported() -> None:
    required = {**REQUIRED, "dang-ky-ket-hon": "guide"}
    report = check_text(BASE, today=TODAY, required=required)
    assert [p.line for p in report.errors] == [58]
    assert "phải là một hướng dẫn" in report.errors[0].message


def test_guide_without_a_field_needs_the_default_field() -> None:
    text = BASE.replace("  - id: truc-tuyen\n    name: Dịch vụ công trực tuyến\n", "")
    report = check(text)
    assert [p.line for p in report.errors] == [69]
    assert "'truc-tuyen'" in report.errors[0].message


def test_load_raises_with_file_line_problems(tmp_path: Path) -> None:
    path = tmp_path / "procedures.yaml"
    path.write_text(BASE.replace("level: full", "level: all"), encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load(path)
    assert any(p.startswith(f"{path}:52: ") for p in caught.value.problems)


# --- never a traceback ------------------------------------------------------------------------


def test_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_check(tmp_path / "khong-co.yaml", out) == 1
    assert "không tìm thấy tệp" in out.getvalue()


def test_directory_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_check(tmp_path, out) == 1
    assert "thư mục" in out.getvalue()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    path = tmp_path / "procedures.yaml"
    path.write_text(BASE, encoding="utf-8")
    path.chmod(0)
    out = io.StringIO()
    assert run_check(path, out) == 1
    assert "quyền" in out.getvalue()


def test_alias_bomb_is_refused_quickly() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    report = check(bomb)
    assert report.errors and report.data is None


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_any_input_gives_a_report_never_an_exception(raw: bytes | str) -> None:
    report = check_text(raw, today=TODAY, required=REQUIRED)
    assert report.errors or report.data is not None
    for problem in report.errors:
        assert problem.line >= 0 and problem.message


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(BASE) - 1), st.sampled_from(list(" :-\t\"'[]{}#&*!|>"))
)
def test_any_one_character_edit_gives_a_report_never_an_exception(at: int, char: str) -> None:
    report = check_text(BASE[:at] + char + BASE[at + 1 :], today=TODAY, required=REQUIRED)
    assert report.errors or report.data is not None


# --- the corpus of edits that must pass -------------------------------------------------------

PASSING = yaml.safe_load(
    (Path(__file__).resolve().parent / "passing" / "cases.yaml").read_text(encoding="utf-8")
)


def test_passing_corpus_has_cases_with_unique_names() -> None:
    names = [case["name"] for case in PASSING["cases"]]
    assert len(names) >= 15
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", PASSING["cases"], ids=lambda case: case["name"])
def test_right_edit_passes(case: dict[str, Any], tmp_path: Path) -> None:
    path = materialise(case, tmp_path)
    out = io.StringIO()

    code = run_check(path, out, today=TODAY, required=REQUIRED)

    assert code == 0, out.getvalue()
    assert out.getvalue().splitlines()[-1].startswith(f"{path}: hợp lệ")


# --- a wrong type anywhere is a plain message, never a crash ---------------------------------

WRONG_VALUES = ["có", "[a, b]", "{a: 1}", "1", "yes", "2026-01-01", "null", "1.5"]


def _value_lines() -> list[int]:
    """The lines of base.yaml that hold a `key: value` or `- value` to replace."""
    return [
        i
        for i, line in enumerate(BASE.splitlines())
        if not line.lstrip().startswith("#") and (": " in line or line.lstrip().startswith("- "))
    ]


@pytest.mark.parametrize("wrong", WRONG_VALUES)
def test_a_wrong_type_anywhere_never_crashes_the_checker(wrong: str) -> None:
    lines = BASE.splitlines()
    for i in _value_lines():
        line = lines[i]
        head = line[: line.index(": ") + 2] if ": " in line else line[: line.index("- ") + 2]
        edited = "\n".join([*lines[:i], head + wrong, *lines[i + 1 :]]) + "\n"
        report = check(edited)
        for problem in report.errors:
            assert "nội bộ" not in problem.message and "kỹ thuật" not in problem.message, (
                f"line {i + 1} as {head + wrong!r}: {problem}"
            )


def _schema_nodes(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        return [node] + [n for v in node.values() for n in _schema_nodes(v)]
    if isinstance(node, list):
        return [n for v in node for n in _schema_nodes(v)]
    return []


def test_the_editor_shows_vietnamese_messages_for_every_pattern_and_enum() -> None:
    # VS Code's YAML extension (yaml-language-server) shows `patternErrorMessage` for a pattern
    # and `errorMessage` for an enum instead of its English "String does not match ...".
    nodes = _schema_nodes(SCHEMA)
    patterns = [n for n in nodes if "pattern" in n]
    enums = [n for n in nodes if "enum" in n]
    assert patterns and enums
    for node in patterns:
        assert any(unicodedata.combining(c) or ord(c) > 127 for c in node["patternErrorMessage"])
    for node in enums:
        assert "Chỉ được chọn" in node["errorMessage"]
