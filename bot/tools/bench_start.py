"""Start-up time of `python -m bot chat` and `python -m bot check`, as a citizen or staff member
waits for them, beside a bare python and (with `--before DIR`) an older checkout, in one run.

`chat` is timed from the process start until it has printed its greeting and ended (its stdin
holds only `/start`, then is closed: piped input shows no banner, so `/start` asks for the
greeting): the first prompt is ready by then. `chat, first answer` adds one citizen question,
so that what the chat leaves for the first question that needs it (the index, the national
tier) is counted too. `check` runs from the process start to its end, on the shipped file; the
derived-data cache (bot.catalogue.derived) is warm, as on any but the first run, and `check,
cache off` shows the same without it. Each is run several times, the commands taking turns
(and the two checkouts too), after one untimed run of each, which writes the bytecode and the
derived-data caches as a first start would; the median is kept, wall-clock seconds beside the
CPU seconds the child used (user + system, from `os.wait4`), since the machine may be shared.

`--ready N` adds the Telegram bot (`python -m bot run`, against the local fake Bot API) ready
on a realistic catalogue of N entries (`bench_catalogue.write_catalogue`): from the process
start to its "bot ready" log line, wall and CPU seconds (its own and its helpers') and its peak
memory, first on an empty cache and database folder (a first start), then again on the same
folders with the file unchanged (a restart), each checkout on folders of its own.
`--ready-latency MS` has the fake answer each call after MS milliseconds, as a Telegram
across the network does (the bot reaches it several times before it is ready).

    python -m bot.tools.bench_start [--runs 5] [--before DIR]
        [--ready 3000 [--ready-runs 3] [--ready-latency MS] [--no-starts]]
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOALS = {"chat": 0.3, "check": 0.15}
READY_GOAL = (2.0, 150.0)  # the bot ready on 3,000 entries: seconds, peak MB
READY_LINE = "bot ready"  # what the bot logs once it serves (bot.frontends.telegram.bot)
QUESTION = "làm giấy khai sinh cho con"
TIMEOUT = 30.0  # seconds; a run that takes longer is stopped and shown as not ending
READY_TIMEOUT = 120.0  # seconds for the bot to be ready on a large catalogue (a first start)
# name -> (arguments after `python`, stdin, extra environment)
PLANS: dict[str, tuple[list[str], str, dict[str, str]]] = {
    "chat": (["-m", "bot", "chat"], "/start\n", {}),
    "chat, first answer": (["-m", "bot", "chat"], f"/start\n{QUESTION}\n", {}),
    "check": (["-m", "bot", "check", "procedures.yaml"], "", {}),
    "check, cache off": (["-m", "bot", "check", "procedures.yaml"], "", {"BOT_CACHE_DIR": ""}),
    "bare": (["-c", "pass"], "", {}),
}


@dataclass(frozen=True)
class Start:
    """The median start-up of one command in one checkout."""

    command: str
    wall_s: float
    cpu_s: float
    runs: int
    code: str = "now"


def time_once(
    arguments: Sequence[str], env: dict[str, str], stdin: str = "", cwd: Path = ROOT
) -> tuple[float, float]:
    """Run `python ARGUMENTS` to its end; return (wall seconds, CPU seconds), both NaN when it
    does not end within TIMEOUT seconds (it is stopped then)."""
    began = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=cwd,
    )
    assert child.stdin is not None
    stop = threading.Timer(TIMEOUT, child.kill)
    stop.start()
    try:
        child.stdin.write(stdin.encode())
        child.stdin.close()
    except BrokenPipeError:
        pass
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = 0  # reaped by wait4
    stop.cancel()
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
        return math.nan, math.nan
    return time.perf_counter() - began, usage.ru_utime + usage.ru_stime


def measure_starts(
    runs: int = 5, catalogue: Path | None = None, before: Path | None = None
) -> list[Start]:
    """The median start-up of each plan, in this checkout (and in `before`, taking turns)."""
    codes = [("now", ROOT)] + ([("before", before.resolve())] if before is not None else [])
    samples: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
        envs = {}
        for label, code in codes:
            folder = Path(tmp) / label
            folder.mkdir()
            shipped = catalogue or code / "procedures.yaml"
            # As an installed bot starts: with its bytecode cached (pip compiles it on install;
            # a checkout writes it on its first run, which is not timed).
            envs[label] = {
                **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
                "PYTHONPATH": str(code),
                "BOT_CATALOGUE": str(shipped),
                "BOT_DATABASE": str(folder / "bot.sqlite3"),
                "BOT_CACHE_DIR": str(folder / "cache"),
            }
        for turn in range(runs + 1):
            for name, (arguments, stdin, extra) in PLANS.items():
                for label, code in codes:
                    if catalogue is not None and arguments[-1] == "procedures.yaml":
                        arguments = [*arguments[:-1], str(catalogue)]
                    taken = time_once(arguments, {**envs[label], **extra}, stdin, code)
                    if turn:  # the first turn writes the caches
                        samples.setdefault((label, name), []).append(taken)
    return [
        Start(
            name,
            _median([t[0] for t in times]),
            _median([t[1] for t in times]),
            len(times),
            label,
        )
        for (label, name), times in samples.items()
    ]


@dataclass(frozen=True)
class Ready:
    """The Telegram bot ready on a catalogue: one start of one checkout."""

    start: str  # "first start" or "restart"
    wall_s: float
    cpu_s: float
    peak_mb: float  # the bot's peak memory when it is ready
    later_mb: float = math.nan  # the highest of the bot and its helpers until it stopped
    code: str = "now"


def _bot_env(code: Path, catalogue: Path, folder: Path, api: str, token: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONPATH": str(code),
        "BOT_CATALOGUE": str(catalogue),
        "BOT_DATABASE": f"sqlite:///{folder / 'bot.sqlite3'}",
        "BOT_CACHE_DIR": str(folder / "cache"),
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_URL": api,
        "BOT_SALT": "bench-start-" + "x" * 20,
        "BOT_STAFF_CHAT_ID": "",
    }


def _proc_peak(pid: int) -> float:
    """The peak resident memory of a running process so far, in MB (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


def _proc_cpu(pid: int) -> float:
    """CPU seconds of a running process and of the children it has waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def ready_once(env: dict[str, str], code: Path) -> tuple[float, float, float, float]:
    """Start `python -m bot run` and return (wall s, CPU s, peak MB) at its "bot ready" line,
    and the highest peak of the bot and of any helper process it started over its whole run
    (it is stopped half a second after it is ready); NaN when it is not ready in time."""
    began = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=code,
    )
    assert child.stderr is not None

    def kill() -> None:  # by pid: Popen's own would reap the child, which wait4 does below
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGKILL)

    stop = threading.Timer(READY_TIMEOUT, kill)
    stop.start()
    wall = cpu = peak = math.nan
    for line in child.stderr:
        if READY_LINE.encode() in line:
            wall, cpu = time.perf_counter() - began, _proc_cpu(child.pid)
            peak = _proc_peak(child.pid)
            break
    stop.cancel()
    threading.Thread(target=child.stderr.read, daemon=True).start()  # keep its log flowing
    time.sleep(0.5)  # let it start polling: a stop signal within its start-up is another test
    with contextlib.suppress(ProcessLookupError):
        os.kill(child.pid, signal.SIGTERM)
    ended = threading.Timer(20.0, kill)
    ended.start()
    _, _, usage = os.wait4(child.pid, 0)
    ended.cancel()
    child.returncode = 0  # reaped by wait4
    return wall, cpu, peak, usage.ru_maxrss / 1024 if not math.isnan(wall) else math.nan


def measure_ready(
    size: int, runs: int = 3, before: Path | None = None, latency_ms: int = 0
) -> list[Ready]:
    """The median first start and restart of the Telegram bot on a realistic catalogue of
    `size` entries, in this checkout (and in `before`, taking turns), against the fake Bot API
    (answering each call after `latency_ms`, as a distant Telegram would)."""
    from bot.tools.bench_catalogue import write_catalogue
    from bot.tools.fakebotapi.server import FakeTelegram

    codes = [("now", ROOT)] + ([("before", before.resolve())] if before is not None else [])
    samples: dict[tuple[str, str], list[tuple[float, float, float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ready-") as tmp, FakeTelegram() as fake:
        catalogue = write_catalogue(size, Path(tmp))
        if latency_ms:
            fake.fault("*", "delay", times=10**9, delay_ms=latency_ms)
        for _, code in codes:  # the bytecode written, as an installed bot has it (not timed)
            compiled = {**os.environ, "PYTHONPATH": str(code)}
            compiled.pop("PYTHONDONTWRITEBYTECODE", None)
            warm = "import bot.frontends.telegram.bot, bot.catalogue.validation, bot.cli"
            subprocess.run([sys.executable, "-c", warm], cwd=code, env=compiled, check=False)
        for turn in range(runs):
            for label, code in codes:
                folder = Path(tmp) / f"{label}-{turn}"
                folder.mkdir()
                env = _bot_env(code, catalogue, folder, fake.base_url, fake.token)
                for start in ("first start", "restart"):
                    samples.setdefault((label, start), []).append(ready_once(env, code))
    return [
        Ready(
            start,
            _median([t[0] for t in taken]),
            _median([t[1] for t in taken]),
            _median([t[2] for t in taken]),
            _median([t[3] for t in taken]),
            code=label,
        )
        for (label, start), taken in samples.items()
    ]


def format_ready(size: int, readies: Sequence[Ready], latency_ms: int = 0) -> str:
    """One line per start and checkout: wall, CPU and peak memory, beside the goal and the
    older checkout's figures."""
    found = {(r.code, r.start): r for r in readies}
    seconds, megabytes = READY_GOAL
    lines = [
        f"the bot ready (`run`, fake Bot API, {size:,} entries): process start to its "
        f"{READY_LINE!r} log line; CPU includes its helper processes"
        + (f"; the Bot API answers each call after {latency_ms} ms" if latency_ms else "")
    ]
    for start in ("first start", "restart"):
        for label in ("now", "before"):
            r = found.get((label, start))
            if r is None:
                continue
            line = (
                f"{start + ', ' + label + ':':<22} {r.wall_s:6.2f} s wall, {r.cpu_s:6.2f} s CPU,"
                f" peak {r.peak_mb:5.0f} MB (until stopped: {r.later_mb:.0f} MB)"
            )
            if label == "now" and size == 3000:
                met = r.cpu_s <= seconds and r.peak_mb <= megabytes
                verdict = "met" if met else "NOT met"
                line += f"; goal <= {seconds:g} s CPU, <= {megabytes:g} MB: {verdict}"
            lines.append(line)
    return "\n".join(lines)


def _median(values: list[float]) -> float:
    return math.nan if any(map(math.isnan, values)) else statistics.median(values)


def format_starts(starts: Sequence[Start]) -> str:
    """One line per command and checkout: median wall and CPU seconds beside the goal and,
    with an older checkout, its figures and the ratio of CPU seconds."""
    found = {(s.code, s.command): s for s in starts}
    lines = []
    for name in PLANS:
        now = found.get(("now", name))
        if now is None:
            continue
        goal = GOALS.get(name)
        line = (
            f"{name + ':':<20} {now.wall_s:6.3f} s wall, {now.cpu_s:6.3f} s CPU"
            f" (median of {now.runs})"
        )
        if goal is not None:
            line += f"; goal <= {goal:g} s: {'met' if now.cpu_s <= goal else 'NOT met'} (CPU)"
        old = found.get(("before", name))
        if old is not None:
            line += (
                f"; before: {old.wall_s:6.3f} s wall, {old.cpu_s:6.3f} s CPU"
                f" (now/before CPU {now.cpu_s / old.cpu_s:.2f})"
            )
        lines.append(line)
    if any(math.isnan(s.cpu_s) for s in starts):
        lines.append(f"nan: a run did not end within {TIMEOUT:g} s (it was stopped)")
    return "\n".join(
        [
            "start-up, process start to exit (`chat`: to its greeting, the first prompt ready; "
            "`check`: on the shipped file); `bare` is `python -c pass`, the baseline",
            *lines,
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print the start-up figures (beside an older checkout's with --before)."""
    parser = argparse.ArgumentParser(prog="python -m bot.tools.bench_start")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command")
    parser.add_argument("--before", type=Path, help="an older checkout to time in the same run")
    parser.add_argument(
        "--ready", type=int, default=0, metavar="N", help="also the bot ready on N entries"
    )
    parser.add_argument("--ready-runs", type=int, default=3, help="first starts and restarts")
    parser.add_argument(
        "--ready-latency", type=int, default=0, metavar="MS", help="the Bot API's delay per call"
    )
    parser.add_argument("--no-starts", action="store_true", help="only the bot ready")
    args = parser.parse_args(argv)
    if not args.no_starts:
        print(format_starts(measure_starts(args.runs, before=args.before)))
    if args.ready:
        latency = args.ready_latency
        readies = measure_ready(args.ready, args.ready_runs, args.before, latency)
        print(format_ready(args.ready, readies, latency))
    load = os.getloadavg()
    print(f"load average while measured: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
