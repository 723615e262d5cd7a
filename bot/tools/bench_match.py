"""How fast and how big the matcher is, next to a naive baseline.

`python -m bot bench-match` prints, for (a) the shipped catalogue, (b) the catalogue with the
national list, and (c) realistic catalogue files of 3,000 and 10,000 entries (the shipped
entries' shape, see `bench_catalogue`) loaded the way production loads them, with the national
tier: the time to load the file, the index build time, the per-question latency (p50, p99), the
peak resident memory and the top-1 on our labelled questions where it means something; for each
file also what `check` costs on it. Times are CPU seconds of the process (steady on a shared
machine), with wall-clock seconds beside. Beside each, the same figures for a naive baseline:
rapidfuzz `process.extract` with `WRatio` over the folded names. The matcher runs twice: first
with an empty index cache ("matcher": it builds the index and saves it, as a first start does),
then with the cache that run left ("cached": every later start with the same catalogue); the
goals take the second, the first is shown beside. Each run has its own process, so its peak
memory is its own. `--baseline NAME=DIR` runs the matcher of another checkout (a worktree of an
earlier commit) on the same files in the same run, each of its runs just before ours. Then the
start-up of `chat` and `check` (see `bench_start`). Not a timed test.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ("shipped", "national", "file")
# "matcher" starts with an empty index cache (builds and saves it, as a first start does);
# "cached" starts again with the cache the first left (as every later start does).
ENGINES = ("matcher", "cached", "baseline")
SIZES = (3000, 10_000)
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
    load_s: float
    load_wall_s: float
    build_s: float
    p50_ms: float
    p99_ms: float
    rss_mb: float
    top1: float | None
    error: str = ""


@dataclass(frozen=True)
class Check:
    """What `check` costs on one catalogue file."""

    config: str
    cpu_s: float
    wall_s: float
    rss_mb: float
    summary: str


def peak_rss_mb() -> float:
    """The peak resident memory of this process, in MB.

    VmHWM, not `getrusage`'s ru_maxrss: Linux carries ru_maxrss over `exec` from the parent, so
    a child would show the peak of the parent that generated the big files.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _questions(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return [{"q": q, "expect": None} for q in FALLBACK_QUESTIONS]
    from bot.tools.evaluation import read_rows

    return read_rows(path)


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


def _matcher(catalogue: Any, national: Any, cache: Path | None) -> Callable[[str], list[str]]:
    from bot.matching.matcher import Matcher

    matcher = Matcher(catalogue, national, cache=cache)
    # The bot indexes the national list on the first question that needs it: counted here.
    matcher.warm()

    def read(text: str) -> list[str]:
        """Return the ids of the matcher's three candidates."""
        return [c.id for c in matcher.match(text, top=3).candidates]

    return read


def _percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_one(
    config: str,
    engine: str,
    questions: list[dict[str, Any]],
    rounds: int,
    path: Path | None = None,
    cache: Path | None = None,
) -> Run:
    """Measure one engine on one catalogue, in this process: load, build, then match."""
    from bot.catalogue.model import CatalogueError
    from bot.catalogue.national import load_national
    from bot.catalogue.reload import CatalogueHolder

    if path is None:
        path = Path(os.environ.get("BOT_CATALOGUE", str(ROOT / "procedures.yaml")))
    built: list[float] = []

    def make(catalogue: Any, national: Any) -> Callable[[str], list[str]]:
        """The engine, built on a loaded catalogue (the matcher with its index cache)."""
        if engine == "baseline":
            return _baseline(catalogue, national)
        return _matcher(catalogue, national, cache)

    def make_index(catalogue: Any) -> Callable[[str], list[str]]:
        """Build the engine's index on a loaded catalogue, timing the build alone."""
        started, began = time.process_time(), time.perf_counter()
        index = make(catalogue, national or None)
        built[:] = [time.process_time() - started, time.perf_counter() - began]
        return index

    cpu, wall = time.process_time(), time.perf_counter()
    # As bot/app.py: the national tier, then the catalogue holder (read, check, build, index).
    national = load_national() if config != "shipped" else {}
    try:
        holder = CatalogueHolder(path, make_index)
    except CatalogueError as exc:
        first = exc.problems[0] if exc.problems else str(exc)
        first = first.replace(str(path), path.name)
        nan = float("nan")
        return Run(config, engine, 0, nan, nan, nan, nan, nan, peak_rss_mb(), None, str(first))
    build_s, build_wall_s = built
    load_s = time.process_time() - cpu - build_s
    load_wall_s = time.perf_counter() - wall - build_wall_s
    read = holder.current.index
    catalogue = holder.current.catalogue
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
    return Run(
        config=config,
        engine=engine,
        entries=len(catalogue.entries) + len(national or {}),
        load_s=load_s,
        load_wall_s=load_wall_s,
        build_s=build_s,
        p50_ms=_percentile(latencies, 0.5),
        p99_ms=_percentile(latencies, 0.99),
        rss_mb=peak_rss_mb(),
        top1=100 * right / labelled if labelled and not config.startswith("file") else None,
    )


def check_one(config: str, path: Path) -> Check:
    """Run `check` on a file in this process, as `python -m bot check` does."""
    from bot.catalogue.validation import run_check

    out = io.StringIO()
    cpu, wall = time.process_time(), time.perf_counter()
    code = run_check(path, out)
    cpu_s, wall_s = time.process_time() - cpu, time.perf_counter() - wall
    lines = out.getvalue().strip().splitlines() or [""]
    # The summary, and the first problem when there are errors (the reason it was refused).
    summary = lines[-1] + (f" First: {lines[0]}" if len(lines) > 1 and code else "")
    return Check(config, cpu_s, wall_s, peak_rss_mb(), summary.replace(str(path), path.name))


def _child(arguments: list[str], root: Path = ROOT) -> dict[str, Any]:
    command = [sys.executable, "-m", "bot.tools.bench_match", *arguments]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=root, env=env)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@dataclass(frozen=True)
