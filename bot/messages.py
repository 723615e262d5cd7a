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

# What the citizen sees in Telegram's command menu.
MENU_COMMANDS = [
    ("start", "Bắt đầu, chọn lĩnh vực"),
    ("thutuc", "Xem thủ tục theo lĩnh vực"),
    ("huongdan", "Hướng dẫn làm trên Cổng Dịch vụ công"),
    ("tieptuc", "Tiếp tục hướng dẫn đang làm dở"),
    ("gapcanbo", "Gặp cán bộ"),
    ("huy", "Dừng việc đang làm"),
    ("xoadulieu", "Xóa dữ liệu của tôi"),
    ("help", "Trợ giúp"),
]

# --- small talk ------------------------------------------------------------------------------

HELLO_REPLY = (
    "Xin chào bạn! Bạn cần hỏi về thủ tục nào ạ? Bạn cứ gõ tự nhiên, ví dụ "
    "<i>làm căn cước cho con</i>, hoặc chọn lĩnh vực bên dưới."
)
THANKS_REPLY = "Dạ, không có gì ạ. Chúc bạn làm thủ tục thuận lợi! 🌷"
ACK_REPLY = "Dạ vâng ạ. Bạn cần hỏi thêm gì cứ nhắn tôi nhé."
IDENTITY_REPLY = (
    "Dạ, tôi là trợ lý tự động (không phải người thật) của tỉnh Hưng Yên. Tôi giúp bạn tìm "
    "thủ tục hành chính: giấy tờ cần mang, nơi nộp, thời hạn, lệ phí và cách nộp trực tuyến.\n"
    "Cần gặp người thật, bạn gọi tổng đài <b>{hotline}</b> ({hotline_note})."
)
PERSON_BY_PHONE = (
    "Dạ, ở đây tôi chưa chuyển tin nhắn cho cán bộ được. Bạn gọi tổng đài <b>{hotline}</b> "
    "({hotline_note}) để được cán bộ hỗ trợ trực tiếp nhé."
)
INSULT_REPLY = (
    "Xin lỗi bạn vì tôi chưa giúp được như ý. 🙏 Bạn có thể hỏi lại theo cách khác, hoặc "
    "gọi tổng đài <b>{hotline}</b> để gặp cán bộ."
)
INSULT_REPLY_HANDOFF = (
    "Xin lỗi bạn vì tôi chưa giúp được như ý. 🙏 Bạn có muốn nhắn câu hỏi cho cán bộ không ạ?"
)
OFF_TOPIC = (
    "Dạ, tôi chỉ giúp về thủ tục hành chính ở Hưng Yên (giấy tờ, nơi nộp, lệ phí...). "
    "Bạn cần làm thủ tục gì ạ?"
)
ASPECT_NAMES = {
    "documents": "giấy tờ",
    "fee": "lệ phí",
    "time": "thời gian",
    "place": "nơi nộp, giờ làm việc",
    "online": "cách nộp trực tuyến",
    "legal": "căn cứ pháp lý",
    "steps": "các bước",
    "notes": "lưu ý",
}
ASPECT_WHICH_PROCEDURE = (
    "Bạn hỏi về {aspect} của thủ tục nào ạ? Bạn gõ tên thủ tục, ví dụ "
    "<i>đăng ký khai sinh</i>, hoặc chọn lĩnh vực bên dưới."
)
PERSONAL_NOTE = (
    "🔒 Bạn không cần gửi số căn cước hay số điện thoại cho tôi: tôi không cần và không lưu "
    "các số này. Bạn giữ kín giúp mình nhé."
)
CANCEL_GUIDE_CONFIRM = (
    "Bạn đang làm dở <b>{name}</b> (bước {step}/{steps}). Nếu dừng, tôi sẽ xóa chỗ đang làm. "
    "Bạn có chắc muốn dừng không ạ?"
)
BUTTON_CANCEL_YES = "🗑 Dừng và xóa"
BUTTON_CANCEL_NO = "↩️ Không, làm tiếp"
CANCEL_KEPT = "Dạ, tôi giữ nguyên chỗ bạn đang làm. Gõ /tieptuc để làm tiếp nhé."

# --- matching outcomes -----------------------------------------------------------------------

