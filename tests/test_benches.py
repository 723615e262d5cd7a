"""The benchmark commands run on a tiny configuration and print their figure lines.

No timing is asserted: the figures depend on the machine; these only show the commands work.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.catalogue.validation import check_path
from bot.tools import bench_load, bench_match, bench_start
from bot.tools.bench_catalogue import realistic_catalogue, write_catalogue


def test_generated_catalogue_is_valid_and_its_entries_differ(tmp_path: Path) -> None:
    path = write_catalogue(80, tmp_path)
    report = check_path(path)
    assert not report.errors, report.errors[:3]
    data = realistic_catalogue(80)
    names = [p["name"] for p in data["procedures"]]
    ids = [p["id"] for p in data["procedures"]]
    assert len(names) == len(set(names)) == 80
    assert len(set(ids)) == 80
    assert data["vocabulary"], "the shipped vocabulary is kept"
    assert all(p.get("documents") for p in data["procedures"][70:]), "entries stay detailed"


def test_bench_match_prints_check_ready_and_baseline_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--config", "file", "--sizes", "70", "--rounds", "1", "--starts", "0"]
    checkout = Path(__file__).resolve().parents[1]  # this checkout, run as another one would be
    args += ["--baseline", f"again={checkout}"]
    assert bench_match.main([*args, "--questions", str(tmp_path / "none.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "file-70     again  " in out and "file-70     again-c" in out
    assert re.search(r"file-70: again, p50 [\d.]+ ms, p99 [\d.]+ ms, build first start", out)
    assert re.search(r"file-70: ours, p50 [\d.]+ ms, p99 [\d.]+ ms, build first start", out)
    assert "file-70     matcher" in out
    assert "file-70     baseline" in out
    assert "file-70     cached" in out  # a second start, reading the index cache the first left
    # The goal is judged on a first start; a restart's figure is beside it.
    assert (
        "file-70: ready (load + build) CPU on a first start (builds and saves the caches):" in out
    )
    assert "file-70: ready (load + build) CPU on a restart:" in out
    assert "file-70: check CPU:" in out
    assert "file-70: naive baseline in the same run" in out
    assert "hợp lệ — 70 thủ tục" in out


def test_bench_start_prints_chat_check_and_bare_python(tmp_path: Path) -> None:
    text = bench_start.format_starts(bench_start.measure_starts(1))
    for plan in ("chat", "chat, first answer", "check", "check, cache off", "bare"):
        assert f"\n{plan + ':':<20} " in text
    assert "goal <= 0.3 s" in text and "goal <= 0.15 s" in text
    assert "nan" not in text  # every run ended


def test_bench_start_times_an_older_checkout_beside(capsys: pytest.CaptureFixture[str]) -> None:
    starts = [
        bench_start.Start("check", 0.5, 0.2, 3),
        bench_start.Start("check", 0.9, 0.4, 3, code="before"),
    ]
    line = bench_start.format_starts(starts).splitlines()[1]
    assert "0.200 s CPU" in line and "before:  0.900 s wall,  0.400 s CPU" in line
    assert "(now/before CPU 0.50)" in line


def test_bench_start_times_the_bot_ready_on_a_first_start_and_a_restart() -> None:
    checkout = Path(__file__).resolve().parents[1]  # this checkout, run as another one would be
    readies = bench_start.measure_ready(70, 1, before=checkout)
    text = bench_start.format_ready(70, readies)
    for start in ("first start", "restart"):
        for code in ("now", "before"):
            assert f"\n{start + ', ' + code + ':':<22} " in text
    assert "nan" not in text  # every start got ready
    assert all(r.cpu_s > 0 and r.peak_mb > 20 for r in readies)


def test_bench_load_prints_both_ceilings_and_a_baseline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--rounds", "1", "--seconds", "0.5", "--rates", "10", "--burst", "3"]
    checkout = Path(__file__).resolve().parents[1]  # this checkout, run as another one would be
    baseline = ["--baseline", f"again={checkout}", "--fixed-rounds", "2"]
    assert bench_load.main([*args, "--in-flight", "4", *baseline]) == 0
    out = capsys.readouterr().out
    assert "typical reply of ours:" in out
    assert "CPU ms/upd harness ms" in out  # the bot's CPU, and the fake server's beside it
    for bot in ("echo", "reply", "ours", "again"):
        assert f"\n{bot:6} max, 4 in flight" in out
        assert f"\n{bot:6} fixed 10/s x2" in out
    assert "ours / echo throughput:" in out
    assert "ours / same-size-reply bot throughput:" in out
    assert "ours / again throughput:" in out
    assert re.search(r"ours, p99 at 10/s: [\d.]+ ms; again [\d.]+ ms", out)
