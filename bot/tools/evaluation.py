"""Measure the matcher on labelled questions: top-1, top-3, right answers and declines.

A labelled line is JSON: {"q": question, "expect": entry id or null, "also": [other ids]}; null
means the bot should decline; "ambiguous": true marks a question that deserves a choice. A line
with "avoid" and no "expect" names cards the question must not get as a sure answer. An
expected national procedure (`tthc:<code>`) is also reached by a curated entry with that code.
"answered wrong" counts confident answers with a card that is not an expected one: the worst
thing the bot can do. `python -m bot evaluate [PATH ...] [--no-national] [--variants] [--tune]
[-v]` prints the figures of `../shared/eval/score.py`, without a subprocess; with no path, for
the in-scope set (`eval/questions.jsonl`) and the neighbour set (`eval/neighbours.jsonl`:
questions about procedures we have no card for, next to one we have).
"""

from __future__ import annotations

import argparse
import json
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.matching.aspects import is_small_talk
from bot.matching.matcher import Candidate, Matcher, Thresholds, decide
from bot.text import strip_marks

EVAL = Path(__file__).resolve().parents[2] / "eval"
DEFAULT_QUESTIONS = EVAL / "questions.jsonl"
NEIGHBOURS = EVAL / "neighbours.jsonl"
DEFAULT_COMMUNE_QUESTIONS = EVAL / "communes.jsonl"


@dataclass
class Figures:
    """Counts behind the figures, and the misses to read."""

    questions: int = 0
    inscope: int = 0
    top1: int = 0
    top3: int = 0
    answered_right: int = 0
    answered_wrong: int = 0
    wrong_declines: int = 0
    guarded: int = 0  # questions with no card of ours, only cards they must not get
    guarded_wrong: int = 0
    outscope: int = 0
    declined: int = 0
    misses: list[str] = field(default_factory=list)

    def rate(self, name: str) -> float:
        """Return a figure (top1, top3, answered_right, answered_wrong, wrong_declines,
        declined) in percent."""
        if name == "answered_wrong":
            whole = self.inscope + self.guarded
            return 100.0 * (self.answered_wrong + self.guarded_wrong) / whole if whole else 0.0
        whole = self.outscope if name == "declined" else self.inscope
        return 100.0 * getattr(self, name) / whole if whole else 0.0


def typo(text: str, rng: random.Random, share: float = 0.25) -> str:
    """Return the text with about `share` of its longer words mistyped (a letter swapped,
    dropped, replaced or added), the way thumbs do on a phone."""
    words = []
    for word in text.split():
        if len(word) >= 4 and rng.random() < share:
            i = rng.randrange(1, len(word) - 1)
            letter = rng.choice("aeiounhtgc")
            word = rng.choice(
                [
                    word[:i] + word[i + 1] + word[i] + word[i + 2 :],
                    word[:i] + word[i + 1 :],
                    word[:i] + letter + word[i + 1 :],
                    word[:i] + letter + word[i:],
                ]
            )
        words.append(word)
    return " ".join(words)


def variants(rows: Sequence[dict[str, Any]], seed: int = 3) -> dict[str, list[dict[str, Any]]]:
    """Return copies of labelled questions as citizens also write them: without diacritics,
    with typos, and both."""
    rng = random.Random(seed)
    return {
        "no marks": [{**r, "q": strip_marks(str(r["q"]).lower())} for r in rows],
        "typos": [{**r, "q": typo(str(r["q"]), rng)} for r in rows],
        "no marks, typos": [{**r, "q": typo(strip_marks(str(r["q"]).lower()), rng)} for r in rows],
    }


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Read labelled questions from a JSON-lines file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def acceptable(row: dict[str, Any], codes: dict[str, str] | None = None) -> set[str]:
    """Return the ids that answer a labelled question: `expect`, `also`, and the curated entry
    (from `codes`, national code to entry id) that carries an expected national code."""
    ok = {str(row["expect"]), *row.get("also", [])}
    for wanted in list(ok):
        if wanted.startswith("tthc:") and codes and wanted[5:] in codes:
            ok.add(codes[wanted[5:]])
    return ok


