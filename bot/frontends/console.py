"""The terminal chat: the same conversation as on Telegram, buttons as numbered options.

Interactive on a terminal; when stdin is not a terminal it reads one message per line, so a
conversation can be scripted (`printf 'lam giay khai sinh\\n1\\n' | python -m bot chat`): every
line is answered (the flood limit is for chats with many people, not the terminal), after the
greeting.
"""

from __future__ import annotations

import asyncio
import re
import select
import sys
from collections.abc import Callable
from typing import TextIO

from bot import messages as m
from bot.addresses import CONSOLE, Address, address
from bot.core.assistant import Assistant
from bot.core.markup import to_plain
from bot.core.replies import Button, Incoming, Reply, Sender

# The one person at the terminal: their chat and their user are the same address.
CONSOLE_CHAT: Address = address(CONSOLE, "local")
_COMMAND = re.compile(r"^/(\w+)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


def parse_line(line: str, buttons: list[Button], user: Address = CONSOLE_CHAT) -> Incoming:
    """Turn a typed line into what the citizen meant: a command, a button number, or text."""
    line = line.strip()
    command = _COMMAND.match(line)
    if command:
        return Incoming(
            chat=CONSOLE_CHAT,
            user=user,
            kind="command",
            command=command.group(1),
            args=(command.group(2) or "").strip(),
            text=line,
        )
    if line.isdigit() and buttons and 1 <= int(line) <= len(buttons):
        button = buttons[int(line) - 1]
        if button.data:
            return Incoming(chat=CONSOLE_CHAT, user=user, kind="button", data=button.data)
    return Incoming(chat=CONSOLE_CHAT, user=user, kind="text", text=line)


def render(replies: list[Reply], out: TextIO) -> list[Button]:
    """Print replies; return the buttons on screen, in the numbering shown."""
    shown: list[Button] = []
    for reply in replies:
        if reply.notice and reply.notice != m.DONE_NOTICE:
            out.write(f"({reply.notice})\n")
        out.write(to_plain(reply.text).rstrip() + "\n")
        if reply.document is not None:
            size = max(1, len(reply.document.data) // 1024)
            out.write(m.CONSOLE_ATTACHMENT.format(name=reply.document.filename, kb=size) + "\n")
        for row in reply.buttons:
            for button in row:
                if button.url:
                    out.write(f"   🔗 {button.label}: {button.url}\n")
                else:
                    shown.append(button)
                    out.write(f"  [{len(shown)}] {button.label}\n")
        out.write("\n")
    out.flush()
    return shown


def _waiting(stdin: TextIO) -> bool:
    """Whether a line can be read at once (piped input), as far as the system can tell."""
    try:
        ready, _, _ = select.select([stdin], [], [], 0)
    except (OSError, ValueError, TypeError):  # no file descriptor (a test's StringIO), Windows
        return False
    return bool(ready)


def console_sender() -> Sender:
    """Where background jobs send on the terminal: nowhere (it has no staff chat)."""

    async def send(reply: Reply) -> None:
        return None

    return send


async def chat(
    assistant: Assistant,
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    greeted: Callable[[], object] | None = None,
    prepare: Callable[[], object] | None = None,
) -> None:
    """Run the conversation until end of input or /thoat. `greeted` is called once the
    greeting is shown; `prepare` then starts the first question's work while the citizen types
    (not when the next line is already waiting: it is answered at once, each part of the work
    done when it is needed)."""
    interactive = stdin.isatty()
    if interactive:
        out.write(m.CONSOLE_BANNER.format(bot_name=m.BOT_NAME) + "\n\n")
    # The greeting comes first, also for piped input (and input that ends at once).
    start = Incoming(chat=CONSOLE_CHAT, user=CONSOLE_CHAT, kind="command", command="start")
    buttons = render((await assistant.handle(start)).replies, out)
    if greeted is not None:
        greeted()
    if prepare is not None and not _waiting(stdin):
        prepare()
    while True:
        if interactive:
            try:
                line = await asyncio.to_thread(input, m.CONSOLE_PROMPT)
            except (EOFError, KeyboardInterrupt):
                break
        else:
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            out.write(f"{m.CONSOLE_PROMPT}{line.rstrip()}\n")
        if line.strip().lower() in {"/thoat", "/quit", "/exit"}:
            break
        if line.strip().isdigit() and buttons and not 1 <= int(line) <= len(buttons):
            out.write(m.CONSOLE_BAD_CHOICE.format(n=line.strip()) + "\n\n")
            continue
        incoming = parse_line(line, buttons)
        answer = await assistant.handle(incoming)
        new_buttons = render(answer.replies, out)
        buttons = new_buttons or buttons
    if interactive:
        out.write(m.CONSOLE_BYE + "\n")
