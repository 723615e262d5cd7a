"""How fast and how big the matcher is, next to a naive baseline.

`python -m bot bench-match` prints, for (a) the shipped catalogue, (b) the catalogue with the
national list, and (c) a synthetic catalogue of 10,000 entries made up in code: the index build
time, the per-question latency (p50, p99), the peak resident memory, and the top-1 on our
labelled questions where it means something. Times are CPU times of the process (steady on a
shared machine). Beside each, the same figures for a naive baseline:
rapidfuzz `process.extract` with `WRatio` over the folded names. Each configuration runs in its
own process, so its peak memory is its own. Not a timed test; the goals on one core are p99
<= 5 ms at 10,000 entries, build <= 2 s, memory <= 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ("shipped", "national", "synthetic")
ENGINES = ("matcher", "baseline")
FALLBACK_QUESTIONS = [
    "lam giay khai sinh cho con",
    "mất sổ đỏ thì làm lại thế nào",
    "đăng ký tạm trú online hết bao nhiêu tiền",
    "rut bhxh 1 lan can giay to gi",
    "thời tiết hôm nay",
]


@dataclass(frozen=True)
class Run:
    """The figures of one engine on one catalogue."""

    config: str
    engine: str
    entries: int
    build_s: float
    p50_ms: float
    p99_ms: float
    rss_mb: float
    top1: float | None


def _questions(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return [{"q": q, "expect": None} for q in FALLBACK_QUESTIONS]
    from bot.tools.evaluation import read_rows

    return read_rows(path)


def synthetic_catalogue(size: int = 10_000, seed: int = 7) -> Any:
    """Make up a catalogue of `size` procedures from the national names.

    Each entry is a national name with a word or two changed, aliases cut from it or from a
    name of the same field, and a summary joining two names of that field: text that looks
    like a real catalogue, at four times the national list.
    """
    from bot.catalogue.model import build
    from bot.catalogue.national import load_national

    national = list(load_national().values())
    by_field: dict[str, list[str]] = {}
    for procedure in national:
        by_field.setdefault(procedure.field, []).append(procedure.name)
    rng = random.Random(seed)
    words = sorted({w for p in national for w in p.name.split() if w.isalpha()})
    procedures = []
    for number in range(size):
        source = national[number % len(national)]
        kin = by_field[source.field]
        name = source.name.split()
        name[rng.randrange(len(name))] = rng.choice(words)
        aliases = []
        for text in (source.name, rng.choice(kin), rng.choice(kin)):
            cut = text.split()
            start = rng.randrange(max(1, len(cut) - 3))
            aliases.append(" ".join(cut[start : start + rng.randint(2, 5)]))
        procedures.append(
            {
                "id": f"synthetic-{number}",
                "name": " ".join(name),
                "field": "synthetic",
                "agency": "ubnd-xa",
                "level": "commune",
                "aliases": aliases,
                "summary": f"{rng.choice(kin)}. {rng.choice(kin)}.",
                "verified": "2026-11-27",
            }
        )
    return build({"updated": "2026-11-27", "procedures": procedures, "guides": []})


def _load(config: str) -> tuple[Any, Any]:
    from bot.catalogue.loader import load
    from bot.catalogue.national import load_national

    if config == "synthetic":
        return synthetic_catalogue(), None
    catalogue = load(os.environ.get("BOT_CATALOGUE", str(ROOT / "procedures.yaml")))
    return catalogue, load_national() if config == "national" else None


def _baseline(catalogue: Any, national: Any) -> Callable[[str], list[str]]:
    """The naive reading: rapidfuzz WRatio of the folded question against every folded name."""
    from rapidfuzz import fuzz, process

    from bot.text import fold

    ids = [e.id for e in catalogue.entries.values()]
    names = [fold(e.name) for e in catalogue.entries.values()]
    for procedure in (national or {}).values():
        ids.append(procedure.id)
        names.append(fold(procedure.name))

    def read(text: str) -> list[str]:
        """Return the ids of the three names most like the question."""
        found = process.extract(fold(text), names, scorer=fuzz.WRatio, limit=3)
        return [ids[index] for _, _, index in found]

    return read


def _matcher(catalogue: Any, national: Any) -> Callable[[str], list[str]]:
    from bot.matching.matcher import Matcher

    matcher = Matcher(catalogue, national)

    def read(text: str) -> list[str]:
        """Return the ids of the matcher's three candidates."""
        return [c.id for c in matcher.match(text, top=3).candidates]

    return read


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_one(config: str, engine: str, questions: list[dict[str, Any]], rounds: int) -> Run:
    """Measure one engine on one catalogue, in this process."""
    catalogue, national = _load(config)
    started = time.process_time()
    read = _matcher(catalogue, national) if engine == "matcher" else _baseline(catalogue, national)
    build_s = time.process_time() - started
    latencies: list[float] = []
    right = labelled = 0
    for round_number in range(rounds):
        for row in questions:
            begin = time.process_time()
            ids = read(str(row["q"]))
            latencies.append((time.process_time() - begin) * 1000)
            if round_number == 0 and row.get("expect"):
                labelled += 1
                right += bool(ids) and ids[0] in {row["expect"], *row.get("also", [])}
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Run(
        config=config,
        engine=engine,
        entries=len(catalogue.entries) + len(national or {}),
        build_s=build_s,
        p50_ms=_percentile(latencies, 0.5),
        p99_ms=_percentile(latencies, 0.99),
        rss_mb=rss_mb,
        top1=100 * right / labelled if labelled and config != "synthetic" else None,
    )


