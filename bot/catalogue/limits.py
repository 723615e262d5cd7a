"""Bounds on what the checkers read: file size, node count, nesting depth, with their messages.

The shipped catalogue is about 4.8 KB per entry (66 entries in 319 KB, sources and comments
included) and 83 YAML nodes per entry, so a whole-province catalogue of 3,000 entries is about
14.5 MB and 250,000 nodes, and 10,000 entries about 48 MB. The bounds sit above that and below
what would take the reload thread minutes and gigabytes (a clean 40 MB file is read in one pass
over libyaml's events; the careful node-tree path holds about ten times a file's size).
"""

from __future__ import annotations

MAX_BYTES = 64 * 1024 * 1024  # 10,000 entries of the shipped shape (~48 MB), with room to spare
MAX_NODES = 2_000_000  # 10,000 entries of the shipped shape are about 830,000 nodes
MAX_ALIAS_NODES = 100_000  # values repeated through '*': a few defaults, never a bomb
NODES_TEXT = f"{MAX_NODES:_}".replace("_", ".")  # 2.000.000, as Vietnamese write it
ALIAS_TEXT = f"{MAX_ALIAS_NODES:_}".replace("_", ".")
MAX_DEPTH = 50  # the catalogue's deepest value (a guide step's choice label) is 6 levels down


class LimitExceeded(Exception):
    """A bound was crossed at a line; the checker reports it there instead of going on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def too_big(size: int) -> str:
    """The message for a file over MAX_BYTES."""
    return (
        f"tệp nặng {size / 1024 / 1024:.1f} MB, quá giới hạn {MAX_BYTES // 1024 // 1024} MB "
        "mà bot đọc được (cả danh mục 10.000 thủ tục chỉ khoảng 50 MB). Có lẽ đã chọn nhầm tệp "
        "hoặc tệp bị chép lặp nhiều lần; hãy kiểm tra lại."
    )


ALIAS_BOMB = (
    "dòng này dùng '*' (nhắc lại phần đã đặt tên bằng '&') khiến tệp nở ra quá "
    f"{ALIAS_TEXT} giá trị; bot không đọc tệp như vậy. Hãy viết thẳng nội dung, "
    "không dùng '&' và '*'."
)
TOO_MANY_NODES = (
    f"tệp có quá {NODES_TEXT} giá trị, nhiều hơn mọi danh mục thật; hãy kiểm tra lại "
    "xem tệp có bị chép lặp nhiều lần không."
)
TOO_DEEP = (
    f"giá trị ở dòng này lồng nhau quá {MAX_DEPTH} tầng (ngoặc vuông, ngoặc nhọn hoặc thụt "
    "lề lồng trong nhau); danh mục thật chỉ cần vài tầng. Hãy kiểm tra lại các dấu ngoặc."
)


def deep_line(text: str, limit: int = MAX_DEPTH) -> int:
    """The line where brackets first nest deeper than `limit`, else the most indented line."""
    depth = 0
    line = 1
    for char in text:
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > limit:
                return line
        elif char in "]}":
            depth = max(0, depth - 1)
    lines = text.split("\n")
    indents = [len(s) - len(s.lstrip(" -")) for s in lines]
    return indents.index(max(indents)) + 1 if indents else 1


MAX_ID_CHARS = 40  # "s:<id>:documents" and the t.me/<bot>?start=<id> link must fit 64 bytes
UNSAFE_IN_URL = {'"': "dấu ngoặc kép", "<": "dấu '<'", ">": "dấu '>'"}
UNSAFE_IN_MARKUP = "<>&"


def unsendable(kind: str, key: str, value: str, what: str) -> str | None:
    """Why a value cannot reach a citizen through the front ends, or None when it can."""
    if kind == "id" and len(value) > MAX_ID_CHARS:
        short = value[: MAX_ID_CHARS + 1].rsplit("-", 1)[0]  # whole words only
        return (
            f"{what} '{value}' dài {len(value)} ký tự, quá {MAX_ID_CHARS} ký tự: mã này đi vào "
            "dữ liệu của nút bấm Telegram (tối đa 64 byte) và vào đường dẫn mở bot từ áp phích. "
            f"Hãy rút ngắn, ví dụ '{short}'."
        )
    if key == "icon":
        bad = next((c for c in value if c in UNSAFE_IN_MARKUP), None)
        if bad:
            return (
                f"{what} '{value}' có ký tự '{bad}'; biểu tượng được chèn thẳng vào tin nhắn "
                "nên không được có '<', '>' hay '&'. Hãy chỉ để một biểu tượng cảm xúc, ví dụ 👶."
            )
    if kind == "url":
        bad = next((c for c in value if c in UNSAFE_IN_URL), None)
        if bad:
            return (
                f"{what} '{value}' có {UNSAFE_IN_URL[bad]}; đường dẫn không được chứa dấu ngoặc "
                "kép, dấu cách hay dấu '<', '>' vì nút bấm và trang web sẽ hỏng. Nếu địa chỉ "
                'thật có các ký tự này, hãy viết chúng thành %22 ("), %20 (dấu cách), '
                "%3C (<), %3E (>)."
            )
    return None
