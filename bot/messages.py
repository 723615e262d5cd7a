"""Every word a citizen or staff member reads, in one place.

The tone is the province's service standard "4 xin, 4 luôn": xin chào, xin lỗi, xin cảm ơn,
xin phép; always gentle, patient and helpful. Texts are Telegram HTML: anything that comes
from a citizen or from the catalogue is escaped by the caller.
"""

from __future__ import annotations

BOT_NAME = "Trợ lý thủ tục hành chính Hưng Yên"

# --- greeting, help, menus -------------------------------------------------------------------

GREETING = (
    "Xin chào bạn! 👋 Tôi là <b>{bot_name}</b>.\n\n"
    "Bạn cứ hỏi bằng lời của mình, có dấu hay không dấu đều được, ví dụ:\n"
    "• <i>làm giấy khai sinh cho con cần gì</i>\n"
    "• <i>đổi cccd hết bao nhiêu tiền</i>\n"
    "• <i>sang tên sổ đỏ nộp ở đâu</i>\n\n"
    "Tôi sẽ cho bạn biết cần mang giấy tờ gì, nộp ở đâu, mất bao lâu, lệ phí bao nhiêu, "
    "có làm trực tuyến được không, và hướng dẫn từng bước trên Cổng Dịch vụ công.\n\n"
    "Hoặc bạn chọn một lĩnh vực bên dưới:"
)
HELP = (
    "<b>Tôi có thể giúp bạn:</b>\n"
    "• Tìm thủ tục: bạn chỉ cần gõ câu hỏi, ví dụ <i>đăng ký tạm trú cần giấy tờ gì</i>.\n"
    "• Xem theo lĩnh vực: /thutuc\n"
    "• Hướng dẫn làm trên Cổng Dịch vụ công từng bước: /huongdan\n"
    "• Tiếp tục hướng dẫn đang làm dở: /tieptuc\n"
    "• Dừng việc đang làm: /huy\n"
    "• Gặp cán bộ khi tôi chưa giúp được: /gapcanbo\n"
    "• Xóa dữ liệu của bạn: /xoadulieu\n\n"
    "Hỏi thêm về một thủ tục vừa xem, bạn cứ gõ tiếp, ví dụ <i>hết bao nhiêu tiền?</i> "
    "hay <i>nộp online được không?</i>"
)
FIELDS_TITLE = "Bạn muốn tìm thủ tục trong lĩnh vực nào ạ?"
FIELD_TITLE = "<b>{icon} {name}</b>\nBạn chọn thủ tục cần xem:"
FIELD_EMPTY = "Lĩnh vực này hiện chưa có thủ tục nào trong danh mục. Xin lỗi bạn."
BUTTON_FIELDS = "📚 Xem theo lĩnh vực"
BUTTON_GUIDES = "💻 Hướng dẫn Dịch vụ công"
BUTTON_MENU = "🏠 Về đầu"
BUTTON_BACK_TO_FIELDS = "⬅️ Các lĩnh vực"
CANCELLED = "Dạ, tôi đã dừng việc đang làm. Bạn cần gì cứ hỏi tôi nhé."
NOTHING_TO_CANCEL = "Hiện không có việc gì đang làm dở. Bạn cần gì cứ hỏi tôi nhé."

# --- small talk ------------------------------------------------------------------------------

HELLO_REPLY = (
    "Xin chào bạn! Bạn cần hỏi về thủ tục nào ạ? Bạn cứ gõ tự nhiên, ví dụ "
    "<i>làm căn cước cho con</i>, hoặc chọn lĩnh vực bên dưới."
)
THANKS_REPLY = (
    "Dạ, không có gì ạ. Xin cảm ơn bạn đã dùng trợ lý! Chúc bạn làm thủ tục thuận lợi. 🌷"
)

# --- matching outcomes -----------------------------------------------------------------------

CLARIFY = "Bạn muốn hỏi về thủ tục nào dưới đây ạ? Bạn bấm để chọn nhé:"
BUTTON_NONE_OF_THESE = "🤔 Không phải các thủ tục này"
NOT_FOUND = (
    "Xin lỗi bạn, tôi chưa tìm được thủ tục phù hợp với câu hỏi này. 🙏\n\n"
    "Bạn có thể thử hỏi ngắn gọn hơn, ví dụ <i>đăng ký kết hôn</i>, <i>đổi bằng lái xe</i>, "
    "hoặc xem danh sách theo lĩnh vực.\n\n"
    "Nếu cần người hỗ trợ, bạn gọi tổng đài <b>{hotline}</b> ({hotline_note}) "
    "hoặc bấm “Gặp cán bộ”."
)
NONE_OF_THESE = (
    "Xin lỗi bạn vì tôi chưa hiểu đúng ý. Tôi đã ghi lại câu hỏi để cán bộ bổ sung.\n\n"
    "Bạn thử diễn đạt lại, xem theo lĩnh vực, hoặc gọi tổng đài <b>{hotline}</b>."
)
BUTTON_HANDOFF = "🙋 Gặp cán bộ"

