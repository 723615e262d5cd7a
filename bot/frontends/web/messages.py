"""What the web pages say (Vietnamese), apart from the core's own replies."""

from __future__ import annotations

PAGE_TITLE = "Trợ lý thủ tục hành chính Hưng Yên"
PAGE_DESCRIPTION = (
    "Hỏi cách làm thủ tục hành chính ở Hưng Yên: cần mang giấy tờ gì, nộp ở đâu, "
    "mất bao lâu, lệ phí bao nhiêu."
)
INTRO = "Xin chào! Bạn cứ hỏi bằng lời của mình, có dấu hay không dấu đều được."
LOG_LABEL = "Cuộc trò chuyện"
ASK_LABEL = "Câu hỏi của bạn"
ASK_PLACEHOLDER = "Ví dụ: làm giấy khai sinh cho con"
ASK_BUTTON = "Gửi"
YOU = "Bạn"
BOT = "Trợ lý"
WORKING = "Trợ lý đang trả lời…"
NETWORK_ERROR = "Xin lỗi, chưa gửi được. Bạn kiểm tra mạng rồi thử lại giúp nhé."
MENU_BUTTON = "☰ Danh mục"
SKIP_LINK = "Bỏ qua, tới ô nhập câu hỏi"
PRIVACY_NOTE = (
    "Xin đừng gửi số căn cước, số điện thoại hay địa chỉ e-mail. "
    "Gõ /xoadulieu để xoá mọi dữ liệu của bạn."
)
OPENS_NEW_TAB = "(mở thẻ mới)"

PROCEDURE_ASK = "💬 Hỏi trợ lý về thủ tục này"
PROCEDURE_TELEGRAM = "Mở trên Telegram"
PROCEDURE_BACK = "← Trang trò chuyện"
PROCEDURE_NOT_FOUND_TITLE = "Không tìm thấy thủ tục"
PROCEDURE_NOT_FOUND = (
    "Xin lỗi, chưa có thủ tục này trong danh mục. Bạn thử hỏi trợ lý bằng lời của mình nhé."
)

NOT_FOUND = "Xin lỗi, không có trang này. Bạn quay lại trang trò chuyện nhé."
TOO_LARGE = "Xin lỗi, nội dung gửi quá dài. Bạn viết ngắn lại giúp nhé."
TOO_MANY = "Xin lỗi, bạn gửi nhanh quá. Bạn đợi một chút rồi thử lại nhé."
BAD_REQUEST = "Xin lỗi, trợ lý chưa hiểu yêu cầu này."
FORBIDDEN = "Xin lỗi, yêu cầu này không gửi từ trang của trợ lý nên không được nhận."
ERROR = "Xin lỗi, trợ lý đang gặp trục trặc. Bạn thử lại sau ít phút nhé."