class Checkout:
    """Where a matcher's code is: this checkout, or another one named for the table."""

    name: str = ""
    root: Path = ROOT


def _spawn(
    config: str,
    engine: str,
    questions: Path,
    rounds: int,
    path: Path | None,
    cache: Path,
    checkout: Checkout = Checkout(),
) -> Run:
    arguments = ["--one", config, engine, "--questions", str(questions), "--rounds", str(rounds)]
    arguments += ["--cache", str(cache)]
    if path:
        arguments += ["--file", str(path)]
    try:
        run = Run(**_child(arguments, checkout.root))
    except (subprocess.CalledProcessError, ValueError, TypeError) as exc:
        nan = float("nan")
        run = Run(config, engine, 0, nan, nan, nan, nan, nan, nan, None, f"failed: {exc}")
    if checkout.name:
        label = checkout.name if engine == "matcher" else f"{checkout.name}-c"
        run = replace(run, engine=label)
    return run


def _checkout(spec: str) -> Checkout:
    """Read `--baseline NAME=DIR`."""
    name, _, folder = spec.partition("=")
    root = Path(folder).resolve()
    if not name or not (root / "bot" / "tools" / "bench_match.py").exists():
        raise SystemExit(f"--baseline NAME=DIR: no bot/tools/bench_match.py in {root}")
    return Checkout(name[:7], root)


def _spawn_check(config: str, path: Path) -> Check:
    return Check(**_child(["--check-one", config, str(path)]))


def calibrate() -> float:
    """Return the CPU seconds a fixed loop takes here, to compare machines."""
    started = time.process_time()
    sum(range(10**7))
    return time.process_time() - started


def format_table(runs: Sequence[Run]) -> str:
    """Return the runs as a plain-text table."""
    header = (
        f"{'catalogue':<11} {'engine':<9} {'entries':>7} {'load s':>7} {'wall':>7} "
        f"{'build s':>8} {'p50 ms':>7} {'p99 ms':>7} {'peak MB':>8} {'top-1':>6}"
    )
    lines = [header, "-" * len(header)]
    for r in runs:
        if r.error:
            lines.append(f"{r.config:<11} {r.engine:<9} refused: {r.error[:200]}")
            continue
        top1 = f"{r.top1:5.1f}%" if r.top1 is not None else "     -"
        lines.append(
            f"{r.config:<11} {r.engine:<9} {r.entries:>7} {r.load_s:>7.2f} {r.load_wall_s:>7.2f} "
            f"{r.build_s:>8.3f} {r.p50_ms:>7.3f} {r.p99_ms:>7.3f} {r.rss_mb:>8.1f} {top1:>6}"
        )
    return "\n".join(lines)


