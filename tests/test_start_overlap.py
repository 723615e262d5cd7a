"""`run` loads the catalogue and its index in a worker thread while it reaches the Bot API: the
bot it opens is the one it would have opened, and a broken file stops it the same way."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.app import open_runtime, open_soon
from bot.catalogue.model import CatalogueError
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


async def test_the_catalogue_loaded_meanwhile_is_the_one_served(tmp_path: Path) -> None:
    settings = Settings(catalogue=ROOT / "procedures.yaml", database=str(tmp_path / "bot.db"))
    opening = open_soon(settings)
    runtime = await open_runtime(settings, opening=opening)
    try:
        assert runtime.holder is opening.holder.result()
        assert runtime.national is opening.national
        served = runtime.holder.current.catalogue
        assert "dang-ky-khai-sinh" in served.procedures
    finally:
        await runtime.close()
    alone = await open_runtime(settings)  # the same file opened the usual way
    try:
        assert alone.holder.current.catalogue == served
    finally:
        await alone.close()
    assert not any(t.name == "catalogue-open" for t in threading.enumerate())


async def test_a_broken_file_loaded_meanwhile_stops_the_start_with_its_problems(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "procedures.yaml"
    text = (ROOT / "procedures.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("  - id: dang-ky-khai-sinh\n", "  - id: Sai Ma\n", 1))
    settings = Settings(catalogue=broken, database=str(tmp_path / "bot.db"))
    with pytest.raises(CatalogueError) as usual:
        await open_runtime(settings)
    with pytest.raises(CatalogueError) as meanwhile:
        await open_runtime(settings, opening=open_soon(settings))
    assert meanwhile.value.problems == usual.value.problems
    assert any(f"{broken}:" in problem for problem in meanwhile.value.problems)
