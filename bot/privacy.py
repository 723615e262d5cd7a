"""Personal data: redact what a citizen typed before it is stored, and hash user ids.

`redact` replaces e-mail addresses, id numbers (9-digit CMND, 12-digit CCCD, passports), phone
numbers (0xx and +84 forms) and other long digit runs that look like bank accounts by
placeholders, however the digits are grouped (spaces, doubled spaces, `. - _ / ,`, brackets,
one digit at a time, invisible characters in between); spelled-out e-mails ("a @ b . com",
"a(at)b.com") and lowercase passport numbers too. Numbers a question needs and that identify
nobody are left alone: fees ("50.000 đồng", "1.200.000đ"), dates ("12/3/2026", "12.03.2026"),
years and year ranges, procedure codes ("1.001193"), dossier codes ("000.00.20.H31-250101-0001")
and the public hotlines (1800 / 1900 numbers).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

from bot.addresses import TELEGRAM, Address, channel, local


class _Lazy:
    """A pattern compiled on first use: the long ones below cost a start-up (the terminal
    chat's greeting) about a hundredth of a second, and only a typed message needs them."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def _pattern(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        return self._compiled

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str) -> str:
        """`re.Pattern.sub`."""
        return self._pattern().sub(repl, text)


EMAIL = "[email]"
PHONE = "[số điện thoại]"
ID_NUMBER = "[số giấy tờ]"
ACCOUNT = "[số tài khoản]"

# Characters that show nothing: stripped first, so that they cannot hide a number.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# "name@gmail.com", "name @ gmail . com", "name(at)gmail.com", "name [at] gmail [dot] com".
_AT = r"(?:\s{0,2}@\s{0,2}|\s?[(\[{]\s?(?:at|a\s?còng|@)\s?[)\]}]\s?)"
_DOT = r"(?:\s?\.\s?|\s?[(\[{]\s?(?:dot|chấm)\s?[)\]}]\s?)"
_EMAIL = _Lazy(
    r"[\w.+-]+" + _AT + r"[\w-]+(?:" + _DOT + r"[\w-]+)*" + _DOT + r"[A-Za-z]{2,}\b",
    re.IGNORECASE,
)
# Between two digits of one number people put nothing, a space or two, or a punctuation mark:
# "0912 345 678", "0912  345  678", "034.190.001.234", "091-234-5678", "091_234_5678",
# "0912/345/678", "0912,345,678", "(091) 234 5678", "0 9 1 2 3 4 5 6 7 8".
# (", " is not one: "0912345678, 2 người" is a phone number and a count.)
_PUNCT = r"[.\-_/()]"
_SEP = r"(?: {1,2}|\t| ?" + _PUNCT + r" ?|,)?"
# A run starts where no digit (or digit and separator) comes before, and ends where no digit
# (or separator and digit) comes after, so that part of a longer number is never taken alone.
_BEFORE = ("", " ", "  ", "\t", ",", _PUNCT, " " + _PUNCT, _PUNCT + " ", " " + _PUNCT + " ")
_START = "".join(r"(?<!\d" + before + ")" for before in _BEFORE)
_END = r"(?!" + _SEP + r"\d)"
# Protected spans must not be part of a longer number either ("09-12-2019-12" is a phone).
_P_START = r"(?<!\d)(?<!\d[.\-_/,])"
_P_END = r"(?![.\-_/,]?\d)"

