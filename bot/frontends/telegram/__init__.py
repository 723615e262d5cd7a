"""The Telegram front end (python-telegram-bot over httpx).

httpx imports its command-line client as it is imported whenever click, rich and pygments are
installed (a dev install has them, through import-linter; many servers have them too): 4.6 MB of
memory and about 0.1 s at every start of the bot, for a command it never runs. Marking that
module absent before httpx is first imported makes httpx skip it (its own fallback for an
install without them).
"""

import sys

sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
