"""The line reader (`lineread`) gives exactly what libyaml's events give, or hands the file on.

Staff must see no difference: for every file, either the line reader refuses it (`Unusual`, and
the event reader or the node tree reads it, as before) or both readers give the same data,
silent findings, count of values, line of every value and key, and raw text of every
non-string value. Checked on the shipped files, the checker's corpora, a generated province-
sized catalogue and a few hundred generated files with every scalar style and edge value.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from bot.catalogue import lineread, stream
from bot.catalogue.linescalars import Unusual
from tests.test_validation import BASE, CORPUS, PASSING

ROOT = Path(__file__).resolve().parent.parent


def _compare(text: str) -> bool:
    """True when the line reader read `text` (and gave what the events give), False when it
    handed it on; fails on any difference."""
    lines: dict[Any, int] = {}
    raw: dict[Any, str] = {}
    events = stream.read(text, by_line=False)
    try:
        data, found, nodes = lineread.walk(text, lines, raw)
    except Unusual:
        return False
    assert events is not None, "the line reader took a file the events refuse"
    assert data == events.data
    assert found == events.found
    assert nodes == events.nodes
    assert lines == dict(events.lines)
    assert raw == dict(events.lines.raw)
    # Without lines recorded (how `check` reads first), repeated blocks are reused and runs of
    # plain items cut at once: the same data, findings and count.
    quick_data, quick_found, quick_nodes = lineread.walk(text)
    assert quick_data == events.data
    assert quick_found == events.found
    assert quick_nodes == events.nodes
    return True


@pytest.mark.parametrize("name", ["procedures.yaml", "communes.yaml"])
def test_the_shipped_files_are_read_line_by_line_alike(name: str) -> None:
    assert _compare((ROOT / name).read_text(encoding="utf-8"))


def _case_text(case: dict[str, Any]) -> str:
    return str(case["text"]) if "text" in case else BASE.replace(case["find"], case["replace"])


def test_every_corpus_case_is_read_alike_or_handed_on() -> None:
    cases = CORPUS["cases"] + PASSING["cases"]
    cases = [case for case in cases if case.get("encoding", "utf-8") == "utf-8"]
    read = [_compare(_case_text(case)) for case in cases]
    assert _compare(BASE)
    assert sum(read) > len(read) // 2  # most are ordinary files with one wrong value


def test_a_province_sized_catalogue_is_read_alike(tmp_path: Path) -> None:
    from bot.tools.bench_catalogue import write_catalogue

    text = write_catalogue(3000, tmp_path).read_text(encoding="utf-8")
    assert _compare(text)
    streamed = stream.read(text)
    assert streamed is not None and streamed.by_line


def test_the_lines_of_one_entry_read_alone_are_those_of_the_whole_file(tmp_path: Path) -> None:
    from bot.tools.bench_catalogue import write_catalogue

    text = write_catalogue(80, tmp_path).read_text(encoding="utf-8")
    alone = stream.read(text)
    whole = stream.read(text, by_line=False)
    assert alone is not None and alone.by_line and whole is not None
    table = dict(whole.lines)
    for loc in [k for k in table if len(k) > 2 and k[0] == "procedures"][::7]:
        assert alone.lines[loc] == table[loc]
    for loc, value in dict(whole.lines.raw).items():
        assert alone.lines.raw[loc] == value


# --- generated files ---------------------------------------------------------------------

WORDS = [
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "true",
    "False",
    "0012",
    "12",
    "0",
    "-5",
    "+7",
    "1_000",
    "1.5",
    ".5",
    "1e3",
    "6.02e+23",
    "-.inf",
    "~",
    "null",
    "Null",
    "NULL",
    "2026-13-01",
    "2026-01-31",
    "2026-1-5",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "0x1F",
    "0o17",
    "0b101",
    "1:20",
    "190:20:30",
    "=",
    "<<",
    "Hưng Yên",
    "Thủ tục đăng ký",
    "Thu\u0309 tu\u0323c",
    "😀 biểu tượng",
    "a:b",
    "http://x.vn/a?b=c#d",
    "C#",
    "it's",
    'say "hi"',
    "x,y",
    "a [b] {c}",
    "50%",
    "x:",
    "a: b",
    "a #b",
    "-x",
    "- x",
    "[x]",
    "{x: y}",
    "&a x",
    "*a",
    "!x y",
    "|",
    ">",
    "@x",
    "`x",
    "%x",
    "? x",
    ",x",
    "#x",
    ":x",
    "'",
    '"',
    "\\",
    "a\\nb",
    "100.000 đồng/bản",
    "Nghị định 123/2015/NĐ-CP",
    "  ",
    "",
]
# Words staff really write (what most files hold), for half of the generated files.
TAME = [w for w in WORDS if w and w[0] not in "-[{&*!|>@`%?,#:'\"\\ =" and ": " not in w]
KEYS = ["id", "name", "tên", "ghi chú", "a", "b", "x1", "url", "2026", "yes", "a:b", "k #", "dup"]


def _plain_lines(text: str, indent: str, rng: random.Random) -> str:
    words = text.split(" ")
    if len(words) < 2 or rng.random() < 0.5:
        return text
    out = words[0]
    for word in words[1:]:
        out += ("\n" + "\n" * rng.choice([0, 0, 1]) + indent + "  ") if rng.random() < 0.4 else " "
        out += word
    return out


def _scalar(rng: random.Random, indent: str, words: list[str]) -> str:
    """A value written in some style, perhaps with a comment or spaces after it."""
    text = rng.choice(words)
    if rng.random() < 0.3:
        text = f"{text} {rng.choice(words)}".strip()
    style = rng.choice(["plain"] * 5 + ["single", "double", "block", "lines", "flow"])
    if style == "single":
        value = "'" + text.replace("'", "''") + "'"
        if " " in text and rng.random() < 0.4:
            value = value.replace(" ", "\n" + indent + "   ", 1)
    elif style == "double":
        value = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    elif style == "block":
        header = rng.choice([">", ">-", "|", "|-", "|+", ">2"])
        body = [rng.choice(words) for _ in range(rng.randint(1, 3))]
        inner = indent + rng.choice(["  ", "    "])
        gap = rng.choice(["\n", "\n\n"])
        return header + "\n" + gap.join(inner + b if b else "" for b in body)
    elif style == "lines":
        value = _plain_lines(text, indent, rng)
    elif style == "flow":
        items = [rng.choice(words) for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.5:
            value = "[" + ", ".join(items) + "]"
        else:
            value = "{" + ", ".join(f"{rng.choice(KEYS)}: {i}" for i in items) + "}"
    else:
        value = text
    if rng.random() < 0.15:
        value += rng.choice(["  # ghi chú", " #x", " ", "   "])
    return value


def _block(rng: random.Random, indent: str, depth: int, words: list[str]) -> list[str]:
    """The lines of a mapping at `indent`."""
    lines: list[str] = []
    for key in rng.sample(KEYS, rng.randint(1, 4)):
        if rng.random() < 0.1:
            lines.append(indent + rng.choice(["# chú thích", "", "   "]))
        kind = rng.random() if depth < 3 else 0.0
        if kind < 0.6:
            lines.append(f"{indent}{key}: {_scalar(rng, indent, words)}")
        elif kind < 0.75:
            lines.append(f"{indent}{key}:")
            lines += _block(rng, indent + rng.choice(["  ", "    "]), depth + 1, words)
        else:
            lines.append(f"{indent}{key}:" + rng.choice(["", " # danh sách"]))
            inner = indent + rng.choice(["", "  "])
            for _ in range(rng.randint(1, 3)):
                if rng.random() < 0.5:
                    lines.append(f"{inner}- {_scalar(rng, inner, words)}")
                else:
                    sub = _block(rng, inner + "  ", depth + 1, words)
                    lines.append(inner + "- " + sub[0].lstrip(" "))
                    lines += sub[1:]
    return lines


def test_hundreds_of_generated_files_are_read_alike_or_handed_on() -> None:
    rng = random.Random(14)
    read = 0
    for number in range(400):
        words = TAME if number % 2 else WORDS
        text = "\n".join(_block(rng, "", 0, words)) + rng.choice(["\n", "", "\n\n# cuối\n"])
        read += _compare(text)
    assert read >= 100  # the line reader really read a good share of them


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\n\tb: 2\n",  # a tab
        "a: &x 1\nb: *x\n",  # an anchor and its alias
        "a: !!str 1\n",  # a tag
        "base: {a: 1}\nc:\n  <<: {a: 2}\n",  # a merge key
        "? a\n: 1\n",  # a complex key
        "%YAML 1.1\n---\na: 1\n",  # a directive
        "---\na: 1\n",  # a document marker
        "a: 1\n---\nb: 2\n",  # two documents
        "a: 1\na: 2\n",  # a key written twice
        "a: 1\r\nb: 2\r\n",  # Windows line breaks
        "a: 1\x85b: 2\n",  # another line break
        "a: x\x07y\n",  # a control character
        "\ufeffa: 1\n",  # a byte-order mark
        'a: "one\n  two"\n',  # a double-quoted text over two lines
        "a:\n  b: 1\n c: 2\n",  # odd indentation
        "a: b\nc\n",  # a line that is neither a key nor an item
        "a: [b,\n  c]\n",  # brackets over two lines
        "a: b: c\n",  # a ':' inside a plain value
        "a: |+\n  keep\n\n",  # a kept block
        "- a\n- b\n",  # a list at the top
    ],
)
def test_anything_outside_the_subset_is_handed_on(text: str) -> None:
    with pytest.raises(Unusual):
        lineread.walk(text)


_REPEATED = """\
version: 1
procedures:
- id: a
  documents:
  - name: Tờ khai
    count: 1
  - name: Giấy khai sinh
  steps:
  - Nộp hồ sơ
  - Nhận kết quả
  - 12
  - yes
