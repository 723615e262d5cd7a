"""Personal data: redact what a citizen typed before it is stored, and hash user ids.

`redact` replaces e-mail addresses, id numbers (9-digit CMND, 12-digit CCCD, passports), phone
numbers (0xx and +84 forms, grouped with spaces, dots or dashes) and other long digit runs that
look like bank accounts by placeholders. Numbers a question needs and that identify nobody are
left alone: fees ("50.000 đồng", "1.200.000đ"), dates ("12/3/2026", "12.03.2026"), years and
year ranges, procedure codes ("1.001193"), dossier codes ("000.00.20.H31-250101-0001") and the
public hotlines (1800 / 1900 numbers).
"""

from __future__ import annotations

import hashlib
import hmac
import re

from bot.addresses import TELEGRAM, Address, channel, local

EMAIL = "[email]"
PHONE = "[số điện thoại]"
ID_NUMBER = "[số giấy tờ]"
ACCOUNT = "[số tài khoản]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A digit may be followed by one separator before the next digit: "0912 345 678", "034.190...".
_SEP = r"[ .\-]?"
# A run starts where no digit (or digit and separator) comes before, and ends where no digit
# (or separator and digit) comes after, so that part of a longer number is never taken alone.
_START = r"(?<!\d)(?<!\d[ .\-])"
_END = r"(?![ .\-]?\d)"

# Spans that look like numbers but identify nobody; they are set aside before redaction.
_UNIT = r"\s?(?:đồng|đ|dong|vnđ|vnd|k|nghìn|nghin|ngàn|ngan|triệu|trieu|tr|tỷ|tỉ|ty)(?!\w)"
_PROTECTED = re.compile(
    "|".join(
        [
            # Dossier codes of the portal: 000.00.20.H31-250101-0001.
            r"(?:\d+\.)*[A-Za-z]\d{2}-\d{6}-\d{4}",
            # National procedure codes: 1.001193, 2.000305.000.00.00.H31.
            r"(?<![\d.])\d\.\d{6}(?:\.\d{2,3})*(?:\.[A-Za-z]\d{2})?(?![\d])",
            # Dates: 12/3/2026, 12-03-2026, 12.03.2026, 2026-03-12.
            r"(?<!\d)\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)\d{2}(?!\d)",
            r"(?<!\d)(?:19|20)\d{2}-\d{1,2}-\d{1,2}(?!\d)",
            # Year ranges: 2024-2025, 1990 - 2000.
            r"(?<!\d)(?:19|20)\d{2}\s?[-–]\s?(?:19|20)\d{2}(?!\d)",
            # Amounts grouped by thousands followed by a unit, or ending in 000.
            r"(?<![\d.,])\d{1,3}(?:[., ]\d{3})+(?:,\d+)?" + _UNIT,
            r"(?<![\d.,])[1-9]\d{0,2}(?:[.,]\d{3})*[.,]000(?![\d])",
            # Public hotlines: 1800 1096, 1900.xxxx.
            r"(?<!\d)1[89]00[ .]?\d{4}(?:\d{2})?(?!\d)",
        ]
    ),
    re.IGNORECASE,
)
_PASSPORT = re.compile(r"(?<![\w])[A-Z]\d{7}(?!\w)")
_ID12 = re.compile(_START + r"\d(?:" + _SEP + r"\d){11}" + _END)
_PHONE = re.compile(
    r"(?:(?:\(\+?84\)|\+84|(?<![\d\w])84)[ .\-]?\(?0?\)?[ .\-]?[1-9]|" + _START + r"0[ .\-]?[1-9])"
    r"(?:" + _SEP + r"\d){8,9}" + _END
)
_ID9 = re.compile(_START + r"\d(?:" + _SEP + r"\d){8}" + _END)
_ACCOUNT = re.compile(_START + r"\d(?:" + _SEP + r"\d){7,18}" + _END)
# Private-use characters hold the protected spans while the rest is redacted.
_HOLD = 0xE000
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def redact(text: str) -> str:
    """Replace e-mails, id numbers, phone numbers and account-like numbers by placeholders."""
    text = _EMAIL.sub(EMAIL, _PRIVATE_USE.sub("", text))
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match.group(0))
        return chr(_HOLD + len(held) - 1)

    text = _PROTECTED.sub(hold, text)
    text = _PASSPORT.sub(ID_NUMBER, text)
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
