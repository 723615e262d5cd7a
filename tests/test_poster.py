"""Posters for the counters: an A4 page whose QR codes open the right procedure."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import segno

from bot.tools import poster
from tests.core_fixtures import ROOT, shipped_catalogue

BOT = "hungyen_tthc_bot"
WEB = "https://tthc.example.vn"


def matrix_from_path(d: str, size: int) -> list[list[bool]]:
    """Read an SVG path of `M x y h n v1 h-n z` runs back into a module matrix."""
    grid = [[False] * size for _ in range(size)]
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", d):
        for i in range(int(n)):
            grid[int(y)][int(x) + i] = True
    return grid


def drawn_codes(svg: str) -> dict[str, list[list[bool]]]:
    """The QR codes drawn on a poster, by the URL each is labelled with."""
    codes = {}
    for url, d in re.findall(r'<path class="qr" data-url="([^"]+)" d="([^"]+)"', svg):
        expected = segno.make_qr(url, error="m")
        codes[url] = matrix_from_path(d, len(expected.matrix))
    return codes


def reference(url: str) -> list[list[bool]]:
    """The modules segno makes for a URL, independently of the poster code."""
    return [[bool(c) for c in row] for row in segno.make_qr(url, error="m").matrix]


def test_a_poster_draws_codes_for_the_telegram_deep_link_and_the_web_page() -> None:
    catalogue = shipped_catalogue()
    procedure = catalogue.procedures["dang-ky-khai-sinh"]
    codes = poster.codes_for(procedure.id, BOT, WEB)
    svg = poster.poster_svg(catalogue, procedure, codes)
    drawn = drawn_codes(svg)
    telegram = f"https://t.me/{BOT}?start=dang-ky-khai-sinh"
    web = f"{WEB}/thu-tuc/dang-ky-khai-sinh"
    assert set(drawn) == {telegram, web}
    assert drawn[telegram] == reference(telegram)
    assert drawn[web] == reference(web)
    assert drawn[telegram] != reference(f"https://t.me/{BOT}?start=dang-ky-ket-hon")


def test_a_poster_names_the_procedure_and_the_first_three_documents() -> None:
    catalogue = shipped_catalogue()
    procedure = catalogue.procedures["dang-ky-khai-sinh"]
    svg = poster.poster_svg(catalogue, procedure, poster.codes_for(procedure.id, BOT, WEB))
    assert 'width="210mm" height="297mm"' in svg
    text = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert procedure.name.upper().split()[0] in text
    for doc in sorted(procedure.documents, key=lambda doc: doc.conditional)[:3]:
        assert doc.name.split()[0] in text
    assert "1." in text and "3." in text and "4." not in text


def test_a_poster_puts_what_everybody_brings_before_papers_needed_only_sometimes() -> None:
    catalogue = shipped_catalogue()
    procedure = catalogue.procedures["dang-ky-khai-sinh"]
    assert any(doc.when for doc in procedure.documents[:3])  # the case this test is about
    svg = poster.poster_svg(catalogue, procedure, poster.codes_for(procedure.id, BOT, WEB))
    text = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    for doc in procedure.documents:
        if doc.when and "bỏ rơi" in doc.name:
            assert doc.name.split(" (")[0] not in text


def test_national_ids_travel_as_underscores_in_the_deep_link() -> None:
    assert poster.telegram_link(BOT, "1.001193") == f"https://t.me/{BOT}?start=1_001193"


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "BOT_CATALOGUE": str(ROOT / "procedures.yaml"), **env}
    for name in ("BOT_USERNAME", "WEB_PUBLIC_URL"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "bot", "poster", *args],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_poster_command_writes_into_the_current_folder_and_says_where(
    tmp_path: Path,
) -> None:
    done = _run(["dang-ky-khai-sinh"], tmp_path, BOT_USERNAME=BOT, WEB_PUBLIC_URL=WEB)
    assert done.returncode == 0, done.stderr
    written = tmp_path / done.stdout.strip()
    assert written.name == "poster-dang-ky-khai-sinh.svg"
    assert "?start=dang-ky-khai-sinh" in written.read_text(encoding="utf-8")


def test_the_poster_command_makes_one_for_every_procedure(tmp_path: Path) -> None:
    done = _run(["--all", "--out", "in"], tmp_path, WEB_PUBLIC_URL=WEB)
    assert done.returncode == 0, done.stderr
    made = sorted(p.name for p in (tmp_path / "in").iterdir())
    assert len(made) == len(shipped_catalogue().procedures)
    assert "poster-dang-ky-khai-sinh.svg" in made


def test_the_poster_command_says_what_to_set_without_links_or_a_known_id(tmp_path: Path) -> None:
    unset = _run(["dang-ky-khai-sinh"], tmp_path)
    unknown = _run(["khong-co"], tmp_path, BOT_USERNAME=BOT)
    assert unset.returncode == 2 and "BOT_USERNAME" in unset.stderr
    assert unknown.returncode == 1 and "khong-co" in unknown.stderr
