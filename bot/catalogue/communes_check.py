"""Check `communes.yaml` and name every problem as `PATH:LINE: message`, in Vietnamese.

What staff can get wrong when they edit the list: a misspelt field name, a kind the bot does not
know, the same new commune twice, an old unit put under two new communes without saying it was
split, an old district missing from `districts`, an address with no source.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.catalogue import derived, limits
from bot.catalogue.tree import Problem
from bot.text import fold

Loc = tuple[str | int, ...]
TOP_KEYS: tuple[str, ...] = ("version", "updated", "province", "resolution", "effective")
TOP_KEYS += ("sources", "districts", "communes")
COMMUNE_KEYS = ("name", "kind", "code", "clause", "from", "address", "phone", "source", "note")
OLD_KEYS = ("name", "kind", "district", "code", "aka", "split", "note")
DISTRICT_KEYS = ("kind", "province")
SOURCE_KEYS = ("title", "url", "kind", "read", "note")
NEW_KINDS = ("xã", "phường")
OLD_KINDS = ("xã", "phường", "thị trấn")
DISTRICT_KINDS = ("huyện", "thị xã", "thành phố")
MAX_NODES = 100_000
# The C parser when PyYAML has it: ten times faster, with the same line marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class CommunesReport:
    """Every problem found in the communes file; `data` is set when there are no errors."""

    path: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    data: dict[str, Any] | None = None

    @property
    def problems(self) -> list[Problem]:
        """Errors and warnings together, in line order."""
        return sorted(self.errors + self.warnings, key=lambda p: p.line)

    def summary(self) -> str:
        """One Vietnamese line: valid with counts, or how many errors."""
        if self.errors or self.data is None:
            return (
                f"{self.path}: có {len(self.errors)} lỗi — bot vẫn dùng bản danh sách xã, phường "
                "trước đó (nếu có); hãy sửa các lỗi trên rồi kiểm tra lại."
            )
        communes = self.data.get("communes") or []
        old = {_old_key(u) for c in communes for u in c.get("from") or ()}
        return (
            f"{self.path}: hợp lệ — {len(communes)} xã, phường mới, {len(old)} đơn vị cũ; "
            f"{len(self.warnings)} cảnh báo."
        )


def check_path(path: Path) -> CommunesReport:
    """Read and check a communes file; an unreadable file is a problem, never an exception."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return _single(name, "không tìm thấy tệp danh sách xã, phường; hãy kiểm tra đường dẫn.")
    except OSError as exc:
        return _single(name, f"không đọc được tệp ({exc.strerror or exc}).")
    # The file rarely changes: its report (with the data) is kept in the derived-data cache.
    return derived.cached("communes", raw, name, _code(), lambda: check_text(raw, name))


def _code() -> bytes:
    """The modules a communes report depends on."""
    return derived.code_key([__name__, limits.__name__, Problem.__module__, fold.__module__])


def _single(path: str, message: str, line: int = 0) -> CommunesReport:
    return CommunesReport(path, errors=[Problem(path, line, message)])