def evaluate(matcher: Matcher, rows: Sequence[dict[str, Any]]) -> Figures:
    """Match every labelled question and count what the bot gets right."""
    figures = Figures(questions=len(rows))
    codes = {p.code: p.id for p in matcher.catalogue.procedures.values() if p.code}
    for row in rows:
        match = matcher.match(str(row["q"]), top=3)
        ids = [c.id for c in match.candidates]
        expect = row.get("expect")
        if expect is None and row.get("avoid"):
            # Nothing fits in our catalogue nor the national list: a choice or "not found" is
            # right, a sure answer with the neighbouring card is not.
            figures.guarded += 1
            if match.decision == "answer" and ids[0] in row["avoid"]:
                figures.guarded_wrong += 1
                figures.misses.append(f"  WRONG CARD {row['q']!r}: got {ids[:3]}")
            continue
        if expect is None:
            figures.outscope += 1
            if match.decision == "none":
                figures.declined += 1
            else:
                figures.misses.append(
                    f"  should decline: {row['q']!r} -> {match.decision} {ids[:1]}"
                )
            continue
        figures.inscope += 1
        ok = acceptable(row, codes)
        first = bool(ids) and ids[0] in ok
        figures.top1 += first
        figures.top3 += bool(ok & set(ids[:3]))
        figures.answered_right += match.decision == "answer" and first
        figures.answered_wrong += match.decision == "answer" and not first
        figures.wrong_declines += match.decision == "none"
        if match.decision == "answer" and not first:
            figures.misses.append(f"  WRONG CARD {row['q']!r}: expected {expect}, got {ids[:3]}")
        elif not first or match.decision == "none":
            figures.misses.append(
                f"  {row['q']!r}: expected {expect}, got {match.decision} {ids[:3]}"
            )
    return figures


# A confident wrong card costs this many right ones (the citizen must start again, where a
# short choice would have shown the right card among three).
WRONG_ANSWER = 4.0
# The decline threshold keeps this distance from the questions on either side where it can.
SAFETY = 0.03


@dataclass(frozen=True)
class _Seen:
    candidates: tuple[Candidate, ...]
    small_talk: bool
    ok: frozenset[str]  # empty: out of scope
    ambiguous: bool  # labelled as a question the bot should answer with a choice


def _steps(low: float, high: float, step: float) -> list[float]:
    return [round(low + i * step, 4) for i in range(round((high - low) / step) + 1)]


