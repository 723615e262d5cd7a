"""Where each entry's fields are written in the catalogue file, for `file:line` in reports."""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Where = tuple[str, ...]  # (entry id, field) or (entry id, field, item number)


def entry_lines(path: str | Path) -> dict[Where, int]:
    """Map (entry id, field[, item]) to its 1-based line; {} if the file cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        loader = loader_class(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except (OSError, UnicodeError, yaml.YAMLError):
        return {}
    found: dict[Where, int] = {}
    for section in ("procedures", "guides"):
        for item in _items(_get(root, section)):
            entry_id = _get(item, "id")
            if not isinstance(entry_id, ScalarNode) or not isinstance(item, MappingNode):
                continue
            found[(str(entry_id.value),)] = item.start_mark.line + 1
            for key, value in item.value:
                field = str(key.value)
                found[(str(entry_id.value), field)] = key.start_mark.line + 1
                for i, sub in enumerate(_items(value)):
                    found[(str(entry_id.value), field, str(i))] = sub.start_mark.line + 1
    return found


def _get(node: Node | None, key: str) -> Node | None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key and isinstance(v, Node):
                return v
    return None


def _items(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []
