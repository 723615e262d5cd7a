"""Load benchmark: the real bot process against the fake Bot API server on 127.0.0.1.

`python -m bot bench-load` starts three fake servers (`bot.tools.fakebotapi`) and three child
processes: our bot (`python -m bot run`), a bare python-telegram-bot echo bot, and a bare
python-telegram-bot bot that answers every message with a reply the size of ours (our typical
reply's text and inline buttons, see `bench_reply`), both with the same concurrency, connection
pool and poll interval (the ceilings of what the framework allows). All run without the Bot API
rate limiter for the throughput figures (BOT_SEND_RATE=0), since it caps sends at 30 a second.
Their phases alternate, so that all see the same machine (other work on it shows as noise):

- max: `--in-flight` citizens writing at once, each writing again as soon as answered, for
  `--seconds`, `--rounds` times each (the median run is kept);
- fixed: `--rates` updates a second for `--seconds`; latency runs from the update being
  available on the server to the reply reaching it (p50, p99);
- then ours alone with the production rate limiter (30 messages a second) and a fake server
  that answers 429 above 30 sends a second: a burst of `--burst` citizens at once must be
  delivered in full, each exactly once.

`--baseline NAME=DIR` adds our bot as another checkout has it (a worktree of an earlier commit),
phases alternating with the others: a before/after measured on the same machine at the same
time. `--fixed-rounds` repeats the fixed phases (alternating) and pools their latencies, since
the p99 of a few hundred replies is mostly noise.

Every citizen is new (one message each), so the per-citizen flood limit never applies; the
questions come from eval/questions.jsonl. Peak RSS is the bot process's VmHWM; CPU ms/upd is
its user + system time over the updates of a phase (which other work on the machine moves far
less than it moves latencies); harness ms is the same for this process (the fake servers and
the citizens pushing updates), which shares the machine's cores with the bot.
Everything talks to 127.0.0.1 only, every loop is bounded in time, and the children are stopped.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

QUESTIONS = [
    "lam giay khai sinh cho con",
    "đổi cccd hết bao nhiêu tiền",
    "đăng ký kết hôn cần giấy tờ gì",
    "dang ky tam tru o dau",
    "xin cấp phiếu lý lịch tư pháp",
    "lam ho chieu mat bao lau",
]
FIRST_CHAT = 1_000_000
# Citizens' questions from the project's labelled set, so that matching works as in real life
# (hundreds of different questions, not a handful the caches would learn).
QUESTION_FILE = Path(__file__).resolve().parents[2] / "eval" / "questions.jsonl"


def load_questions(path: Path = QUESTION_FILE) -> list[str]:
    """The questions of a JSON-lines file (field `q`), or the built-in few if it is missing."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return QUESTIONS
    found = [str(json.loads(line)["q"]) for line in lines if line.strip()]
    return [q for q in found if q.strip()] or QUESTIONS


@dataclass
class Phase:
    """Figures of one run of load against one bot."""

    bot: str
    mode: str
    pushed: int = 0
    answered: int = 0
    extra: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    cpu_seconds: float = 0.0  # the bot process's CPU (user + system) for the pushed updates
    # This process's CPU over the phase: the fake Bot API servers and the citizens pushing
    # updates, which share the machine with the bot.
    harness_seconds: float = 0.0

    @property
    def cpu_ms(self) -> float:
        """CPU milliseconds of the bot per update (other work on the machine hardly moves it)."""
        return self.cpu_seconds / self.pushed * 1000 if self.pushed else float("nan")

    @property
    def harness_ms(self) -> float:
        """CPU milliseconds of the fake server and the pushing citizens per update."""
        return self.harness_seconds / self.pushed * 1000 if self.pushed else float("nan")

    @property
    def rate(self) -> float:
        """Updates answered per second."""
        return self.answered / self.seconds if self.seconds else 0.0

    def quantile(self, q: int) -> float:
        """A latency quantile in milliseconds."""
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000


