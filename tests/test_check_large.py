"""A mistake deep in a province-sized catalogue is named at the line staff edit.

A clean file is read without noting the line of any value; the lines of the few entries a
message is about are found when the message needs them. Staff must not notice: each problem
still names its own line, however far down the file it is.
"""

from __future__ import annotations

from pathlib import Path

from bot.catalogue.validation import check_text
from tests.test_validation import REQUIRED, TODAY


def test_mistakes_deep_in_a_large_catalogue_name_their_own_lines(tmp_path: Path) -> None:
    from bot.tools.bench_catalogue import write_catalogue

    lines = write_catalogue(2100, tmp_path).read_text(encoding="utf-8").split("\n")
    starts = [at for at, line in enumerate(lines) if line.startswith("- id: ")]
    assert len(starts) >= 2100

    def edit(entry: int, written: str, instead: str) -> tuple[int, str]:
        """Write `instead` over the first line starting with `written` in the first entry from
        number `entry` on that has one; return that line (1-based) and the entry's id."""
        for first, end in zip(starts[entry:], starts[entry + 1 :], strict=False):
            for at in range(first, end):
                if lines[at].startswith(written):
                    lines[at] = instead
                    return at + 1, lines[first].removeprefix("- id: ")
        raise AssertionError(f"no entry from {entry} on has a line starting with {written!r}")

    edits = [
        edit(1999, "    count: ", "    count: hai"),  # a document's count, in words
        edit(2000, "    level: ", "    level: mọi nơi"),  # the online part's level
        edit(2001, "    read: ", "    read: 2026-02-30"),  # a source read on no real day
        edit(2002, "  agency: ", "  agencyy: ubnd-xa"),  # a key misspelt
        edit(2050, "  verified: ", "  verified: 2031-01-01"),  # a day still to come
        edit(2060, "  - ", "  - Cách người dân hay gọi."),  # the snippet's alias, never filled
        edit(2070, "  code: ", "  code: '1.000000'"),  # the snippet's code
    ]
    report = check_text("\n".join(lines), "procedures.yaml", TODAY, required=REQUIRED)
    for line, entry_id in edits:
        said = [p.message for p in report.errors if p.line == line]
        assert said, f"nothing said at line {line}: {[str(p) for p in report.errors]}"
        assert any(entry_id in message for message in said)
    assert report.catalogue is None
