"""Button payloads of the guided flows: `prefix:id:id[:action]`, at most 64 bytes.

An id too long to fit is written as `#<position>` in its catalogue section; `lookup` reads both.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalogue.model import Catalogue, Guide
from bot.core.replies import MAX_CALLBACK_BYTES

LABEL_CHARS = 56


def lookup(ids: Sequence[str], token: str) -> str | None:
    """The id a payload token stands for: the id itself, or `#<position>` in `ids`."""
    if token.startswith("#") and token[1:].isdigit():
        index = int(token[1:])
        return ids[index] if index < len(ids) else None
    return token if token in ids else None


def encode(prefix: str, parts: Sequence[tuple[Sequence[str], str]], tail: str = "") -> str:
    """`prefix:id:id[:tail]`; the longest ids become `#<position>` until it fits 64 bytes."""
    tokens = [wanted for _, wanted in parts]

    def joined() -> str:
        return ":".join([prefix, *tokens, *([tail] if tail else [])])

    while len(joined().encode()) > MAX_CALLBACK_BYTES:
        longest = max(range(len(tokens)), key=lambda i: len(tokens[i].encode()))
        ids, wanted = parts[longest]
        if tokens[longest].startswith("#") or wanted not in ids:
            break  # nothing left to shorten; Button will refuse it loudly
        tokens[longest] = f"#{list(ids).index(wanted)}"
    return joined()


def step_data(catalogue: Catalogue, guide: Guide, step: str, action: str = "") -> str:
    """The payload of a button on a step message."""
    step_ids = [s.id for s in guide.steps]
    return encode("g", [(list(catalogue.guides), guide.id), (step_ids, step)], action)


def checklist_data(catalogue: Catalogue, procedure: str, action: str = "") -> str:
    """The payload of a checklist button."""
    return encode("c", [(list(catalogue.procedures), procedure)], action)


def online_data(catalogue: Catalogue, procedure: str) -> str:
    """The payload of the "submit online" button."""
    return encode("o", [(list(catalogue.procedures), procedure)])


def short(label: str) -> str:
    """A button label cut to a length phones show whole."""
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"