CLARIFY = "Bạn muốn hỏi về thủ tục nào dưới đây ạ? Bạn bấm để chọn nhé:"
BUTTON_NONE_OF_THESE = "🤔 Không phải các thủ tục này"
# At most three short lines: what was understood, what to do, the hotline. The buttons (the
# closest procedures, the fields, a hand-off when there is one) are never named in the text.
NOT_FOUND = (
    "Xin lỗi bạn, tôi chưa tìm được thủ tục cho “{understood}”.\n"
    "{hint}\n"
    "Tổng đài hỗ trợ: <b>{hotline}</b> ({hotline_note})."
)
NOT_FOUND_HINT_CLOSE = "Có thể bạn cần một trong các thủ tục bên dưới, hoặc chọn theo lĩnh vực."
NOT_FOUND_HINT = "Bạn thử hỏi ngắn gọn hơn, ví dụ <i>đăng ký kết hôn</i>, hoặc chọn lĩnh vực."
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
    "voice": (
        "Xin lỗi bạn, tôi chưa nghe được tin nhắn thoại. Bạn vui lòng gõ câu hỏi bằng chữ nhé."
    ),
    "document": (
        "Xin lỗi bạn, tôi chưa đọc được tệp đính kèm. Bạn vui lòng gõ câu hỏi bằng chữ. "
        "Để bảo vệ thông tin cá nhân, bạn đừng gửi giấy tờ qua đây nhé."
    ),
}
# In a group the bot answers nobody (one member's question, name and address would be read,
# handed off or erased by another): one polite line, at most every few minutes per group.
GROUP_DECLINED = (
    "Xin chào cả nhà! Để giữ kín thông tin của từng người, tôi chỉ trả lời khi được nhắn "
    "riêng. Anh/chị vui lòng bấm nút dưới đây để nhắn riêng cho tôi nhé."
)
GROUP_DECLINED_NOTICE = "Tôi chỉ trả lời khi được nhắn riêng. Mời bạn nhắn riêng cho tôi nhé."
BUTTON_PRIVATE_CHAT = "💬 Nhắn riêng cho trợ lý"
MEDIA_OTHER = "Xin lỗi bạn, tôi chỉ hiểu tin nhắn chữ. Bạn vui lòng gõ câu hỏi nhé."
EMPTY_TEXT = "Bạn vui lòng gõ câu hỏi về thủ tục cần làm, ví dụ <i>đăng ký tạm trú</i> nhé."
TOO_LONG = (
    "Tin nhắn của bạn hơi dài, tôi xin phép chỉ đọc phần đầu. Lần sau bạn hỏi ngắn gọn "
    "(một thủ tục mỗi lần) để tôi trả lời chính xác hơn nhé."
)
UNKNOWN_COMMAND = (
    "Xin lỗi bạn, tôi chưa biết lệnh này. Bạn gõ /help để xem những gì tôi làm được nhé."
)

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
    "unknown": (
        "Mức độ trực tuyến chưa xác định; bạn vui lòng hỏi nơi nộp hồ sơ hoặc tổng đài 1800 1096 "
        "của Cổng Dịch vụ công quốc gia"
    ),
}
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
CARD_DOCS_TITLE = "📎 <b>Giấy tờ cần mang:</b>"
CARD_DOCS_IF = "<b>Chỉ cần trong một số trường hợp:</b>"
CARD_VERIFIED = "🗓 <i>Thông tin được đối chiếu với nguồn lần cuối ngày {date}.</i>"
CARD_UNVERIFIED = (
    "🗓 <i>Thông tin này chưa được đối chiếu với nguồn; bạn vui lòng hỏi lại nơi nộp hồ sơ "
    "trước khi đi.</i>"
)
SOURCES_TITLE = "<b>Nguồn thông tin:</b>"
SOURCE_LINE = "• {title} ({kind}, đọc ngày {date})"
SOURCE_KIND = {
    "official": "trang chính thức",
    "law": "văn bản pháp luật",
    "secondary": "nguồn thứ cấp, cần đối chiếu thêm",
}
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
DOC_LINE = "{n}. {name} — {kind}"
DOC_WHEN = "   <i>{when}</i>"
DOC_FORM = "   Mẫu: {form}"
NO_DOCUMENTS = "Danh mục chưa ghi giấy tờ cho thủ tục này; bạn vui lòng hỏi tại nơi nộp."
AGENCY_LINE = "<b>Cơ quan giải quyết:</b> {name} ({level})"
AGENCY_HOURS = "🕘 <b>Giờ làm việc:</b> {hours}"
AGENCY_ADDRESS = "<b>Địa chỉ:</b> {address}"
AGENCY_PHONE = "<b>Điện thoại:</b> {phone}"
ONLINE_LINK = "Cổng nộp hồ sơ: {url}"
LEGAL_EMPTY = "Danh mục chưa ghi căn cứ pháp lý cho thủ tục này."
STEPS_EMPTY = "Bạn chuẩn bị giấy tờ ở mục “Giấy tờ cần mang” rồi nộp tại nơi tiếp nhận."
# A link opens a page (🔗); a guide walks the citizen through it (🧭): never the same icon.
BUTTON_SUBMIT_ONLINE = "🔗 Mở Cổng Dịch vụ công"
BUTTON_SUMMARY = "📋 Tóm tắt"
BUTTON_MORE = "➕ Thêm…"
BUTTON_LESS = "⬅️ Thu gọn"

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

# --- guided walkthrough and checklist --------------------------------------------------------