def _spawn(config: str, engine: str, questions: Path, rounds: int) -> Run:
    command = [sys.executable, "-m", "bot.tools.bench_match", "--one", config, engine]
    command += ["--questions", str(questions), "--rounds", str(rounds)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return Run(**json.loads(done.stdout.strip().splitlines()[-1]))


def calibrate() -> float:
    """Return the CPU seconds a fixed loop takes here, to compare machines."""
    started = time.process_time()
    sum(range(10**7))
    return time.process_time() - started


def format_table(runs: Sequence[Run]) -> str:
    """Return the runs as a plain-text table."""
    header = (
        f"{'catalogue':<10} {'engine':<9} {'entries':>7} {'build s':>8} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'peak MB':>8} {'top-1':>6}"
    )
    lines = [header, "-" * len(header)]
    for r in runs:
        top1 = f"{r.top1:5.1f}%" if r.top1 is not None else "     -"
        lines.append(
            f"{r.config:<10} {r.engine:<9} {r.entries:>7} {r.build_s:>8.3f} {r.p50_ms:>7.3f} "
            f"{r.p99_ms:>7.3f} {r.rss_mb:>8.1f} {top1:>6}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark table (each configuration measured in a fresh process)."""
    parser = argparse.ArgumentParser(prog="bot bench-match", description=__doc__.split("\n")[0])
    parser.add_argument("--questions", default=str(ROOT / "eval" / "questions.jsonl"))
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions")
    parser.add_argument("--config", choices=CONFIGS, action="append", help="only these")
    parser.add_argument("--one", nargs=2, metavar=("CONFIG", "ENGINE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    questions = Path(args.questions)
    if args.one:
        run = run_one(args.one[0], args.one[1], _questions(questions), args.rounds)
        print(json.dumps(run.__dict__))
        return 0
    runs = [
        _spawn(config, engine, questions, args.rounds)
        for config in args.config or CONFIGS
        for engine in ENGINES
    ]
    print(format_table(runs))
    print(
        f"questions: {questions.name if questions.exists() else 'built-in sample'}, "
        f"{args.rounds} rounds; goals: p99 <= 5 ms at 10,000 entries, build <= 2 s, <= 200 MB"
    )
    print(
        f"this machine: sum(range(10**7)) takes {calibrate():.3f} s of CPU (about 0.1 s on a "
        "current desktop core)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
