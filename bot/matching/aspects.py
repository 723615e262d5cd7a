"""What a question asks about (documents, fee, time ...) and whether it is small talk."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Literal

from bot.matching.words import GENERIC
from bot.text import expand_shorthand, fold, normalize, strip_marks, word_set

if TYPE_CHECKING:
    from bot.matching.index import Index
    from bot.matching.score import Query

Aspect = Literal["documents", "fee", "time", "place", "online", "legal", "steps", "notes"]

# Folded phrases per aspect, in priority order: "mất bao nhiêu ngày" is about time before it is
# about money, "nộp online mất bao nhiêu tiền" about the fee before the portal. Bare words that
# also name procedures ("hồ sơ", "giấy tờ", "thủ tục", "chi phí mai táng") are left out.
_ASPECT_PHRASES: tuple[tuple[Aspect, frozenset[str]], ...] = (
    (
        # Who must come, whether someone else may do it, what to watch out for.
        "notes",
        word_set(
            """luu y|chu y|can biet|hai nguoi|ca hai|2 nguoi|ca 2|cung den|cung di|co mat
            |uy quyen|nho nguoi|lam thay|nop thay|di thay|lam ho duoc|nguoi nha lam""",
            "|",
        ),
    ),
    (
        "time",
        word_set(
            """bao lau|may ngay|bao nhieu ngay|thoi gian|khi nao co|bao gio co|bao gio lay
            |bao gio xong|bao gio duoc|lau khong|lau ko|mat may|thoi han|may hom|bao nhieu lau
            |khi nao nhan|khi nao xong|bao nhieu thang|may thang|han la|co gia tri""",
            "|",
        ),
    ),
    (
        "fee",
        word_set(
            """bao nhieu tien|mat bao nhieu|het bao nhieu|ton bao nhieu|le phi|mat tien|ton tien
            |mien phi|tien phi|tra tien|dong tien|mat phi|ton phi|co phi|thu phi|phi bao nhieu
            |bao nhieu phi|phi la|phi gi|gia bao nhieu|nhieu tien|bao tien""",
            "|",
        ),
    ),
    (
        "documents",
        word_set(
            """giay to gi|giay to nao|ho so gom|ho so gi|can gi|can nhung gi|mang theo|mang gi
            |chuan bi gi|chuan bi nhung|can giay to|thanh phan ho so|can mang|ho so can
            |giay to can|nhung giay to|can co gi|gom nhung gi|mau don|to khai|can nhung
            |hs gom|hs can|gom gi|gom nhung""",
            "|",
        ),
    ),
    (
        "place",
        word_set(
            """o dau|cho nao|noi nao|nop o|nop dau|di dau|den dau|co quan nao|xa nao|phuong nao
            |tai dau|noi nop|lam o|o xa|o phuong|o tinh|o huyen|o cong an|dau lam|dau nop
            |thu 7|thu bay|chu nhat|cuoi tuan|gio lam viec|may gio|lam viec khong|nghi trua
            |gio hanh chinh|mo cua|dia chi""",
            "|",
        ),
    ),
    (
        "online",
        word_set(
            """online|truc tuyen|qua mang|tren mang|tai nha|tu nha|qua app|tren app|internet
            |khong can den|khong phai den|khong phai ra|khong can ra""",
            "|",
        ),
    ),
    (
        "legal",
        word_set(
            """can cu|luat|nghi dinh|thong tu|van ban phap|quy dinh nao|co so phap|phap ly
            |dieu may|theo quy dinh""",
            "|",
        ),
    ),
    (
        "steps",
        word_set(
            "the nao|ra sao|lam sao|cac buoc|tung buoc|trinh tu|cach lam|huong dan|quy trinh",
            "|",
        ),
    ),
)


def _spelled(phrases: frozenset[str]) -> list[str]:
    """Return phrases as questions are folded ("phap ly" is "phap li" once lý is lí)."""
    return [re.escape(fold(p)) for p in sorted(phrases)]


@functools.cache
def _aspect_res() -> tuple[tuple[Aspect, re.Pattern[str]], ...]:
    """The aspects' patterns, compiled on first use (a start-up need not wait for them)."""
    return tuple(
        # "chưa bao giờ" is "never", not a question about when.
        (aspect, re.compile(r"\b(?<!chua )(?:" + "|".join(_spelled(phrases)) + r")\b"))
        for aspect, phrases in _ASPECT_PHRASES
    )


# Words that only say which part of a card is wanted, or where: no procedure in them.
ASPECT_WORDS = frozenset(
    w for _, phrases in _ASPECT_PHRASES for p in phrases for w in fold(p).split()
) | word_set(
    """tien xa phuong tinh huyen uy ban ubnd cong an mot cua truc nop lay nhan ket qua xong
    sao the nao con duoc khong nua chi la gi vay thi roi nhi the a ak ah oi ad admin
    dang ky ki lam xin cap ho so giay to thu tuc phi mat het ton"""
)

# Folded cues of conversation that is not about a procedure.
_SMALL_TALK_CUES = word_set(
    """xin chao|chao ban|chao bot|chao em|chao ad|hello|hi|helo|alo|hey|chao buoi
            |cam on|thank|tam biet|bye|thoi tiet|troi mua|co mua khong|nhiet do|du bao|bong da
            |tran dau|world cup|ngoai hang|gia vang|vang sjc|ty gia|do la my|chung khoan
            |co phieu|bitcoin|tien ao|xo so|lo de|nau an|cong thuc|mon an|an gi|an com
            |nguoi yeu|bai hat|hat cho|ke chuyen|chuyen cuoi|truyen cuoi|dua thoi|ban la ai
            |ban ten|may tuoi|bao nhieu tuoi|buon qua|chan qua|phim|game|lich chieu|gia xang
            |tra gop|khach san|nha hang|ve may bay|dat ve|xe buyt|taxi|grab|shopee|lazada
            |facebook|tiktok|youtube|zalo|dien thoai nao|laptop|may tinh|iphone|samsung
            |con meo|thu cung|ca si|dien vien|showbiz|tu vi|boi toan|phong thuy
            |horoscope|cung hoang dao|lam tho|viet tho|giai toan
            |bai tap|an sang|an trua|an toi|ngu ngon|buon ngu|met qua|vui qua|hihi|haha|hehe
            |kkk|lol|dang yeu|de thuong|xinh|dep trai|bao gio tet|tet nam|noel|giang sinh
            |mua sam|giam can|tap gym|benh vien nao|dau dau|sot|cam cum|tinh yeu
            |that tinh|ban gai|ban trai|chong em ngoai tinh|cho vay|vay tien|lai suat
            |ngan hang nao|the tin dung|gia dat|gia nha""",
    "|",
)


@functools.cache
def _small_talk() -> re.Pattern[str]:
    """The small-talk pattern, compiled on first use."""
    return re.compile(r"\b(?:" + "|".join(_spelled(_SMALL_TALK_CUES)) + r")\b")


def _folded(text: str) -> str:
    return " ".join(strip_marks(w) for w in expand_shorthand(normalize(text).split()))


# A message that is only one of these words asks for that part of the card in view.
_BARE: dict[str, Aspect] = {
    "giay to": "documents",
    "ho so": "documents",
    "hs": "documents",
    "thanh phan ho so": "documents",
    "le phi": "fee",
    "phi": "fee",
    "chi phi": "fee",
    "thoi gian": "time",
    "thoi han": "time",
    "dia chi": "place",
    "noi nop": "place",
    "luu y": "notes",
    "cac buoc": "steps",
    "online": "online",
    "truc tuyen": "online",
}


def detect_aspect(text: str) -> Aspect | None:
    """Return the part of a card the question asks about (fee, documents ...), if any."""
    folded = _folded(text)
    bare = " ".join(re.findall(r"[a-z0-9]+", folded))
    bare = " ".join(re.sub(r"\b(?:con|a|vay|the|thi sao|nua|sao|gi|j|ntn)\b", " ", bare).split())
    if bare in _BARE:
        return _BARE[bare]
    for aspect, pattern in _aspect_res():
        if pattern.search(folded):
            return aspect
    return None


def is_small_talk(text: str) -> bool:
    """Tell whether a question carries a cue of small talk (greetings, weather, prices ...)."""
    return bool(_small_talk().search(_folded(text)))


def pure_followup_words(query: Query, index: Index) -> bool:
    """Tell whether an analysed question holds no word that names a procedure."""
    for folded in query.folded:
        if folded in ASPECT_WORDS or folded in GENERIC or not folded.isalpha():
            continue
        if folded in index.idf:
            return False
    return True