GUIDE_STEP_HEAD = "🧭 <b>{name}</b>"
GUIDE_FOR_PROCEDURE = "📋 Thủ tục của bạn: <b>{name}</b>"
GUIDE_PROCEDURE_AGENCY = "🏛 Cơ quan giải quyết: {agency}"
GUIDE_STEP_TITLE = "<b>Bước {i}/{n}: {title}</b>"
GUIDE_STEP_NUMBER = "<b>Bước {i}/{n}</b>"
GUIDE_PORTAL_LINE = "🔗 Trang nộp hồ sơ thủ tục này: {url}"
GUIDE_CHOOSE_HINT = "👇 Bạn bấm một lựa chọn bên dưới nhé."
BUTTON_GUIDE_NEXT = "Tiếp theo ➡️"
BUTTON_GUIDE_FINISH = "✅ Hoàn thành"
BUTTON_GUIDE_BACK = "⬅️ Quay lại"
BUTTON_GUIDE_STUCK = "🆘 Tôi bị vướng ở bước này"
BUTTON_GUIDE_LEAVE = "⏸ Tạm dừng, làm tiếp sau"
BUTTON_GUIDE_LINK = "🔗 Mở trang"
BUTTON_GUIDE_PORTAL = "🔗 Mở trang nộp hồ sơ"
BUTTON_GUIDE_BACK_TO_STEP = "↩️ Về bước đang làm"
BUTTON_GUIDE_RESTART = "🔄 Bắt đầu lại"
BUTTON_RESUME = "▶️ Tiếp tục: {name}"
GUIDE_FINISHED = (
    "🎉 Bạn đã đi hết hướng dẫn <b>{name}</b>. Xin cảm ơn bạn đã kiên nhẫn làm theo!\n\n"
    "Bạn cần hỏi thêm gì, cứ gõ câu hỏi cho tôi nhé."
)
GUIDE_LEFT = (
    "Dạ, tôi đã tạm dừng hướng dẫn <b>{name}</b> ở bước “{title}” và ghi nhớ giúp bạn.\n\n"
    "Khi nào sẵn sàng, bạn gõ /tieptuc hoặc bấm “Tiếp tục” ở màn hình chính để làm tiếp "
    "đúng bước này. Muốn bỏ hẳn, bạn gõ /huy."
)
GUIDE_STUCK = (
    "Xin lỗi bạn vì bước “{title}” còn khó làm. 🙏\n\n"
    "Bạn gọi tổng đài <b>{hotline}</b> và nói rõ bạn đang ở bước này, cán bộ sẽ hướng dẫn "
    "tiếp.\n<i>{hotline_note}</i>\n\n"
    "Tôi vẫn giữ chỗ bạn đang làm dở; bạn gõ /tieptuc bất cứ lúc nào để làm tiếp."
)
GUIDE_STUCK_HANDOFF = "Bạn cũng có thể bấm “Gặp cán bộ” để nhắn câu hỏi cho cán bộ."
GUIDE_RESYNCED = "Tôi đưa bạn về đúng bước của tin nhắn này."
RESUME_NOTHING = (
    "Bạn chưa có hướng dẫn nào đang làm dở. Bạn chọn một hướng dẫn bên dưới để bắt đầu nhé."
)
RESUME_GONE = (
    "Xin lỗi bạn, hướng dẫn bạn đang làm dở vừa được cán bộ cập nhật nên bước cũ không còn "
    "nữa. Bạn bấm “Bắt đầu lại” để làm theo bản mới nhé."
)
RESUME_GUIDE_GONE = (
    "Xin lỗi bạn, hướng dẫn bạn đang làm dở không còn trong danh mục. Bạn chọn một hướng dẫn "
    "khác bên dưới, hoặc gõ câu hỏi cho tôi nhé."
)
ONLINE_NOT_AVAILABLE = (
    "Xin lỗi bạn, thủ tục <b>{name}</b> hiện chưa nộp trực tuyến được. Bạn nộp trực tiếp tại: "
    "{where}."
)

