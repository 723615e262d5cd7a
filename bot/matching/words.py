"""Word lists the matcher needs: generic words, and everyday words that are not typos.

These are facts about Vietnamese, not about procedures; the procedures' own words and the
citizens' names for them live in the catalogue (`aliases`, `vocabulary`).
"""

from __future__ import annotations

from functools import lru_cache

from bot.catalogue import derived
from bot.catalogue.national import DEFAULT_PATH, official_names
from bot.text import normal_words, normalize, strip_marks, word_set

# Words that glue a question together or ask about a part of a card: they weigh little
# whatever the catalogue says, so "làm thủ tục gì" in an alias does not make it match every
# question that says "thủ tục".
GENERIC_WORDS = frozenset(
    normalize(w)
    for w in word_set(
        """tôi em anh chị mình bạn cho của thì là và với có không được muốn cần phải làm sao thế
        nào gì ạ à ơi nhé nha nhá vậy này đó kia ở đâu đi về bao nhiêu như mà nên hay hoặc hỏi
        xin giúp ad admin rồi đã đang sẽ bị các những một mấy cái con người ai khi lúc nếu vì
        nhưng trong ngoài trên dưới từ đến tại theo để cũng vẫn còn nữa luôn lại ra vào thôi chứ
        nhỉ hả hở ừ ok dạ vâng thưa thể biết giờ nay hiện bây gồm ông bà cô chú bác
        cháu thủ tục giấy tờ hồ sơ tiền phí lệ lâu ngày chỗ nơi nộp mang theo chuẩn bị cách bước
        hướng dẫn ạ nhà gia đình năm tháng tuổi mới cũ rất quá lắm thêm nhanh giùm dùm hộ
        nhờ bây nay hôm qua trước sau ạa kiểu gì""",
    )
)
GENERIC = frozenset(strip_marks(w) for w in GENERIC_WORDS)

# Everyday syllables (folded) that are words in their own right: an unknown word in this list is
# not a typo of a catalogue word ("tiền" is not "điện", "chồng" is not "công").
EVERYDAY = frozenset(
    word_set(
        """a ai am an anh ao ba bac bai ban bang bao bat bay be ben bep bi bia biet bien bo boi
        bon bong bua bui bun buon buoc but ca cac cai cam can cao cap cau cay cha chan chao chat
        chay che chet chi chia chieu chin cho choi chon chong chu chua chuan chung chuoi chuyen
        co coi com con cong cu cua cuc cung cuoc cuoi cuon da dai dan dang dao dat dau day de
        dem den deu di dia diem dien dieu dinh do doi don dong du dua dung duoc duoi duong em
        ga gai gan gap gat ghe gi gia giai gian giao giay gio gioi giong giu giua go goi gon
        gui ha hai hang hanh hat hay he hen het hieu hinh hoa hoc hoi hom hon hong hop hot hu
        hung huong im kem keo ket khac khach khai kham khan khi khoa khoe khong khu kia kiem
        kim kinh ky la lai lam lan lang lau le len lich lien lieu linh lo loai loi lon long lop
        luc lui luon luong ma mai man mang manh mat may me meo mien minh moi mon mot mua muc
        mung muoi muon na nam nao nay ne neu ngan ngay nghe nghi ngoai ngon ngu nguoi nha nhan
        nhanh nhat nhe nheo nhieu nhin nho nhu nhung noi nong nua nuoc o oi ong phai phan phim
        pho phong phu qua quan quanh que quen qui quoc ra rang rat rau re rieng roi rong rua
        ruou sach sai san sang sao sau se set so song sua sung suot ta tai tam tan tang tao tap
        tat tau te tem tet thang thanh thao that thay the them then theo thi thich thieu thit
        tho thoi thom thu thua thuc thuoc thuong tien tieng tim tin tinh to toan toi ton tong
        tot tra trai tram tran trang tre treo tren tri trinh troi trong truoc truong tu tuan
        tuoi tuong tuy uong va vai van vang vao ve vi viec viet vo voi vu vua vui xa xanh xau
        xe xem xin xong xuong yeu dep xinh ngheo giau dau om met buon vui sot ho ngua chuot
        meo cho lon ga vit bo trau ca tom cua oc muc banh keo sua bot mi gao ngo khoai dua cam
        chanh tao le man nho xoai mit""",
    )
)


@lru_cache(maxsize=1)
def national_syllables() -> frozenset[str]:
    """Return the folded syllables of the national procedure names (real words, not typos)."""
    if not DEFAULT_PATH.exists():
        return frozenset()
    # Kept in the derived-data cache: a start reads a few thousand syllables, not every name.
    code = derived.code_key([__name__, "bot.text", "bot.catalogue.national"])
    return derived.cached("national-syllables", DEFAULT_PATH.read_bytes(), "", code, _syllables)


def _syllables() -> frozenset[str]:
    words: set[str] = set()
    # The names alone (as `check` reads them, once per process).
    for name in official_names().values():
        words.update(normal_words(name))
    # Folding goes word by word: each of a few thousand words once, not every name.
    return frozenset(map(strip_marks, words))
