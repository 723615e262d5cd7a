"""Reading free text: the entry a citizen means, the part they ask about, and when to say no."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest

from bot.catalogue.loader import load
from bot.catalogue.model import Catalogue, build
from bot.catalogue.national import NationalProcedure, load_national
from bot.matching.matcher import Candidate, Matcher, Thresholds, decide, detect_aspect

ROOT = Path(__file__).resolve().parent.parent


def _procedure(entry_id: str, name: str, aliases: list[str], code: str = "") -> dict[str, Any]:
    return {
        "id": entry_id,
        "code": code,
        "name": name,
        "field": "ho-tich",
        "summary": "",
        "agency": "ubnd-xa",
        "level": "commune",
        "aliases": aliases,
        "verified": "2026-11-27",
    }


def small_catalogue() -> Catalogue:
    """A catalogue of a few entries, independent of the shipped procedures.yaml."""
    return build(
        {
            "updated": "2026-11-27",
            "vocabulary": {
                "cccd": ["căn cước công dân", "căn cước"],
                "sổ đỏ": ["giấy chứng nhận quyền sử dụng đất"],
                "báo tử": ["khai tử"],
                "hộ khẩu": ["thường trú"],
            },
            "procedures": [
                _procedure(
                    "dang-ky-khai-sinh",
                    "Đăng ký khai sinh",
                    ["làm giấy khai sinh", "khai sinh cho con"],
                    code="1.001193",
                ),
                _procedure("dang-ky-khai-tu", "Đăng ký khai tử", ["làm giấy chứng tử"]),
                _procedure("dang-ky-ket-hon", "Đăng ký kết hôn", ["giấy hôn thú"]),
                _procedure("dang-ky-thuong-tru", "Đăng ký thường trú", ["nhập hộ khẩu"]),
                _procedure("dang-ky-tam-tru", "Đăng ký tạm trú", ["làm tạm trú"]),
                _procedure("hoa-giai", "Hòa giải ở cơ sở", []),
                _procedure("hoa-chat", "Cấp phép hoá chất", []),
                _procedure(
                    "cap-doi-cap-lai-can-cuoc",
                    "Cấp đổi, cấp lại thẻ căn cước",
                    ["đổi căn cước", "mất căn cước"],
                ),
                _procedure(
                    "cap-so-do-lan-dau",
                    "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
                    ["làm sổ đỏ"],
                ),
            ],
            "guides": [
                {
                    "id": "tra-cuu-ho-so",
                    "name": "Tra cứu tình trạng giải quyết hồ sơ",
                    "aliases": ["xem hồ sơ đến đâu rồi"],
                    "steps": [{"id": "a", "title": "Tra cứu", "text": "Nhập mã hồ sơ."}],
                    "verified": "2026-11-27",
                }
            ],
        }
    )


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(small_catalogue())


def first(matcher: Matcher, text: str) -> str:
    match = matcher.match(text)
    return match.candidates[0].id if match.candidates else ""


def test_everyday_words_without_diacritics_find_the_procedure(matcher: Matcher) -> None:
    match = matcher.match("lam giay khai sinh cho con")
    assert (match.decision, match.candidates[0].id) == ("answer", "dang-ky-khai-sinh")


def test_small_talk_is_declined(matcher: Matcher) -> None:
    for text in ["thời tiết hôm nay", "xin chào", "cảm ơn nhé", "asdfgh", "giá vàng hôm nay"]:
        assert matcher.match(text).decision == "none", text


def test_decomposed_unicode_matches_like_composed(matcher: Matcher) -> None:
    decomposed = unicodedata.normalize("NFD", "đăng ký kết hôn")
    assert first(matcher, decomposed) == "dang-ky-ket-hon"
    assert matcher.match(decomposed).decision == "answer"


def test_either_tone_placement_finds_the_same_entry(matcher: Matcher) -> None:
    assert first(matcher, "hoà giải") == first(matcher, "hòa giải") == "hoa-giai"


def test_exact_diacritics_rank_above_a_folded_match(matcher: Matcher) -> None:
    assert first(matcher, "hòa") == "hoa-giai"
    assert first(matcher, "hóa") == "hoa-chat"


def test_typos_and_run_together_words_are_repaired(matcher: Matcher) -> None:
    assert first(matcher, "khai sihn") == "dang-ky-khai-sinh"
    assert first(matcher, "khaisinh") == "dang-ky-khai-sinh"
    assert first(matcher, "dang ky ket hnon") == "dang-ky-ket-hon"


def test_vocabulary_carries_shorthand_to_the_catalogue_words(matcher: Matcher) -> None:
    assert first(matcher, "mat cccd") == "cap-doi-cap-lai-can-cuoc"
    assert first(matcher, "bao tu cho bo") == "dang-ky-khai-tu"
    assert first(matcher, "chuyển hộ khẩu về quê") == "dang-ky-thuong-tru"


def test_chat_shorthand_is_understood(matcher: Matcher) -> None:
    assert first(matcher, "dk tam tru ko mat tien dc ko") == "dang-ky-tam-tru"


def test_a_long_story_still_finds_the_procedure(matcher: Matcher) -> None:
    story = (
        "vợ em mới sinh cháu được 10 ngày, hôm nay em xin nghỉ làm để đi làm giấy khai sinh "
        "thì cần mang theo những gì ạ"
    )
    assert first(matcher, story) == "dang-ky-khai-sinh"


def test_a_word_typed_with_other_marks_is_another_word(matcher: Matcher) -> None:
    # "mấy giờ" is not "xe máy", "tạm biệt" is not "tạm trú".
    assert matcher.match("tạm biệt").decision == "none"


def test_aspects_are_detected() -> None:
    assert detect_aspect("đăng ký khai sinh hết bao nhiêu tiền") == "fee"
    assert detect_aspect("cần giấy tờ gì") == "documents"
    assert detect_aspect("mất bao lâu thì có") == "time"
    assert detect_aspect("nộp ở đâu") == "place"
    assert detect_aspect("làm online được không") == "online"
    assert detect_aspect("theo nghị định nào") == "legal"
    assert detect_aspect("thủ tục thế nào") == "steps"
    assert detect_aspect("khai sinh") is None


def test_a_followup_refers_to_the_card_shown_last(matcher: Matcher) -> None:
    for text, aspect in [
        ("hết bao nhiêu tiền?", "fee"),
        ("còn online thì sao", "online"),
        ("cần giấy tờ gì", "documents"),
        ("nộp ở đâu", "place"),
    ]:
        match = matcher.match(text, context="dang-ky-khai-sinh")
        assert (match.decision, match.followup, match.aspect) == ("answer", True, aspect)
        assert [c.id for c in match.candidates] == ["dang-ky-khai-sinh"]


def test_a_question_naming_another_procedure_is_not_a_followup(matcher: Matcher) -> None:
    match = matcher.match(
        "còn đăng ký kết hôn thì mất bao nhiêu tiền", context="dang-ky-khai-sinh"
    )
    assert (match.followup, match.candidates[0].id, match.aspect) == (
        False,
        "dang-ky-ket-hon",
        "fee",
    )


def test_a_followup_without_a_card_is_declined(matcher: Matcher) -> None:
    assert matcher.match("hết bao nhiêu tiền?").decision == "none"


def test_json_form_names_every_field(matcher: Matcher) -> None:
    data = matcher.match("khai sinh", top=2).to_json()
    assert set(data) == {"query", "decision", "candidates", "aspect", "followup"}
    candidate = data["candidates"][0]  # type: ignore[index]
    assert set(candidate) == {"id", "score", "tier", "why"}
    assert "khai sinh" in candidate["why"]


def test_confidence_rule_has_three_outcomes() -> None:
    t = Thresholds(answer=0.5, margin=0.1, clarify=0.2)
    sure = [Candidate("a", 0.9), Candidate("b", 0.3)]
    close = [Candidate("a", 0.6), Candidate("b", 0.55)]
    weak = [Candidate("a", 0.1)]
    assert decide(sure, False, t) == "answer"
    assert decide(close, False, t) == "clarify"
    assert decide(weak, False, t) == "none"
    assert decide(sure, True, replace_override(t, 0.95)) == "none"


def replace_override(t: Thresholds, value: float) -> Thresholds:
    from dataclasses import replace

    return replace(t, small_talk_override=value)


NATIONAL = {
    n.id: n
    for n in [
        NationalProcedure("1.001193", "Đăng ký khai sinh", "Cấp xã", "Hộ tịch", "UBND", "", ""),
        NationalProcedure(
            "2.000001", "Đăng ký khai sinh có yếu tố nước ngoài", "Cấp xã", "", "", "", ""
        ),
        NationalProcedure(
            "1.000616", "Cấp Giấy phép kinh doanh mua, bán vàng miếng", "Cấp bộ", "", "", "", ""
        ),
    ]
}


def test_the_national_list_is_read_when_first_needed_not_when_the_matcher_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.catalogue import national

    reads: list[object] = []
    real = national.load_national

    def counted(path: Path | None = None) -> dict[str, NationalProcedure]:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(national, "load_national", counted)
    lazy = national.LazyNational()
    matcher = Matcher(load(ROOT / "procedures.yaml"), lazy)
    assert reads == []  # the bot can be ready without it (it is read right after, or on need)
    matcher.warm()
    assert len(reads) == 1
    assert matcher.national is not None


def test_curated_entries_win_over_the_national_list() -> None:
    matcher = Matcher(small_catalogue(), NATIONAL)
    match = matcher.match("đăng ký khai sinh")
    assert (match.decision, match.candidates[0].id) == ("answer", "dang-ky-khai-sinh")
    assert "tthc:1.001193" not in [c.id for c in match.candidates]  # same code as curated


def test_the_national_list_names_what_the_catalogue_lacks() -> None:
    matcher = Matcher(small_catalogue(), NATIONAL)
    match = matcher.match("xin giấy phép kinh doanh mua bán vàng miếng")
    assert match.candidates[0].id == "tthc:1.000616"
    assert match.candidates[0].tier == "national"
    assert match.decision != "none"


def _one_card(code: str, vocabulary: dict[str, list[str]]) -> Catalogue:
    card = _procedure("dang-ky-khai-sinh", "Đăng ký khai sinh", ["làm giấy khai sinh"], code)
    return build({"updated": "2026-11-27", "vocabulary": vocabulary, "procedures": [card]})


def test_a_reload_reads_the_national_list_with_its_own_codes_and_vocabulary() -> None:
    # The national list is indexed on first need and shared by reloads that change neither
    # the curated codes nor the vocabulary: a reload that does change them must be obeyed.
    plain = Matcher(_one_card("", {}), NATIONAL)
    assert plain.national is not None and "tthc:1.001193" in plain.national.ids
    again = Matcher(_one_card("", {}), NATIONAL)
    assert again.national is plain.national  # same inputs: not indexed twice
    coded = Matcher(_one_card("1.001193", {}), NATIONAL)
    assert coded.national is not None and "tthc:1.001193" not in coded.national.ids
    worded = Matcher(_one_card("", {"ngoại kiều": ["yếu tố nước ngoài"]}), NATIONAL)
    match = worded.match("ngoại kiều")
    assert match.candidates[0].id == "tthc:2.000001"
    assert plain.match("ngoại kiều").decision == "none"


def test_load_national_keys_by_id() -> None:
    national = load_national()
    assert len(national) > 2000
    some = next(iter(national.values()))
    assert national[f"tthc:{some.code}"] is some


@pytest.mark.skipif(not (ROOT / "procedures.yaml").exists(), reason="no shipped catalogue")
def test_shipped_catalogue_reads_everyday_questions() -> None:
    matcher = Matcher(load(ROOT / "procedures.yaml"))
    cases = {
        "lam giay khai sinh cho con": "dang-ky-khai-sinh",
        "mất sổ đỏ thì làm lại thế nào": "cap-doi-cap-lai-so-do",
        "rut bhxh 1 lan": "bhxh-mot-lan",
        "đổi bằng lái xe hết hạn": "cap-doi-gplx",
    }
    for text, expected in cases.items():
        match = matcher.match(text)
        assert (match.candidates[0].id, match.decision) == (expected, "answer"), text
    assert matcher.match("hôm nay trời có mưa không").decision == "none"
    # A lone word that several entries share gets a choice, not a guess.
    for text in ["bảo hiểm", "xe", "sổ đỏ"]:
        assert matcher.match(text).decision == "clarify", text


@pytest.fixture(scope="module")
def shipped() -> Matcher:
    root = Path(__file__).resolve().parent.parent
    return Matcher(load(root / "procedures.yaml"), load_national())


@pytest.mark.parametrize(
    ("question", "neighbour", "national"),
    [
        ("lấy chồng người nước ngoài", "dang-ky-ket-hon", "tthc:2.000806"),
        ("bị mất cà vẹt xe", "dang-ky-xe", "tthc:1.013080"),
        ("thi bằng lái A1", "cap-doi-gplx", "tthc:3.000346"),
        ("khai sinh cho con có bố là người Hàn", "dang-ky-khai-sinh", "tthc:2.000528"),
        ("đổi bằng lái quốc tế", "cap-doi-gplx", "tthc:3.000353"),
        ("hộ kinh doanh tạm ngừng", "dang-ky-ho-kinh-doanh", "tthc:1.001570"),
    ],
)
def test_a_qualifier_the_card_lacks_offers_the_procedure_that_fits(
    shipped: Matcher, question: str, neighbour: str, national: str
) -> None:
    match = shipped.match(question)
    ids = [c.id for c in match.candidates]
    # The national procedure, or the curated entry written for it since.
    codes = {p.code: p.id for p in shipped.catalogue.procedures.values() if p.code}
    assert ids[0] in {national, codes.get(national.removeprefix("tthc:"))}
    assert match.decision == "clarify" or ids[0] != neighbour


def test_a_licensed_trade_is_not_answered_with_the_business_registration(
    shipped: Matcher,
) -> None:
    for question in ["giấy phép bán rượu", "giay phep kinh doanh karaoke"]:
        match = shipped.match(question)
        assert (match.decision, match.candidates[0].id) != ("answer", "dang-ky-ho-kinh-doanh")


def test_a_card_that_names_the_qualifier_is_still_answered(shipped: Matcher) -> None:
    for question, entry in [
        ("mất bằng lái xe máy", "cap-doi-gplx"),
        ("mất sổ đỏ làm lại", "cap-doi-cap-lai-so-do"),
        ("làm lại căn cước bị mất", "cap-doi-cap-lai-can-cuoc"),
    ]:
        match = shipped.match(question)
        assert (match.decision, match.candidates[0].id) == ("answer", entry), question


def test_a_national_name_that_explains_more_of_the_question_comes_first(
    shipped: Matcher,
) -> None:
    match = shipped.match("chuyen ho kinh doanh thanh doanh nghiep")
    assert match.decision == "clarify"
    assert match.candidates[0].id == "tthc:2.001999"
