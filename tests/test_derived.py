"""The derived-data cache: the same results whether an entry is found, stale, corrupt or the
cache is off (the communes check and the national list go through it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot import cachefile
from bot.catalogue import derived
from bot.catalogue.communes_check import check_path
from bot.catalogue.national import (
    _LOADED,
    _load,
    _names,
    _parse,
    _parse_names,
    load_national,
    official_names,
)

ROOT = Path(__file__).resolve().parent.parent


def _entries(folder: Path, kind: str) -> list[Path]:
    return sorted(folder.glob(f"{kind}-*.pickle"))


def test_a_stored_entry_is_used_until_the_source_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_CACHE_DIR", str(tmp_path / "cache"))
    calls: list[bytes] = []

    def derive(source: bytes) -> str:
        calls.append(source)
        return source.decode().upper()

    code = derived.code_key([__name__])
    for _ in range(2):
        assert derived.cached("t", b"abc", "x", code, lambda: derive(b"abc")) == "ABC"
    assert calls == [b"abc"]  # the second call read the entry
    assert derived.cached("t", b"abd", "x", code, lambda: derive(b"abd")) == "ABD"
    assert derived.cached("t", b"abc", "y", code, lambda: derive(b"abc")) == "ABC"
    assert derived.cached("t", b"abc", "x", b"other code", lambda: derive(b"abc")) == "ABC"
    assert len(calls) == 4  # another source, extra key or code version is derived again


def test_an_edited_dependency_file_is_told_apart_and_an_untouched_one_is_not(
    tmp_path: Path,
) -> None:
    data = tmp_path / "national.jsonl"
    data.write_bytes(b"one\n")
    first = derived.files_key([data])
    assert derived.files_key([data]) == first  # nothing changed
    os.utime(data, ns=(data.stat().st_atime_ns, data.stat().st_mtime_ns))
    assert derived.files_key([data]) == first  # read or touched to the same time: unchanged
    data.write_bytes(b"two\n")  # the same size, written again: another time
    os.utime(data, ns=(data.stat().st_atime_ns, data.stat().st_mtime_ns + 1_000_000))
    assert derived.files_key([data]) != first
    second = derived.files_key([data])
    data.write_bytes(b"three\n")  # another size
    assert derived.files_key([data]) not in (first, second)
    data.unlink()
    assert derived.files_key([data]) not in (first, second)  # missing: a key of its own


def test_a_corrupt_entry_is_derived_again_and_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BOT_CACHE_DIR", str(folder))
    assert derived.cached("t", b"abc", "", b"", lambda: [1, 2]) == [1, 2]
    (entry,) = _entries(folder, "t")
    entry.write_bytes(b"\x80\x05garbage")
    assert derived.cached("t", b"abc", "", b"", lambda: [3]) == [3]
    assert derived.cached("t", b"abc", "", b"", lambda: [4]) == [3]  # stored again


def test_a_damaged_entry_is_not_unpickled_but_derived_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BOT_CACHE_DIR", str(folder))
    assert derived.cached("t", b"abc", "", b"", lambda: "kept") == "kept"
    (entry,) = _entries(folder, "t")
    # Another value that unpickles fine, in place of the one stored: its digest gives it away.
    entry.write_bytes(entry.read_bytes().replace(b"kept", b"lost"))
    assert derived.cached("t", b"abc", "", b"", lambda: "derived") == "derived"
    entry.write_bytes(entry.read_bytes()[:-3])  # cut short
    assert derived.cached("t", b"abc", "", b"", lambda: "again") == "again"
    assert derived.cached("t", b"abc", "", b"", lambda: "unused") == "again"


def test_an_entry_of_another_key_or_writable_by_others_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BOT_CACHE_DIR", str(folder))
    assert derived.cached("t", b"one", "", b"", lambda: "one") == "one"
    (one,) = _entries(folder, "t")
    assert derived.cached("t", b"two", "", b"", lambda: "two") == "two"
    (two,) = set(_entries(folder, "t")) - {one}
    two.write_bytes(one.read_bytes())  # one entry copied in another's place: not its key
    assert derived.cached("t", b"two", "", b"", lambda: "two again") == "two again"
    assert derived.cached("t", b"one", "", b"", lambda: "unused") == "one"
    for entry in _entries(folder, "t"):
        entry.chmod(0o666)  # anyone could have written it
    assert derived.cached("t", b"one", "", b"", lambda: "not trusted") == "not trusted"


def test_a_folder_that_cannot_be_written_leaves_the_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BOT_CACHE_DIR", str(blocker / "cache"))
    assert derived.cached("t", b"abc", "", b"", lambda: "fresh") == "fresh"
    monkeypatch.setenv("BOT_CACHE_DIR", "")
    assert cachefile.cache_dir() is None
    assert derived.cached("t", b"abc", "", b"", lambda: "off") == "off"


def test_old_entries_of_a_kind_are_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BOT_CACHE_DIR", str(folder))
    for i in range(derived.KEEP + 3):
        derived.cached("t", str(i).encode(), "", b"", lambda n=i: n)
    assert len(_entries(folder, "t")) == derived.KEEP


@pytest.mark.parametrize("cache", ["fresh", "warm", "off"])
def test_the_communes_report_is_the_same_from_the_cache(
    cache: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_CACHE_DIR", "" if cache == "off" else str(tmp_path / "cache"))
    broken = tmp_path / "communes.yaml"
    broken.write_text(
        (ROOT / "communes.yaml").read_text(encoding="utf-8").replace("kind: xã", "kind: xa", 1),
        encoding="utf-8",
    )
    if cache == "warm":
        check_path(broken)
    report = check_path(broken)
    assert [str(p) for p in report.problems] == [
        f"{broken}:{report.errors[0].line}: {report.errors[0].message}"
    ]
    assert "'kind' phải là" in report.errors[0].message
    assert report.data is None
    good = check_path(ROOT / "communes.yaml")
    assert not good.errors and good.data is not None
    assert "104 xã, phường mới" in good.summary()


def test_the_national_list_is_the_same_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_CACHE_DIR", str(tmp_path / "cache"))
    raw = (ROOT / "bot" / "data" / "national-procedures.jsonl").read_bytes()
    listed = tmp_path / "national.jsonl"
    listed.write_bytes(raw)
    _names.cache_clear()
    names = official_names(listed)  # read, and kept in the cache
    fresh = load_national(listed)
    assert fresh == _parse(raw)
    assert names == _parse_names(raw)
    assert _entries(tmp_path / "cache", "national") and _entries(
        tmp_path / "cache", "national-names"
    )
    _names.cache_clear()
    _load.cache_clear()
    _LOADED.clear()
    assert official_names(listed) == names  # from the cache
    again = load_national(listed)
    assert again == fresh
    _names.cache_clear()
    assert official_names(listed) == names  # from the list just loaded: the same strings
    assert all(official_names(listed)[p.code] is p.name for p in again.values())
    assert all(names[p.code] == p.name for p in fresh.values())


def test_check_prints_the_same_from_the_cache_and_sees_an_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    catalogue = tmp_path / "procedures.yaml"
    communes = tmp_path / "communes.yaml"
    shipped = (ROOT / "procedures.yaml").read_text(encoding="utf-8")
    catalogue.write_text(shipped.replace("  - id: dang-ky-khai-sinh\n", "  - id: Sai Ma\n", 1))
    communes.write_text(
        (ROOT / "communes.yaml").read_text(encoding="utf-8").replace("kind: xã", "kind: xa", 1)
    )

    def check(cache: str) -> tuple[int, str]:
        monkeypatch.setenv("BOT_CACHE_DIR", cache)
        code = main(["check", str(catalogue)])
        return code, capsys.readouterr().out

    uncached = check("")
    assert uncached[0] == 1 and f"{catalogue}:" in uncached[1] and f"{communes}:" in uncached[1]
    folder = str(tmp_path / "cache")
    assert check(folder) == uncached  # checked, and kept
    assert check(folder) == uncached  # from the cache
    assert _entries(tmp_path / "cache", "check") and _entries(tmp_path / "cache", "communes-check")
    catalogue.write_text(shipped)
    communes.write_text((ROOT / "communes.yaml").read_text(encoding="utf-8"))
    fixed = check(folder)
    assert fixed[0] == 0 and "hợp lệ — 62 thủ tục" in fixed[1] and "104 xã" in fixed[1]
    assert check(folder) == fixed == check("")


def test_a_restart_on_an_unchanged_catalogue_neither_checks_nor_builds_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.catalogue import loader, validation
    from bot.catalogue.reload import CatalogueHolder

    monkeypatch.setenv("BOT_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "procedures.yaml"
    path.write_bytes((ROOT / "procedures.yaml").read_bytes())
    first = CatalogueHolder(path, lambda catalogue: None).current.catalogue
    (entry,) = _entries(tmp_path / "cache", "catalogue")

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("checked or built again")

    monkeypatch.setattr(validation, "check_text", refuse)
    monkeypatch.setattr(loader, "build", refuse)
    again = CatalogueHolder(path, lambda catalogue: None).current.catalogue
    assert again == first and again is not first
    # A damaged entry is checked again, and gives the same catalogue.
    monkeypatch.undo()
    monkeypatch.setenv("BOT_CACHE_DIR", str(tmp_path / "cache"))
    blob = bytearray(entry.read_bytes())
    blob[-40] ^= 1
    entry.write_bytes(bytes(blob))
    assert CatalogueHolder(path, lambda catalogue: None).current.catalogue == first


def test_equal_texts_of_a_stored_entry_are_one_object_when_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.catalogue.model import Agency

    monkeypatch.setenv("BOT_CACHE_DIR", str(tmp_path / "cache"))
    where = "".join(["UBND ", "xã"])  # equal texts, made apart: two objects
    agencies = [
        Agency(f"a{i}", f"Cơ quan {i}", "commune", "".join(["UBND ", "xã"])) for i in (1, 2)
    ]
    assert agencies[0].where is not agencies[1].where and agencies[0].where == where
    assert derived.cached("t", b"x", "", b"", lambda: agencies) == agencies
    read = derived.cached("t", b"x", "", b"", lambda: [])
    assert read == agencies and read is not agencies
    assert read[0].where is read[1].where


def _texts(value: object, found: dict[int, str]) -> None:
    """Every string reachable from the catalogue's objects, by identity."""
    if isinstance(value, str):
        found[id(value)] = value
    elif isinstance(value, (tuple, list, frozenset)):
        for item in value:
            _texts(item, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _texts(key, found)
            _texts(item, found)
    elif hasattr(value, "__dataclass_fields__"):
        _texts(vars(value), found)


def test_a_restart_reads_the_catalogue_with_each_text_once_as_it_was_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.catalogue.reload import CatalogueHolder

    monkeypatch.setenv("BOT_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "procedures.yaml"
    path.write_bytes((ROOT / "procedures.yaml").read_bytes())
    built: dict[int, str] = {}
    _texts(CatalogueHolder(path, lambda catalogue: None).current.catalogue, built)
    read: dict[int, str] = {}
    again = CatalogueHolder(path, lambda catalogue: None).current.catalogue  # from the cache
    _texts(again, read)
    assert len(set(read.values())) == len(set(built.values()))
    # Texts the build made one object stay one: a restart holds what the build held.
    assert len(read) <= len(built) * 1.01
