"""A realistic large catalogue file for the benchmarks, made from the shipped one.

The shipped file keeps its header (portals, vocabulary, agencies, fields, guides) and its
curated entries; the procedure list is then filled up to the asked size with copies of those
entries (their documents, steps, fees, notes and sources), each with its own id, a name from
the national list (with a word changed once the list runs out) and aliases varied with words of
the national names, so that no two entries read alike. This is the shape a province's full
catalogue would have, unlike entries made up in code.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "procedures.yaml"


def _read(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    assert isinstance(data, dict)
    return data


def _cut(text: str, rng: random.Random) -> str:
    words = text.split()
    start = rng.randrange(max(1, len(words) - 3))
    return " ".join(words[start : start + rng.randint(2, 5)])


def _vary(text: str, words: list[str], rng: random.Random) -> str:
    parts = text.split()
    parts[rng.randrange(len(parts))] = rng.choice(words).lower()
    return " ".join(parts)


def realistic_catalogue(size: int, seed: int = 7, shipped: Path = SHIPPED) -> dict[str, Any]:
    """Return the shipped catalogue's data with its procedure list filled up to `size`."""
    from bot.catalogue.national import load_national
    from bot.text import fold

    data = _read(shipped)
    curated: list[dict[str, Any]] = list(data["procedures"])
    national = list(load_national().values())
    words = sorted({w for p in national for w in p.name.split() if w.isalpha() and len(w) > 1})
    rng = random.Random(seed)
    procedures = curated[:size]
    names: set[str] = {str(p["name"]).lower() for p in procedures}
    codes: set[str] = {str(p["code"]) for p in procedures if p.get("code")}
    taken = {fold(str(a)) for p in procedures for a in [p["name"], *p.get("aliases", [])]}
    for number in range(len(procedures), size):
        entry = copy.deepcopy(curated[number % len(curated)])
        source = national[number % len(national)]
        name = source.name
        while name.lower() in names or fold(name) in taken:
            name = _vary(source.name, words, rng)
        names.add(name.lower())
        entry["id"] = f"{entry['id']}-{number}"
        entry["name"] = name
        if name == source.name and source.code not in codes:
            entry["code"] = source.code
            codes.add(source.code)
        else:
            entry.pop("code", None)
        aliases = [_vary(str(a), words, rng) for a in entry.get("aliases", [])]
        aliases += [_cut(name, rng), _cut(source.name, rng)]
        taken.add(fold(name))
        entry["aliases"] = []
        for alias in aliases:
            if fold(alias) not in taken:
                taken.add(fold(alias))
                entry["aliases"].append(alias)
        procedures.append(entry)
    data["procedures"] = procedures
    return data


def write_catalogue(size: int, folder: Path, seed: int = 7) -> Path:
    """Write a realistic catalogue of `size` procedures into `folder` and return its path."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path = folder / f"procedures-{size}.yaml"
    text = yaml.dump(
        realistic_catalogue(size, seed),
        Dumper=dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    path.write_text(text, encoding="utf-8")
    return path


# --- the benchmark: `python -m bot.tools.bench_catalogue` -------------------------------------

# Issue 14's goals, CPU seconds from process start to exit: `check` on the shipped file, `check`
# on 3,000 entries (and the bot ready on them, with its peak memory), and loading (and checking)
# 10,000 entries.
GOALS: dict[object, tuple[float, tuple[str, ...]]] = {
    "shipped": (0.15, ("check",)),
    3000: (1.0, ("check",)),
    10_000: (4.0, ("check", "load")),
}
READY_GOALS = {3000: (2.0, 150.0)}  # the bot ready: CPU seconds, peak MB
_HWM = (
    "import atexit, sys\n"
    "def _hwm():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM'):\n"
    "            sys.stderr.write('VmHWM ' + line.split()[1] + '\\n')\n"
    "atexit.register(_hwm)\n"
)
_STEPS = {
    # What staff run: the whole `check` command (with the communes file when one is beside).
    "check": "import runpy; sys.argv = ['bot', 'check', sys.argv[1]]\n"
    "runpy.run_module('bot', run_name='__main__', alter_sys=True)\n",
    # What the bot does at start and on every reload: check, then the immutable model.
    "load": "from bot.catalogue.loader import load; load(sys.argv[1])\n",
    # What `run`, `chat` and `web` do before the first question: the catalogue (checked) with
    # its matcher index, and the national list as they hold it (read when first needed), as
    # `open_runtime` does (no database).
    "ready": "from bot.app import national_list, open_holder\n"
    "from bot.settings import Settings\n"
    "from pathlib import Path\n"
    "settings = Settings(catalogue=Path(sys.argv[1]), database=':memory:')\n"
    "open_holder(settings, national_list(settings))\n",
    # The baseline: PyYAML's C loader making plain data of the same file, nothing checked.
    "yaml.load": "import yaml; yaml.load(open(sys.argv[1], encoding='utf-8').read(), "
    "Loader=yaml.CSafeLoader)\n",
}


def _env(code: Path, **more: str) -> dict[str, str]:
    """The environment of a step run on `code`: its bytecode cached (as an installed bot has
    it: pip compiles it on install) in a folder of this run's, not in the checkout."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cache = Path(_PYCACHE[0]) / str(abs(hash(str(code))))
    return {**env, "PYTHONPATH": str(code), "PYTHONPYCACHEPREFIX": str(cache), **more}