BUTTON_CHECKLIST = "✅ Kiểm tra giấy tờ"
BUTTON_ONLINE_GUIDE = "🧭 Hướng dẫn nộp trực tuyến"
BUTTON_MISSING = "❓ Còn thiếu"
BUTTON_CHECKLIST_DONE = "📋 Xong"
BUTTON_BACK_TO_CHECKLIST = "⬅️ Về danh sách giấy tờ"
BUTTON_PROCEDURE_CARD = "📋 Xem thủ tục"
CHECK_OFF = "☐"
CHECK_ON = "☑"
CHECKLIST_TITLE = (
    "✅ <b>Kiểm tra giấy tờ: {name}</b>\n"
    "Bạn bấm vào giấy tờ mình đã có để đánh dấu {on}. Tôi ghi nhớ giúp bạn, lần sau mở lại "
    "vẫn còn."
)
CHECKLIST_LINE = "{mark} {n}. {name} — {amount}"
CHECKLIST_WHEN = "      <i>{when}</i>"
CHECKLIST_COUNT = "Đã có {have}/{total} giấy tờ."
CHECKLIST_CHANGED = "Danh sách giấy tờ vừa được cập nhật, bạn xem lại nhé."
MISSING_TITLE = "❓ <b>Còn thiếu cho thủ tục {name}:</b>"
MISSING_WHEN_NOTE = (
    "<i>Bạn đọc kỹ dòng in nghiêng dưới giấy tờ: có giấy tờ chỉ cần trong trường hợp được "
    "nêu, có giấy tờ thay được bằng giấy khác.</i>"
)
MISSING_NONE = (
    "👏 Bạn đã có đủ giấy tờ cho thủ tục <b>{name}</b>! Bạn bấm “Xong” để nhận bản tóm tắt "
    "mang theo khi đi nộp."
)
SUMMARY_TITLE = "📋 <b>Mang theo khi đi nộp: {name}</b>"
SUMMARY_DOCUMENTS = "<b>Giấy tờ:</b>"
SUMMARY_MISSING = "⚠️ Bạn còn thiếu {count} giấy tờ (đánh dấu {off}), nhớ chuẩn bị trước khi đi."
SUMMARY_ALL_READY = "👍 Bạn đã có đủ giấy tờ."
SUMMARY_ONLINE_LINK = "   Nộp trực tuyến tại: {url}"
SUMMARY_KEEP = "<i>Bạn giữ tin nhắn này (hoặc chụp màn hình) để mang theo khi đi nộp nhé.</i>"

# --- feedback, privacy, report, hand-off, staff ----------------------------------------------

FEEDBACK_QUESTION = "Thông tin này có giúp ích cho bạn không?"
BUTTON_USEFUL = "👍 Có ích"
BUTTON_NOT_USEFUL = "👎 Chưa ổn"
FEEDBACK_THANKS = "Xin cảm ơn bạn!"
FEEDBACK_SAVED_TRIP = (
    "Xin cảm ơn bạn đã đánh giá! 🌷\n"
    "Thông tin này có giúp bạn <b>đỡ phải đến hỏi trực tiếp</b> tại nơi nộp không ạ?"
)
BUTTON_SAVED_TRIP_YES = "✅ Có, đỡ được một lần đi lại"
BUTTON_SAVED_TRIP_NO = "Không"
FEEDBACK_TRIP_THANKS = "Xin cảm ơn bạn! Ý kiến của bạn giúp chúng tôi phục vụ tốt hơn. 🌷"
FEEDBACK_ASK_REASON = (
    "Xin lỗi bạn vì thông tin chưa giúp được bạn. 🙏\n"
    "Bạn cho tôi biết chưa ổn ở đâu để cán bộ sửa lại nhé:"
)
FEEDBACK_REASONS = {
    "wrong": "Không đúng thủ tục tôi cần",
    "docs": "Thiếu hoặc sai giấy tờ",
    "hard": "Khó hiểu",
    "old": "Thông tin đã cũ",
    "other": "Lý do khác",
}
FEEDBACK_ASK_COMMENT = (
    "Xin cảm ơn bạn. Nếu muốn, bạn gõ thêm vài lời góp ý ngay tại đây (không bắt buộc). "
    "Bạn đừng ghi số giấy tờ hay số điện thoại nhé."
)
BUTTON_SKIP_COMMENT = "Bỏ qua"
FEEDBACK_COMMENT_THANKS = (
    "Xin cảm ơn góp ý của bạn! Cán bộ sẽ xem lại hằng tuần. 🌷\n"
    "Nếu cần hỏi ngay, bạn gọi tổng đài <b>{hotline}</b>{or_handoff}."
)
FEEDBACK_OR_HANDOFF = " hoặc bấm “Gặp cán bộ”"

# /xoadulieu
ERASE_CONFIRM = (
    "🗑 <b>Xóa dữ liệu của bạn</b>\n"
    "Tôi sẽ xóa mọi thứ đã lưu về bạn: câu hỏi, đánh giá, góp ý, yêu cầu gặp cán bộ, "
    "tiến độ hướng dẫn và danh sách giấy tờ đã đánh dấu. Việc này không hoàn tác được.\n\n"
    "Bạn có chắc muốn xóa không ạ?"
)
BUTTON_ERASE_YES = "🗑 Có, xóa hết"
BUTTON_ERASE_NO = "Không, giữ lại"
ERASED = (
    "Dạ, tôi đã xóa toàn bộ dữ liệu của bạn ({count} mục). "
    "Số liệu thống kê chung (chỉ gồm các con số, không có tên hay nội dung) vẫn được giữ. "
    "Xin cảm ơn bạn đã dùng trợ lý!"
)
ERASE_KEPT = "Dạ, tôi giữ nguyên dữ liệu của bạn. Bạn cần gì cứ hỏi tôi nhé."

