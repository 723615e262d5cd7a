"""A large catalogue read on both cores gives exactly what one reading of the whole file gives.

Each case runs in a fresh Python process: forking is only done (and only safe) in a process
with a single thread, which a test session may not be.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_validation import BASE

ROOT = Path(__file__).resolve().parent.parent

# Reads the file named in argv[1] on two cores (every file is "large" here) and whole, and says
# whether the file was cut, whether both cores were used, and whether the results agree (the
# data, findings, count of values and where each entry is written).
_COMPARE = """
import json, sys
from bot.catalogue import halves, stream
halves.MIN_CHARS = 0
text = open(sys.argv[1], encoding="utf-8").read()
both = halves.read_in_two(text, stream._data)
try:
    whole = stream._data(text)
except Exception as exc:
    whole = type(exc).__name__
streamed = stream.read(text)
print(json.dumps({
    "cut": halves.cut(text) is not None,
    "both": both is not None,
    # Where an entry ends may differ by the blanks before the next one: its start may not.
    "same": None if both is None else both[:3] == whole[:3] and (
        {k: v[:2] for k, v in both[3].items()} == {k: v[:2] for k, v in whole[3].items()}),
    "read": None if streamed is None else [streamed.data, streamed.found, streamed.nodes] == [
        *whole[:3]],
    "whole": whole if isinstance(whole, str) else "ok",
}, default=str))
"""


def _compare(text: str, tmp_path: Path) -> dict[str, object]:
    path = tmp_path / "procedures.yaml"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", _COMPARE, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_catalogue_read_in_two_halves_gives_the_whole_files_data_and_findings(
    tmp_path: Path,
) -> None:
    from bot.tools.bench_catalogue import write_catalogue

    large = write_catalogue(120, tmp_path).read_text(encoding="utf-8")
    shipped = (ROOT / "procedures.yaml").read_text(encoding="utf-8")
    # A value with a comment cut off, and an item glued on by '-' without a space, in the
    # second half: its findings keep their lines.
    tail = large.rfind("\n  name: ")
    noisy = large[:tail] + "\n  notes: xem thêm # ở trang sau\n  when: a\n    -b" + large[tail:]
    for text in (BASE, shipped, large, noisy):
        result = _compare(text, tmp_path)
        assert result == {"cut": True, "both": True, "same": True, "read": True, "whole": "ok"}


def _synthetic(middle: str, after: str = "") -> str:
    entries = "".join(f"- id: a{i}\n  name: Thủ tục {i}\n" for i in range(20))
    return f"version: 1\nprocedures:\n{entries}{middle}{entries}{after}"


@pytest.mark.parametrize(
    ("text", "both", "whole"),
    [
        # The middle of the list falls inside a quoted text over several lines, one of which
        # starts like an item: the first half does not end cleanly, so the file is read whole.
        (
            _synthetic('- id: q\n  notes: "' + "chữ " * 5000 + "\n- giả\n" + "chữ " * 900 + '"\n'),
            False,
            "ok",
        ),
        # A key after the list is joined on; a key written again after it is not (the careful
        # path names it).
        (_synthetic("", "guides:\n- id: g\n"), True, "ok"),
        (_synthetic("", "version: 2\n"), False, "_Unusual"),
    ],
)
def test_halves_that_do_not_join_cleanly_send_the_file_the_one_core_way(
    text: str, both: bool, whole: str, tmp_path: Path
) -> None:
    result = _compare(text, tmp_path)
    assert result["cut"] is True
    assert result["both"] is both
    assert result["whole"] == whole
    if both:
        assert result["same"] is True
    assert result["read"] is (True if whole == "ok" else None)


def test_files_are_read_by_one_core_unless_two_are_turned_on() -> None:
    from bot.catalogue import halves

    assert halves.cut((ROOT / "procedures.yaml").read_text(encoding="utf-8")) is None
    assert halves.cut("procedures:\n" + "- id: a\n" * 1_000_000) is None