# --- non-text input --------------------------------------------------------------------------

MEDIA_HINT = {
    "sticker": "Cảm ơn bạn đã gửi nhãn dán! 😊 Bạn cần hỏi thủ tục nào, bạn cứ gõ chữ nhé.",
    "photo": (
        "Xin lỗi bạn, tôi chưa đọc được ảnh. Bạn vui lòng gõ câu hỏi bằng chữ, ví dụ "
        "<i>làm hộ chiếu cần gì</i>. Để bảo vệ thông tin cá nhân, bạn đừng gửi ảnh giấy tờ nhé."
    ),
    "voice": "Xin lỗi bạn, tôi chưa nghe được tin nhắn thoại. Bạn vui lòng gõ câu hỏi bằng chữ nhé.",
    "document": (
        "Xin lỗi bạn, tôi chưa đọc được tệp đính kèm. Bạn vui lòng gõ câu hỏi bằng chữ. "
        "Để bảo vệ thông tin cá nhân, bạn đừng gửi giấy tờ qua đây nhé."
    ),
}
MEDIA_OTHER = "Xin lỗi bạn, tôi chỉ hiểu tin nhắn chữ. Bạn vui lòng gõ câu hỏi nhé."
EMPTY_TEXT = "Bạn vui lòng gõ câu hỏi về thủ tục cần làm, ví dụ <i>đăng ký tạm trú</i> nhé."
TOO_LONG = (
    "Tin nhắn của bạn hơi dài, tôi xin phép chỉ đọc phần đầu. Lần sau bạn hỏi ngắn gọn "
    "(một thủ tục mỗi lần) để tôi trả lời chính xác hơn nhé."
)
UNKNOWN_COMMAND = "Xin lỗi bạn, tôi chưa biết lệnh này. Bạn gõ /help để xem những gì tôi làm được nhé."

# --- buttons that are stale, forged or broken ------------------------------------------------

STALE_BUTTON = "Nút này đã cũ hoặc không còn dùng được. Xin lỗi bạn, bạn vui lòng hỏi lại nhé."
STALE_BUTTON_TEXT = (
    "Xin lỗi bạn, nút bạn vừa bấm đã cũ (danh mục vừa được cập nhật hoặc tin nhắn đã lâu). "
    "Bạn gõ lại câu hỏi, hoặc bấm nút bên dưới để bắt đầu lại nhé."
)
DONE_NOTICE = "✓"
BUSY = (
    "Xin lỗi bạn, hệ thống đang bận một chút. Bạn vui lòng thử lại sau ít phút nhé. "
    "Những gì bạn đã làm vẫn được giữ nguyên."
)
SLOW_DOWN = "Bạn gửi hơi nhanh, tôi xin phép trả lời lần lượt. Bạn đợi vài giây rồi hỏi tiếp nhé."

# --- the procedure card ----------------------------------------------------------------------

LEVEL = {"commune": "Cấp xã", "province": "Cấp tỉnh", "ministry": "Cấp trung ương"}
ONLINE = {
    "full": "Làm trực tuyến toàn trình: nộp và nhận kết quả hoàn toàn trên mạng",
    "partial": "Trực tuyến một phần: nộp trên mạng, mang bản chính đến khi nhận kết quả",
    "none": "Chưa làm trực tuyến được, bạn nộp trực tiếp",
}
ONLINE_SHORT = {"full": "toàn trình", "partial": "một phần", "none": "nộp trực tiếp"}
DOC_KIND = {
    "original": "bản chính",
    "copy": "bản sao",
    "certified-copy": "bản sao có chứng thực",
    "original-or-copy": "bản chính hoặc bản sao",
    "show": "mang bản chính để xuất trình",
    "data": "thông tin điện tử, không cần bản giấy",
}
CARD_CODE = "Mã thủ tục: {code} · {field} · {level}"
CARD_WHERE = "🏛 <b>Nơi nộp:</b> {where}"
CARD_TIME = "⏱ <b>Thời hạn:</b> {time}"
CARD_FEE = "💰 <b>Lệ phí:</b> {fee}"
CARD_ONLINE = "💻 <b>Trực tuyến:</b> {online}"
CARD_DOCS_COUNT = "📎 <b>Hồ sơ:</b> {count} loại giấy tờ, bấm “Giấy tờ cần mang” để xem chi tiết."
CARD_VERIFIED = "🗓 <i>Thông tin được kiểm tra lần cuối ngày {date}.</i>"
CARD_CONFIRM = "⚠️ <b>Nên hỏi lại tại nơi nộp:</b>"
FEE_UNTIL = "(mức này áp dụng đến hết ngày {date}; sau đó bạn vui lòng hỏi lại)"

