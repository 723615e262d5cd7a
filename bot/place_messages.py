"""What the bot says about communes after the 1 July 2025 merger (Telegram HTML, Vietnamese).

Values are escaped by the caller. No address is ever written here: the resolution gives none,
so the replies tell the citizen how to find it.
"""

from __future__ import annotations

OLD_TO_NEW = "🏘 <b>{old}</b> ({district} cũ) nay thuộc <b>{new}</b>, tỉnh Hưng Yên."
OLD_SPLIT = (
    "🏘 <b>{old}</b> ({district} cũ) được chia cho hai đơn vị mới: {parts}.\n"
    "Nghị quyết không ghi thôn, xóm nào thuộc đơn vị nào, nên tôi không đoán thay bạn. Bạn hỏi "
    "trưởng thôn, tổ dân phố hoặc cán bộ một trong hai nơi để biết nhà mình thuộc bên nào nhé."
)
SPLIT_PART = "{note} nay thuộc <b>{new}</b>"
SPLIT_PART_PLAIN = "một phần nay thuộc <b>{new}</b>"
NEW_UNIT = "🏘 <b>{new}</b> là đơn vị mới của tỉnh Hưng Yên từ {since}."
MADE_FROM = "{new} được lập từ: {units}."
SAME_NAME_ELSEWHERE = "Lưu ý: {old} ({district} cũ) nay thuộc {new}."
OFFICE_LINE = "📍 <b>Nộp hồ sơ cấp xã:</b> {offices}."
OFFICE = "Trung tâm Phục vụ hành chính công {unit}"
OFFICE_OR = " hoặc "
ADDRESS_KNOWN = "🏛 <b>Địa chỉ:</b> {address} <i>(nguồn: {source})</i>"
PHONE_KNOWN = "☎️ <b>Điện thoại:</b> {phone} <i>(nguồn: {source})</i>"
ADDRESS_HOW = (
    "ℹ️ Nghị quyết không ghi địa chỉ trụ sở mới, nên tôi chưa có địa chỉ chính xác để chỉ "
    "bạn. Bạn xem địa chỉ, giờ làm việc trên {portal} hoặc gọi tổng đài <b>{hotline}</b> để "
    "được chỉ dẫn."
)
PORTAL_FALLBACK = "Cổng Dịch vụ công tỉnh Hưng Yên"
BASIS = "<i>Theo {resolution}; các xã, phường mới hoạt động từ {since}.</i>"
REMEMBERED = (
    "Tôi sẽ nhớ nơi bạn ở trong cuộc trò chuyện này: bạn hỏi tiếp thủ tục nào, tôi chỉ đúng "
    "nơi nộp."
)

DISTRICT = (
    "🗺 <b>{district}</b> ({province} cũ) không còn từ {since}. Các xã, phường, thị trấn của "
    "{district_lower} nay thuộc {count} xã, phường của tỉnh Hưng Yên:"
)
DISTRICT_LINE = "• <b>{new}</b>: {units}"
DISTRICT_ASK = "Bạn cho tôi biết tên xã cũ (ví dụ <i>xã {example} cũ</i>) để tôi chỉ đúng nơi nộp."
PART_MARK = " (một phần)"

AMBIGUOUS = (
    "Có {count} nơi cũ tên <b>{name}</b> ở các huyện, thành phố khác nhau. Trước đây nơi bạn ở "
    "thuộc huyện, thành phố nào ạ? Bạn bấm để chọn nhé:"
)
AMBIGUOUS_BUTTON = "{name} ({district})"

UNKNOWN = (
    "Xin lỗi bạn, tôi chưa tìm thấy xã, phường, thị trấn nào tên “{name}” trong danh sách của "
    "tỉnh Hưng Yên (gồm cả Hưng Yên cũ và Thái Bình cũ). 🙏\n\n"
    "Bạn kiểm tra lại tên giúp tôi, có thể gõ kèm huyện cũ, ví dụ: <i>xã Dân Tiến, huyện Khoái "
    "Châu cũ giờ là xã nào</i>. Nếu cần người hỗ trợ, bạn gọi tổng đài <b>{hotline}</b>."
)

BUTTON_PORTAL = "🌐 Cổng Dịch vụ công tỉnh"
BUTTON_PROCEDURES = "📚 Xem thủ tục theo lĩnh vực"

# The place line of a card, for a citizen whose commune the bot knows (plain text).
CARD_LOCAL = "{offices} ({old} cũ của bạn nay thuộc {new})"
CARD_LOCAL_NEW = "{offices}"
CARD_LOCAL_SPLIT = "{offices}, tùy thôn, xóm bạn ở ({old} cũ được chia cho hai nơi)"
# Which office of the new commune, by the agency the catalogue names.
LOCAL_OFFICE = {
    "Công an": "Công an {unit}",
    "Ban Chỉ huy quân sự": "Ban Chỉ huy quân sự {unit}",
}
