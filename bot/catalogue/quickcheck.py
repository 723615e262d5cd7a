"""`python -m bot check` again on an unchanged file: what it printed, from the derived-data
cache, with neither the checker's modules nor the YAML parser loaded (a new file, a new day or
a new version of the bot is checked in full, and kept). Light on purpose: nothing here imports
more than the standard library and `derived`.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TextIO

from bot.catalogue import derived

HERE = Path(__file__).resolve().parent
VIETNAM = dt.timezone(dt.timedelta(hours=7))  # as bot.catalogue.validation dates a check
# What a check's outcome depends on besides the file: the checker's code, the required ids and
# the national list (the day goes into the key too).
DEPENDS_ON = (
    *derived.code_files(),
    HERE.parent / "data" / "required.yaml",
    HERE.parent / "data" / "national-procedures.jsonl",  # bot.catalogue.national.DEFAULT_PATH
)
INTERNAL = "lỗi nội bộ"  # how the checker's own failures begin: never kept

Printed = tuple[list[str], bool]  # the lines `check` prints, and whether any is an error


def run_check(path: Path, out: TextIO) -> int:
    """`validation.run_check(path, out)`: every problem as `PATH:LINE: message`, then the
    summary; 1 on any error. What it prints is kept in the derived-data cache, so that checking
    an unchanged file again (the same day, code and lists) needs neither checker nor parser."""
    try:
        raw = Path(path).read_bytes()
    except OSError:  # the checker says what is wrong, in the staff's words
        from bot.catalogue import validation

        return validation.run_check(path, out)
    name = str(path)
    today = dt.datetime.now(VIETNAM).date()

    def check() -> Printed:
        from bot.catalogue import validation

        report = validation.check_text(raw, name, today)
        return [str(p) for p in report.problems] + [report.summary()], bool(report.errors)

    lines, failed = derived.cached(
        "check",
        raw,
        f"{name}\0{today.isoformat()}",
        derived.files_key(DEPENDS_ON),
        check,
        keep=lambda printed: not any(INTERNAL in line for line in printed[0]),
    )
    write_lines(lines, out)
    return 1 if failed else 0


def write_lines(lines: list[str], out: TextIO) -> None:
    """Print the lines of a check; a reader that leaves (`check | head`) ends it quietly."""
    try:
        for line in lines:
            print(line, file=out)
        out.flush()
    except BrokenPipeError:
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def is_communes_file(path: Path) -> bool:
    """Whether a file is a communes list rather than a catalogue (by its top-level fields)."""
    try:
        with Path(path).open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(20_000)
    except OSError:
        return False
    lines = head.splitlines()
    return any(line.startswith("communes:") for line in lines) and not any(
        line.startswith("procedures:") for line in lines
    )


def run_communes_check(path: Path, out: TextIO) -> int:
    """`communes_check.run_communes_check(path, out)`: every problem, then the summary; 1 on
    any error; what it prints kept in the derived-data cache as for the catalogue."""
    try:
        raw = Path(path).read_bytes()
    except OSError:  # the checker says what is wrong, in the staff's words
        from bot.catalogue import communes_check

        return communes_check.run_communes_check(path, out)
    code = derived.files_key(derived.code_files())
    lines, failed = derived.cached(
        "communes-check", raw, str(path), code, lambda: _communes_printed(path, raw)
    )
    write_lines(lines, out)
    return 1 if failed else 0


def _communes_printed(path: Path, raw: bytes) -> Printed:
    from bot.catalogue.communes_check import check_text

    report = check_text(raw, str(path))
    return [str(p) for p in report.problems] + [report.summary()], bool(report.errors)
