"""Loading a catalogue file: validate it, then build the immutable model."""

from __future__ import annotations

from pathlib import Path

from bot.catalogue import validation
from bot.catalogue.model import Catalogue, CatalogueError, build


def load(path: str | Path) -> Catalogue:
    """Validate and load a catalogue file; raise `CatalogueError` listing every problem."""
    report = validation.check_path(Path(path))
    if report.errors:
        raise CatalogueError([str(p) for p in report.errors])
    assert report.data is not None
    if report.catalogue is not None and report.catalogue.source == str(path):
        return report.catalogue  # the checker built it already: the same data, the same source
    return build(report.data, source=str(path))