def format_checks(checks: Sequence[Check]) -> str:
    """Return the `check` runs as a plain-text table."""
    header = f"{'check on':<11} {'CPU s':>7} {'wall s':>7} {'peak MB':>8}  result"
    lines = [header, "-" * len(header)]
    for c in checks:
        lines.append(
            f"{c.config:<11} {c.cpu_s:>7.2f} {c.wall_s:>7.2f} {c.rss_mb:>8.1f}  {c.summary[:300]}"
        )
    return "\n".join(lines)


def _goal(label: str, value: float, goal: float, unit: str) -> str:
    verdict = "met" if value <= goal else "NOT met"
    return f"{label}: {value:.3f} {unit} (goal <= {goal:g} {unit}; {verdict})"


def format_goals(
    runs: Sequence[Run], checks: Sequence[Check], sizes: Sequence[int], before: Sequence[str] = ()
) -> str:
    """The issue's goals, each beside the figure measured in this run (CPU seconds), and the
    figures of the `before` checkouts beside."""
    ours = {r.config: r for r in runs if r.engine == "matcher" and not r.error}
    cached = {r.config: r for r in runs if r.engine == "cached" and not r.error}
    naive = {r.config: r for r in runs if r.engine == "baseline" and not r.error}
    done = {(r.config, r.engine): r for r in runs if not r.error}
    checked = {c.config: c for c in checks}
    lines = []
    for size in sizes:
        name = f"file-{size}"
        check, base = checked.get(name), naive.get(name)
        first, run = ours.get(name), cached.get(name) or ours.get(name)
        if check:
            lines.append(_goal(f"{name}: check CPU", check.cpu_s, 1 if size <= 3000 else 4, "s"))
        if run is None or first is None:
            lines.append(f"{name}: the bot could not load the file (see the table)")
            continue
        # Each goal is judged on a first start (nothing cached: the file checked, the index
        # built); a restart on the same file, which reads both from the caches, is beside it.
        if size <= 3000:
            lines.append(
                _goal(
                    f"{name}: ready (load + build) CPU on a first start (builds and saves the "
                    "caches)",
                    first.load_s + first.build_s,
                    2,
                    "s",
                )
            )
            lines.append(
                f"{name}: ready (load + build) CPU on a restart: {run.load_s + run.build_s:.3f} s"
            )
            lines.append(
                _goal(
                    f"{name}: peak RSS when ready and matching",
                    max(first.rss_mb, run.rss_mb),
                    150,
                    "MB",
                )
            )
        else:
            # The bot's load validates the file as `check` does, then builds the model.
            lines.append(
                _goal(f"{name}: load (check included) CPU on a first start", first.load_s, 4, "s")
            )
            lines.append(f"{name}: load CPU on a restart (the check kept): {run.load_s:.3f} s")
            lines.append(
                _goal(
                    f"{name}: build CPU on a first start (builds and saves the cache)",
                    first.build_s,
                    1,
                    "s",
                )
            )
            lines.append(_goal(f"{name}: build CPU, index cache kept", run.build_s, 1, "s"))
            lines.append(_goal(f"{name}: p99", run.p99_ms, 2, "ms"))
        lines.append(
            f"{name}: ours, p50 {run.p50_ms:.3f} ms, p99 {run.p99_ms:.3f} ms, build first "
            f"start {first.build_s:.3f} s, cached {run.build_s:.3f} s, {run.rss_mb:.0f} MB"
        )
        for label in before:
            old, old_cached = done.get((name, label)), done.get((name, f"{label}-c"))
            if old is None or old_cached is None:
                lines.append(f"{name}: {label} did not run (see the table)")
                continue
            lines.append(
                f"{name}: {label}, p50 {old_cached.p50_ms:.3f} ms, p99 "
                f"{old_cached.p99_ms:.3f} ms, build first start {old.build_s:.3f} s, cached "
                f"{old_cached.build_s:.3f} s, {old_cached.rss_mb:.0f} MB (same run)"
            )
        if base:
            lines.append(
                f"{name}: naive baseline in the same run: build {base.build_s:.3f} s, "
                f"p50 {base.p50_ms:.3f} ms, p99 {base.p99_ms:.3f} ms, {base.rss_mb:.0f} MB"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark tables (each configuration measured in a fresh process)."""
    parser = argparse.ArgumentParser(prog="bot bench-match", description=__doc__.split("\n")[0])
    parser.add_argument("--questions", default=str(ROOT / "eval" / "questions.jsonl"))
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions")
    parser.add_argument("--config", choices=CONFIGS, action="append", help="only these")
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="sizes of the catalogue files"
    )
    parser.add_argument("--starts", type=int, default=5, help="start-up runs (0: skip)")
    parser.add_argument(
        "--baseline",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="also run the matcher of the checkout in DIR (an earlier commit), named NAME",
    )
    parser.add_argument(
        "--no-naive",
        action="store_true",
        help="skip the naive baseline (minutes of CPU on the large files)",
    )
    parser.add_argument("--one", nargs=2, metavar=("CONFIG", "ENGINE"), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--check-one", nargs=2, metavar=("CONFIG", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    questions = Path(args.questions)
    if args.one:
        # The allocator settings of the bot's long-running front ends (`run`, `web`).
        from bot.frontends.memory import compact_malloc

        compact_malloc()
        path = Path(args.file) if args.file else None
        cache = Path(args.cache) if args.cache else None
        run = run_one(args.one[0], args.one[1], _questions(questions), args.rounds, path, cache)
        print(json.dumps(run.__dict__))
        return 0
    if args.check_one:
        print(json.dumps(check_one(args.check_one[0], Path(args.check_one[1])).__dict__))
        return 0
    sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    others = [_checkout(spec) for spec in args.baseline]
    configs = args.config or CONFIGS
    runs: list[Run] = []
    checks: list[Check] = []
    import tempfile  # the measured runs (`--one`) do without it, as the bot does

    with tempfile.TemporaryDirectory(prefix="bench-match-") as tmp:
        plan: list[tuple[str, Path | None]] = [(c, None) for c in configs if c != "file"]
        if "file" in configs:
            from bot.tools.bench_catalogue import write_catalogue

            plan += [(f"file-{size}", write_catalogue(size, Path(tmp))) for size in sizes]
        for config, path in plan:
            if path is not None:
                checks.append(_spawn_check(config, path))
            # A fresh cache folder per catalogue and checkout: "matcher" fills it, "cached"
            # reads it. Each engine runs in the other checkouts just before ours.
            cache = Path(tmp) / f"index-cache-{config}"
            for engine in ENGINES if not args.no_naive else ENGINES[:-1]:
                for other in others if engine != "baseline" else ():
                    own = cache.with_name(f"{cache.name}-{other.name}")
                    runs.append(_spawn(config, engine, questions, args.rounds, path, own, other))
                runs.append(_spawn(config, engine, questions, args.rounds, path, cache))
    print(format_table(runs))
    print(
        f"questions: {questions.name if questions.exists() else 'built-in sample'}, "
        f"{args.rounds} rounds; load (national tier + catalogue holder: read, check, build) and "
        "build (the index) in CPU seconds, load's wall-clock seconds beside; files generated "
        "from the shipped entries and national names"
    )
    if checks:
        print(format_checks(checks))
        print(format_goals(runs, checks, sizes, [other.name for other in others]))
    print(
        f"this machine: sum(range(10**7)) takes {calibrate():.3f} s of CPU (about 0.1 s on a "
        "current desktop core)"
    )
    if args.starts > 0:
        from bot.tools.bench_start import format_starts, measure_starts

        print(format_starts(measure_starts(args.starts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
