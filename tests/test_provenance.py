"""Where facts come from: sources, replaced law and national codes are checked and shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from bot import messages as m
from bot.catalogue.loader import load
from bot.catalogue.model import build
from bot.catalogue.validation import Report, check_text
from bot.core.cards import card_text, section_text

BROKEN = Path(__file__).resolve().parent / "broken"
BASE = (BROKEN / "base.yaml").read_text(encoding="utf-8")
CORPUS = yaml.safe_load((BROKEN / "cases.yaml").read_text(encoding="utf-8"))
TODAY: dt.date = CORPUS["today"]
NATIONAL = {"1.001193": "Thủ tục đăng ký khai sinh", "1.000894": "Thủ tục đăng ký kết hôn"}
REPLACED = """replaced_laws:
  - document: Luật Hộ tịch số 60/2014/QH13
    replaced_by: Luật Hộ tịch số 99/2026/QH15
    since: 2026-07-01
procedures:
"""


def check(text: str) -> Report:
    """Check a catalogue text against a two-procedure national list."""
    return check_text(
        text, "procedures.yaml", TODAY, required=CORPUS["required"], national=NATIONAL
    )


def warnings(report: Report, word: str) -> list[tuple[int, str]]:
    """The warnings whose message mentions `word`, as (line, message)."""
    return [(p.line, p.message) for p in report.warnings if word in p.message]


def line_of(text: str, needle: str) -> int:
    """The 1-based line where `needle` first appears."""
    return text[: text.index(needle)].count("\n") + 1


def test_base_is_clean_against_the_national_list() -> None:
    report = check(BASE)
    assert report.errors == [] and report.warnings == []


def test_procedure_without_sources_is_a_warning_at_its_entry() -> None:
    text = BASE.replace(
        "    sources: [{title: Luật Hộ tịch số 60/2014/QH13, kind: law, read: 2026-11-20}]\n", ""
    )
    found = warnings(check(text), "chưa ghi nguồn")
    assert found == [(line_of(text, "  - id: dang-ky-ket-hon"), found[0][1])]
    assert "dang-ky-ket-hon" in found[0][1]


def test_source_kind_outside_the_list_is_an_error() -> None:
    text = BASE.replace("kind: law, read", "kind: newspaper, read")
    report = check(text)
    assert [p.line for p in report.errors] == [line_of(text, "kind: newspaper")]
    assert "official" in report.errors[0].message


def test_source_read_in_the_future_is_an_error() -> None:
    text = BASE.replace("kind: law, read: 2026-11-20", "kind: law, read: 2099-01-01")
    assert any("tương lai" in p.message for p in check(text).errors)


def test_citing_a_replaced_law_is_a_warning_at_that_line() -> None:
    text = BASE.replace("procedures:\n", REPLACED, 1)
    found = warnings(check(text), "đã được thay bằng")
    assert [line for line, _ in found] == [line_of(text, "legal_basis: [Luật Hộ tịch số 60")]
    assert "Luật Hộ tịch số 99/2026/QH15" in found[0][1] and "01/07/2026" in found[0][1]


def test_a_line_naming_the_new_law_too_is_not_warned() -> None:
    text = BASE.replace("procedures:\n", REPLACED, 1).replace(
        "legal_basis: [Luật Hộ tịch số 60/2014/QH13]",
        "legal_basis: [Luật Hộ tịch số 99/2026/QH15 (thay Luật Hộ tịch số 60/2014/QH13)]",
    )
    assert warnings(check(text), "đã được thay bằng") == []


def test_unknown_code_is_a_warning_until_recorded_in_extra_codes() -> None:
    text = BASE.replace('code: "1.001193"', 'code: "9.999999"')
    found = warnings(check(text), "không có trong danh sách")
    assert [line for line, _ in found] == [line_of(text, 'code: "9.999999"')]
    recorded = text.replace(
        "procedures:\n",
        'extra_codes:\n  - {code: "9.999999", name: Đăng ký khai sinh, source: Công báo}\n'
        "procedures:\n",
        1,
    )
    assert warnings(check(recorded), "không có trong danh sách") == []


def test_code_of_a_differently_named_procedure_is_a_warning() -> None:
    text = BASE.replace('code: "1.001193"', 'code: "1.000894"')
    found = warnings(check(text), "khác hẳn tên")
    assert [line for line, _ in found] == [line_of(text, 'code: "1.000894"')]
    assert "Thủ tục đăng ký kết hôn" in found[0][1]


def test_same_code_on_two_entries_names_the_first_one() -> None:
    text = BASE.replace(
        "  - id: dang-ky-ket-hon\n", '  - id: dang-ky-ket-hon\n    code: "1.001193"\n'
    )
    found = warnings(check(text), "đã dùng cho")
    assert [line for line, _ in found] == [
        line_of(text, '    code: "1.001193"\n    name: Đăng ký kết')
    ]
    assert f"dòng {line_of(text, 'code: ')}" in found[0][1]


def test_shipped_catalogue_is_clean_and_every_procedure_has_sources() -> None:
    root = Path(__file__).resolve().parent.parent
    report = check_text((root / "procedures.yaml").read_bytes(), "procedures.yaml")
    assert [str(p) for p in report.errors + report.warnings] == []
    catalogue = load(root / "procedures.yaml")
    assert len(catalogue.procedures) >= 60
    assert all(p.sources for p in catalogue.procedures.values())
    # An online level is given only where a source gives it; the rest say "unknown".
    assert catalogue.procedures["dang-ky-ket-hon"].online.level == "partial"


def test_card_says_plainly_when_an_entry_was_never_compared() -> None:
    data = yaml.safe_load(BASE)
    data["procedures"][1]["online"] = {"level": "unknown"}
    del data["procedures"][1]["verified"]
    catalogue = build(data)
    never = catalogue.procedures["dang-ky-ket-hon"]
    text = card_text(catalogue, never)
    assert m.CARD_UNVERIFIED in text
    assert m.ONLINE["unknown"] in text and "1800 1096" in m.ONLINE["unknown"]
    compared = card_text(catalogue, catalogue.procedures["dang-ky-khai-sinh"])
    assert "20/11/2026" in compared and m.CARD_UNVERIFIED not in compared


def test_legal_section_lists_the_sources_with_their_kind_and_date() -> None:
    catalogue = build(yaml.safe_load(BASE))
    text = section_text(catalogue, catalogue.procedures["dang-ky-ket-hon"], "legal")
    assert "Luật Hộ tịch số 60/2014/QH13" in text
    assert m.SOURCE_KIND["law"] in text and "20/11/2026" in text


def test_agency_with_no_address_and_no_way_to_ask_is_a_warning() -> None:
    text = BASE.replace("    notes: Địa chỉ chưa có nguồn; bạn hỏi tổng đài 1800 1096.\n", "")
    found = warnings(check(text), "chưa có địa chỉ")
    assert [line for line, _ in found] == [line_of(text, "  ubnd-xa:") + 1]  # its first field
