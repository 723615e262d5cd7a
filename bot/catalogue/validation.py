"""Check a catalogue file and name every problem as `PATH:LINE: message`, in Vietnamese.

The YAML is composed into a node tree first, so every key and value keeps the line it came
from; the Python data is then built from that tree by hand, which lets an impossible date or a
duplicate key become a problem at its line instead of an exception. The rules themselves live in
`validation_rules`; this module reads the file, turns YAML errors into plain words, and reports.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.catalogue import limits, links, rules, silent
from bot.catalogue.limits import (
    MAX_ALIAS_NODES,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    LimitExceeded,
)
from bot.catalogue.model import build
from bot.catalogue.rules import Lines, Loc

VIETNAM = dt.timezone(dt.timedelta(hours=7))
REQUIRED_FILE = Path(__file__).resolve().parent.parent / "data" / "required.yaml"


@dataclass(frozen=True)
class Problem:
    """One problem in a catalogue file, at a 1-based line (0 when about the whole file)."""

    path: str
    line: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line > 0 else self.path
        prefix = "cảnh báo: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


@dataclass
class Report:
    """Everything found in one file; `data` is the parsed document when there are no errors."""

    path: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    data: dict[str, Any] | None = None

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
    if isinstance(text, bytes):
        decoded = _decode(text, report)
        if decoded is None:
            return
        text = decoded
    text = text.removeprefix("\ufeff")
    try:
        root = _compose(text)
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
    builder = _Builder(path, text)
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
        if required is None:
            required = load_required()
        found = links.check_document(data, builder.lines, today, required, builder.raw, national)
        found += silent.check_data(data, builder.lines)
        found += silent.check_nodes(root, text)
        for line, message, severity in found:
            problems.append(Problem(path, line, message, severity))
    report.errors.extend(p for p in problems if p.severity == "error")
    report.warnings.extend(p for p in problems if p.severity == "warning")
    if not report.errors and isinstance(data, dict):
        _build_catalogue(data, report)


# libyaml's parser (shipped inside PyYAML's wheels) composes the same node tree, marks and line
# numbers included, 10-15 times faster than the pure-Python one. A file it refuses is composed
# again by the pure-Python parser, whose error wording the messages in `rules` translate.
_FAST_LOADER: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> Node | None:
    if _FAST_LOADER is not None:
        try:
            return _compose_with(_FAST_LOADER, text)
        except yaml.YAMLError:
            pass
    return _compose_with(yaml.SafeLoader, text)


def _compose_with(loader_type: type[yaml.SafeLoader], text: str) -> Node | None:
    loader = loader_type(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _build_catalogue(data: dict[str, Any], report: Report) -> None:
    """Build the catalogue once, so that a file accepted here is one `catalogue.load` accepts."""
    try:
        build(data, source=report.path)
    except Exception as exc:
        message = (
            f"tệp qua được các bước kiểm tra nhưng không dựng được danh mục "
            f"({type(exc).__name__}: {exc}); hãy báo cho người phụ trách kỹ thuật."
        )
        report.errors.append(Problem(report.path, 0, message))
        return
    report.data = data


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


class _Builder:
    """Turn a composed YAML node tree into plain data, recording the line of every value."""

    def __init__(self, path: str, text: str = "") -> None:
        self.path = path
        self.text = text  # libyaml's marks carry positions but not the text itself
        self.lines: Lines = {}
        self.raw: dict[Loc, str] = {}
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader("")
        self._nodes = 0
        self._seen: set[int] = set()  # nodes already built: a second visit is a '*' alias
        self._alias_line = 0  # the line of the outermost '*' being expanded, 0 when none
        self._expanded = 0  # nodes built again through a '*'

    def build(self, node: Node) -> Any:
        """Build the value of the root node; LimitExceeded names the line of a bomb."""
        return self._value(node, (), node.start_mark.line + 1)

    def _value(self, node: Node, loc: Loc, where: int) -> Any:
        """Build one node; `where` is the line that refers to it (its key, or its list)."""
        self._nodes += 1
        outer = self._alias_line
        if id(node) in self._seen and not outer:
            self._alias_line = where
        self._seen.add(id(node))
        self._expanded += 1 if self._alias_line else 0
        try:
            if self._expanded > MAX_ALIAS_NODES:
                raise LimitExceeded(self._alias_line, limits.ALIAS_BOMB)
            if self._nodes > MAX_NODES:
                bomb = self._alias_line
                raise LimitExceeded(
                    bomb or where, limits.ALIAS_BOMB if bomb else limits.TOO_MANY_NODES
                )
            if len(loc) > MAX_DEPTH:
                raise LimitExceeded(node.start_mark.line + 1, limits.TOO_DEEP)
            return self._node_value(node, loc)
        finally:
            self._alias_line = outer

    def _node_value(self, node: Node, loc: Loc) -> Any:
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, SequenceNode):
            line = node.start_mark.line + 1
            return [self._value(item, (*loc, i), line) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        value = self._scalar(node)
        if not isinstance(value, str):
            self.raw[loc] = str(node.value)  # as typed: 1.001190, not the float 1.00119
        return value

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[str, Any]:
        try:
            self._constructor.flatten_mapping(node)  # resolves '<<' merge keys
        except yaml.YAMLError as exc:
            self._error(node, f"dùng '<<' không đúng cách ({exc}).")
        result: dict[str, Any] = {}
        seen: dict[str, int] = {}
        orphans = self._comma_orphans(node) if node.flow_style else set()
        for index, (key_node, value_node) in enumerate(node.value):
            if index in orphans:
                continue
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode):
                self._error(key_node, "tên trường phải là một chữ đơn, không phải danh sách.")
                continue
            key = unicodedata.normalize("NFC", str(key_node.value))
            if key in seen:
                message = (
                    f"trường '{key}' bị ghi hai lần trong cùng một mục (lần đầu ở dòng "
                    f"{seen[key]}); YAML chỉ giữ lần sau. Hãy xoá một trong hai dòng."
                )
                self._error(key_node, message)
            seen[key] = line
            self.lines[(*loc, "#key", key)] = line
            result[key] = self._value(value_node, (*loc, key), line)
        return result

    def _comma_orphans(self, node: MappingNode) -> set[int]:
        """Find words split off a value by a comma inside { } (`name: Căn cước, định danh`)."""
        orphans: set[int] = set()
        pairs = node.value

        def bare(i: int) -> bool:  # a word with no ':' after it, so YAML gave it no value
            key_node, value_node = pairs[i]
            return (
                isinstance(value_node, ScalarNode)
                and value_node.value == ""
                and value_node.start_mark.index == key_node.end_mark.index
            )

        for i, (key_node, _) in enumerate(pairs):
            if i == 0 or not bare(i):
                continue
            orphans.add(i)
            if i - 1 in orphans:
                continue  # one message for `a, b, c`
            last = i
            while last + 1 < len(pairs) and bare(last + 1):
                last += 1
            prev_key, prev_value = pairs[i - 1]
            buffer = getattr(prev_value.start_mark, "buffer", None) or self.text
            start, end = prev_value.start_mark.index, pairs[last][0].end_mark.index
            whole = str(buffer[start:end]) if buffer else "..."
            message = (
                f"trong ngoặc nhọn {{ }}, dấu phẩy ngăn cách các trường, nên '{key_node.value}' "
                "bị tách khỏi giá trị đứng trước. Nếu giá trị có dấu phẩy, hãy đặt cả giá trị "
                f'trong ngoặc kép, ví dụ {prev_key.value}: "{whole}".'
            )
            self._error(key_node, message)
        return orphans

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag == "tag:yaml.org,2002:timestamp":
            try:
                return self._constructor.construct_object(node)
            except ValueError:
                return str(node.value)  # an impossible date: the rules report it
        try:
            value = self._constructor.construct_object(node)
        except yaml.YAMLError:
            self._error(node, f"kiểu dữ liệu '{node.tag}' không được hỗ trợ; hãy bỏ phần '!...'.")
            return str(node.value)
        if isinstance(value, str):
            return unicodedata.normalize("NFC", value)
        return value

    def _error(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.path, node.start_mark.line + 1, message))


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