# Hand-off to staff
HANDOFF_CONFIRM = (
    "🙋 <b>Gặp cán bộ</b>\n"
    "Tôi xin phép chuyển câu hỏi này tới cán bộ tiếp nhận:\n<i>{question}</i>\n\n"
    "Cán bộ chỉ thấy câu hỏi (số giấy tờ, số điện thoại đã được che đi), không thấy tên hay "
    "số điện thoại Telegram của bạn. Câu trả lời sẽ được gửi về ngay tại đây.\n"
    "Bạn đồng ý gửi không ạ?"
)
HANDOFF_CONFIRM_ASK = (
    "🙋 <b>Gặp cán bộ</b>\n"
    "Tôi xin phép chuyển câu hỏi của bạn tới cán bộ tiếp nhận. Cán bộ chỉ thấy câu hỏi (số giấy "
    "tờ, số điện thoại được che đi), không thấy tên hay số điện thoại Telegram của bạn. Câu trả "
    "lời sẽ được gửi về ngay tại đây.\n"
    "Bạn đồng ý không ạ?"
)
BUTTON_HANDOFF_SEND = "✅ Đồng ý, gửi cán bộ"
BUTTON_HANDOFF_OTHER = "✏️ Tôi muốn gõ câu hỏi khác"
BUTTON_HANDOFF_CANCEL = "Thôi, không cần"
HANDOFF_TYPE_QUESTION = (
    "Bạn gõ câu hỏi cần gửi cán bộ vào tin nhắn tiếp theo nhé (gõ /huy để thôi). "
    "Bạn đừng ghi số giấy tờ hay số điện thoại."
)
HANDOFF_SENT = (
    "✅ Tôi đã chuyển câu hỏi của bạn tới cán bộ (mã <b>#HS{id}</b>). "
    "Cán bộ sẽ trả lời bạn ngay tại cuộc trò chuyện này. Xin cảm ơn bạn đã chờ!"
)
HANDOFF_AFTER_HOURS = (
    "🕘 Bây giờ là ngoài giờ làm việc (thường là thứ Hai đến thứ Sáu, 7:30–11:30 và "
    "13:30–17:00). Cán bộ sẽ trả lời bạn từ <b>{when}</b>. Việc gấp, bạn gọi tổng đài "
    "<b>{hotline}</b>."
)
HANDOFF_CANCELLED = "Dạ vâng. Bạn cần gì cứ hỏi tôi nhé."
HANDOFF_TOO_MANY = (
    "Xin lỗi bạn, hôm nay bạn đã gửi nhiều câu hỏi tới cán bộ, cán bộ sẽ trả lời lần lượt. "
    "Việc gấp, bạn gọi tổng đài <b>{hotline}</b> ({hotline_note})."
)
HANDOFF_UNAVAILABLE = (
    "Xin lỗi bạn, việc gửi câu hỏi tới cán bộ chỉ dùng được khi trò chuyện với trợ lý trên "
    "Telegram. Bạn có thể gọi tổng đài <b>{hotline}</b> ({hotline_note}) để được hỗ trợ."
)
HANDOFF_STAFF = (
    "🙋 <b>#HS{id}</b> Người dân cần cán bộ hỗ trợ\n"
    "<b>Câu hỏi:</b> {question}\n"
    "{context}"
    "<i>Trả lời (reply) tin nhắn này, bot sẽ chuyển câu trả lời tới người dân.</i>"
)
HANDOFF_STAFF_CONTEXT = "<b>Thủ tục đang xem:</b> {entry}{origin}\n"
HANDOFF_STAFF_CARD_QUESTION = " (thẻ mở từ câu hỏi: “{question}”)"
HANDOFF_ANSWER = "💬 <b>Cán bộ trả lời câu hỏi của bạn</b> (mã #HS{id}):\n\n{answer}"
BUTTON_HANDOFF_MORE = "🙋 Hỏi thêm cán bộ"
HANDOFF_DELIVERED = "✅ Đã gửi câu trả lời tới người dân (#HS{id})."
DATABASE_IS_FOLDER = (
    "Không mở được cơ sở dữ liệu: {path} là một thư mục, không phải một tệp.\n"
    "Bạn đặt BOT_DATABASE là đường dẫn tới một tệp (ví dụ data/bot.sqlite3), rồi chạy lại."
)
DATABASE_NOT_WRITABLE = (
    "Không ghi được vào cơ sở dữ liệu {path} ({reason}).\n"
    "Bạn cấp quyền ghi tệp này và thư mục chứa nó cho tài khoản chạy bot (hoặc đặt "
    "BOT_DATABASE sang thư mục ghi được), rồi chạy lại. Bot dừng ngay thay vì nhận câu hỏi "
    "mà không lưu được gì."
)
DATABASE_DAMAGED = (
    "Tệp {path} không phải cơ sở dữ liệu SQLite hoặc đã hỏng ({reason}).\n"
    "Bạn dừng bot, chuyển tệp này sang chỗ khác (giữ lại để khôi phục), rồi chép bản sao lưu "
    "gần nhất vào chỗ cũ, hoặc để trống cho bot tạo tệp mới, và chạy lại."
)
# To the staff chat, when the database cannot be used (escaped by the caller where needed).
STAFF_DATABASE_UNUSABLE = "⚠️ <b>Bot không khởi động được</b>\n{problem}"
DATABASE_GONE = (
    "Tệp cơ sở dữ liệu {path} đã bị xóa hoặc bị thay bằng tệp khác trong lúc bot đang chạy.\n"
    "Bot dừng lại để không ghi tiếp vào tệp đã bị xóa (ghi vào đó là mất). Khi được chạy lại "
    "(tự động nếu có Docker hay systemd giám sát), bot mở tệp đang có ở đường dẫn này, hoặc "
    "tạo tệp mới nếu không có. Muốn dùng bản sao lưu, bạn chép nó vào đúng đường dẫn này "
    "trước khi chạy lại."
)
STAFF_DATABASE_GONE = "⚠️ <b>Bot tự dừng: tệp cơ sở dữ liệu không còn</b>\n{message}"
STORAGE_FAULT = (
    "⚠️ <b>Bot không ghi được vào cơ sở dữ liệu</b>\n"
    "Tệp: {path}\n"
    "Nguyên nhân: {reason} ({detail}).\n"
    "Trong lúc này, những việc cần lưu lại (đánh giá, hướng dẫn từng bước, gửi câu hỏi cho "
    "cán bộ...) chỉ nhận được lời xin lỗi “hệ thống đang bận”, và kiểm tra sức khỏe của bot "
    "báo lỗi. Người quản trị vui lòng {todo} Bot sẽ báo lại ngay khi ghi được; tin này lặp lại "
    "nhiều nhất mỗi giờ một lần."
)
STORAGE_REASONS = {
    "read-only": "tệp hoặc ổ đĩa đang ở chế độ chỉ đọc",
    "disk": "lỗi đọc ghi ổ đĩa",
    "full": "ổ đĩa đã đầy",
}
STORAGE_TODO = {
    "read-only": "kiểm tra quyền ghi của tệp và thư mục chứa nó, và xem ổ đĩa có bị gắn lại ở "
    "chế độ chỉ đọc không (lệnh mount, dmesg).",
    "disk": "kiểm tra ổ đĩa (lệnh dmesg) và sao lưu tệp sớm.",
    "full": "giải phóng dung lượng trên ổ đĩa chứa tệp.",
}
STORAGE_RECOVERED = "✅ <b>Bot đã ghi được vào cơ sở dữ liệu trở lại</b>\nTệp: {path}"
SALT_IS_DEFAULT = (
    "⚠️ <b>Cần đặt BOT_SALT</b>\n"
    "Bot đang dùng giá trị BOT_SALT mặc định, ai có tệp cơ sở dữ liệu cũng dò ra được dòng nào "
    "của ai. Người quản trị vui lòng đặt BOT_SALT là một chuỗi ngẫu nhiên dài (ví dụ lệnh "
    "<code>openssl rand -hex 32</code>) trong tệp .env, rồi khởi động lại bot."
)
HANDOFF_ALREADY_ANSWERED = (
    "Yêu cầu #HS{id} đã được trả lời và đóng lại, nên câu này chưa được gửi. Người dân cần hỏi "
    "thêm sẽ bấm “Hỏi thêm cán bộ” để mở yêu cầu mới."
)
HANDOFF_UNKNOWN = "Không tìm thấy yêu cầu #HS{id}; câu trả lời chưa được gửi."
# The staff post of an open hand-off, edited when its data goes (nothing personal left in it).
HANDOFF_WITHDRAWN = (
    "🚫 Yêu cầu #HS{id}: người dân đã rút lại yêu cầu và xóa dữ liệu của mình. "
    "Câu hỏi không còn được lưu; cán bộ không cần trả lời."
)
HANDOFF_EXPIRED = (
    "🗄 Yêu cầu #HS{id} đã quá thời hạn lưu trữ nên được đóng lại, câu hỏi đã được xóa; "
    "cán bộ không cần trả lời nữa."
)
WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
WHEN_TODAY = "{time} hôm nay"
WHEN_TOMORROW = "{time} ngày mai ({date})"
WHEN_DAY = "{time} {weekday} ({date})"

