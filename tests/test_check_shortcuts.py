"""The checker's quick ways give what the slow ways give: the same findings, folds and objects.

`check` on a province's catalogue takes short cuts (an object whose every field is plainly fine
is passed in one look, all names and aliases are folded in one go, the model's frozen objects
are made without their field-by-field `__init__`); each must change nothing staff or citizens
see, so each is compared here with the way it replaced.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalogue import rules, silent, spec
from bot.catalogue.links import alias_key, alias_keys
from bot.catalogue.validation import check_path
from bot.text import typed_text, typed_words

ROOT = Path(__file__).resolve().parent.parent

# Letters and marks staff type, spaces of every kind, punctuation (the '|' fold_all parts texts
# with among them), line breaks, decomposed marks and a few letters from outside Vietnamese.
PIECES = [
    *"aăâbcdđeêghiklmnoôơpqrstuưvxy",
    *"ĐÊYỲÝòóỏõọàáảãạýỳỷỹỵ",
    *" \t\r\n\x0b\x1c\u00a0\u2028|_-.,!?#",
    "\u0301",
    "\u0300",
    "\u0345",
    *"ßøæ漢ﬁΣσςİǄ0123456789",
    "hoà",
    "uỷ",
    "ký",
    "thuỷ",
    "quý",
    "tr",
    "  ",
    " | ",
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, max_size=8))
def test_folding_all_texts_at_once_is_folding_each(texts: list[str]) -> None:
    assert silent.fold_all(texts) == [silent.fold(text) for text in texts]
    assert alias_keys(texts) == [alias_key(text) for text in texts]
    typed = typed_text(texts)
    if typed is not None:
        assert [line.split() for line in typed.split("\n")] == list(map(typed_words, texts))
    else:
        assert not texts or any("\n" in text for text in texts)


# Values of every kind a field may be given, right and wrong.
VALUES: list[Any] = [
    None,
    "",
    "   ",
    "Tờ khai",
    " có dấu cách ",
    "dang-ky-khai-sinh",
    "Dang-Ky",
    "x" * 41,
    "1.001193",
    "1.0011",
    "https://dichvucong.gov.vn/p/a?b=1#c",
    "https://dichvucong.gov.vn/a b",
    'https://a.b/"q"',
    "https://nohost",
    "http://.bad.vn",
    "https://a.vn:8080/x",
    "htp://a.vn",
    "0221 3862 345",
    "12 ",
    "commune",
    " commune",
    "full",
    "official",
    "original",
    "👶",
    "<b>",
    0,
    1,
    -2,
    True,
    1.5,
    dt.date(2026, 1, 2),
    dt.datetime(2026, 1, 2, 3, 4),
    "2026-02-30",
    "2026-1-5",
    [],
    ["a", "b"],
    ["a", ""],
    ["a", 3],
    [" "],
    {},
    {"a": 1},
]
SPECS = [spec.PROCEDURE, spec.DOCUMENT, spec.SOURCE, spec.ONLINE, spec.AGENCY, spec.FIELD]
SPECS += [spec.STEP, spec.CHOICE, spec.HOTLINE, spec.PORTAL, spec.REPLACED_LAW]


def _findings(value: Any, specs: dict[str, spec.Spec], quick: bool) -> list[rules.Found]:
    checker = rules.Checker({(): 1, ("x",): 2}, dt.date(2026, 12, 1), {("x", "code"): "1.5"})
    if quick:
        checker.mapping(value, ("x",), specs, "mục")
    else:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(rules, "_all_fine", lambda value, how: False)
            checker.mapping(value, ("x",), specs, "mục")
    return checker.found


FINE = {
    "text": "Tờ khai",
    "texts": ["khai sinh", "làm giấy khai sinh"],
    "ref": "ho-tich",
    "refs": ["dang-ky-khai-sinh"],
    "id": "dang-ky-khai-sinh",
    "code": "1.001193",
    "phone": "0221 3862 345",
    "url": "https://dichvucong.gov.vn/thu-tuc?id=1",
    "int": 2,
    "date": dt.date(2026, 11, 20),
    "map": {},
    "list": [],
    "object": {},
}


def _fine(specs: dict[str, spec.Spec]) -> dict[str, Any]:
    return {n: s.choices[0] if s.kind == "enum" else FINE[s.kind] for n, s in specs.items()}


@pytest.mark.parametrize("specs", SPECS, ids=lambda specs: "-".join(specs)[:40])
def test_each_value_in_each_field_is_judged_alike_both_ways(specs: dict[str, spec.Spec]) -> None:
    base = _fine(specs)
    assert _findings(base, specs, quick=True) == []
    for name in specs:
        for wrong in VALUES:
            value = {**base, name: wrong}
            assert _findings(value, specs, quick=True) == _findings(value, specs, quick=False)
        value = {n: v for n, v in base.items() if n != name}
        assert _findings(value, specs, quick=True) == _findings(value, specs, quick=False)


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_an_object_passed_in_one_look_is_one_the_full_check_finds_nothing_in(
    data: st.DataObject,
) -> None:
    specs = data.draw(st.sampled_from(SPECS))
    # A right object (its required fields and some others), then a few values made wrong.
    names = [n for n, s in specs.items() if s.required or data.draw(st.booleans())]
    value = {n: v for n, v in _fine(specs).items() if n in names}
    for _ in range(data.draw(st.integers(0, 2))):
        name = data.draw(st.sampled_from([*specs, "khac"]))
        if data.draw(st.integers(0, 5)) == 0:
            value.pop(name, None)
        else:
            value[name] = data.draw(st.sampled_from(VALUES))
    assert _findings(value, specs, quick=True) == _findings(value, specs, quick=False)


def test_every_object_of_the_shipped_catalogue_is_the_one_its_init_makes() -> None:
    catalogue = check_path(ROOT / "procedures.yaml").catalogue
    assert catalogue is not None
    seen = 0

    def same(value: Any) -> None:
        nonlocal seen
        if isinstance(value, tuple):
            for item in value:
                same(item)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            again = dataclasses.replace(value)
            assert (again, vars(again), repr(again)) == (value, vars(value), repr(value))
            assert hash(again) == hash(value)
            with pytest.raises(dataclasses.FrozenInstanceError):
                value.name = "khác"  # type: ignore[misc]
            seen += 1
            for field in dataclasses.fields(value):
                same(getattr(value, field.name))

    for entry in catalogue.entries.values():
        same(entry)
    assert seen > 400


def test_a_placeholder_with_marks_of_its_own_is_still_found() -> None:
    text = (ROOT / "tests" / "broken" / "base.yaml").read_text(encoding="utf-8")
    edited = text.replace("      - khai sinh cho con", "      - '  CÁCH NGƯỜI DÂN HAY GỌI... '", 1)
    assert edited != text
    report = check_path_text(edited)
    assert any("vẫn là chữ mẫu 'CÁCH NGƯỜI DÂN HAY GỌI...'" in p.message for p in report)


def check_path_text(text: str) -> list[Any]:
    from bot.catalogue.validation import check_text

    required = {"dang-ky-khai-sinh": "procedure"}
    return check_text(text, "procedures.yaml", dt.date(2026, 12, 1), required=required).problems