# Spans that look like numbers but identify nobody; they are set aside before redaction.
_UNIT = r"\s?(?:đồng|đ|dong|vnđ|vnd|k|nghìn|nghin|ngàn|ngan|triệu|trieu|tr|tỷ|tỉ|ty)(?!\w)"
_PROTECTED = _Lazy(
    "|".join(
        [
            # Dossier codes of the portal: 000.00.20.H31-250101-0001.
            r"(?:\d+\.)*[A-Za-z]\d{2}-\d{6}-\d{4}",
            # National procedure codes: 1.001193, 2.000305.000.00.00.H31.
            r"(?<![\d.])[1-3]\.\d{6}(?:\.\d{2,3})*(?:\.[A-Za-z]\d{2})?(?![\d])",
            # Dates: 12/3/2026, 12-03-2026, 12.03.2026, 2026-03-12.
            _P_START + r"\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)\d{2}" + _P_END,
            _P_START + r"(?:19|20)\d{2}-\d{1,2}-\d{1,2}" + _P_END,
            # Year ranges: 2024-2025, 1990 - 2000.
            _P_START + r"(?:19|20)\d{2}\s?[-–]\s?(?:19|20)\d{2}" + _P_END,
            # Amounts grouped by thousands followed by a unit, or ending in 000.
            r"(?<![\d.,])\d{1,3}(?:[., ]\d{3})+(?:,\d+)?" + _UNIT,
            r"(?<![\d.,])[1-9]\d{0,2}(?:[.,]\d{3})*[.,]000" + _P_END,
            # Public hotlines: 1800 1096, 1900.xxxx.
            _P_START + r"1[89]00[ .]?\d{4}(?:\d{2})?" + _P_END,
        ]
    ),
    re.IGNORECASE,
)
# Passports: one letter and seven digits, "C1234567", "c 1234567".
_PASSPORT = _Lazy(r"(?<![\w])[A-Za-z] ?\d{7}(?!\w)")
_ID12 = _Lazy(_START + r"\d(?:" + _SEP + r"\d){11}" + _END)
_PHONE_INTL = _Lazy(
    r"(?:\(\+?84\)|\+84|(?<![\d\w])84)" + _SEP + r"\(?0?\)?" + _SEP + r"[1-9]"
    r"(?:" + _SEP + r"\d){8,9}" + _END
)
_PHONE = _Lazy(r"\(?" + _START + r"0" + _SEP + r"[1-9](?:" + _SEP + r"\d){8,9}" + _END)
_ID9 = _Lazy(_START + r"\d(?:" + _SEP + r"\d){8}" + _END)
_ACCOUNT = _Lazy(_START + r"\d(?:" + _SEP + r"\d){7,18}" + _END)
# Private-use characters hold the protected spans while the rest is redacted.
_HOLD = 0xE000
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
# Every pattern above needs a digit, an "@" or a bracket, and the invisible and private-use
# characters are removed: a text with none of these (most questions) has nothing to redact.
_MAY_HOLD = re.compile(
    "[\\d@(\\[{\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ue000-\uf8ff]"
)


def redact(text: str) -> str:
    """Replace e-mails, id numbers, phone numbers and account-like numbers by placeholders."""
    return text if _MAY_HOLD.search(text) is None else redact_all(text)


def redact_all(text: str) -> str:
    """`redact` without its shortcut for texts that cannot hold personal data."""
    text = _INVISIBLE.sub("", _PRIVATE_USE.sub("", text))
    text = _EMAIL.sub(EMAIL, text)
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match.group(0))
        return chr(_HOLD + len(held) - 1)

    text = _PROTECTED.sub(hold, text)
    text = _PASSPORT.sub(ID_NUMBER, text)
    text = _PHONE_INTL.sub(PHONE, text)
    text = _ID12.sub(ID_NUMBER, text)
    text = _PHONE.sub(PHONE, text)
    text = _ID9.sub(ID_NUMBER, text)
    text = _ACCOUNT.sub(ACCOUNT, text)
    for i, original in enumerate(held):
        text = text.replace(chr(_HOLD + i), original)
    return text


# A placeholder, with the contact label a citizen puts before it ("sđt: 09..", "mail ..").
_PLACEHOLDERS = re.compile(
    r"(?:\b(?:sđt|sdt|số đt|so dt|đt|dt|số điện thoại|so dien thoai|điện thoại|dien thoai|zalo"
    r"|e-?mail|gmail|mail|stk|số tài khoản|so tai khoan)\s*:?\s*)?"
    "(?:" + "|".join(re.escape(p) for p in (EMAIL, PHONE, ID_NUMBER, ACCOUNT)) + ")",
    re.IGNORECASE,
)


def strip_personal(text: str) -> str:
    """Drop personal data altogether, for reading a question (numbers would only add noise)."""
    return " ".join(_PLACEHOLDERS.sub(" ", redact(text)).split())


def user_hash(user: Address, salt: str) -> str:
    """A salted, keyed hash of a user's address: stable for one deployment, not reversible.

    A Telegram address is hashed as its bare id, as before addresses had a channel, so that
    what was stored under a Telegram user stays theirs; any other channel hashes the whole
    address, so that "web:123" and Telegram user 123 never share a hash.
    """
    key = local(user) if channel(user) == TELEGRAM else user
    return hmac.new(salt.encode(), key.encode(), hashlib.sha256).hexdigest()[:32]