class Driver:
    """Pushes citizens' messages into the fake server and times the first reply to each."""

    def __init__(self, fake: Any, questions: list[str]) -> None:
        self.fake = fake
        self.questions = questions
        self.lock = threading.Lock()
        self.next_chat = FIRST_CHAT
        self.sent_at: dict[int, float] = {}
        self.phase: Phase | None = None
        self.on_answer: Callable[[], None] | None = None
        fake.on_outgoing.append(self._outgoing)

    def push(self, text: str | None = None) -> None:
        """One new citizen writes one message."""
        with self.lock:
            chat = self.next_chat
            self.next_chat += 1
            phase = self.phase
            if phase is not None:
                phase.pushed += 1
            self.sent_at[chat] = time.monotonic()
        self.fake.push_text(chat, text or self.questions[chat % len(self.questions)])

    def _outgoing(self, out: Any) -> None:
        with self.lock:
            started = self.sent_at.pop(out.chat_id, None)
            phase = self.phase
            if phase is None:
                return
            if started is None:
                phase.extra += 1
                return
            phase.answered += 1
            phase.latencies.append(out.at - started)
            again = self.on_answer
        if again is not None:
            again()

    def run(self, phase: Phase, seconds: float, start: Callable[[], None]) -> Phase:
        """Measure `phase` for `seconds` after `start()`; answers after the end do not count."""
        with self.lock:
            self.sent_at.clear()
            self.phase = phase
        began = time.monotonic()
        start()
        time.sleep(max(0.0, began + seconds - time.monotonic()))
        with self.lock:
            self.phase = None
            self.on_answer = None
        phase.seconds = time.monotonic() - began
        return phase

    def drain(self, timeout: float = 10.0) -> None:
        """Wait until every pushed message is answered (or the timeout)."""
        deadline = time.monotonic() + timeout
        while self.sent_at and time.monotonic() < deadline:
            time.sleep(0.05)
        self.sent_at.clear()


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) a process has used so far, in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory of a process (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class Child:
    """A bot process pointed at the fake server."""

    def __init__(
        self, command: list[str], env: dict[str, str], log: Path, cwd: Path | None = None
    ) -> None:
        self.log = log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd
            )

    def wait_ready(self, fake: Any, timeout: float = 120.0) -> None:
        """Wait until the bot polls for updates."""
        deadline = time.monotonic() + timeout
        while not fake.calls("getUpdates"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"bot did not start; see {self.log}")
            time.sleep(0.05)

    def stop(self) -> float:
        """SIGTERM, wait, and return the peak memory measured just before."""
        peak = peak_rss_mb(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return peak


def load_fake_module() -> Any:
    """The fake Bot API server module, shipped inside the package."""
    return importlib.import_module("bot.tools.fakebotapi.server")


class Bench:
    """One bot under test: its fake Bot API server, its process, and the load driver."""

    def __init__(
        self,
        name: str,
        command: list[str],
        env: dict[str, str],
        workdir: Path,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.fake = load_fake_module().FakeTelegram().start()
        env = {
            **env,
            "TELEGRAM_BOT_TOKEN": self.fake.token,
            "TELEGRAM_API_URL": self.fake.base_url,
        }
        self.child = Child(command, env, workdir / f"{name}.log", cwd)
        self.driver = Driver(self.fake, load_questions())
        self.peak_rss_mb = float("nan")

    def ready(self) -> None:
        """Wait for the bot to poll, and warm it up (imports, caches, connections)."""
        self.child.wait_ready(self.fake)
        self.driver.run(Phase(self.name, "warm-up"), 1.0, lambda: self.push(50))
        self.driver.drain()

    def push(self, count: int) -> None:
        """`count` new citizens write at once."""
        for _ in range(count):
            self.driver.push()

    def maximum(self, in_flight: int, seconds: float) -> Phase:
        """Closed loop: `in_flight` citizens, each writing again as soon as answered."""

        def start() -> None:
            self.driver.on_answer = self.driver.push
            self.push(in_flight)

        return self._measured(f"max, {in_flight} in flight", seconds, start)

    def fixed(self, rate: int, seconds: float) -> Phase:
        """Open loop: `rate` new messages a second."""
        return self._measured(f"fixed {rate}/s", seconds, paced(self.driver, rate, seconds))

    def _measured(self, mode: str, seconds: float, start: Callable[[], None]) -> Phase:
        """Run one phase to its last answer, with the bot's CPU and this process's over it."""
        used, own = cpu_seconds(self.child.proc.pid), time.process_time()
        phase = self.driver.run(Phase(self.name, mode), seconds, start)
        self.driver.drain()
        phase.cpu_seconds = cpu_seconds(self.child.proc.pid) - used
        phase.harness_seconds = time.process_time() - own
        return phase

    def stop(self) -> None:
        """Stop the bot (noting its peak memory) and the fake server."""
        self.peak_rss_mb = self.child.stop()
        self.fake.stop()


def paced(driver: Driver, rate: int, seconds: float) -> Callable[[], None]:
    """A start function that pushes `rate` messages a second, from a thread, for `seconds`."""

    def push_at_rate() -> None:
        began = time.monotonic()
        for count in range(int(rate * seconds)):
            delay = began + count / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            driver.push()

    return threading.Thread(target=push_at_rate, daemon=True).start


def median_phase(phases: list[Phase]) -> Phase:
    """The run with the median throughput (the machine may be busy with other work)."""
    ranked = sorted(phases, key=lambda p: p.rate)
    return ranked[len(ranked) // 2]


def pooled(phases: list[Phase]) -> Phase:
    """Several runs of one fixed phase as one: their counts and latencies together (a p99 of
    a few hundred replies is mostly noise; of a few thousand, less)."""
    first = phases[0]
    mode = first.mode if len(phases) == 1 else f"{first.mode} x{len(phases)}"
    return Phase(
        first.bot,
        mode,
        pushed=sum(p.pushed for p in phases),
        answered=sum(p.answered for p in phases),
        extra=sum(p.extra for p in phases),
        seconds=sum(p.seconds for p in phases),
        cpu_seconds=sum(p.cpu_seconds for p in phases),
        harness_seconds=sum(p.harness_seconds for p in phases),
        latencies=[x for p in phases for x in p.latencies],
    )


def baseline_bench(spec: str, env: dict[str, str], workdir: Path) -> Bench:
    """Our bot as another checkout has it (`NAME=DIR`, e.g. a worktree of an earlier commit),
    run from that directory on its own shipped catalogue, with a database of its own."""
    name, _, directory = spec.partition("=")
    root = Path(directory).resolve()
    if not name or not (root / "bot" / "__main__.py").is_file():
        raise SystemExit(f"--baseline NAME=DIR: no bot/ checkout in {root}")
    env = {
        **env,
        "PYTHONPATH": str(root),
        "BOT_CATALOGUE": str(root / "procedures.yaml"),
        "BOT_DATABASE": str(workdir / f"{name}.sqlite3"),
    }
    return Bench(name, [sys.executable, "-m", "bot", "run"], env, workdir, cwd=root)


def compare(
    env: dict[str, str], args: argparse.Namespace, workdir: Path
) -> dict[str, list[Phase]]:
    """The bots up at once; phases alternate between them, so all see the same machine.

    Ours starts first: its warm-up replies give the typical reply the same-size bot then sends.
    Each bot's list: the median max run, then one pooled phase per fixed rate.
    """
    from bot.tools.bench_reply import REPLY_FILE, write_reply

    ours = Bench("ours", [sys.executable, "-m", "bot", "run"], env, workdir)
    benches = [ours]
    try:
        ours.ready()
        if args.ceilings:
            reply = write_reply(ours.fake.outgoing(), workdir / "reply.json")
            print(
                f"typical reply of ours: {len(reply['text'])} characters (median "
                f"{reply.get('median_text_chars', 0):.0f}), {reply.get('buttons', 0)} buttons"
            )
            reply_env = {**env, REPLY_FILE: str(workdir / "reply.json")}
            reply_bot = [sys.executable, "-m", "bot.tools.bench_reply"]
            benches.insert(0, Bench("reply", reply_bot, reply_env, workdir))
            echo_bot = [sys.executable, "-m", "bot.tools.bench_load", "--echo-bot"]
            benches.insert(0, Bench("echo", echo_bot, env, workdir))
        for spec in args.baseline:
            benches.append(baseline_bench(spec, env, workdir))
        for bench in benches:
            if bench is not ours:
                bench.ready()
        runs: dict[str, list[Phase]] = {b.name: [] for b in benches}
        for _ in range(args.rounds):
            for bench in benches:
                runs[bench.name].append(bench.maximum(args.in_flight, args.seconds))
        results = {b.name: [median_phase(runs[b.name])] for b in benches}
        fixed: dict[tuple[str, int], list[Phase]] = {}
        for _ in range(args.fixed_rounds):
            for rate in args.rates:
                for bench in benches:
                    phase = bench.fixed(rate, args.seconds)
                    fixed.setdefault((bench.name, rate), []).append(phase)
        for bench in benches:
            results[bench.name] += [pooled(fixed[bench.name, rate]) for rate in args.rates]
    finally:
        for bench in benches:
            bench.stop()
    for bench in benches:
        for phase in results[bench.name]:
            phase.peak_rss_mb = bench.peak_rss_mb
    return results


def burst(env: dict[str, str], args: argparse.Namespace, workdir: Path) -> str:
    """Our bot with the production rate limiter against a fake that enforces 30 sends/s."""
    fake_module = load_fake_module()
    with fake_module.FakeTelegram() as fake:
        env = {**env, "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.base_url}
        env.pop("BOT_SEND_RATE", None)
        # A database of its own: the one of the phases before holds update ids of another fake
        # server (and updates it left unanswered), which this bot would take for its own.
        env["BOT_DATABASE"] = str(workdir / "burst.sqlite3")
        child = Child([sys.executable, "-m", "bot", "run"], env, workdir / "burst.log")
        try:
            child.wait_ready(fake)
            fake.set_flood_limit(30)
            chats = list(range(FIRST_CHAT, FIRST_CHAT + args.burst))
            began = time.monotonic()
            for chat in chats:
                fake.push_text(chat, "xin chao")
            deadline = began + max(30.0, args.burst / 10)
            while time.monotonic() < deadline:
                if len({o.chat_id for o in fake.outgoing()}) >= len(chats):
                    break
                time.sleep(0.05)
            took = time.monotonic() - began
            per_chat = [len(fake.outgoing(chat)) for chat in chats]
            refused = len([c for c in fake.calls("sendMessage") if c.status == 429])
        finally:
            child.stop()
    once = sum(1 for n in per_chat if n == 1)
    return (
        f"burst: {len(chats)} citizens at once through the rate limiter (30/s), the fake "
        f"answering 429 above 30 sends/s: {once}/{len(chats)} answered exactly once, "
        f"{sum(per_chat) - once} duplicates or missing, in {took:.1f} s "
        f"({sum(per_chat) / took:.1f} sends/s), {refused} sends refused with 429"
    )


def table(phases: list[Phase]) -> str:
    """The figures, one line per bot and phase."""
    head = (
        f"{'bot':6} {'load':22} {'updates/s':>10} {'p50 ms':>8} {'p99 ms':>8}"
        f" {'CPU ms/upd':>10} {'harness ms':>10} {'peak RSS MB':>12}"
    )
    lines = [head, "-" * len(head)]
    for p in phases:
        extra = f"  ({p.extra} extra messages)" if p.extra else ""
        lines.append(
            f"{p.bot:6} {p.mode:22} {p.rate:10.1f} {p.quantile(50):8.1f} {p.quantile(99):8.1f}"
            f" {p.cpu_ms:10.2f} {p.harness_ms:10.2f} {p.peak_rss_mb:12.1f}{extra}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the load benchmark and print its table."""
    parser = argparse.ArgumentParser(prog="python -m bot bench-load", description=__doc__)
    parser.add_argument("--in-flight", type=int, default=200, help="citizens writing at once")
    parser.add_argument(
        "--rates", default="50,100,200", help="updates a second of the fixed phases (comma list)"
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each phase")
    parser.add_argument("--rounds", type=int, default=3, help="max runs per bot (median kept)")
    parser.add_argument(
        "--burst", type=int, default=150, help="citizens in the burst test (0: no burst test)"
    )
    parser.add_argument("--catalogue", default="procedures.yaml", help="catalogue for our bot")
    parser.add_argument(
        "--fixed-rounds",
        type=int,
        default=1,
        help="runs of each fixed rate per bot, alternating; their latencies are pooled",
    )
    parser.add_argument(
        "--baseline",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="also run the bot of another checkout (e.g. a worktree of an earlier commit),"
        " phases alternating with ours; repeatable",
    )
    parser.add_argument(
        "--no-ceilings",
        dest="ceilings",
        action="store_false",
        help="skip the bare PTB bots (echo, same-size reply)",
    )
    parser.add_argument(
        "--scenario",
        choices=("compare",),
        default="compare",
        help="compare: ours against a bare PTB echo bot; handoffs: see bot/tools/bench_storm.py",
    )
    args = parser.parse_args(argv)
    args.rates = [int(r) for r in str(args.rates).split(",") if r.strip()]
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        workdir = Path(tmp)
        env = {
            **os.environ,
            "BOT_SEND_RATE": "0",
            "BOT_DATABASE": str(workdir / "bot.sqlite3"),
            "BOT_CATALOGUE": str(Path(args.catalogue).resolve()),
            "BOT_RELOAD_INTERVAL": "3600",
        }
        print(
            "a bare PTB echo bot, a bare PTB bot sending a reply the size of ours, and ours,"
            " phases alternating (no rate limiter in any)..."
            if args.ceilings
            else "ours, phases alternating with the baselines (no rate limiter in any)..."
        )
        results = compare(env, args, workdir)
        print(table([p for phases in results.values() for p in phases]))
        ours = results["ours"]
        if args.ceilings:
            echo, reply = results["echo"][0], results["reply"][0]
            share = ours[0].rate / echo.rate if echo.rate else float("nan")
            print(f"ours / echo throughput: {share:.0%} (goal at least 70%)")
            same = ours[0].rate / reply.rate if reply.rate else float("nan")
            print(f"ours / same-size-reply bot throughput: {same:.2f} (goal at least 0.85)")
        baselines = [name for name in results if name not in ("echo", "reply", "ours")]
        for i, phase in enumerate(ours[1:], start=1):
            beside = "".join(
                f"; {name} {results[name][i].quantile(99):.1f} ms" for name in baselines
            )
            print(f"ours, p99 at {phase.mode.split()[1]}: {phase.quantile(99):.1f} ms{beside}"
                  f" (goal under 100 ms at 200/s)")  # fmt: skip
        for name in baselines:
            base = results[name][0].rate
            print(f"ours / {name} throughput: {ours[0].rate / base if base else float('nan'):.2f}")
        if args.burst > 0:
            print(burst(env, args, workdir))
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--echo-bot"]:
        from bot.tools.bench_reply import run_echo_bot

        run_echo_bot()
    else:
        raise SystemExit(main(sys.argv[1:]))
