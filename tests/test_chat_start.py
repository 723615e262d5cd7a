"""The terminal chat's start: it greets before it loads the matcher, prepares the index while
the citizen types, and the index it prepares is the one it would have built."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import threading
from pathlib import Path

from bot.app import DeferredMatcher, build_deferred
from bot.frontends.console import chat
from bot.matching.matcher import Matcher
from tests.core_fixtures import ROOT, make_assistant, shipped_catalogue, shipped_matcher

QUESTIONS = ("lam giay khai sinh cho con", "đổi cccd hết bao nhiêu tiền", "sang tên sổ đỏ")

# Runs `python -m bot chat` and prints, at its exit, the matching modules it had imported.
_SHOW_MATCHING = (
    "import atexit, runpy, sys\n"
    "atexit.register(lambda: print(sorted(m for m in sys.modules"
    " if m.startswith('bot.matching')), file=sys.stderr))\n"
    "sys.argv = ['bot', 'chat']\n"
    "runpy.run_module('bot', run_name='__main__')\n"
)


def test_the_greeting_is_shown_without_loading_the_matcher(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BOT_CATALOGUE": str(ROOT / "procedures.yaml"),
        "BOT_DATABASE": str(tmp_path / "bot.sqlite3"),
        "BOT_CACHE_DIR": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [sys.executable, "-c", _SHOW_MATCHING],
        input="/start\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Xin chào" in done.stdout
    assert "[1] 👶 Hộ tịch" in done.stdout
    assert done.stderr.rstrip().endswith("[]"), done.stderr


def test_a_deferred_index_becomes_the_matcher_it_stood_for() -> None:
    deferred = DeferredMatcher(shipped_catalogue(), None)
    assert not isinstance(deferred, Matcher)
    builder = threading.Thread(target=build_deferred, args=(deferred,))
    builder.start()
    # A question asked while it is being built waits for it.
    first = deferred.match(QUESTIONS[0], top=3)  # type: ignore[attr-defined]
    builder.join()
    assert type(deferred) is Matcher
    reference = shipped_matcher()
    assert first == reference.match(QUESTIONS[0], top=3)
    for question in QUESTIONS:
        assert deferred.match(question, top=3) == reference.match(question, top=3)
    build_deferred(deferred)  # built once: nothing more to do
    assert type(deferred) is Matcher


async def test_the_chat_prepares_only_while_nothing_is_typed_yet(tmp_path: Path) -> None:
    assistant = await make_assistant(tmp_path)
    try:
        # A line already waiting (piped input) is answered at once: nothing prepared ahead.
        calls: list[str] = []
        read, write = os.pipe()
        os.write(write, b"/thoat\n")
        os.close(write)
        with os.fdopen(read, encoding="utf-8") as stdin:
            await chat(assistant, stdin, io.StringIO(), prepare=lambda: calls.append("ahead"))
        assert calls == []
        # Nothing typed yet: the first question's work starts while the citizen types.
        read, write = os.pipe()
        with os.fdopen(read, encoding="utf-8") as stdin:
            talk = asyncio.create_task(
                chat(assistant, stdin, io.StringIO(), prepare=lambda: calls.append("ahead"))
            )
            while not calls and not talk.done():
                await asyncio.sleep(0.01)
            os.write(write, b"/thoat\n")
            os.close(write)
            await talk
        assert calls == ["ahead"]
    finally:
        await assistant.db.close()
