"""Loading a catalogue file: validate it, then build the immutable model.

`checked` keeps the outcome of a check in the derived-data cache, in a form that needs none of
the checker's modules (nor the YAML parser) to be read back: a bot that starts again on an
unchanged file imports and runs none of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.catalogue import derived
from bot.catalogue.model import Catalogue, CatalogueError, build
from bot.catalogue.quickcheck import DEPENDS_ON, INTERNAL, VIETNAM

if TYPE_CHECKING:
    from bot.catalogue.validation import Report

__all__ = ["DEPENDS_ON", "VIETNAM", "Checked", "Said", "checked", "load"]


@dataclass(frozen=True)
class Said:
    """One problem of a check, as printed (`PATH:LINE: message`), with its line."""

    line: int
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Checked:
    """What a check of a catalogue file found, in the shape a `Report` is read in."""

    errors: list[Said]
    warnings: list[Said]
    said: str
    data: dict[str, Any] | None
    catalogue: Catalogue | None

    def summary(self) -> str:
        """The report's one-line summary."""
        return self.said

    @property
    def usable(self) -> bool:
        """Whether the file passed: no error, and a catalogue (or the data to build it)."""
        return not self.errors and (self.catalogue is not None or self.data is not None)

    def model(self, source: str) -> Catalogue:
        """The catalogue the check built (or, if it built none, one built from its data)."""
        if self.catalogue is not None:
            return self.catalogue
        assert self.data is not None, "only for a usable outcome"
        return build(self.data, source=source)

    @classmethod
    def of(cls, report: Report) -> Checked:
        """The outcome of a validation report (without the plain data when the catalogue was
        built from it: the cache then keeps only the model, which is all a start needs)."""
        return cls(
            [Said(p.line, str(p)) for p in report.errors],
            [Said(p.line, str(p)) for p in report.warnings],
            report.summary(),
            report.data if report.catalogue is None else None,
            report.catalogue,
        )


def checked(raw: bytes, name: str, digest: bytes | None = None) -> Checked:
    """The outcome of `validation.check_text(raw, name)`, kept in the derived-data cache: a bot
    that starts again on the same file (the same day, with the same code and lists) reads it,
    the catalogue built with it included, instead of checking again. `digest`: the text's
    `bot.digest` digest, when the caller has it already."""
    today = dt.datetime.now(VIETNAM).date()

    def check() -> Checked:
        from bot.catalogue import validation

        return Checked.of(validation.check_text(raw, name, today))

    return derived.cached(
        "catalogue",
        raw,
        f"{name}\0{today.isoformat()}",
        derived.files_key(DEPENDS_ON),
        check,
        keep=lambda outcome: not any(INTERNAL in p.text for p in outcome.errors),
        source_digest=digest,
        # A built catalogue's equal texts are one object already (`model.build`); plain data
        # (kept when none was built) is not.
        share=lambda outcome: outcome.catalogue is None,
    )


def load(path: str | Path) -> Catalogue:
    """Validate and load a catalogue file; raise `CatalogueError` listing every problem."""
    from bot.catalogue import validation

    report = validation.check_path(Path(path))
    if report.errors:
        raise CatalogueError([str(p) for p in report.errors])
    assert report.data is not None
    if report.catalogue is not None and report.catalogue.source == str(path):
        return report.catalogue  # the checker built it already: the same data, the same source
    return build(report.data, source=str(path))
