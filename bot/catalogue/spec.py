"""What each part of `procedures.yaml` may contain: field names, kinds, labels, allowed values.

This is the checker's view of the format; `procedures.schema.json` is the editor's view, and a
test keeps the two in step (same field names, same required fields, same allowed values). The
labels are the Vietnamese words used in messages, so a staff member reads "cơ quan giải quyết"
rather than "agency" alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal[
    "text",  # a non-empty string
    "texts",  # a string or a list of non-empty strings
    "code",  # a national procedure code in quotes, like "1.001193"
    "phone",  # a phone number in quotes
    "id",  # a lowercase slug: letters a-z, digits, hyphens
    "ref",  # an id of something else (a field, an agency, an entry, a step)
    "refs",  # a list of ids of entries
    "int",  # a whole number >= 1
    "date",  # YYYY-MM-DD, a real day
    "url",  # http:// or https:// with a host
    "enum",  # one of `choices`
    "map",  # a mapping of id -> object
    "list",  # a list of objects
    "object",  # one mapping with known fields
]


@dataclass(frozen=True)
class Spec:
    """One field: its Vietnamese label, what it holds, whether it is required."""

    label: str
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()


LEVELS = {"commune": "cấp xã, phường", "province": "cấp tỉnh", "ministry": "cấp bộ, trung ương"}
ONLINE_LEVELS = {
    "full": "toàn trình, làm hết trên mạng",
    "partial": "một phần, nộp trên mạng nhưng vẫn phải đến nộp bản giấy hoặc nhận kết quả",
    "none": "chỉ nộp trực tiếp",
    "unknown": "chưa xác định được từ nguồn nào; thẻ thủ tục sẽ nói rõ là chưa xác định",
}
SOURCE_KINDS = {
    "official": "trang chính thức (Cổng Dịch vụ công, cổng của cơ quan nhà nước)",
    "law": "văn bản pháp luật",
    "secondary": "nguồn thứ cấp (báo, trang tư vấn, cơ sở dữ liệu luật), cần đối chiếu thêm",
}
DOCUMENT_KINDS = {
    "original": "bản chính",
    "copy": "bản sao",
    "certified-copy": "bản sao có chứng thực",
    "original-or-copy": "bản chính hoặc bản sao",
    "show": "chỉ xuất trình, không nộp",
    "data": "dữ liệu điện tử, không cần giấy",
}
CHOICE_LABELS = {**LEVELS, **ONLINE_LEVELS, **DOCUMENT_KINDS, **SOURCE_KINDS}
# Vietnamese a staff member may type instead of the value (compared without marks).
CHOICE_WORDS = {
    "cap-xa": "commune",
    "xa": "commune",
    "phuong": "commune",
    "xa-phuong": "commune",
    "cap-tinh": "province",
    "tinh": "province",
    "bo": "ministry",
    "trung-uong": "ministry",
    "toan-trinh": "full",
    "mot-phan": "partial",
    "truc-tiep": "none",
    "khong": "none",
    "chua-xac-dinh": "unknown",
    "chua-ro": "unknown",
    "ban-chinh": "original",
    "ban-sao": "copy",
    "ban-sao-chung-thuc": "certified-copy",
    "ban-sao-co-chung-thuc": "certified-copy",
    "xuat-trinh": "show",
    "chinh-thuc": "official",
    "van-ban-phap-luat": "law",
    "phap-luat": "law",
    "thu-cap": "secondary",
}

TOP: dict[str, Spec] = {
    "version": Spec("phiên bản định dạng tệp", "int", True),
    "updated": Spec("ngày cập nhật danh mục", "date", True),
    "province": Spec("tên tỉnh", "text"),
    "portals": Spec("các cổng dịch vụ công", "map"),
    "hotline": Spec("đường dây nóng", "object"),
    "fields": Spec("danh sách lĩnh vực", "list", True),
    "agencies": Spec("danh sách cơ quan", "map", True),
    "vocabulary": Spec("từ viết tắt, cách gọi nôm", "map"),
    "procedures": Spec("danh sách thủ tục", "list", True),
    "guides": Spec("danh sách hướng dẫn", "list"),
    "replaced_laws": Spec("văn bản pháp luật đã bị thay thế", "list"),
    "extra_codes": Spec("mã thủ tục ngoài danh sách quốc gia đi kèm", "list"),
}
PORTAL: dict[str, Spec] = {
    "name": Spec("tên cổng", "text", True),
    "url": Spec("địa chỉ trang web", "url", True),
}
HOTLINE: dict[str, Spec] = {
    "number": Spec("số điện thoại", "phone", True),
    "note": Spec("ghi chú", "text"),
}
FIELD: dict[str, Spec] = {
    "id": Spec("mã lĩnh vực", "id", True),
    "name": Spec("tên lĩnh vực", "text", True),
    "icon": Spec("biểu tượng", "text"),
}
AGENCY: dict[str, Spec] = {
    "name": Spec("tên cơ quan", "text", True),
    "level": Spec("cấp của cơ quan", "enum", True, tuple(LEVELS)),
    "where": Spec("nơi nộp hồ sơ", "text", True),
    "hours": Spec("giờ làm việc", "text"),
    "address": Spec("địa chỉ", "text"),
    "phone": Spec("số điện thoại", "phone"),
    "notes": Spec("ghi chú", "text"),
}
PROCEDURE: dict[str, Spec] = {
    "id": Spec("mã định danh của thủ tục", "id", True),
    "code": Spec("mã thủ tục quốc gia", "code"),
    "name": Spec("tên thủ tục", "text", True),
    "field": Spec("lĩnh vực", "ref", True),
    "summary": Spec("tóm tắt", "text"),
    "aliases": Spec("cách người dân hay gọi", "texts"),
    "agency": Spec("cơ quan giải quyết", "ref", True),
    "level": Spec("cấp giải quyết", "enum", True, tuple(LEVELS)),
    "where": Spec("nơi nộp hồ sơ", "text"),
    "documents": Spec("giấy tờ cần nộp", "list", True),
    "steps": Spec("các bước thực hiện", "texts"),
    "time": Spec("thời hạn giải quyết", "text", True),
    "fee": Spec("phí, lệ phí", "text", True),
    "fee_until": Spec("ngày hết hạn của mức phí", "date"),
    "online": Spec("dịch vụ công trực tuyến", "object"),
    "legal_basis": Spec("căn cứ pháp lý", "texts"),
    "notes": Spec("ghi chú", "texts"),
    "confirm": Spec("điều cần xác nhận lại tại quầy", "texts"),
    "related": Spec("thủ tục liên quan", "refs"),
    "sources": Spec("nguồn của thông tin", "list"),
    "verified": Spec("ngày đối chiếu thông tin với nguồn", "date"),
}
SOURCE: dict[str, Spec] = {
    "title": Spec("tên nguồn", "text", True),
    "url": Spec("đường dẫn", "url"),
    "kind": Spec("loại nguồn", "enum", True, tuple(SOURCE_KINDS)),
    "read": Spec("ngày đọc nguồn", "date", True),
}
REPLACED_LAW: dict[str, Spec] = {
    "document": Spec("văn bản đã bị thay thế", "text", True),
    "replaced_by": Spec("văn bản thay thế", "text", True),
    "since": Spec("ngày văn bản thay thế có hiệu lực", "date", True),
    "source": Spec("nguồn cho biết việc thay thế", "text"),
}
EXTRA_CODE: dict[str, Spec] = {
    "code": Spec("mã thủ tục", "code", True),
    "name": Spec("tên thủ tục chính thức", "text", True),
    "source": Spec("nguồn của mã thủ tục", "text", True),
}
DOCUMENT: dict[str, Spec] = {
    "name": Spec("tên giấy tờ", "text", True),
    "kind": Spec("loại bản", "enum", False, tuple(DOCUMENT_KINDS)),
    "count": Spec("số lượng", "int"),
    "when": Spec("khi nào cần", "text"),
    "form": Spec("tên mẫu đơn", "text"),
    "form_url": Spec("đường dẫn tải mẫu đơn", "url"),
}
ONLINE: dict[str, Spec] = {
    "level": Spec("mức độ trực tuyến", "enum", True, tuple(ONLINE_LEVELS)),
    "url": Spec("đường dẫn nộp trực tuyến", "url"),
    "note": Spec("ghi chú", "text"),
}
GUIDE: dict[str, Spec] = {
    "id": Spec("mã định danh của hướng dẫn", "id", True),
    "name": Spec("tên hướng dẫn", "text", True),
    "summary": Spec("tóm tắt", "text"),
    "aliases": Spec("cách người dân hay gọi", "texts"),
    "field": Spec("lĩnh vực", "ref"),
    "steps": Spec("các bước", "list", True),
    "sources": Spec("nguồn của thông tin", "list"),
    "verified": Spec("ngày đối chiếu thông tin với nguồn", "date"),
}
STEP: dict[str, Spec] = {
    "id": Spec("mã bước", "id", True),
    "title": Spec("tiêu đề bước", "text"),
    "text": Spec("nội dung bước", "text", True),
    "link": Spec("đường dẫn", "url"),
    "choices": Spec("các nút lựa chọn", "list"),
    "next": Spec("bước tiếp theo", "ref"),
}
CHOICE: dict[str, Spec] = {
    "label": Spec("chữ trên nút", "text", True),
    "next": Spec("bước chuyển tới", "ref"),
    "procedure": Spec("thủ tục mở ra", "ref"),
    "link": Spec("đường dẫn mở ra", "url"),
}

# Every object of the format, by the name the JSON Schema gives it under `$defs`.
OBJECTS: dict[str, dict[str, Spec]] = {
    "catalogue": TOP,
    "portal": PORTAL,
    "hotline": HOTLINE,
    "field": FIELD,
    "agency": AGENCY,
    "procedure": PROCEDURE,
    "source": SOURCE,
    "replaced_law": REPLACED_LAW,
    "extra_code": EXTRA_CODE,
    "document": DOCUMENT,
    "online": ONLINE,
    "guide": GUIDE,
    "step": STEP,
    "choice": CHOICE,
}
