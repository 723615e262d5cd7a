"""The work list's Vietnamese wording (the older report wording is in bot.messages)."""

from __future__ import annotations

GAPS = "Việc cần làm: câu hỏi chưa trả lời được (gộp theo nghĩa, hỏi nhiều trước)"
NOT_THESE = "Người dân bấm “Không phải các thủ tục này”"
CLARIFIED = "Câu hỏi bot phải hỏi lại để người dân chọn"
CHITCHAT = "Trò chuyện, chào hỏi, ngoài phạm vi (không cần sửa danh mục)"
INSULTS = "Lời lẽ khó nghe (không cần sửa danh mục)"
HANDOFFS = "Câu hỏi chuyển cán bộ còn chờ trả lời"
FEES = "Mức phí sắp hết hạn (trong 30 ngày) hoặc đã hết hạn"
CONFIRMS = "Thông tin còn phải xác nhận (dòng 'confirm')"
TREND = "Xu hướng 8 tuần"
RATES = "Tỷ lệ"
TODO = "Việc cần làm"
TODO_GAPS = "{count} nhóm câu hỏi chưa trả lời được ({questions} câu)"
TODO_HANDOFFS = "{count} câu hỏi chờ cán bộ"
TODO_FEES = "{count} mức phí sắp/đã hết hạn"
TODO_CONFIRMS = "{count} điều cần xác nhận, kiểm tra lại"

SUGGEST_ALIAS = "thêm cách gọi '{alias}' cho {id}?"
SUGGEST_MISSING = "thủ tục chưa có: “{text}”"
SUGGEST_CLARIFY = "thêm cách gọi '{alias}' cho {id} để bot trả lời ngay?"
SUGGEST_NOT_THESE = "các gợi ý đều không đúng: có thể thủ tục chưa có, “{text}”"
SUGGEST_VAGUE = "câu hỏi quá chung “{text}”: xem thủ tục người dân hay chọn để thêm cách gọi"
CLOSEST = "gần nhất: {id} ({score:.2f})"
WORDINGS = "cách hỏi"
TIMES = "{count} lần"
ASKED_BY = "{people} người"

HANDOFF_LINE = "#HS{id}: “{question}” — chờ {waited}"
HANDOFF_CARD = "về thẻ {id} (từ câu hỏi “{question}”)"
WAITED_DAYS = "{days} ngày {hours} giờ"
WAITED_HOURS = "{hours} giờ {minutes} phút"

FEE_PASSED = "{where}: {name} ({id}) — mức phí hết hạn ngày {date}, đã quá {days} ngày"
FEE_SOON = "{where}: {name} ({id}) — mức phí hết hạn ngày {date}, còn {days} ngày"
CONFIRM_LINE = "{where}: {id} — {text}"
STALE_LINE = "{where}: {name} ({id}) — kiểm tra lần cuối {date}, đã {days} ngày"

RATE_LABELS = {
    "answered": "Trả lời ngay",
    "clarified": "Phải hỏi lại",
    "declined": "Không tìm thấy",
    "satisfaction": "Hài lòng",
}
RATE_LINE = "{label}: {count} ({rate})"
PARTIAL_WEEK = "Tuần chưa kết thúc: số liệu tính đến {at}."
PARTIAL_MARK = "(chưa hết tuần)"
BETTER = "tốt lên"
WORSE = "xấu đi"

SUMMARY_WORK = "🛠 <b>Việc cần làm</b>"
SUMMARY_GAPS = "• {count} nhóm câu hỏi chưa trả lời được ({questions} câu)"
SUMMARY_HANDOFFS = "• {count} câu hỏi chuyển cán bộ còn chờ"
SUMMARY_FEES = "• {count} mức phí sắp/đã hết hạn"
SUMMARY_STALE = "• {count} mục quá 180 ngày chưa kiểm tra, {confirms} điều cần xác nhận"
SUMMARY_FILE = "📎 Báo cáo đầy đủ (mở bằng trình duyệt) gửi kèm ngay dưới đây."
DOCUMENT_CAPTION = "Báo cáo tuần {week} (HTML, mở bằng trình duyệt)"
NO_DATABASE = (
    "Chưa có cơ sở dữ liệu {path}: bot chưa ghi nhận câu hỏi nào ở đây. Hãy kiểm tra "
    "BOT_DATABASE (đường dẫn tới tệp dữ liệu của bot đang chạy)."
)