def _plateau_middle(values: list[float], scores: list[float]) -> float:
    """Return the middle of the widest run of best-scoring values (robust to a small shift)."""
    best = max(scores)
    runs: list[list[float]] = []
    for value, score in zip(values, scores, strict=True):
        if score == best and runs and runs[-1][-1] == values[values.index(value) - 1]:
            runs[-1].append(value)
        elif score == best:
            runs.append([value])
    widest = max(runs, key=len)
    return widest[len(widest) // 2]


def tune(matcher: Matcher, rows: Sequence[dict[str, Any]]) -> Thresholds:
    """Choose the confidence thresholds from labelled questions, and return them.

    The decline threshold is the middle of the widest range that best separates out-of-scope
    questions from in-scope ones (share declined minus share wrongly declined); then the
    answer thresholds and margin maximise right answers minus `WRONG_ANSWER` times wrong ones
    (a question labelled `"ambiguous": true`, such as a lone "bảo hiểm", should get a choice:
    answering it counts as wrong).
    """
    seen = [
        _Seen(
            matcher.match(str(r["q"]), top=3).candidates,
            is_small_talk(str(r["q"])),
            frozenset({r["expect"], *r.get("also", [])}) if r.get("expect") else frozenset(),
            bool(r.get("ambiguous")),
        )
        for r in rows
    ]
    base = matcher.thresholds
    curated = [x for x in seen if not x.candidates or x.candidates[0].tier == "catalogue"]
    clarify_values = _steps(0.05, 0.5, 0.01)
    inside = [x for x in curated if x.ok]
    outside = [x for x in curated if not x.ok]
    inscope, outscope = len(inside) or 1, len(outside) or 1
    separation = []
    for value in clarify_values:
        # Counted with a safety margin on both sides: an out-of-scope question only counts as
        # declined if it would still be a little above it, an in-scope one as kept likewise.
        low = replace(base, clarify=value - SAFETY)
        high = replace(base, clarify=value + SAFETY)
        declined = sum(
            decide(x.candidates, x.small_talk, low) == "none" for x in curated if not x.ok
        )
        wrongly = sum(decide(x.candidates, x.small_talk, high) == "none" for x in curated if x.ok)
        separation.append(round(declined / outscope - wrongly / inscope, 6))
    clarify = _plateau_middle(clarify_values, separation)
    best: tuple[float, Thresholds] = (float("-inf"), base)
    for answer in _steps(0.3, 0.9, 0.05):
        for coverage in _steps(0.6, 1.05, 0.05):
            for margin in _steps(0.0, 0.4, 0.05):
                t = replace(
                    base, clarify=clarify, answer=answer, answer_coverage=coverage, margin=margin
                )
                gain = 0.0
                for x in inside:
                    if decide(x.candidates, x.small_talk, t) == "answer":
                        right = x.candidates[0].id in x.ok and not x.ambiguous
                        gain += 1.0 if right else -WRONG_ANSWER
                if gain > best[0]:
                    best = (gain, t)
    return best[1]


def format_figures(figures: Figures, name: str = "", verbose: bool = False) -> str:
    """Return the figures as one line (and the misses first, when verbose)."""
    lines = []
    if verbose and figures.misses:
        lines.append("misses:")
        lines.extend(figures.misses)
    lines.append(
        f"{name + ': ' if name else ''}{figures.questions} questions | "
        f"top-1 {figures.rate('top1'):5.1f}% top-3 {figures.rate('top3'):5.1f}% "
        f"answered right {figures.rate('answered_right'):5.1f}% "
        f"answered wrong {figures.rate('answered_wrong'):5.1f}% "
        f"wrong declines {figures.rate('wrong_declines'):5.1f}% | "
        f"declined ok {figures.rate('declined'):5.1f}% (of {figures.outscope} out of scope)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the figures for labelled question files (our in-scope and neighbour sets by
    default), with the national list loaded as the bot loads it."""
    from bot.catalogue import loader as catalogue_module
    from bot.catalogue.national import load_national
    from bot.settings import load_settings

    parser = argparse.ArgumentParser(prog="bot evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("questions", nargs="*", help="bộ câu hỏi (mặc định: của dự án)")
    parser.add_argument("--catalogue", default=None, help="tệp danh mục (BOT_CATALOGUE)")
    parser.add_argument("--national", action="store_true", help="nạp danh mục quốc gia (mặc định)")
    parser.add_argument("--no-national", action="store_true", help="bỏ danh mục quốc gia")
    parser.add_argument("-v", "--verbose", action="store_true", help="liệt kê mọi câu trượt")
    parser.add_argument("--tune", action="store_true", help="chọn ngưỡng từ bộ câu hỏi đầu")
    parser.add_argument("--variants", action="store_true", help="thêm bản không dấu và gõ sai")
    parser.add_argument(
        "--communes",
        default=str(DEFAULT_COMMUNE_QUESTIONS),
        help="bộ câu hỏi về xã, phường cũ để đo phần tra cứu xã ('' để bỏ qua)",
    )
    args = parser.parse_args(argv)
    catalogue = catalogue_module.load(args.catalogue or _default_catalogue())
    national = args.national or (load_settings().national_tier and not args.no_national)
    matcher = Matcher(catalogue, load_national() if national else None)
    paths = [Path(q) for q in args.questions] or [
        p for p in (DEFAULT_QUESTIONS, NEIGHBOURS) if p.exists()
    ]
    for number, path in enumerate(paths):
        rows = read_rows(path)
        if args.tune and number == 0:
            chosen = tune(matcher, rows)
            print(f"tuned on {path.name}: {chosen}")
            matcher.thresholds = chosen
        print(format_figures(evaluate(matcher, rows), path.name, args.verbose))
        if args.variants:
            for name, changed in variants(rows).items():
                print(format_figures(evaluate(matcher, changed), f"{path.name} ({name})"))
    if args.communes and Path(args.communes).is_file():
        procedure_rows = read_rows(paths[0]) if paths else []
        _print_communes(matcher, Path(args.communes), procedure_rows, args)
    return 0


def _print_communes(
    matcher: Matcher, path: Path, procedure_rows: list[dict[str, Any]], args: Any
) -> None:
    """The commune lookup's figures, on the communes file next to the catalogue."""
    from bot.catalogue.communes import build
    from bot.catalogue.communes_check import check_path
    from bot.matching.places import PlaceIndex
    from bot.tools.commune_eval import (
        evaluate_communes,
        format_commune_figures,
        generated_questions,
    )

    catalogue = Path(args.catalogue or _default_catalogue())
    communes_file = Path(os.environ.get("BOT_COMMUNES") or catalogue.with_name("communes.yaml"))
    report = check_path(communes_file)
    if report.data is None:
        print(f"{path.name}: skipped, {communes_file} does not load")
        return
    index = PlaceIndex(build(report.data, source=str(communes_file)))
    rows = read_rows(path)
    figures = evaluate_communes(index, matcher, rows, procedure_rows)
    print(format_commune_figures(figures, path.name, args.verbose))
    every = generated_questions(index.communes)
    name = f"every old unit, name and district ({len(every)})"
    print(format_commune_figures(evaluate_communes(index, matcher, every), name, args.verbose))
    if args.variants:
        for variant, changed in variants(rows).items():
            figures = evaluate_communes(index, matcher, changed)
            print(format_commune_figures(figures, f"{path.name} ({variant})"))
        for variant, changed in variants(every).items():
            figures = evaluate_communes(index, matcher, changed)
            print(format_commune_figures(figures, f"every old unit ({variant})"))


def _default_catalogue() -> str:
    return os.environ.get("BOT_CATALOGUE", "procedures.yaml")
