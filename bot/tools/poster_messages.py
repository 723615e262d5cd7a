"""What the posters and the `poster` command say (Vietnamese)."""

from __future__ import annotations

HEADER = "TRỢ LÝ THỦ TỤC HÀNH CHÍNH HƯNG YÊN"
BRING_FIRST = "Mang theo trước tiên:"
NO_DOCUMENTS = "Thủ tục này không cần nộp giấy tờ; xem chi tiết khi quét mã."
MORE = "… và {count} giấy tờ khác: quét mã để xem đủ."
QR_TELEGRAM = "Quét mã bằng Telegram"
QR_TELEGRAM_HINT = "Mở đúng thủ tục này trên Telegram"
QR_WEB = "Quét mã để mở trang web"
QR_WEB_HINT = "Không cần cài gì, mở bằng trình duyệt"
HOTLINE = "Cần hỏi thêm: gọi tổng đài {hotline}"
VERIFIED = "Thông tin được đối chiếu ngày {date}. Nên hỏi lại cán bộ nếu có thay đổi."
UNVERIFIED = "Thông tin chưa được đối chiếu với nguồn: nên hỏi lại cán bộ trước khi nộp hồ sơ."

NEED_LINKS = (
    "Chưa biết mở thủ tục ở đâu: đặt BOT_USERNAME (tên bot Telegram, ví dụ hungyen_tthc_bot) "
    "và/hoặc WEB_PUBLIC_URL (địa chỉ trang trò chuyện, ví dụ https://tthc.hungyen.gov.vn)."
)
UNKNOWN_ID = "Không có thủ tục mã {id} trong danh mục. Xem các mã bằng lệnh: python -m bot match"
NEED_ID = "Cần ghi mã thủ tục (ví dụ dang-ky-khai-sinh) hoặc --all để in tất cả."
ONLY_ONE = "Chỉ có mã {kind}: tấm áp phích chỉ có một mã QR."
WROTE = "Đã ghi {path}"
WROTE_ALL = "Đã ghi {count} tấm áp phích vào {folder}"
