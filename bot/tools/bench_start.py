"""Start-up time of `python -m bot chat` and `python -m bot check`, as a citizen or staff member
waits for them.

`chat` is timed from the process start until it has printed its greeting and ended (its stdin
holds only `/start`, then is closed: piped input shows no banner, so `/start` asks for the
greeting); `check` from the process start to its end, on the shipped file. Each is run several
times (after one untimed run, which writes the bytecode cache as a first start would) and the
median kept; wall-clock seconds beside the CPU seconds the child used (user +
system, from `resource.getrusage(RUSAGE_CHILDREN)`), since the machine may be shared.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOALS = {"chat": 0.3, "check": 0.15}


@dataclass(frozen=True)
class Start:
    """The median start-up of one command."""

    command: str
    wall_s: float
    cpu_s: float
    runs: int


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_once(
    arguments: Sequence[str], env: dict[str, str], stdin: str = ""
) -> tuple[float, float]:
    """Run `python ARGUMENTS` to its end; return (wall seconds, CPU seconds)."""
    cpu = _children_cpu()
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, *arguments],
        input=stdin.encode(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
        check=False,
    )
    return time.perf_counter() - began, _children_cpu() - cpu


def measure_starts(runs: int = 5, catalogue: Path | None = None) -> list[Start]:
    """The median start-up of `chat`, of `check` on the shipped file and of a bare python."""
    shipped = catalogue or ROOT / "procedures.yaml"
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
        # As an installed bot starts: with its bytecode cached (pip compiles it on install;
        # a checkout writes it on its first run, which is not timed).
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "BOT_CATALOGUE": str(shipped),
            "BOT_DATABASE": str(Path(tmp) / "bot.sqlite3"),
        }
        plans = {
            "chat": (["-m", "bot", "chat"], "/start\n"),
            "check": (["-m", "bot", "check", str(shipped)], ""),
            "bare": (["-c", "pass"], ""),
        }
        for name, (arguments, stdin) in plans.items():
            time_once(arguments, env, stdin)
            times = [time_once(arguments, env, stdin) for _ in range(runs)]
            results.append(
                Start(
                    name,
                    statistics.median(t[0] for t in times),
                    statistics.median(t[1] for t in times),
                    runs,
                )
            )
    return results


def format_starts(starts: Sequence[Start]) -> str:
    """One line per command: median wall and CPU seconds beside the goal."""
    lines = []
    bare = [s for s in starts if s.command == "bare"]
    for s in starts:
        if s.command == "bare":
            continue
        goal = GOALS.get(s.command, float("nan"))
        what = "to its greeting and end" if s.command == "chat" else "on the shipped file"
        lines.append(
            f"start-up of `python -m bot {s.command}` {what}: {s.wall_s:.3f} s wall, "
            f"{s.cpu_s:.3f} s CPU (median of {s.runs}; goal <= {goal:g} s)"
        )
    for s in bare:
        lines.append(
            f"baseline, a bare `python -c pass`: {s.wall_s:.3f} s wall, {s.cpu_s:.3f} s CPU "
            f"(median of {s.runs})"
        )
    return "\n".join(lines)
