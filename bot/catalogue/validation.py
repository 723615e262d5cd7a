"""Check a catalogue file and name every problem as `PATH:LINE: message`, in Vietnamese.

A clean file is read in one pass over libyaml's events (`stream`); anything unusual is composed
into a node tree and built by hand (`tree`), so that an impossible date or a duplicate key
becomes a problem at its line instead of an exception. The rules themselves live in `rules`,
`links`, `provenance` and `silent`; this module reads the file, turns YAML errors into plain
words, and reports.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml

from bot.catalogue import limits, links, rules, silent, stream
from bot.catalogue.limits import MAX_BYTES, LimitExceeded
from bot.catalogue.model import Catalogue, build
from bot.catalogue.rules import Found, Lines, Loc
from bot.catalogue.tree import FAST_LOADER, Builder, compose
from bot.catalogue.tree import Problem as Problem  # where callers have always found it
from bot.collector import collector_paused

_FAST_LOADER = FAST_LOADER  # the names the tests and older callers know
_Builder = Builder
_compose = compose

VIETNAM = dt.timezone(dt.timedelta(hours=7))
REQUIRED_FILE = Path(__file__).resolve().parent.parent / "data" / "required.yaml"


@dataclass
class Report:
    """Everything found in one file; `data` is the parsed document when there are no errors."""

    path: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    data: dict[str, Any] | None = None
    catalogue: Catalogue | None = None  # built from `data`, for the loader to use as it is

    def summary(self) -> str:
        """Return one Vietnamese line: valid with counts, or how many errors and warnings."""
        if self.errors:
            return (
                f"{self.path}: có {len(self.errors)} lỗi, {len(self.warnings)} cảnh báo — "
                "bot chưa dùng được bản này, hãy sửa các lỗi trên rồi kiểm tra lại."
            )
        data = self.data or {}
        procedures = _count(data.get("procedures"))
        guides = _count(data.get("guides"))
        agencies = _count(data.get("agencies"))
        return (
            f"{self.path}: hợp lệ — {procedures} thủ tục, {guides} hướng dẫn, "
            f"{agencies} cơ quan; {len(self.warnings)} cảnh báo."
        )

    @property
    def problems(self) -> list[Problem]:
        """Errors and warnings together, in line order."""
        return sorted(self.errors + self.warnings, key=lambda p: p.line)


def _count(value: Any) -> int:
    return len(value) if isinstance(value, list | dict) else 0


def vietnam_today() -> dt.date:
    """Return today's date in Vietnam (UTC+7), which is the date staff write in the file."""
    return dt.datetime.now(VIETNAM).date()


def load_required(path: Path = REQUIRED_FILE) -> dict[str, str]:
    """Return the ids that must exist, mapped to their kind ('procedure' or 'guide')."""
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_FAST_LOADER or yaml.SafeLoader) or {}
    required: dict[str, str] = {}
    for section, kind in (("procedures", "procedure"), ("guides", "guide")):
        for item in raw.get(section) or ():
            required[str(item["id"])] = kind
    return required