# Staff commands
STAFF_RELOAD_FAILED = "⚠️ Không nạp lại được danh mục: {error}"
STATS_TITLE = "📊 <b>Số liệu nhanh</b> (cập nhật {now})"
STATS_BLOCK = (
    "<b>{title}</b>\n"
    "• Người hỏi: {conversations} · câu hỏi: {questions}\n"
    "• Trả lời ngay: {answered} · hỏi lại để chọn: {clarified} · chưa trả lời được: {declined}\n"
    "• Đánh giá: 👍 {up} · 👎 {down}\n"
    "• Gặp cán bộ: {handoffs} (đã trả lời {handoffs_answered})"
)
STATS_TODAY = "Hôm nay"
STATS_WEEK = "Tuần này (từ thứ Hai)"
REPORT_BAD_WEEK = "Tuần không hợp lệ: {week}. Ví dụ đúng: /baocao 2026-W47"

# The weekly report (staff read it in Telegram, in a file, or in a spreadsheet)
REPORT_TITLE = "Báo cáo tuần {week} ({start} – {end})"
REPORT_VOLUME = "Số lượng"
REPORT_VOLUME_NOTE = "so với tuần trước"
REPORT_LABELS = {
    "conversations": "Người hỏi (cuộc trò chuyện)",
    "questions": "Câu hỏi",
    "answered": "Trả lời ngay",
    "clarified": "Hỏi lại để chọn thủ tục",
    "declined": "Không tìm được thủ tục",
    "unanswered": "Ghi vào danh sách chưa trả lời",
    "ratings_up": "Đánh giá 👍",
    "ratings_down": "Đánh giá 👎",
    "saved_trips": "Đỡ được một lần đi lại",
    "handoffs": "Yêu cầu gặp cán bộ",
    "handoffs_answered": "Đã được cán bộ trả lời",
}
REPORT_SATISFACTION_RATE = "Tỷ lệ hài lòng: {rate} (tuần trước: {previous})"
REPORT_DAILY = "Câu hỏi theo ngày"
REPORT_WEEKDAYS_SHORT = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
REPORT_ASKED = "Thủ tục được hỏi nhiều nhất"
REPORT_UNANSWERED = "Câu hỏi chưa trả lời được (gộp các câu giống nhau)"
REPORT_SATISFACTION = "Mức độ hài lòng theo thủ tục"
REPORT_RATED_LINE = "👍 {up} · 👎 {down} · hài lòng {rate} · đỡ đi lại {saved}"
REPORT_REASONS = "Lý do 👎"
REPORT_REASON_NONE = "Chưa chọn lý do"
REPORT_ASKED_WITH = "câu hỏi"
REPORT_COMMENT = "góp ý"
REPORT_STALE = "Thông tin cần kiểm tra lại (kiểm tra lần cuối đã quá {days} ngày)"
REPORT_STALE_LINE = "{name} ({id}): kiểm tra ngày {date}, đã {days} ngày"
REPORT_TRUST = (
    "Danh mục: {unverified}/{procedures} thủ tục chưa được đối chiếu với nguồn; {to_confirm} điều "
    "người dân được dặn hỏi lại, ở {with_confirm} thủ tục."
)
REPORT_TIMES = "{count} lần"
REPORT_NONE = "Không có."
REPORT_FROM_AGGREGATE = (
    "Dữ liệu chi tiết của tuần này đã được xóa theo thời hạn lưu trữ; báo cáo chỉ còn các "
    "con số tổng hợp."
)
REPORT_COUNT = "Số lượt"
REPORT_THIS_WEEK = "Tuần này"
REPORT_PREVIOUS_WEEK = "Tuần trước"
REPORT_CHANGE = "Thay đổi"
REPORT_ITEM = "Mục"
REPORT_PROCEDURE = "Thủ tục"
REPORT_FULL_HINT = (
    "<i>Bản đầy đủ (biểu đồ, mọi góp ý): python -m bot report --week {week} --format html</i>"
)
REPORT_MORE = "… và {count} mục khác trong báo cáo đầy đủ."
REPORT_WEEKLY_HEAD = "📊 <b>Báo cáo tuần tự động</b>"
REPORT_NO_CATALOGUE = "Không đọc được danh mục {path} ({error}); báo cáo ghi mã thủ tục thay tên."
REPORT_BAD_WEEK_CLI = "Tuần không hợp lệ: {week}. Viết theo dạng YYYY-Www, ví dụ 2026-W47."
REPORT_WRITTEN = "Đã ghi báo cáo vào {path}"

