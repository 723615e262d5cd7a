"""The careful way through a catalogue file: a composed YAML node tree turned into plain data.

The YAML is composed into a node tree first, so every key and value keeps the line it came
from; the Python data is then built from that tree by hand, which lets an impossible date or a
duplicate key become a problem at its line instead of an exception. Clean files take the faster
one-pass way in `stream`; this one handles everything, aliases, merge keys and tags included.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.catalogue import limits
from bot.catalogue.limits import MAX_ALIAS_NODES, MAX_DEPTH, MAX_NODES, LimitExceeded
from bot.catalogue.rules import Loc

STR_TAG = "tag:yaml.org,2002:str"
_DIRECT = {  # tags whose value one constructor makes from the scalar's text alone
    tag: yaml.SafeLoader.yaml_constructors[tag]
    for tag in (
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
    )
}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


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


def scalar_value(constructor: yaml.SafeLoader, node: ScalarNode) -> tuple[Any, str | None]:
    """The value of a scalar node (strings in NFC), and the problem with its tag if any."""
    tag = node.tag
    if tag == STR_TAG:
        text = node.value
        return (text if text.isascii() else unicodedata.normalize("NFC", text)), None
    direct = _DIRECT.get(tag)
    if direct is not None:
        return direct(constructor, node), None
    if tag == _TIMESTAMP:
        try:
            return constructor.construct_yaml_timestamp(node), None
        except ValueError:
            return str(node.value), None  # an impossible date: the rules report it
    try:
        value = constructor.construct_object(node)
    except yaml.YAMLError:
        message = f"kiểu dữ liệu '{tag}' không được hỗ trợ; hãy bỏ phần '!...'."
        return str(node.value), message
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value), None
    return value, None


# libyaml's parser (shipped inside PyYAML's wheels) composes the same node tree, marks and line
# numbers included, 10-15 times faster than the pure-Python one. A file it refuses is composed
# again by the pure-Python parser, whose error wording the messages in `rules` translate.
FAST_LOADER: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)


def compose(text: str) -> Node | None:
    if FAST_LOADER is not None:
        try:
            return _compose_with(FAST_LOADER, text)
        except yaml.YAMLError:
            pass
    return _compose_with(yaml.SafeLoader, text)


def _compose_with(loader_type: type[yaml.SafeLoader], text: str) -> Node | None:
    loader = loader_type(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


class Builder:
    """Turn a composed YAML node tree into plain data, recording the line of every value."""

    def __init__(self, path: str, text: str = "") -> None:
        self.path = path
        self.text = text  # libyaml's marks carry positions but not the text itself
        self.lines: dict[Loc, int] = {}
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
        value, problem = scalar_value(self._constructor, node)
        if problem is not None:
            self._error(node, problem)
        return value

    def _error(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.path, node.start_mark.line + 1, message))