def check_path(
    path: Path,
    today: dt.date | None = None,
    *,
    required: Mapping[str, str] | None = None,
    national: Mapping[str, str] | None = None,
) -> Report:
    """Read and check a catalogue file; unreadable files become a problem, never an exception."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        message = "không tìm thấy tệp; hãy kiểm tra lại đường dẫn và tên tệp."
        return Report(name, errors=[Problem(name, 0, message)])
    except IsADirectoryError:
        message = "đây là một thư mục, không phải tệp; hãy chỉ ra tệp procedures.yaml."
        return Report(name, errors=[Problem(name, 0, message)])
    except PermissionError:
        message = "không có quyền đọc tệp; hãy hỏi người quản trị máy chủ cấp quyền đọc."
        return Report(name, errors=[Problem(name, 0, message)])
    except OSError as exc:
        message = f"không đọc được tệp ({exc.strerror or exc})."
        return Report(name, errors=[Problem(name, 0, message)])
    return check_text(raw, name, today, required=required, national=national)


def check_text(
    text: bytes | str,
    path: str = "procedures.yaml",
    today: dt.date | None = None,
    *,
    required: Mapping[str, str] | None = None,
    national: Mapping[str, str] | None = None,
) -> Report:
    """Check catalogue text (bytes are decoded as UTF-8) and return every problem found."""
    report = Report(path)
    try:
        with collector_paused():
            _check(text, report, today or vietnam_today(), required, national)
    except Exception as exc:  # a bug here must never take the bot or the checker down
        report.errors.append(
            Problem(
                path,
                0,
                f"lỗi nội bộ của trình kiểm tra ({type(exc).__name__}: {exc}); tệp chưa được "
                "chấp nhận. Hãy báo cho người phụ trách kỹ thuật.",
            )
        )
    report.errors.sort(key=lambda p: p.line)
    report.warnings.sort(key=lambda p: p.line)
    if report.errors:
        report.data = None
        report.catalogue = None
    return report


def _check(
    text: bytes | str,
    report: Report,
    today: dt.date,
    required: Mapping[str, str] | None,
    national: Mapping[str, str] | None = None,
) -> None:
    path = report.path
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "replace"))
    if size > MAX_BYTES:  # before parsing: a 50 MB file takes minutes and gigabytes
        report.errors.append(Problem(path, 0, limits.too_big(size)))
        return
    given = text
    if isinstance(text, bytes):
        decoded = _decode(text, report)
        if decoded is None:
            return
        text = decoded
        del decoded
    text = text.removeprefix("\ufeff")
    # A clean file in one pass (None sends it the careful way). The decoded text is twice the
    # file's size: the lines of a problem are found from the file again, when one is asked.
    streamed = stream.read(text, again=lambda: _text_again(given))
    if streamed is not None:
        del text
        data, lines = streamed.data, streamed.lines
        found = _rules(data, lines, lines.raw, today, required, national) + streamed.found
        _finish(report, data, [Problem(path, *f) for f in found])
        return
    try:
        root = compose(text)
    except yaml.reader.ReaderError as exc:  # a character YAML refuses, before any parsing
        line = text[: exc.position].count("\n") + 1
        report.errors.append(Problem(path, line, rules.yaml_error(exc)[1]))
        return
    except RecursionError:  # thousands of nested brackets
        report.errors.append(Problem(path, limits.deep_line(text), limits.TOO_DEEP))
        return
    except yaml.MarkedYAMLError as exc:
        line, message = rules.yaml_error(exc)
        # An unclosed quote runs on to the next quote in the file, and YAML complains there,
        # often tens of lines below: name the line that opened it instead.
        opened = silent.unclosed_quote_line(text, line)
        glued = silent.glued_dash_line(text, line)
        if opened is not None and opened != line:
            line, message = opened, rules.UNCLOSED_QUOTE
        elif glued is not None:
            line, message = glued, f"lỗi cú pháp YAML: {silent.GLUED_DASH}"
        report.errors.append(Problem(path, line, message))
        return
    except yaml.YAMLError as exc:
        report.errors.append(Problem(path, 0, f"lỗi cú pháp YAML: {exc}"))
        return
    if root is None:
        message = (
            "tệp rỗng (hoặc chỉ có dòng chú thích); danh mục cần ít nhất các trường "
            "'version', 'updated', 'agencies', 'fields' và 'procedures'."
        )
        report.errors.append(Problem(path, 1, message))
        return
    builder = Builder(path, text)
    try:
        data = builder.build(root)
    except LimitExceeded as exc:
        report.errors.append(Problem(path, exc.line, exc.message))
        return
    except RecursionError:
        report.errors.append(Problem(path, limits.deep_line(text), limits.TOO_DEEP))
        return
    problems = builder.problems
    if not isinstance(data, dict):
        shape = "một danh sách" if isinstance(data, list) else "một giá trị đơn"
        message = (
            f"phần đầu tệp đang là {shape}; tệp phải bắt đầu bằng các trường dạng "
            "'tên: giá trị' như 'version: 1', 'updated: ...', 'procedures:'."
        )
        problems.append(Problem(path, root.start_mark.line + 1, message))
    else:
        nodes_found = silent.check_nodes(root, text)
        del root  # the tree is ten times the file's size; the rules need only the data
        rules_found = _rules(data, builder.lines, builder.raw, today, required, national)
        for line, message, severity in rules_found + nodes_found:
            problems.append(Problem(path, line, message, severity))
    _finish(report, data, problems)


def _text_again(given: bytes | str) -> str:
    """The text `_check` read, made again from what it was given (already known to decode)."""
    text = given.decode("utf-8") if isinstance(given, bytes) else given
    return text.removeprefix("\ufeff")


def _rules(
    data: dict[str, Any],
    lines: Lines,
    raw: Mapping[Loc, str],
    today: dt.date,
    required: Mapping[str, str] | None,
    national: Mapping[str, str] | None,
) -> list[Found]:
    """Every rule on a parsed document, in the order their findings are reported."""
    if required is None:
        required = load_required()
    found = links.check_document(data, lines, today, required, raw, national)
    found += silent.check_data(data, lines)
    return found


def _finish(report: Report, data: Any, problems: list[Problem]) -> None:
    report.errors.extend(p for p in problems if p.severity == "error")
    report.warnings.extend(p for p in problems if p.severity == "warning")
    if not report.errors and isinstance(data, dict):
        _build_catalogue(data, report)


def _build_catalogue(data: dict[str, Any], report: Report) -> None:
    """Build the catalogue once, so that a file accepted here is one `catalogue.load` accepts."""
    try:
        catalogue = build(data, source=report.path)
    except Exception as exc:
        message = (
            f"tệp qua được các bước kiểm tra nhưng không dựng được danh mục "
            f"({type(exc).__name__}: {exc}); hãy báo cho người phụ trách kỹ thuật."
        )
        report.errors.append(Problem(report.path, 0, message))
        return
    report.data = data
    report.catalogue = catalogue


def _decode(raw: bytes, report: Report) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = (
            f"tệp không được lưu bằng bảng mã UTF-8 (byte 0x{raw[exc.start]:02X} ở cột {column} "
            "không đọc được, thường là chữ có dấu). Hãy lưu lại tệp với bảng mã UTF-8: trong "
            "VS Code bấm chữ mã hoá ở góc dưới bên phải → 'Save with Encoding' → 'UTF-8'."
        )
        report.errors.append(Problem(report.path, line, message))
        return None


def run_check(
    path: Path,
    out: TextIO,
    *,
    today: dt.date | None = None,
    required: Mapping[str, str] | None = None,
) -> int:
    """Print every problem as `PATH:LINE: message`, then a summary; return 1 on any error."""
    try:
        report = check_path(Path(path), today, required=required)
    except Exception as exc:  # check_path does not raise; this is the last line of defence
        report = Report(str(path), errors=[Problem(str(path), 0, f"lỗi nội bộ: {exc}")])
    try:
        for problem in report.problems:
            print(problem, file=out)
        print(report.summary(), file=out)
        out.flush()
    except BrokenPipeError:  # `check | head`: the reader left; exit quietly, not with a trace
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1 if report.errors else 0
