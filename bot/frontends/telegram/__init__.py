"""The Telegram front end (python-telegram-bot over httpx).

httpx imports its command-line client as it is imported whenever click, rich and pygments are
installed (a dev install has them, through import-linter; many servers have them too): 4.6 MB of
memory and about 0.1 s at every start of the bot, for a command it never runs. Marking that
module absent before httpx is first imported makes httpx skip it (its own fallback for an
install without them).
"""

import sys

sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def without_webhook_server() -> None:
    """Keep tornado out of a bot that polls Telegram and serves no web chat.

    python-telegram-bot imports tornado, its webhook server, whenever it is installed (the
    webhook extra installs it): about 2.7 MB of memory and 50 ms at every start of a bot that
    never listens. Marked absent before python-telegram-bot is first imported, it is skipped
    (the library's own fallback for an install without it). Only for the `run` process, once
    its settings say it will poll and serve no web chat; too late once the library is loaded.
    """
    if "telegram.ext" not in sys.modules:
        sys.modules.setdefault("tornado", None)  # type: ignore[arg-type]