def check_text(raw: bytes | str, path: str = "communes.yaml") -> CommunesReport:
    """Check the text of a communes file and return every problem found."""
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "replace"))
    if size > limits.MAX_BYTES:  # before parsing, as for the catalogue
        return _single(path, limits.too_big(size))
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            message = "tệp không được lưu bằng bảng mã UTF-8; hãy lưu lại với bảng mã UTF-8."
            return _single(path, message, line)
    else:
        text = raw
    try:
        root = yaml.compose(text.removeprefix("\ufeff"), Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        return _single(path, f"lỗi cú pháp YAML: {exc.problem or exc}.", line)
    except yaml.YAMLError as exc:
        return _single(path, f"lỗi cú pháp YAML: {exc}.")
    except RecursionError:
        return _single(path, limits.TOO_DEEP, limits.deep_line(text))
    report = CommunesReport(path)
    reader = _Reader(path, report)
    try:
        data = reader.value(root, ()) if root is not None else None
    except ValueError as exc:
        return _single(path, str(exc))
    except RecursionError:
        return _single(path, limits.TOO_DEEP, limits.deep_line(text))
    if not isinstance(data, dict):
        return _single(path, "tệp phải bắt đầu bằng các trường 'updated:', 'communes:'...", 1)
    _Rules(reader, report).check(data)
    if not report.errors:
        report.data = data
    return report


class _Reader:
    """Plain data from a YAML node tree, remembering the line of every value."""

    def __init__(self, path: str, report: CommunesReport) -> None:
        self.path = path
        self.report = report
        self.lines: dict[Loc, int] = {}
        self._constructor = yaml.SafeLoader("")
        self._nodes = 0

    def value(self, node: Node, loc: Loc) -> Any:
        self._nodes += 1
        if self._nodes > MAX_NODES or len(loc) > 20:
            raise ValueError("tệp quá lớn hoặc lồng nhau quá sâu (có thể do dùng '*' và '&').")
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = unicodedata.normalize("NFC", str(key_node.value))
                if key in result:
                    self.error(
                        key_node.start_mark.line + 1, f"trường '{key}' bị ghi hai lần; xoá một."
                    )
                self.lines[(*loc, key)] = value_node.start_mark.line + 1
                result[key] = self.value(value_node, (*loc, key))
            return result
        if isinstance(node, SequenceNode):
            return [self.value(item, (*loc, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        try:
            value = self._constructor.construct_object(node)
        except (yaml.YAMLError, ValueError):
            value = str(node.value)
        return unicodedata.normalize("NFC", value) if isinstance(value, str) else value

    def line(self, loc: Loc) -> int:
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 0)

    def error(self, line: int, message: str) -> None:
        self.report.errors.append(Problem(self.path, line, message))


def _old_key(unit: Any) -> str:
    if not isinstance(unit, dict):
        return ""
    code = str(unit.get("code") or "").strip()
    return code or f"{fold(str(unit.get('name', '')))}|{fold(str(unit.get('district', '')))}"


class _Rules:
    def __init__(self, reader: _Reader, report: CommunesReport) -> None:
        self.r = reader
        self.report = report

    def err(self, loc: Loc, message: str) -> None:
        self.r.error(self.r.line(loc), message)

    def keys(self, value: dict[str, Any], loc: Loc, allowed: tuple[str, ...], what: str) -> None:
        for key in value:
            if key not in allowed:
                self.err(
                    (*loc, key),
                    f"trường '{key}' không dùng được trong {what}; các trường dùng được: "
                    f"{', '.join(allowed)} (có thể gõ nhầm tên trường).",
                )

    def text(self, value: dict[str, Any], key: str, loc: Loc, what: str) -> str:
        raw = value.get(key)
        if raw is None or str(raw).strip() == "":
            self.err(loc, f"{what} thiếu trường '{key}'.")
            return ""
        return " ".join(str(raw).split())

    def check(self, data: dict[str, Any]) -> None:
        self.keys(data, (), TOP_KEYS, "phần đầu tệp")
        updated = data.get("updated")
        if not isinstance(updated, dt.date):
            self.err(("updated",), "trường 'updated' phải là ngày dạng 2026-12-01.")
        for i, source in enumerate(data.get("sources") or []):
            if isinstance(source, dict):
                self.keys(source, ("sources", i), SOURCE_KEYS, "một nguồn")
        districts = self.districts(data.get("districts"))
        communes = data.get("communes")
        if not isinstance(communes, list) or not communes:
            self.err(("communes",), "thiếu danh sách 'communes' (các xã, phường mới).")
            return
        self.communes(communes, districts)

    def districts(self, raw: Any) -> set[str]:
        if not isinstance(raw, dict) or not raw:
            self.err(("districts",), "thiếu danh sách 'districts' (các huyện, thành phố cũ).")
            return set()
        for name, value in raw.items():
            loc: Loc = ("districts", name)
            if not isinstance(value, dict):
                self.err(loc, f"huyện '{name}': cần dạng {{kind: huyện, province: ...}}.")
                continue
            self.keys(value, loc, DISTRICT_KEYS, f"huyện '{name}'")
            if value.get("kind") not in DISTRICT_KINDS:
                self.err(
                    (*loc, "kind"),
                    f"huyện '{name}': 'kind' phải là một trong {', '.join(DISTRICT_KINDS)}.",
                )
        return {str(name) for name in raw}

    def communes(self, communes: list[Any], districts: set[str]) -> None:
        names: dict[str, int] = {}
        codes: dict[str, int] = {}
        # old unit key -> [(line, commune name, split)]
        places: dict[str, list[tuple[int, str, bool]]] = {}
        for i, commune in enumerate(communes):
            loc: Loc = ("communes", i)
            if not isinstance(commune, dict):
                self.err(loc, "mỗi xã, phường mới phải có dạng 'name: ...', 'kind: ...'.")
                continue
            label = self.text(commune, "name", loc, "xã, phường mới")
            what = f"{commune.get('kind', 'xã')} {label}".strip()
            self.keys(commune, loc, COMMUNE_KEYS, what)
            if commune.get("kind") not in NEW_KINDS:
                self.err((*loc, "kind"), f"{what}: 'kind' phải là 'xã' hoặc 'phường'.")
            key = fold(label)
            if key and key in names:
                self.err(
                    (*loc, "name"),
                    f"'{label}' đã có ở dòng {names[key]}; mỗi xã, phường mới chỉ ghi một lần.",
                )
            names.setdefault(key, self.r.line((*loc, "name")))
            code = str(commune.get("code") or "").strip()
            if code and code in codes:
                self.err(
                    (*loc, "code"), f"{what}: mã {code} đã dùng ở dòng {codes[code]} (trùng mã)."
                )
            codes.setdefault(code, self.r.line((*loc, "code")))
            if (commune.get("address") or commune.get("phone")) and not commune.get("source"):
                self.err(
                    loc,
                    f"{what}: có địa chỉ hoặc số điện thoại nhưng thiếu 'source' (nguồn chính "
                    "thức); chỉ ghi những gì có nguồn để người dân không đi nhầm chỗ.",
                )
            old = commune.get("from")
            if not isinstance(old, list) or not old:
                self.err(loc, f"{what}: thiếu danh sách 'from' (các đơn vị cũ sáp nhập vào).")
                continue
            for j, unit in enumerate(old):
                self.old_unit(unit, (*loc, "from", j), what, districts, places)
        self.splits(places)

    def old_unit(
        self,
        unit: Any,
        loc: Loc,
        commune: str,
        districts: set[str],
        places: dict[str, list[tuple[int, str, bool]]],
    ) -> None:
        if not isinstance(unit, dict):
            self.err(loc, f"{commune}: mỗi đơn vị cũ cần dạng {{name: ..., kind: xã, ...}}.")
            return
        name = self.text(unit, "name", loc, f"{commune}: đơn vị cũ")
        what = f"{commune}: {unit.get('kind', '')} {name} (cũ)"
        self.keys(unit, loc, OLD_KEYS, what)
        if unit.get("kind") not in OLD_KINDS:
            self.err((*loc, "kind"), f"{what}: 'kind' phải là 'xã', 'phường' hoặc 'thị trấn'.")
        district = self.text(unit, "district", loc, what)
        if district and district not in districts:
            self.err(
                (*loc, "district"),
                f"{what}: huyện cũ '{district}' chưa có trong 'districts' ở đầu tệp "
                "(kiểm tra chính tả, hoặc thêm huyện đó).",
            )
        if "split" in unit and not isinstance(unit["split"], bool):
            self.err((*loc, "split"), f"{what}: 'split' chỉ nhận true hoặc false.")
        places.setdefault(_old_key(unit), []).append(
            (self.r.line(loc), commune, unit.get("split") is True)
        )

    def splits(self, places: dict[str, list[tuple[int, str, bool]]]) -> None:
        for seen in places.values():
            first_line, first, _ = seen[0]
            if len({commune for _, commune, _ in seen}) < len(seen):
                line = seen[-1][0]
                self.r.error(line, f"đơn vị cũ này được ghi hai lần trong {first}; xoá một dòng.")
                continue
            if len(seen) == 1:
                if seen[0][2]:
                    self.r.error(
                        first_line,
                        "đơn vị cũ ghi 'split: true' (bị chia tách) nhưng chỉ có ở một xã, "
                        "phường mới; hãy ghi phần còn lại vào xã, phường kia, hoặc bỏ 'split'.",
                    )
                continue
            if len(seen) > 2:
                for line, _, _ in seen[2:]:
                    self.r.error(
                        line, "một đơn vị cũ chỉ có thể chia cho tối đa hai xã, phường mới."
                    )
            for line, _, split in seen:
                if not split:
                    self.r.error(
                        line,
                        f"đơn vị cũ này có ở hai xã, phường mới ({seen[0][1]}, dòng {first_line}"
                        f" và {seen[1][1]}, dòng {seen[1][0]}) mà chưa ghi 'split: true'. Nếu "
                        "đơn vị này thật sự bị chia, ghi 'split: true' ở cả hai nơi; nếu không, "
                        "xoá dòng thừa.",
                    )


def run_communes_check(path: Path, out: TextIO) -> int:
    """Print every problem of a communes file as `PATH:LINE: message`, then a summary line;
    return 1 on any error."""
    report = check_path(path)
    try:
        for problem in report.problems:
            print(problem, file=out)
        print(report.summary(), file=out)
        out.flush()
    except BrokenPipeError:
        pass
    return 1 if report.errors else 0
