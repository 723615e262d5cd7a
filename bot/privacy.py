"""Personal data: redact what a citizen typed before it is stored, and hash user ids."""

from __future__ import annotations

import hashlib
import hmac
import re

# Order matters: e-mails first (they contain digits), then long id numbers, then phones,
# then any other long digit run that looks like a bank account.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_SEP = r"[ .\-]?"
_PHONE = re.compile(
    r"(?<![\d+])(?:\+84|84|0)" + _SEP + r"\d(?:" + _SEP + r"\d){7,9}(?!\d)",
)
_ID12 = re.compile(r"(?<!\d)\d{3}" + _SEP + r"\d{3}" + _SEP + r"\d{3}" + _SEP + r"\d{3}(?!\d)")
_ID9 = re.compile(r"(?<!\d)\d{9}(?!\d)")
_ACCOUNT = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){7,18}(?!\d)")

EMAIL = "[email]"
PHONE = "[số điện thoại]"
ID_NUMBER = "[số giấy tờ]"
ACCOUNT = "[số tài khoản]"


def redact(text: str) -> str:
    """Replace e-mails, id numbers, phone numbers and account-like numbers by placeholders."""
    text = _EMAIL.sub(EMAIL, text)
    text = _ID12.sub(ID_NUMBER, text)
    text = _PHONE.sub(PHONE, text)
    text = _ID9.sub(ID_NUMBER, text)
    return _ACCOUNT.sub(ACCOUNT, text)


def user_hash(user_id: int, salt: str) -> str:
    """A salted, keyed hash of a Telegram user id: stable for one deployment, not reversible."""
    return hmac.new(salt.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()[:32]