- id: b
  documents:
  - name: Tờ khai
    count: 1
  - name: Giấy khai sinh
  steps:
  - Nộp hồ sơ
  - Nhận kết quả  # một chú thích
  - 12
  - yes
- id: c
  documents:
  - name: Tờ khai
    count: 1

  - name: Giấy khai sinh
  steps:
  - Nộp hồ sơ
  - Nhận kết quả
  - 12
  - yes
  notes:
    documents:
    - name: Tờ khai
      count: 1
    - name: Giấy khai sinh
- id: d
  documents:
  - name: Tờ khai
    count: 1
  - name: Giấy khai sinh
      ghi chú
  steps:
  - Nộp hồ sơ
  - Nhận kết quả
    -12
  - yes
"""


def test_blocks_written_again_are_read_alike() -> None:
    # The same documents and steps under several entries: once with a comment after a value
    # (a silent finding, on its own line), once with a blank line inside, once deeper, once
    # with a value going on over the next line and an item glued to its '-'.
    assert _compare(_REPEATED)
    data, found, _ = lineread.walk(_REPEATED)
    assert [line for line, _, _ in found] == [20, 48]  # the comment, the glued '-12'
    first, second, third, fourth = data["procedures"]
    assert first["documents"] == second["documents"] == third["documents"]
    assert third["notes"]["documents"] == first["documents"]
    assert fourth["documents"][1]["name"] == "Giấy khai sinh ghi chú"
    assert first["steps"] == ["Nộp hồ sơ", "Nhận kết quả", 12, True]
    assert fourth["steps"] == ["Nộp hồ sơ", "Nhận kết quả -12", True]
