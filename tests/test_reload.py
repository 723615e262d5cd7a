"""Hot reload: a good edit is swapped in, anything else keeps the last good catalogue."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

from bot.catalogue import validation
from bot.catalogue.model import Catalogue, CatalogueError
from bot.catalogue.reload import CatalogueHolder, ReloadOutcome
from tests.test_validation import BASE, REQUIRED, TODAY

NEW_NAME = "Đăng ký kết hôn (đã sửa)"


@pytest.fixture(autouse=True)
def corpus_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check the small corpus catalogue against its own required ids and date (uncached)."""
    real = validation.check_text

    def check_text(text: bytes | str, path: str, today: object = None) -> object:
        return real(text, path, TODAY, required=REQUIRED)

    monkeypatch.setattr(validation, "check_text", check_text)
    monkeypatch.setenv("BOT_CACHE_DIR", "")


def ids(catalogue: Catalogue) -> frozenset[str]:
    """A stand-in for the search index: it must always match the catalogue it came with."""
    return frozenset(catalogue.entries) | {p.name for p in catalogue.procedures.values()}


def write(path: Path, text: str) -> None:
    """Write a new version with a later mtime, as an editor's save would."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    # Whole at once (a loaded machine could otherwise show the watcher a half-written file
    # for longer than the settle time, a second failure the test would count).
    part = path.with_suffix(".part")
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)
    if path.stat().st_mtime_ns <= before:  # coarse clocks: make the change visible
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


@pytest.fixture
def catalogue_file(tmp_path: Path) -> Path:
    path = tmp_path / "procedures.yaml"
    path.write_text(BASE, encoding="utf-8")
    return path


def test_first_load_fails_loudly_with_file_line_problems(tmp_path: Path) -> None:
    path = tmp_path / "procedures.yaml"
    path.write_text(BASE.replace("level: full", "level: all"), encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        CatalogueHolder(path, ids)
    assert caught.value.problems[0].startswith(f"{path}:52: ")


def test_good_edit_is_swapped_in(catalogue_file: Path) -> None:
    holder = CatalogueHolder(catalogue_file, ids)
    before = holder.current

    write(catalogue_file, BASE.replace("name: Đăng ký kết hôn", f"name: {NEW_NAME}"))
    outcome = holder.reload()

    assert (outcome.ok, outcome.changed, outcome.problems) == (True, True, [])
    assert holder.current is not before
    assert holder.current.catalogue.procedures["dang-ky-ket-hon"].name == NEW_NAME
    assert NEW_NAME in holder.current.index
    assert outcome.staff_message().startswith("✅ Đã cập nhật danh mục: ")


def test_unchanged_file_is_not_reloaded(catalogue_file: Path) -> None:
    holder = CatalogueHolder(catalogue_file, ids)
    before = holder.current
    outcome = holder.reload()
    assert (outcome.ok, outcome.changed) == (True, False)
    assert holder.current is before


def test_touched_file_with_the_same_content_changes_nothing(catalogue_file: Path) -> None:
    holder = CatalogueHolder(catalogue_file, ids)
    before = holder.current
    write(catalogue_file, BASE)
    outcome = holder.reload()
    assert (outcome.ok, outcome.changed) == (True, False)
    assert holder.current is before


def test_broken_edit_keeps_the_old_catalogue_and_names_file_and_line(
    catalogue_file: Path,
) -> None:
    holder = CatalogueHolder(catalogue_file, ids)
    before = holder.current

    write(
        catalogue_file,
        BASE.replace(
            "    agency: ubnd-xa\n    level: commune\n    doc",
            "    agency: ubnd-xa\n    level: huyen\n    doc",
        ),
    )
    outcome = holder.reload()

    assert (outcome.ok, outcome.changed) == (False, False)
    assert holder.current is before
    assert any(p.startswith(f"{catalogue_file}:63: ") for p in outcome.problems)
    message = outcome.staff_message()
    assert message.startswith("⚠️ Danh mục mới có lỗi, bot vẫn dùng bản cũ (cập nhật lúc ")
    assert f"{catalogue_file}:63: " in message


def test_staff_message_is_safe_telegram_html(catalogue_file: Path) -> None:
    holder = CatalogueHolder(catalogue_file, ids)
    write(catalogue_file, BASE.replace("    phone:", "    <b>ko</b> & co:"))
    outcome = holder.reload()
    assert not outcome.ok
    assert "<b>" not in outcome.staff_message()
    assert "&lt;b&gt;ko&lt;/b&gt; &amp; co" in outcome.staff_message()
    assert "<b>ko</b> & co" in outcome.staff_message(html_mode=False)


def test_fixing_the_file_after_a_failure_swaps_the_fix_in(catalogue_file: Path) -> None:
    holder = CatalogueHolder(catalogue_file, ids)
    write(catalogue_file, BASE.replace("level: full", "level: all"))
    assert not holder.reload().ok
    assert not holder.reload().ok  # still broken, still said so
    write(catalogue_file, BASE.replace("name: Đăng ký kết hôn", f"name: {NEW_NAME}"))
    outcome = holder.reload()
    assert (outcome.ok, outcome.changed) == (True, True)
    assert holder.current.catalogue.procedures["dang-ky-ket-hon"].name == NEW_NAME


def test_file_vanishing_mid_edit_keeps_the_old_catalogue(catalogue_file: Path) -> None:
    holder = CatalogueHolder(catalogue_file, ids)
    before = holder.current
    catalogue_file.unlink()
    outcome = holder.reload()
    assert not outcome.ok
    assert "không tìm thấy tệp" in outcome.problems[0]
    assert holder.current is before
    write(catalogue_file, BASE)  # the editor finishes saving the same content
    assert holder.reload().ok
    assert holder.current is before


def test_make_index_raising_keeps_the_old_one(catalogue_file: Path) -> None:
    calls = 0

    def fragile(catalogue: Catalogue) -> frozenset[str]:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise RuntimeError("index blew up")
        return ids(catalogue)

    holder = CatalogueHolder(catalogue_file, fragile)
    before = holder.current
    write(catalogue_file, BASE.replace("name: Đăng ký kết hôn", f"name: {NEW_NAME}"))
    outcome = holder.reload()
    assert not outcome.ok
    assert "index blew up" in outcome.problems[0]
    assert holder.current is before


def test_force_rebuilds_even_when_nothing_changed(catalogue_file: Path) -> None:
    holder = CatalogueHolder(catalogue_file, ids)
    before = holder.current
    outcome = holder.reload(force=True)
    assert (outcome.ok, outcome.changed) == (True, False)
    assert holder.current is not before
    assert holder.current.catalogue == before.catalogue


def test_current_during_a_reload_is_the_old_snapshot_whole(catalogue_file: Path) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(catalogue: Catalogue) -> frozenset[str]:
        if NEW_NAME in {p.name for p in catalogue.procedures.values()}:
            entered.set()
            assert release.wait(5)
        return ids(catalogue)

    holder = CatalogueHolder(catalogue_file, slow)
    before = holder.current
    write(catalogue_file, BASE.replace("name: Đăng ký kết hôn", f"name: {NEW_NAME}"))
    worker = threading.Thread(target=holder.reload)
    worker.start()
    try:
        assert entered.wait(5)
        during = holder.current
        assert during is before
        assert during.index == ids(during.catalogue)
    finally:
        release.set()
        worker.join(5)
    after = holder.current
    assert after.index == ids(after.catalogue)
    assert after.catalogue.procedures["dang-ky-ket-hon"].name == NEW_NAME


def test_snapshots_stay_consistent_under_constant_reloads(catalogue_file: Path) -> None:
    holder = CatalogueHolder(catalogue_file, ids)
    versions = [BASE, BASE.replace("name: Đăng ký kết hôn", f"name: {NEW_NAME}")]
    stop = threading.Event()

    def edit_and_reload() -> None:
        i = 0
        while not stop.is_set():
            i += 1
            write(catalogue_file, versions[i % 2])
            holder.reload()

    worker = threading.Thread(target=edit_and_reload)
    worker.start()
    try:
        names = set()
        for _ in range(3000):
            snapshot = holder.current
            assert snapshot.index == ids(snapshot.catalogue)
            names.add(snapshot.catalogue.procedures["dang-ky-ket-hon"].name)
    finally:
        stop.set()
        worker.join(10)
    assert names <= {"Đăng ký kết hôn", NEW_NAME}


async def test_watcher_notices_a_change_and_notifies_once(catalogue_file: Path) -> None:
    holder = CatalogueHolder(catalogue_file, ids, settle=0.1)
    seen: list[ReloadOutcome] = []
    notified = asyncio.Event()

    async def notify(outcome: ReloadOutcome) -> None:
        seen.append(outcome)
        notified.set()

    task = asyncio.create_task(holder.watch(notify, interval=0.01))
    try:
        await asyncio.sleep(0.1)
        assert seen == []  # nothing changed: no message
        write(catalogue_file, BASE.replace("name: Đăng ký kết hôn", f"name: {NEW_NAME}"))
        await asyncio.wait_for(notified.wait(), 5)
        await asyncio.sleep(0.2)  # many more polls
    finally:
        task.cancel()
    assert [(o.ok, o.changed) for o in seen] == [(True, True)]
    assert holder.current.catalogue.procedures["dang-ky-ket-hon"].name == NEW_NAME


async def test_watcher_reports_a_failure_once_per_content(catalogue_file: Path) -> None:
    holder = CatalogueHolder(catalogue_file, ids, settle=0.1)
    seen: list[ReloadOutcome] = []

    async def notify(outcome: ReloadOutcome) -> None:
        seen.append(outcome)

    async def told(count: int) -> None:  # waits on what happened, not on the clock
        for _ in range(500):
            if len(seen) >= count:
                return
            await asyncio.sleep(0.02)

    broken = BASE.replace("level: full", "level: all")
    task = asyncio.create_task(holder.watch(notify, interval=0.01))
    try:
        write(catalogue_file, broken)
        await told(1)
        write(catalogue_file, broken)  # saved again, same content: no second message
        await asyncio.sleep(0.6)
        write(catalogue_file, broken.replace("count: 1", "count: 0"))  # a new mistake
        await told(2)
        write(catalogue_file, BASE)  # fixed: same as the catalogue in service, staff are told
        await told(3)
        await asyncio.sleep(0.3)
    finally:
        task.cancel()
    assert [(o.ok, o.changed) for o in seen] == [(False, False), (False, False), (True, False)]
    assert any(":52: " in p for p in seen[0].problems)
    assert any(":45: " in p for p in seen[1].problems)


async def test_watcher_survives_a_failing_notify(catalogue_file: Path) -> None:
    holder = CatalogueHolder(catalogue_file, ids, settle=0.1)
    calls: list[bool] = []

    async def notify(outcome: ReloadOutcome) -> None:
        calls.append(outcome.ok)
        raise RuntimeError("Telegram is down")

    task = asyncio.create_task(holder.watch(notify, interval=0.01))
    try:
        write(catalogue_file, BASE.replace("level: full", "level: all"))
        await asyncio.sleep(0.6)
        write(catalogue_file, BASE.replace("name: Đăng ký kết hôn", f"name: {NEW_NAME}"))
        await asyncio.sleep(0.6)
        assert not task.done()
    finally:
        task.cancel()
    assert calls == [False, True]


# --- the last good copy on disk, debounce, diff, truncation ---------------------------------


def test_a_good_load_is_kept_on_disk_and_serves_a_broken_start(tmp_path: Path) -> None:
    path = tmp_path / "procedures.yaml"
    path.write_text(BASE, encoding="utf-8")
    keep = tmp_path / "data" / "procedures.last-good.yaml"
    CatalogueHolder(path, ids, last_good=keep)
    assert keep.read_text(encoding="utf-8") == BASE

    path.write_text(BASE.replace("level: full", "level: all"), encoding="utf-8")
    holder = CatalogueHolder(path, ids, last_good=keep)  # a restart with a broken file
    assert "dang-ky-ket-hon" in holder.current.catalogue.procedures
    failure = holder.startup_failure
    assert failure is not None and not failure.ok
    assert any(p.startswith(f"{path}:52: ") for p in failure.problems)
    text = failure.staff_message()
    assert "bản tốt gần nhất" in text and f"{path}:52:" in text
    assert keep.read_text(encoding="utf-8") == BASE  # the broken file never overwrites it


def test_a_last_good_copy_of_the_same_size_but_another_text_is_replaced(
    tmp_path: Path,
) -> None:
    path = tmp_path / "procedures.yaml"
    path.write_text(BASE, encoding="utf-8")
    keep = tmp_path / "procedures.last-good.yaml"
    # Same length, one character changed near the end: an older copy, not this text.
    older = BASE[:-3] + ("x" if BASE[-3] != "x" else "y") + BASE[-2:]
    keep.write_text(older, encoding="utf-8")
    assert keep.stat().st_size == path.stat().st_size
    CatalogueHolder(path, ids, last_good=keep)
    assert keep.read_text(encoding="utf-8") == BASE


def test_a_broken_start_without_a_last_good_copy_still_fails(tmp_path: Path) -> None:
    path = tmp_path / "procedures.yaml"
    path.write_text(BASE.replace("level: full", "level: all"), encoding="utf-8")
    with pytest.raises(CatalogueError):
        CatalogueHolder(path, ids, last_good=tmp_path / "none.yaml")


async def test_the_watcher_tells_a_broken_start_at_once(tmp_path: Path) -> None:
    path = tmp_path / "procedures.yaml"
    keep = tmp_path / "last-good.yaml"
    keep.write_text(BASE, encoding="utf-8")
    path.write_text(BASE.replace("level: full", "level: all"), encoding="utf-8")
    holder = CatalogueHolder(path, ids, last_good=keep)
    seen: list[ReloadOutcome] = []

    async def notify(outcome: ReloadOutcome) -> None:
        seen.append(outcome)

    task = asyncio.create_task(holder.watch(notify, interval=3600))
    await asyncio.sleep(0.2)
    task.cancel()
    assert [o.ok for o in seen] == [False]
    assert seen[0].last_good == keep


async def test_a_burst_of_saves_is_read_once_after_the_file_is_still(
    catalogue_file: Path,
) -> None:
    holder = CatalogueHolder(catalogue_file, ids, settle=0.5)
    seen: list[ReloadOutcome] = []

    async def notify(outcome: ReloadOutcome) -> None:
        seen.append(outcome)

    task = asyncio.create_task(holder.watch(notify, interval=0.02))
    try:
        for i in range(12):  # a save per typed character, the middle ones broken
            text = BASE.replace("name: Đăng ký kết hôn", f"name: Đăng ký kết hôn{' ' * i}x{i}")
            write(catalogue_file, text if i % 3 else text.replace("level: full", "level: a"))
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
    finally:
        task.cancel()
    assert [(o.ok, o.changed) for o in seen] == [(True, True)]
    assert seen[0].diff.changed == ("dang-ky-ket-hon",)


def test_the_outcome_says_which_entries_were_added_removed_and_changed(
    catalogue_file: Path,
) -> None:
    holder = CatalogueHolder(catalogue_file, ids)
    edited = BASE.replace("name: Đăng ký kết hôn", f"name: {NEW_NAME}")
    write(catalogue_file, edited)
    outcome = holder.reload()
    assert (outcome.diff.added, outcome.diff.removed, outcome.diff.changed) == (
        (),
        (),
        ("dang-ky-ket-hon",),
    )


def test_a_truncated_save_is_named_and_refused(catalogue_file: Path) -> None:
    holder = CatalogueHolder(catalogue_file, ids)
    cut = BASE[: BASE.index("    time: Trong ngày làm việc\n    fee: Miễn lệ phí\n    sources")]
    write(catalogue_file, cut + "    time: Trong ng")
    outcome = holder.reload()
    assert not outcome.ok
    assert "bị cắt cụt" in outcome.problems[0]
    assert holder.current.catalogue.procedures["dang-ky-ket-hon"].time == "Trong ngày làm việc"


def test_a_save_cut_at_a_line_end_is_named_also_when_the_text_is_kept_on_disk_only(
    catalogue_file: Path, tmp_path: Path
) -> None:
    # With a last good copy the holder does not keep the text in memory: it reads that copy.
    holder = CatalogueHolder(catalogue_file, ids, last_good=tmp_path / "kept.yaml")
    write(catalogue_file, BASE[: BASE.index("    fee: Miễn lệ phí\n    sources")])
    outcome = holder.reload()
    assert not outcome.ok
    assert "bị cắt cụt" in outcome.problems[0]
