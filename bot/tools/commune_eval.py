"""Measure the commune lookup on labelled questions, and that it leaves procedure questions be.

A labelled line is JSON with "q" and one of: "expect": [new unit names] (both for a split
unit; null for a name that exists nowhere: the bot should say kindly that it does not know it),
"district": an old district whose new communes should be listed, "ambiguous": an old name
shared by several districts (the bot should ask which). "procedure": an id means the question
also asks for that procedure, whose card should answer it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.catalogue.communes import Communes
from bot.matching.matcher import Matcher
from bot.matching.places import PlaceIndex, Routed, route
from bot.text import fold, strip_marks

DEFAULT_COMMUNE_QUESTIONS = Path(__file__).resolve().parents[2] / "eval" / "communes.jsonl"


@dataclass
class CommuneFigures:
    """Right answers per kind of question, and procedure questions the lookup took."""

    questions: int = 0
    right: dict[str, int] = field(default_factory=dict)
    asked: dict[str, int] = field(default_factory=dict)
    procedure_questions: int = 0
    taken: int = 0
    misses: list[str] = field(default_factory=list)

    def count(self, kind: str, ok: bool) -> None:
        """Count one question of a kind."""
        self.asked[kind] = self.asked.get(kind, 0) + 1
        self.right[kind] = self.right.get(kind, 0) + ok

    def rate(self, kind: str) -> float:
        """Percent right among the questions of a kind."""
        asked = self.asked.get(kind, 0)
        return 100.0 * self.right.get(kind, 0) / asked if asked else 0.0


def _new_names(communes: Communes, routed: Routed | None) -> set[str]:
    if routed is None:
        return set()
    place = routed.place
    if place.kind == "old" and place.old:
        return {fold(c.name) for c in communes.successors.get(place.old[0].key, ())}
    if place.kind == "new" and place.commune is not None:
        return {fold(place.commune.name)}
    return set()


def _judge(communes: Communes, row: dict[str, Any], routed: Routed | None) -> tuple[str, bool]:
    place = routed.place if routed else None
    kind = place.kind if place else "none"
    if "district" in row:
        district = place.district if place else None
        name = district.name if district else ""
        return "district", kind == "district" and fold(name) == fold(row["district"])
    if "ambiguous" in row:
        olds = place.old if place else ()
        return "ambiguous", kind == "ambiguous" and fold(olds[0].name) == fold(row["ambiguous"])
    if row.get("expect") is None:
        return "unknown", kind == "unknown"
    named = _new_names(communes, routed) == {fold(n) for n in row["expect"]}
    if row.get("procedure"):
        match = routed.procedure if routed else None
        top = match.candidates[0].id if match and match.candidates else ""
        return "procedure", named and top == row["procedure"]
    return "old unit", named


def evaluate_communes(
    index: PlaceIndex,
    matcher: Matcher,
    rows: Sequence[dict[str, Any]],
    procedure_rows: Sequence[dict[str, Any]] = (),
) -> CommuneFigures:
    """Route every labelled commune question, and every procedure question, as the bot would."""
    figures = CommuneFigures(questions=len(rows))
    for row in rows:
        routed = route(index, matcher, str(row["q"]))
        kind, ok = _judge(index.communes, row, routed)
        figures.count(kind, ok)
        if not ok:
            got = routed.place.kind if routed else "none"
            names = sorted(_new_names(index.communes, routed))
            figures.misses.append(f"  {row['q']!r}: expected {kind} {row}, got {got} {names}")
    for row in procedure_rows:
        if not row.get("expect"):
            continue
        figures.procedure_questions += 1
        routed = route(index, matcher, str(row["q"]))
        if routed is not None and routed.procedure is None:
            figures.taken += 1
            figures.misses.append(f"  taken from procedures: {row['q']!r} -> {routed.place.kind}")
    return figures


KINDS = ("old unit", "procedure", "district", "ambiguous", "unknown")


def format_commune_figures(figures: CommuneFigures, name: str, verbose: bool = False) -> str:
    """The commune figures as one line (after the misses, when verbose)."""
    lines = ["misses:", *figures.misses] if verbose and figures.misses else []
    named = sum(figures.right.get(k, 0) for k in ("old unit", "procedure"))
    asked = sum(figures.asked.get(k, 0) for k in ("old unit", "procedure"))
    share = 100.0 * named / asked if asked else 0.0
    parts = [
        f"{k} {figures.right.get(k, 0)}/{figures.asked[k]}" for k in KINDS if k in figures.asked
    ]
    line = (
        f"{name}: {figures.questions} questions, {share:.1f}% named the right new unit "
        f"({named}/{asked}) | {' '.join(parts)}"
    )
    if figures.procedure_questions:
        line += (
            f" | procedure questions taken by the lookup: {figures.taken} of "
            f"{figures.procedure_questions}"
        )
    lines.append(line)
    return "\n".join(lines)


def generated_questions(communes: Communes) -> list[dict[str, Any]]:
    """One question per old unit, as a citizen types it without diacritics: its name and old
    district ("xa dan tien khoai chau cu gio la xa nao"), labelled from the file itself."""
    rows = []
    for unit in communes.old_units():
        names = [c.name for c in communes.successors.get(unit.key, ())]
        question = f"{unit.kind} {unit.name} {unit.district} cu gio la xa nao"
        rows.append({"q": strip_marks(question.lower()), "expect": names})
    return rows