SECTION_TITLES = {
    "documents": "📑 Giấy tờ cần mang",
    "place": "🏛 Nơi nộp",
    "time": "⏱ Thời gian, lệ phí",
    "fee": "⏱ Thời gian, lệ phí",
    "online": "💻 Làm trực tuyến",
    "legal": "📜 Căn cứ pháp lý",
    "steps": "🪜 Các bước",
    "notes": "💡 Lưu ý",
}
DOC_LINE = "{n}. {name} — {count} {kind}"
DOC_WHEN = "   <i>{when}</i>"
DOC_FORM = "   Mẫu: {form}"
NO_DOCUMENTS = "Danh mục chưa ghi giấy tờ cho thủ tục này; bạn vui lòng hỏi tại nơi nộp."
AGENCY_LINE = "<b>Cơ quan giải quyết:</b> {name} ({level})"
AGENCY_HOURS = "<b>Giờ làm việc:</b> {hours}"
AGENCY_ADDRESS = "<b>Địa chỉ:</b> {address}"
AGENCY_PHONE = "<b>Điện thoại:</b> {phone}"
ONLINE_LINK = "Cổng nộp hồ sơ: {url}"
LEGAL_EMPTY = "Danh mục chưa ghi căn cứ pháp lý cho thủ tục này."
STEPS_EMPTY = "Bạn chuẩn bị giấy tờ ở mục “Giấy tờ cần mang” rồi nộp tại nơi tiếp nhận."
BUTTON_SUBMIT_ONLINE = "🌐 Mở Cổng Dịch vụ công"
BUTTON_SUMMARY = "📋 Tóm tắt"

# --- guides (before a walkthrough starts) ----------------------------------------------------

GUIDE_CARD = "🧭 <b>{name}</b>\n{summary}\n\nGồm {count} bước. Bạn bấm “Bắt đầu” để đi từng bước."
BUTTON_START_GUIDE = "▶️ Bắt đầu"
GUIDES_TITLE = "Bạn muốn được hướng dẫn việc gì trên Cổng Dịch vụ công ạ?"

# --- the national tier -----------------------------------------------------------------------

NATIONAL_CARD = (
    "📘 <b>{name}</b>\n"
    "Mã thủ tục: {code}\n"
    "<b>Cấp thực hiện:</b> {level}\n"
    "<b>Lĩnh vực:</b> {field}\n"
    "<b>Cơ quan thực hiện:</b> {agency}\n\n"
    "ℹ️ <i>Đây là thông tin cơ bản từ Cơ sở dữ liệu thủ tục hành chính quốc gia. Giấy tờ, "
    "thời hạn và lệ phí chi tiết bạn xem tại trang chính thức bên dưới, hoặc hỏi tại nơi nộp.</i>"
)
BUTTON_OFFICIAL_PAGE = "🔗 Trang chính thức"

# --- the terminal chat -----------------------------------------------------------------------

CONSOLE_BANNER = (
    "{bot_name} — trò chuyện trên máy tính.\n"
    "Gõ câu hỏi rồi bấm Enter. Chọn nút bằng số (ví dụ 1). Gõ /thoat để thoát."
)
CONSOLE_BYE = "Xin cảm ơn bạn. Hẹn gặp lại!"
CONSOLE_BAD_CHOICE = "Không có lựa chọn số {n}. Bạn chọn trong các số đang hiện nhé."

# --- operator --------------------------------------------------------------------------------

NO_TOKEN = (
    "Chưa có TELEGRAM_BOT_TOKEN.\n"
    "Bạn tạo bot với @BotFather trên Telegram, rồi đặt token vào biến môi trường hoặc tệp .env:\n"
    "    TELEGRAM_BOT_TOKEN=123456:ABC...\n"
    "Muốn thử ngay không cần token: python -m bot chat"
)
CATALOGUE_BROKEN = "Không dùng được danh mục {path}:"