# --- catalogue reload (staff chat) -----------------------------------------------------------

RELOAD_CHANGED = "✅ Đã cập nhật danh mục: "
RELOAD_UNCHANGED = "Danh mục không thay đổi: "
RELOAD_WARNINGS = "Cảnh báo (bot vẫn chạy bình thường):"
RELOAD_SINCE = " (cập nhật lúc {at})"
RELOAD_BROKEN = "⚠️ Danh mục mới có lỗi, bot vẫn dùng bản cũ{since}:"
RELOAD_HOW_TO_FIX = (
    "Sửa xong và lưu tệp, bot sẽ tự nạp lại (hoặc gõ /reload). "
    "Xem hướng dẫn: docs/huong-dan-bien-tap.md"
)
RELOAD_MORE = "… và {count} mục khác (chạy python -m bot check để xem hết)."
RELOAD_TIME_FORMAT = "%H:%M ngày %d/%m/%Y"
RELOAD_UNEXPECTED = "{path}: lỗi không mong đợi khi nạp lại ({error})."
RELOAD_MISSING = "{path}: không tìm thấy tệp (có thể đang được lưu, đổi tên hoặc đã bị xoá)."
RELOAD_UNREADABLE = "{path}: không đọc được tệp ({error})."
RELOAD_INDEX_FAILED = (
    "{path}: danh mục hợp lệ nhưng không dựng được bộ tìm kiếm ({error}); "
    "hãy báo người phụ trách kỹ thuật."
)
RELOAD_SUMMARY = "{path}: {procedures} thủ tục, {guides} hướng dẫn, {agencies} cơ quan."
RELOAD_NOT_LOADED = "{path}: chưa nạp được; bot vẫn dùng bản cũ."
RELOAD_STARTED_ON_LAST_GOOD = (
    "⚠️ Bot vừa khởi động nhưng tệp danh mục có lỗi; bot đang dùng bản tốt gần nhất đã lưu "
    "({backup}, lưu lúc {at}). Người dân vẫn được trả lời bình thường."
)
RELOAD_TRUNCATED = (
    "{path}: tệp có vẻ bị cắt cụt (thiếu phần cuối: đang lưu dở, ổ đĩa đầy hoặc chép chưa "
    "xong); hãy mở tệp kiểm tra phần cuối rồi lưu lại."
)
RELOAD_DIFF_ADDED = "➕ Thêm:"
RELOAD_DIFF_REMOVED = "➖ Bỏ:"
RELOAD_DIFF_CHANGED = "✏️ Sửa:"
RELOAD_SESSION = "<i>Tin này được sửa mỗi lần lưu ({count} lần lưu, lần cuối lúc {at}).</i>"

