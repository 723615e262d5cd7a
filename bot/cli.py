"""The command line: `python -m bot <command>` (or `tthc-bot <command>`)."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot import classcode
from bot import messages as m
from bot.settings import Settings, SettingsError, load_settings
from bot.storage.url import parse_url

if TYPE_CHECKING:
    from bot.catalogue.model import CatalogueError

# Each command imports what it needs when it runs: `check` on an unchanged file loads little.


def _settings() -> Settings:
    try:
        settings = load_settings()
        parse_url(settings.database)  # an unsupported database is a settings error, said early
        return settings
    except SettingsError as exc:
        raise SystemExit(m.SETTINGS_ERROR.format(error=exc)) from None


def _broken(path: Path, exc: CatalogueError) -> int:
    print(m.CATALOGUE_BROKEN.format(path=path), file=sys.stderr)
    for problem in exc.problems:
        print(f"  {problem}", file=sys.stderr)
    print(m.CATALOGUE_FIX_THEN, file=sys.stderr)
    return 1


def cmd_chat(args: argparse.Namespace) -> int:
    """The terminal chat on the same core as the Telegram bot."""
    # The start-up allocates much and frees little: the cycle collector waits for the greeting
    # (see `greeted`) instead of scanning, again and again, objects that stay for the chat.
    gc.disable()
    from bot.app import open_runtime
    from bot.catalogue.model import CatalogueError
    from bot.frontends.background import Background
    from bot.frontends.console import chat, console_sender
    from bot.report.weeks import local_zone

    settings = _settings()

    def greeted() -> None:
        # What the start-up made stays for the whole chat: set it aside from the collector's
        # scans (gc.freeze), which from now on look only at what the conversation makes.
        gc.freeze()
        gc.enable()

    async def go() -> None:
        # The index and the national list wait for the first question: the prompt comes sooner.
        runtime = await open_runtime(settings, defer_index=True)
        jobs = runtime.assistant.registry.jobs
        try:
            # Retention and the weekly aggregate run while the chat is open, as on Telegram.
            async with Background(jobs, console_sender(), local_zone(settings.timezone)):
                await chat(runtime.assistant, greeted=greeted, prepare=runtime.prepare_soon)
        finally:
            await runtime.close()

    try:
        import asyncio  # here, not at the top: `check` and `match` never need it

        asyncio.run(go())
    except CatalogueError as exc:
        return _broken(settings.catalogue, exc)
    finally:
        gc.enable()  # (the chat ended before its greeting)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """The Telegram bot (long polling, or a webhook when WEBHOOK_URL is set)."""
    from bot.catalogue.model import CatalogueError

    settings = _settings()
    if not settings.token:
        print(m.NO_TOKEN, file=sys.stderr)
        return 2
    if not settings.webhook_url and settings.web_port is None:
        from bot.frontends.telegram import without_webhook_server

        without_webhook_server()  # polling, no web chat: tornado is never needed
    from bot.frontends.telegram.bot import run
    from bot.frontends.telegram.startup import StartupError

    try:
        run(settings)
    except CatalogueError as exc:
        return _broken(settings.catalogue, exc)
    except SettingsError as exc:
        print(m.SETTINGS_ERROR.format(error=exc), file=sys.stderr)
        return 1
    except StartupError as exc:
        print(exc, file=sys.stderr)
        return 3
    return 0


def cmd_web(args: argparse.Namespace) -> int:
    """The web chat on the same core (WEB_HOST:WEB_PORT)."""
    from bot.catalogue.model import CatalogueError
    from bot.frontends.web.service import serve

    settings = _settings()
    try:
        import asyncio

        asyncio.run(serve(settings))
    except CatalogueError as exc:
        return _broken(settings.catalogue, exc)
    except OSError as exc:  # the port is taken, or the address is not this machine's
        print(m.WEB_CANNOT_LISTEN.format(error=exc), file=sys.stderr)
        return 2
    return 0


def cmd_poster(args: argparse.Namespace) -> int:
    """Printable A4 posters with QR codes to a procedure's card on Telegram and the web."""
    from bot.catalogue.loader import load
    from bot.catalogue.model import CatalogueError, Procedure
    from bot.tools import poster
    from bot.tools import poster_messages as pm

    settings = _settings()
    try:
        catalogue = load(settings.catalogue)
    except CatalogueError as exc:
        return _broken(settings.catalogue, exc)
    if not settings.bot_username and not settings.web_public_url:
        print(pm.NEED_LINKS, file=sys.stderr)
        return 2
    if bool(args.id) == bool(args.all):
        print(pm.NEED_ID, file=sys.stderr)
        return 2
    if args.all:
        entries = list(catalogue.procedures.values())
        folder = Path(args.out or "posters")
        folder.mkdir(parents=True, exist_ok=True)
    else:
        entry = catalogue.get(args.id)
        if not isinstance(entry, Procedure):
            print(pm.UNKNOWN_ID.format(id=args.id), file=sys.stderr)
            return 1
        entries = [entry]
        folder = Path(args.out or ".")
    for entry in entries:
        codes = poster.codes_for(entry.id, settings.bot_username, settings.web_public_url)
        path = poster.write_poster(catalogue, entry, codes, folder)
        if not args.all:
            print(path)
    if args.all:
        print(pm.WROTE_ALL.format(count=len(entries), folder=folder))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validate a catalogue file, and the communes file beside it (or a communes file alone)."""
    # Both keep what they print in the derived-data cache: an unchanged file is not read again.
    from bot.catalogue.quickcheck import is_communes_file, run_check, run_communes_check

    settings = _settings()
    path = Path(args.path) if args.path else settings.catalogue
    if is_communes_file(path):
        return run_communes_check(path, sys.stdout)
    code = run_check(path, sys.stdout)
    communes = settings.communes or path.with_name("communes.yaml")
    if communes.is_file():
        code = max(code, run_communes_check(communes, sys.stdout))
    return code


def cmd_match(args: argparse.Namespace) -> int:
    """Show how the bot reads questions (one argument, or one per line on stdin)."""
    import json

    from bot.catalogue.loader import load
    from bot.catalogue.model import CatalogueError
    from bot.catalogue.national import load_national
    from bot.matching.matcher import Matcher

    settings = _settings()
    try:
        catalogue = load(settings.catalogue)
    except CatalogueError as exc:
        return _broken(settings.catalogue, exc)
    national = load_national() if settings.national_tier and not args.no_national else None
    matcher = Matcher(catalogue, national)
    questions: Iterable[str] = [args.question] if args.question else sys.stdin
    for question in questions:
        question = question.rstrip("\n")
        match = matcher.match(question, top=args.top)
        if args.json:
            print(json.dumps(match.to_json(), ensure_ascii=False), flush=True)
            continue
        aspect = m.MATCH_ASPECT.format(aspect=match.aspect) if match.aspect else ""
        decision = m.MATCH_DECISIONS.get(match.decision, match.decision)
        print(m.MATCH_LINE.format(question=question, decision=decision, aspect=aspect))
        for candidate in match.candidates:
            entry = catalogue.get(candidate.id)
            name = entry.name if entry else (national or {}).get(candidate.id, None)
            label = name if isinstance(name, str) else getattr(name, "name", "")
            print(
                m.MATCH_CANDIDATE.format(
                    score=candidate.score, id=candidate.id, name=label, why=candidate.why
                )
            )
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    """Print an entry's card as a citizen sees it (from a draft file with --catalogue)."""
    import dataclasses

    from bot.tools.preview import run

    settings = _settings()
    if args.catalogue:
        settings = dataclasses.replace(settings, catalogue=Path(args.catalogue))
    return run(settings, args.id)


