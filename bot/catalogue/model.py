"""The procedures catalogue: typed, immutable objects built from `procedures.yaml`.

Parsing here assumes a document that `validation` has already accepted; `load` runs the
validation first and raises `CatalogueError` with every problem it found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

Level = Literal["commune", "province", "ministry"]
OnlineLevel = Literal["full", "partial", "none", "unknown"]
SourceKind = Literal["official", "law", "secondary"]
_T = TypeVar("_T")
DocumentKind = Literal["original", "copy", "certified-copy", "original-or-copy", "show", "data"]


@dataclass(frozen=True)
class Portal:
    """A public service portal the catalogue links to."""

    name: str
    url: str


@dataclass(frozen=True)
class Agency:
    """An agency that receives or decides applications."""

    id: str
    name: str
    level: Level
    where: str
    hours: str = ""
    address: str = ""
    phone: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Field:
    """A field of procedures, used for browsing (Hộ tịch, Cư trú, ...)."""

    id: str
    name: str
    icon: str = ""


@dataclass(frozen=True)
class Document:
    """One document to bring or upload."""

    name: str
    kind: DocumentKind = "original"
    count: int = 1
    when: str = ""
    form: str = ""
    form_url: str = ""

    @property
    def conditional(self) -> bool:
        """Whether only some citizens need it: its `when` starts with "Chỉ khi …".

        Any other `when` is a note on a paper everybody brings ("Không có … thì nộp …", "Nộp
        trực tuyến thì không cần"), and the staff guide asks for "Chỉ khi" on the other kind.
        """
        return self.when.strip().casefold().startswith("chỉ khi")


@dataclass(frozen=True)
class Source:
    """Where an entry's facts come from, and the day someone read it."""

    title: str
    kind: SourceKind
    read: dt.date
    url: str = ""


@dataclass(frozen=True)
class Online:
    """Whether and how a procedure can be done on the portal."""

    level: OnlineLevel
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Procedure:
    """An administrative procedure (thủ tục hành chính)."""

    id: str
    code: str
    name: str
    field: str
    summary: str
    agency: str
    level: Level
    documents: tuple[Document, ...]
    time: str
    fee: str
    online: Online
    legal_basis: tuple[str, ...]
    # The day someone compared this entry with its sources; None: never compared.
    verified: dt.date | None = None
    sources: tuple[Source, ...] = ()
    aliases: tuple[str, ...] = ()
    where: str = ""
    steps: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    confirm: tuple[str, ...] = ()
    fee_until: dt.date | None = None
    related: tuple[str, ...] = ()
    kind: Literal["procedure"] = "procedure"


@dataclass(frozen=True)
class Choice:
    """A button in a guide step that branches to another step."""

    label: str
    next: str = ""
    procedure: str = ""
    link: str = ""


@dataclass(frozen=True)
class GuideStep:
    """One step of a guide."""

    id: str
    title: str
    text: str
    link: str = ""
    choices: tuple[Choice, ...] = ()
    next: str = ""


@dataclass(frozen=True)
class Guide:
    """A step-by-step walkthrough of the online portal."""

    id: str
    name: str
    summary: str
    steps: tuple[GuideStep, ...]
    verified: dt.date | None = None
    sources: tuple[Source, ...] = ()
    aliases: tuple[str, ...] = ()
    field: str = "truc-tuyen"
    kind: Literal["guide"] = "guide"

    def step(self, step_id: str) -> GuideStep | None:
        """Return the step with that id, if any."""
        return next((s for s in self.steps if s.id == step_id), None)

    def index(self, step_id: str) -> int:
        """Return the position of a step, or -1."""
        return next((i for i, s in enumerate(self.steps) if s.id == step_id), -1)


Entry = Procedure | Guide


@dataclass(frozen=True)
class Catalogue:
    """The whole catalogue, as loaded from one YAML file."""

    version: int
    updated: dt.date
    province: str
    portals: Mapping[str, Portal]
    hotline: str
    hotline_note: str
    fields: tuple[Field, ...]
    agencies: Mapping[str, Agency]
    vocabulary: Mapping[str, tuple[str, ...]]
    procedures: Mapping[str, Procedure]
    guides: Mapping[str, Guide]
    source: str = ""
    entries: Mapping[str, Entry] = field(default_factory=dict)

    def get(self, entry_id: str) -> Entry | None:
        """Return the procedure or guide with that id."""
        return self.entries.get(entry_id)

    def field_name(self, field_id: str) -> str:
        """Return the display name of a field id."""
        return next((f.name for f in self.fields if f.id == field_id), field_id)

    def in_field(self, field_id: str) -> list[Entry]:
        """Return the entries of a field, in catalogue order."""
        return [e for e in self.entries.values() if e.field == field_id]


class CatalogueError(Exception):
    """The catalogue file cannot be used; `problems` lists why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def to_date(value: Any) -> dt.date:
    """A YAML date, datetime or ISO string as a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def to_strings(value: Any) -> tuple[str, ...]:
    """None, one string or a list of values as a tuple of strings."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(map(str, value))


def _frozen(cls: type[_T], **values: Any) -> _T:
    """An instance of a frozen dataclass from every one of its fields, set all at once.

    The generated `__init__` sets a frozen instance's fields one by one through
    `object.__setattr__`: most of the cost of building 3,000 procedures. Same object, same
    fields (a test compares each with the one `__init__` makes).
    """
    made = object.__new__(cls)
    made.__dict__.update(values)
    return made


def _shared(share: Callable[[Any, Any], Any], value: _T) -> _T:
    """The one object equal to `value` that the catalogue keeps (`value` when it is the first)."""
    shared: _T = share(value, value)
    return shared


def _sources(raw: Any) -> tuple[Source, ...]:
    return tuple(
        _frozen(
            Source,
            title=str(s["title"]),
            kind=s["kind"],
            read=to_date(s["read"]),
            url=str(s.get("url", "")),
        )
        for s in raw or ()
    )


def _document(raw: Mapping[str, Any]) -> Document:
    get = raw.get
    return _frozen(
        Document,
        name=str(raw["name"]),
        kind=get("kind", "original"),
        count=int(get("count", 1)),
        when=str(get("when", "")),
        form=str(get("form", "")),
        form_url=str(get("form_url", "")),
    )


class _Once:
    """What was made of each part of the data (a list of documents, of sources...), kept with
    the part: the reader makes one object of a block written on many entries, and the same
    frozen value is made of it once."""

    def __init__(self) -> None:
        self._made: dict[tuple[int, int], tuple[Any, Any]] = {}

    def __call__(self, raw: Any, make: Callable[[Any], _T], kind: int) -> _T:
        if not raw:
            return make(raw)
        known = self._made.get((kind, id(raw)))
        if known is not None and known[0] is raw:
            made: _T = known[1]
            return made
        made = make(raw)
        self._made[(kind, id(raw))] = (raw, made)
        return made


def _documents(raw: Any, share: Callable[[Any, Any], Any]) -> tuple[Document, ...]:
    return _shared(share, tuple(share(d, d) for d in map(_document, raw or ())))


def _shared_sources(raw: Any, share: Callable[[Any, Any], Any]) -> tuple[Source, ...]:
    return _shared(share, tuple(share(s, s) for s in _sources(raw)))


def _procedure(
    raw: Mapping[str, Any], share: Callable[[Any, Any], Any], once: _Once | None = None
) -> Procedure:
    get = raw.get
    online = get("online") or {"level": "none"}
    once = once or _Once()
    documents = once(get("documents"), lambda d: _documents(d, share), 0)

    def texts(value: Any) -> tuple[str, ...]:
        return once(value, lambda v: _shared(share, to_strings(v)), 2)

    return _frozen(
        Procedure,
        id=str(raw["id"]),
        code=str(get("code", "")),
        name=str(raw["name"]),
        field=str(raw["field"]),
        summary=str(get("summary", "")),
        agency=str(raw["agency"]),
        level=raw["level"],
        documents=documents,
        time=str(get("time", "")),
        fee=str(get("fee", "")),
        online=_shared(
            share,
            _frozen(
                Online,
                level=online.get("level", "none"),
                url=str(online.get("url", "")),
                note=str(online.get("note", "")),
            ),
        ),
        legal_basis=texts(get("legal_basis")),
        verified=to_date(raw["verified"]) if get("verified") else None,
        sources=once(get("sources"), lambda s: _shared_sources(s, share), 1),
        aliases=to_strings(get("aliases")),
        where=str(get("where", "")),
        steps=texts(get("steps")),
        notes=texts(get("notes")),
        confirm=texts(get("confirm")),
        fee_until=to_date(raw["fee_until"]) if get("fee_until") else None,
        related=to_strings(get("related")),
        kind="procedure",
    )


def _guide(raw: Mapping[str, Any]) -> Guide:
    steps = []
    for step in raw.get("steps") or ():
        choices = tuple(
            Choice(
                label=str(c["label"]),
                next=str(c.get("next", "")),
                procedure=str(c.get("procedure", "")),
                link=str(c.get("link", "")),
            )
            for c in step.get("choices") or ()
        )
        steps.append(
            GuideStep(
                id=str(step["id"]),
                title=str(step.get("title", "")),
                text=str(step["text"]),
                link=str(step.get("link", "")),
                choices=choices,
                next=str(step.get("next", "")),
            )
        )
    return Guide(
        id=str(raw["id"]),
        name=str(raw["name"]),
        summary=str(raw.get("summary", "")),
        steps=tuple(steps),
        verified=to_date(raw["verified"]) if raw.get("verified") else None,
        sources=_sources(raw.get("sources")),
        aliases=to_strings(raw.get("aliases")),
        field=str(raw.get("field", "truc-tuyen")),
    )


def build(data: Mapping[str, Any], source: str = "") -> Catalogue:
    """Build a catalogue from an already validated YAML document."""
    portals = {
        key: Portal(name=str(p["name"]), url=str(p["url"]))
        for key, p in (data.get("portals") or {}).items()
    }
    agencies = {
        key: Agency(
            id=key,
            name=str(a["name"]),
            level=a["level"],
            where=str(a.get("where", "")),
            hours=str(a.get("hours", "")),
            address=str(a.get("address", "")),
            phone=str(a.get("phone", "")),
            notes=str(a.get("notes", "")),
        )
        for key, a in (data.get("agencies") or {}).items()
    }
    fields = tuple(
        Field(id=str(f["id"]), name=str(f["name"]), icon=str(f.get("icon", "")))
        for f in data.get("fields") or ()
    )
    vocabulary = {str(k): to_strings(v) for k, v in (data.get("vocabulary") or {}).items()}
    # Equal parts of entries (a document, a source, the same steps or legal basis) are one
    # object, however many entries hold them: they are frozen, so sharing them is invisible.
    shared: dict[Any, Any] = {}
    share = shared.setdefault
    once = _Once()
    procedures = {
        p.id: p for p in (_procedure(r, share, once) for r in data.get("procedures") or ())
    }
    guides = {g.id: g for g in (_guide(r) for r in data.get("guides") or ())}
    hotline = data.get("hotline") or {}
    entries: dict[str, Entry] = {**procedures, **guides}
    return Catalogue(
        version=int(data.get("version", 1)),
        updated=to_date(data["updated"]),
        province=str(data.get("province", "")),
        portals=portals,
        hotline=str(hotline.get("number", "")),
        hotline_note=str(hotline.get("note", "")),
        fields=fields,
        agencies=agencies,
        vocabulary=vocabulary,
        procedures=procedures,
        guides=guides,
        source=source,
        entries=entries,
    )