# --- command line ----------------------------------------------------------------------------

SETTINGS_ERROR = "Lỗi cấu hình: {error}"
WEB_CANNOT_LISTEN = "Không mở được trang trò chuyện: {error}. Hãy đổi WEB_PORT hoặc WEB_HOST."
TOKEN_REJECTED = (
    "Telegram không nhận TELEGRAM_BOT_TOKEN này (token sai hoặc đã bị thu hồi).\n"
    "Bạn lấy lại token với @BotFather trên Telegram, đặt vào biến môi trường hoặc tệp .env, "
    "rồi chạy lại."
)
API_UNREACHABLE = (
    "Không kết nối được máy chủ Bot API tại {host} sau {attempts} lần thử.\n"
    "Bạn kiểm tra mạng của máy chủ (tường lửa, DNS, proxy) và biến TELEGRAM_API_URL, "
    "rồi chạy lại. Bot tự dừng để công cụ giám sát khởi động lại sau."
)
DATABASE_UNSUPPORTED = (
    "BOT_DATABASE: chưa hỗ trợ loại cơ sở dữ liệu “{scheme}” ({url}). Hiện bot chỉ dùng SQLite; "
    "xin đặt BOT_DATABASE là sqlite:///data/bot.sqlite3 (đường dẫn tương đối), "
    "sqlite:////đường/dẫn/tuyệt/đối/bot.sqlite3, hoặc chỉ đường dẫn tệp (data/bot.sqlite3)."
)
CATALOGUE_FIX_THEN = "Sửa xong, chạy lại: python -m bot check"
PREVIEW_HEAD = "Thẻ '{id}' người dân sẽ thấy (danh mục {path}):\n"
PREVIEW_UNKNOWN = "Không có thủ tục hay hướng dẫn '{id}' trong {path}."
PREVIEW_GUESS = " Có phải ý bạn là '{guess}'?"
REACHED_HEAD = "Câu hỏi đã tới '{id}' trong {days} ngày qua ({count} câu):"
REACHED_LOST = "Với danh mục hiện tại, các câu này KHÔNG còn tới '{id}' ({count} câu):"
REACHED_GAINED = "Với danh mục hiện tại, các câu này nay sẽ tới '{id}' ({count} câu):"
REACHED_NONE = "(không có)"
REACHED_NO_DATABASE = (
    "Chưa có cơ sở dữ liệu {path}: chưa có câu hỏi nào được ghi lại. Hãy kiểm tra BOT_DATABASE."
)
MATCH_DECISIONS = {
    "answer": "trả lời ngay",
    "clarify": "hỏi lại để người dân chọn",
    "none": "không tìm thấy, xin lỗi và gợi ý",
}
MATCH_LINE = "{question!r} → {decision}{aspect}"
MATCH_ASPECT = " (mở phần: {aspect})"
MATCH_CANDIDATE = "  {score:6.3f}  {id}  {name}  {why}"
CONSOLE_PROMPT = "Bạn: "
CONSOLE_ATTACHMENT = "📎 Tệp đính kèm: {name} ({kb} KB)"
STAFF_RELOAD_STATIC = "danh mục cố định, không nạp lại"
