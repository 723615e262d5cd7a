"""A small fixed catalogue for deterministic walkthrough and checklist transcripts."""

from __future__ import annotations

import copy
from typing import Any

from bot.catalogue.model import Catalogue, build
from bot.core import ratelimit
from bot.core.assistant import Assistant

PROCEDURE_BASE: dict[str, Any] = {
    "field": "ho-tich",
    "agency": "ubnd-xa",
    "level": "commune",
    "time": "Trong ngày",
    "verified": "2026-11-27",
    "legal_basis": ["Luật Hộ tịch"],
}

DATA: dict[str, Any] = {
    "version": 1,
    "updated": "2026-11-27",
    "province": "Hưng Yên",
    "portals": {"national": {"name": "Cổng DVC", "url": "https://dichvucong.gov.vn"}},
    "hotline": {"number": "18001096", "note": "miễn phí"},
    "fields": [
        {"id": "ho-tich", "name": "Hộ tịch", "icon": "👶"},
        {"id": "truc-tuyen", "name": "Trực tuyến", "icon": "💻"},
    ],
    "agencies": {
        "ubnd-xa": {
            "name": "Ủy ban nhân dân xã, phường",
            "level": "commune",
            "where": "Bộ phận Một cửa xã, phường",
            "hours": "Sáng 7:30–11:30, chiều 13:30–17:00",
            "address": "Số 1 đường Chùa Chuông",
            "phone": "0221 000 000",
        },
        "cong-an-xa": {"name": "Công an xã", "level": "commune", "where": "Công an xã"},
    },
    "procedures": [
        {
            **PROCEDURE_BASE,
            "id": "khai-sinh",
            "code": "1.001193",
            "name": "Đăng ký khai sinh",
            "fee": "Miễn lệ phí",
            "online": {"level": "full", "url": "https://dichvucong.gov.vn/khai-sinh"},
            "documents": [
                {"name": "Tờ khai đăng ký khai sinh", "kind": "original", "count": 1},
                {"name": "Giấy chứng sinh", "kind": "original", "count": 1},
                {
                    "name": "Văn bản ủy quyền",
                    "kind": "certified-copy",
                    "count": 2,
                    "when": "Chỉ khi nhờ người khác đi làm",
                },
                {"name": "Thẻ căn cước", "kind": "show"},
            ],
        },
        {
            **PROCEDURE_BASE,
            "id": "muc-2",
            "code": "3.000228",
            "name": "Cấp tài khoản định danh điện tử mức độ 2",
            "agency": "cong-an-xa",
            "fee": "Miễn phí",
            "online": {"level": "none"},
            "documents": [{"name": "Thẻ căn cước gắn chip", "kind": "show"}],
        },
        {
            **PROCEDURE_BASE,
            "id": "khong-giay-to",
            "code": "1.000001",
            "name": "Thủ tục chưa ghi giấy tờ",
            "fee": "50.000 đồng",
            "online": {"level": "partial", "url": "https://dichvucong.gov.vn/p"},
        },
    ],
    "guides": [
        {
            "id": "tai-khoan",
            "name": "Đăng nhập Cổng Dịch vụ công",
            "summary": "Đăng nhập bằng VNeID.",
            "verified": "2026-11-27",
            "steps": [
                {
                    "id": "co-vneid",
                    "title": "Tài khoản VNeID",
                    "text": "Bạn đã có tài khoản định danh điện tử mức 2 chưa?",
                    "choices": [
                        {"label": "Tôi đã có", "next": "dang-nhap"},
                        {"label": "Tôi chưa có", "next": "lam-muc-2"},
                    ],
                },
                {
                    "id": "lam-muc-2",
                    "title": "Làm mức 2 ở Công an xã",
                    "text": "Mang thẻ căn cước đến Công an xã <ngay>.",
                    "choices": [{"label": "Xem thủ tục mức 2", "procedure": "muc-2"}],
                    "next": "dang-nhap",
                },
                {
                    "id": "dang-nhap",
                    "title": "Đăng nhập",
                    "text": "Bấm Đăng nhập, chọn VNeID.",
                    "link": "https://dichvucong.gov.vn",
                },
            ],
        },
        {
            "id": "nop-ho-so-truc-tuyen",
            "name": "Nộp hồ sơ trực tuyến",
            "summary": "Nộp hồ sơ online.",
            "verified": "2026-11-27",
            "steps": [
                {"id": "tim", "title": "Tìm thủ tục", "text": "Gõ tên thủ tục."},
                {"id": "dien", "title": "Điền tờ khai", "text": "Điền các ô có dấu sao."},
                {"id": "nop", "title": "Nộp", "text": "Bấm Nộp hồ sơ, lưu mã hồ sơ."},
            ],
        },
    ],
}


def tiny(**changes: Any) -> Catalogue:
    """The small catalogue, with top-level sections replaced by `changes`."""
    data = copy.deepcopy(DATA)
    data.update(changes)
    return build(data)


def guide_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The guides section with the account guide's steps replaced (a catalogue edit)."""
    guides = copy.deepcopy(DATA["guides"])
    guides[0]["steps"] = steps
    return guides


def unlimited(assistant: Assistant) -> Assistant:
    """Lift the flood limit: these tests press buttons far faster than any citizen."""
    ratelimit.install(assistant, ratelimit.FloodLimiter(burst=1_000_000))
    return assistant
