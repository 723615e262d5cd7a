"""What a message says when it is not a question about a procedure.

A person asked for, who the bot is, thanks and acknowledgements, an insult, a greeting: each
gets its own short answer (the wording lives in `bot.messages`). Also how the citizen speaks of
themselves, so that the bot can answer an elder as "bác" rather than "bạn".
"""

from __future__ import annotations

import re
from typing import Literal

from bot.text import fold, normalize

Kind = Literal["person", "identity", "thanks", "ack", "insult", "hello"]

# Particles, emoji and addresses that do not change what a short message says.
_FILLER = frozenset(
    [
        "a",
        "ah",
        "ak",
        "da",
        "vang",
        "nhe",
        "nha",
        "nhieu",
        "lam",
        "ad",
        "admin",
        "ban",
        "em",
        "chau",
        "bot",
        "oi",
        "roi",
        "ha",
    ]
)
_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F\u200d]+")

_PERSON = re.compile(
    r"\b(?:gap|noi chuyen voi|chuyen cho|ket noi|cho toi gap|cho minh gap|can|muon gap|goi)"
    r" (?:can bo|nguoi that|nhan vien|tong dai vien|tu van vien|nguoi tu van|nguoi)\b"
    r"|\bnguoi that tra loi\b|\bgap nguoi that\b|\bgap can bo\b"
)
_IDENTITY = re.compile(
    r"\b(?:ban|em|may|bot|chau|day) la (?:ai|gi|nguoi|robot|may|bot|nguoi that)\b"
    r"|\bco phai (?:la )?(?:nguoi that|nguoi|robot|may|bot)\b"
    r"|\bnguoi that (?:khong|ko|k|a|hay)\b|\bnguoi hay may\b|\bla robot\b"
)
_THANKS = re.compile(r"^(?:cam on|cam on nhieu|thanks?|thank you|tks|thanks nhieu|camon|cmon)$")
_THANKS_LEAD = re.compile(r"^(?:xin )?cam on\b|^thanks?\b|^tks\b")
_ACK_WORDS = frozenset(
    [
        "ok",
        "oke",
        "okie",
        "okay",
        "oki",
        "vang",
        "da",
        "duoc",
        "roi",
        "hieu",
        "biet",
        "uh",
        "um",
        "u",
    ]
)
# As typed: "ngu" or "ngu" with its own marks is an insult, "ngủ" (to sleep) is not.
_INSULTS = frozenset(
    ["ngu", "dốt", "đần", "cút", "rác", "tệ", "kém", "láo", "hãm", "vcl", "vl", "dm", "dmm", "dcm"]
)
_INSULT_PHRASES = re.compile(
    r"\b(?:vo dung|vo tich|do ngu|ngu the|ngu qua|ngu vay|ngu nhu|oc cho|kem qua|te qua"
    r"|do rac|bot rac|bot ngu|tra loi nhu|chan vai|vcl|dmm|dcm)\b"
)
_HELLO = frozenset(
    """xin chao|chao|chao ban|chao em|chao chau|chao bot|hello|hi|alo|hey|chao ad|chao admin
    |xin chao ban|chao buoi sang|chao buoi chieu""".replace("\n", "")
    .replace("    ", "")
    .split("|")
)


def _key(text: str) -> str:
    folded = fold(_EMOJI.sub(" ", text))
    words = re.findall(r"[a-z0-9]+", folded)
    return " ".join(words)


def classify(text: str) -> Kind | None:
    """Return what a message says if it is not a question about a procedure, else None."""
    key = _key(text)
    words = key.split()
    if not words:
        return "ack" if _EMOJI.search(text) else None
    if _PERSON.search(key):
        return "person"
    if _IDENTITY.search(key):
        return "identity"
    short = len(words) <= 8
    typed = set(normalize(_EMOJI.sub(" ", text)).lower().split())
    if short and (_INSULT_PHRASES.search(key) or (len(words) <= 4 and typed & _INSULTS)):
        return "insult"
    bare = " ".join(w for w in words if w not in _FILLER) or key
    lead = " ".join(words[1:]) if words[0] in _ACK_WORDS and len(words) > 1 else key
    if _THANKS.match(bare) or (short and (_THANKS_LEAD.match(key) or _THANKS_LEAD.match(lead))):
        return "thanks"
    if bare in _HELLO or key in _HELLO:
        return "hello"
    if len(words) <= 4 and set(words) <= _ACK_WORDS | _FILLER:
        return "ack"
    return None


# How a citizen speaks of themselves, or of the bot, tells how to address them.
# ("bác tôi", "ông tôi" speak of a relative; "có cần" is not "cô cần": hence the verbs.)
_SELF = re.compile(
    r"^(?:(?:da|vang|thua)\s+)*(bac|ong|chu) (?:hoi|muon|can|lam|di|xin|nho|khong biet)\b"
)
_BOT_AS_YOUNGER = re.compile(r"\b(?:cam on|chao|hoi|nho|oi|giup|bao) (?:chau|con)\b|\bchau oi\b")


def address_form(text: str) -> str | None:
    """Return how to address a citizen ("bác", "ông", "chú") when the message says it (they
    speak of themselves so, or call the bot "cháu"), else None."""
    key = _key(text)
    found = _SELF.match(key)
    if found:
        return {"bac": "bác", "ong": "ông", "chu": "chú"}[found.group(1)]
    if _BOT_AS_YOUNGER.search(key):
        return "bác"
    return None
