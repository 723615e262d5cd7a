"""What changed between two catalogues: entries added, removed and changed, by id."""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalogue.model import Catalogue


@dataclass(frozen=True)
class CatalogueDiff:
    """Entry ids added, removed and changed (in the new file's order, then the old one's)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def diff(old: Catalogue | None, new: Catalogue) -> CatalogueDiff:
    """Compare the entries of two catalogues (None: everything in `new` counts as added)."""
    before = dict(old.entries) if old is not None else {}
    added = tuple(i for i in new.entries if i not in before)
    changed = tuple(i for i, e in new.entries.items() if i in before and before[i] != e)
    removed = tuple(i for i in before if i not in new.entries)
    return CatalogueDiff(added, removed, changed)


def is_truncated(new: bytes, good: bytes | None, error_line: int = 0) -> bool:
    """Whether `new` looks cut short (a save caught half-written, a copy stopped half-way).

    Either it is the good text with its end missing, or it stops in the middle of a line and
    the problem found is on that last line.
    """
    if good and len(new) < len(good) and good.startswith(new) and new.strip():
        return True
    last_line = new.count(b"\n") + 1
    return bool(new) and not new.endswith(b"\n") and error_line >= last_line