def cmd_reached(args: argparse.Namespace) -> int:
    """Questions that reached an entry lately, and those an edit would turn away."""
    import dataclasses

    from bot.tools.reached import run

    settings = _settings()
    if args.catalogue:
        settings = dataclasses.replace(settings, catalogue=Path(args.catalogue))
    return run(settings, args.id, args.days)


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Measure the matcher on a labelled question set."""
    from bot.tools.evaluation import main

    return main(args.rest)


def cmd_bench_match(args: argparse.Namespace) -> int:
    """Benchmark matching speed and memory against a naive baseline."""
    from bot.tools.bench_match import main

    return main(args.rest)


def cmd_bench_load(args: argparse.Namespace) -> int:
    """Benchmark the Telegram bot under load against a bare PTB echo bot (fake Bot API)."""
    if "handoffs" in args.rest and "--scenario" in args.rest:
        # Private replies while hand-offs flood a rate-limited staff group and groups write.
        from bot.tools.bench_storm import main as storm

        return storm(args.rest)
    from bot.tools.bench_load import main

    return main(args.rest)


def cmd_report(args: argparse.Namespace) -> int:
    """The weekly report: volume, most asked, unanswered, satisfaction, stale entries."""
    from bot.report.output import run

    return run(_settings(), args.week, args.format, args.out)


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], str]] = {
    "run": (cmd_run, "chạy bot Telegram"),
    "chat": (cmd_chat, "trò chuyện với bot ngay trên máy tính (không cần token)"),
    "web": (cmd_web, "mở trang trò chuyện trên web (WEB_HOST:WEB_PORT)"),
    "poster": (cmd_poster, "in áp phích A4 có mã QR mở thủ tục trên Telegram và trên web"),
    "check": (cmd_check, "kiểm tra tệp danh mục thủ tục"),
    "match": (cmd_match, "xem bot hiểu câu hỏi thế nào"),
    "xem": (cmd_preview, "xem trước thẻ của một thủ tục đúng như người dân sẽ thấy"),
    "cau-hoi": (
        cmd_reached,
        "câu hỏi đã tới một thủ tục tuần qua, và câu nào không còn tới sau khi sửa cách gọi",
    ),
    "evaluate": (cmd_evaluate, "đo độ chính xác trên bộ câu hỏi có nhãn"),
    "bench-match": (cmd_bench_match, "đo tốc độ, bộ nhớ của phần tìm thủ tục"),
    "bench-load": (cmd_bench_load, "đo sức chịu tải của bot Telegram (máy chủ Bot API giả)"),
    "report": (cmd_report, "báo cáo tuần: câu hỏi, chưa trả lời được, mức độ hài lòng"),
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=m.BOT_NAME)
    parser.add_argument("-v", "--verbose", action="store_true", help="ghi log chi tiết")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name == "check":
            command.add_argument("path", nargs="?", help="tệp danh mục (mặc định BOT_CATALOGUE)")
        elif name == "match":
            command.add_argument("question", nargs="?", help="câu hỏi; bỏ trống để đọc từ stdin")
            command.add_argument("--top", type=int, default=3, help="số thủ tục gợi ý")
            command.add_argument(
                "--json", action="store_true", help="mỗi câu hỏi một dòng JSON (cho công cụ khác)"
            )
            command.add_argument(
                "--no-national", action="store_true", help="bỏ tầng thủ tục quốc gia"
            )
        elif name == "cau-hoi":
            command.add_argument("id", help="id thủ tục hoặc hướng dẫn, ví dụ cap-so-do-lan-dau")
            command.add_argument(
                "--days", type=int, default=7, help="số ngày nhìn lại (mặc định 7)"
            )
            command.add_argument(
                "--catalogue", help="tệp danh mục đang soạn (mặc định BOT_CATALOGUE)"
            )
        elif name == "xem":
            command.add_argument("id", help="id thủ tục hoặc hướng dẫn, ví dụ dang-ky-khai-sinh")
            command.add_argument(
                "--catalogue", help="tệp danh mục đang soạn (mặc định BOT_CATALOGUE)"
            )
        elif name == "poster":
            command.add_argument("id", nargs="?", help="mã thủ tục, ví dụ dang-ky-khai-sinh")
            command.add_argument("--all", action="store_true", help="mọi thủ tục, vào một thư mục")
            command.add_argument("--out", help="tệp (hoặc thư mục với --all) để ghi")
        elif name == "report":
            command.add_argument("--week", help="tuần YYYY-Www (mặc định: tuần trọn vẹn gần nhất)")
            command.add_argument(
                "--format", choices=("text", "markdown", "csv", "html"), default="text"
            )
            command.add_argument("--out", help="ghi vào tệp thay vì in ra màn hình")
        elif name in ("evaluate", "bench-match", "bench-load"):
            command.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m bot` and `tthc-bot`."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    # argparse's REMAINDER does not take options that come first: hand them on as well.
    if extra and hasattr(args, "rest"):
        args.rest = extra + args.rest
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.command:
        parser.print_help()
        return 0
    handler, _ = COMMANDS[args.command]
    try:
        return handler(args)
    finally:
        classcode.save()  # the methods of the classes met for the first time, for next start
