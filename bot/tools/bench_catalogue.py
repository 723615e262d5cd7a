"""A realistic large catalogue file for the benchmarks, made from the shipped one.

The shipped file keeps its header (portals, vocabulary, agencies, fields, guides) and its
curated entries; the procedure list is then filled up to the asked size with copies of those
entries (their documents, steps, fees, notes and sources), each with its own id, a name from
the national list (with a word changed once the list runs out) and aliases varied with words of
the national names, so that no two entries read alike. This is the shape a province's full
catalogue would have, unlike entries made up in code.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "procedures.yaml"


def _read(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    assert isinstance(data, dict)
    return data


def _cut(text: str, rng: random.Random) -> str:
    words = text.split()
    start = rng.randrange(max(1, len(words) - 3))
    return " ".join(words[start : start + rng.randint(2, 5)])


def _vary(text: str, words: list[str], rng: random.Random) -> str:
    parts = text.split()
    parts[rng.randrange(len(parts))] = rng.choice(words).lower()
    return " ".join(parts)


def realistic_catalogue(size: int, seed: int = 7, shipped: Path = SHIPPED) -> dict[str, Any]:
    """Return the shipped catalogue's data with its procedure list filled up to `size`."""
    from bot.catalogue.national import load_national
    from bot.text import fold

    data = _read(shipped)
    curated: list[dict[str, Any]] = list(data["procedures"])
    national = list(load_national().values())
    words = sorted({w for p in national for w in p.name.split() if w.isalpha() and len(w) > 1})
    rng = random.Random(seed)
    procedures = curated[:size]
    names: set[str] = {str(p["name"]).lower() for p in procedures}
    codes: set[str] = {str(p["code"]) for p in procedures if p.get("code")}
    taken = {fold(str(a)) for p in procedures for a in [p["name"], *p.get("aliases", [])]}
    for number in range(len(procedures), size):
        entry = copy.deepcopy(curated[number % len(curated)])
        source = national[number % len(national)]
        name = source.name
        while name.lower() in names or fold(name) in taken:
            name = _vary(source.name, words, rng)
        names.add(name.lower())
        entry["id"] = f"{entry['id']}-{number}"
        entry["name"] = name
        if name == source.name and source.code not in codes:
            entry["code"] = source.code
            codes.add(source.code)
        else:
            entry.pop("code", None)
        aliases = [_vary(str(a), words, rng) for a in entry.get("aliases", [])]
        aliases += [_cut(name, rng), _cut(source.name, rng)]
        taken.add(fold(name))
        entry["aliases"] = []
        for alias in aliases:
            if fold(alias) not in taken:
                taken.add(fold(alias))
                entry["aliases"].append(alias)
        procedures.append(entry)
    data["procedures"] = procedures
    return data


def write_catalogue(size: int, folder: Path, seed: int = 7) -> Path:
    """Write a realistic catalogue of `size` procedures into `folder` and return its path."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path = folder / f"procedures-{size}.yaml"
    text = yaml.dump(
        realistic_catalogue(size, seed),
        Dumper=dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    path.write_text(text, encoding="utf-8")
    return path