_PYCACHE = [""]  # the run's bytecode folder, set by `main`


def _warm(code: Path) -> None:
    """Write `code`'s bytecode for every step (not timed): the steps on the shipped file."""
    import subprocess
    import sys

    for step in ("check", "ready"):
        subprocess.run(
            [sys.executable, "-c", _HWM + _STEPS[step], str(code / "procedures.yaml")],
            cwd=code,
            env=_env(code, BOT_CACHE_DIR=""),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )


def _measure(step: str, path: Path, code: Path) -> tuple[float, float, float, int]:
    """Run one step in its own process; return (CPU s, wall s, peak MB, exit code)."""
    import os
    import subprocess
    import sys
    import time

    # The derived-data cache off: a file staff just edited is always checked in full.
    env = _env(code, BOT_CACHE_DIR="")
    began = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", _HWM + _STEPS[step], str(path)],
        cwd=code,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert child.stderr is not None
    err = child.stderr.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - began
    peak = [int(line.split()[1]) for line in err.splitlines() if line.startswith("VmHWM ")]
    cpu = usage.ru_utime + usage.ru_stime
    return cpu, wall, (peak[-1] / 1024 if peak else 0.0), child.returncode


def _starts(code: Path, runs: int) -> dict[str, float]:
    """Median CPU seconds of `check` on the shipped file and of a bare python, start to exit."""
    import os
    import statistics
    import subprocess
    import sys

    env = _env(code)
    plans = {"check": ["-m", "bot", "check", str(code / "procedures.yaml")], "bare": ["-c", "0"]}
    result = {}
    for name, arguments in plans.items():
        times = []
        for _ in range(runs):
            child = subprocess.Popen(
                [sys.executable, *arguments],
                cwd=code,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            _, _, usage = os.wait4(child.pid, 0)
            child.returncode = 0
            times.append(usage.ru_utime + usage.ru_stime)
        result[name] = statistics.median(times)
    return result


def main(argv: list[str] | None = None) -> int:
    """Print `check` and load figures at each size beside the plain C-loader baseline."""
    import argparse
    import os
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m bot.tools.bench_catalogue")
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 10_000])
    parser.add_argument(
        "--starts", type=int, default=5, help="runs of `check` on the shipped file"
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="another checkout (e.g. a worktree of an older commit) to "
        "run the same steps on, in this same run",
    )
    args = parser.parse_args(argv)
    codes = [("now", ROOT)] + ([("before", args.before.resolve())] if args.before else [])
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("CPU s = user + system of the child process, start to exit; peak = its VmHWM.")
    print("Bytecode cached (written by an untimed run first), as an installed bot has it.")
    header = f"{'file':<16} {'code':<7} {'step':<10} {'CPU s':>7} {'wall s':>7} {'peak MB':>8}"
    with tempfile.TemporaryDirectory(prefix="bench-catalogue-") as tmp:
        _PYCACHE[0] = str(Path(tmp) / "bytecode")
        for _, code in codes:
            _warm(code)
        files = [
            (f"{size} entries", size, write_catalogue(size, Path(tmp))) for size in args.sizes
        ]
        print(header)
        verdicts = []
        memory: list[tuple[str, float, float]] = []
        for label, size, path in files:
            megabytes = path.stat().st_size / 1024 / 1024
            for name, code in codes:
                for step in ("yaml.load", "check", "load", "ready"):
                    cpu, wall, peak, status = _measure(step, path, code)
                    flag = "" if status == 0 or step == "check" else f"  (exit code {status})"
                    refused = "  (refused)" if step == "check" and status else ""
                    print(
                        f"{label:<16} {name:<7} {step:<10} {cpu:>7.2f} {wall:>7.2f} "
                        f"{peak:>8.0f}{flag}{refused}"
                    )
                    goal, steps = GOALS.get(size, (0.0, ()))
                    if name == "now" and step in steps:
                        verdicts.append((f"{label} ({megabytes:.0f} MB): {step}", cpu, goal))
                    if name == "now" and step == "ready" and size in READY_GOALS:
                        ready_cpu, ready_mb = READY_GOALS[size]
                        verdicts.append((f"{label}: bot ready", cpu, ready_cpu))
                        memory.append((f"{label}: bot ready, peak", peak, ready_mb))
        for name, code in codes:
            starts = _starts(code, args.starts)
            print(
                f"{'shipped':<16} {name:<7} {'check':<10} {starts['check']:>7.2f}"
                f"   (median of {args.starts}; a bare python: {starts['bare']:.2f})"
            )
            if name == "now":
                verdicts.append(("shipped file: check", starts["check"], GOALS["shipped"][0]))
    for what, value, goal in verdicts:
        mark = "met" if value <= goal else "NOT met"
        print(f"goal {what} <= {goal:g} s CPU: {value:.2f} s, {mark}")
    for what, value, goal in memory:
        mark = "met" if value <= goal else "NOT met"
        print(f"goal {what} <= {goal:g} MB: {value:.0f} MB, {mark}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
