"""Reading a REFI-QDA project (the `project.qde` of a `.qdpx`) into plain records, tolerating
what real exporters write: the XML named `project.qde`, `Project.qde` or `<Name>.qde`;
GUIDs in any case, with or without braces; cases without names; codes without colours;
memos as `<Note>`s referred to by `<NoteRef>` or as bare `<Description>`s; typed variable
values. Everything the importer does not use (sets, links, graphs) is only counted, so the
report can say what was left behind."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from brightspots.exchange import qdaxml
from brightspots.exchange.qdaxml import XmlError
from brightspots.exchange.qdc import RefiCode, read_codes
from brightspots.exchange.safe_zip import SafeZip

SOURCE_KINDS = {
    "TextSource": "text",
    "PDFSource": "pdf",
    "PictureSource": "picture",
    "AudioSource": "audio",
    "VideoSource": "video",
}
VALUE_ELEMENTS = (
    "TextValue",
    "BooleanValue",
    "IntegerValue",
    "FloatValue",
    "DateValue",
    "DateTimeValue",
)


@dataclass(frozen=True)
class RefiCoding:
    guid: str
    code: str | None
    user: str | None
    created: str | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefiSelection:
    guid: str
    name: str
    start: int
    end: int
    user: str | None
    created: str | None
    description: str = ""
    codings: tuple[RefiCoding, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefiSource:
    guid: str
    name: str
    kind: str  # text | pdf | picture | audio | video
    plain_text_path: str | None = None
    plain_text: str | None = None  # inline <PlainTextContent>
    selections: tuple[RefiSelection, ...] = ()
    codings: tuple[RefiCoding, ...] = ()  # codings of the whole source
    description: str = ""
    notes: tuple[str, ...] = ()
    variables: dict[str, str] = field(default_factory=dict)
    user: str | None = None
    created: str | None = None
    # Selections and codings of any kind, nested ones included (for the report).
    all_selections: int = 0
    all_codings: int = 0


@dataclass(frozen=True)
class RefiCase:
    guid: str
    name: str
    variables: dict[str, str]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RefiNote:
    guid: str
    name: str
    text: str
    description: str
    user: str | None
    created: str | None
    modified: str | None
    plain_text_path: str | None = None  # some tools keep a note's text in a file


@dataclass(frozen=True)
class RefiProject:
    name: str
    origin: str
    member: str  # the XML's path inside the archive
    creating_user: str | None
    users: dict[str, str]  # guid -> name
    codes: list[RefiCode]
    cases: list[RefiCase]
    sources: list[RefiSource]
    notes: dict[str, RefiNote]
    project_notes: tuple[str, ...]
    description: str
    left_out: Counter[str]  # element name -> how many (sets, links, graphs)


def find_project_xml(archive: SafeZip) -> str:
    """The member holding the project XML: `project.qde` in any case, else the only
    `.qde` file at the top of the archive."""
    candidates = [n for n in archive.names() if n.casefold().endswith(".qde")]
    top = [n for n in candidates if "/" not in n]
    for name in top:
        if name.casefold() == "project.qde":
            return name
    if len(top) == 1:
        return top[0]
    if not candidates:
        raise XmlError(
            "no project.qde inside: this is not a REFI-QDA project (.qdpx) archive",
            archive.path,
        )
    if len(candidates) == 1:
        return candidates[0]
    raise XmlError(
        "several .qde files inside (" + ", ".join(sorted(candidates)[:5]) + "); expected one",
        archive.path,
    )


def read_project(archive: SafeZip) -> RefiProject:
    member = find_project_xml(archive)
    where = f"{archive.path}: {member}"
    root = qdaxml.parse(archive.read(member), where)
    if qdaxml.local(root.tag) != "Project":
        raise XmlError(
            f"not a REFI-QDA project: the root element is <{qdaxml.local(root.tag)}>", where
        )
    variables = {
        uid: qdaxml.attribute(v, "name") or uid
        for v in _all(root, "Variables", "Variable")
        if (uid := qdaxml.guid(qdaxml.attribute(v, "guid")))
    }
    users: dict[str, str] = {}
    for user in _all(root, "Users", "User"):
        uid = qdaxml.guid(qdaxml.attribute(user, "guid"))
        if uid:
            name = qdaxml.attribute(user, "name") or qdaxml.attribute(user, "id") or ""
            users[uid] = " ".join(name.split()) or f"user {uid[:8]}"
    codebook = qdaxml.child(root, "CodeBook")
    codes = read_codes(qdaxml.child(codebook, "Codes") if codebook is not None else None)
    sources_element = qdaxml.child(root, "Sources")
    sources = [
        _source(element, kind, variables)
        for element in (sources_element if sources_element is not None else [])
        if (kind := SOURCE_KINDS.get(qdaxml.local(element.tag)))
    ]
    left_out: Counter[str] = Counter()
    for group, item in (("Sets", "Set"), ("Links", "Link"), ("Graphs", "Graph")):
        left_out[item] = len(_all(root, group, item))
    return RefiProject(
        name=qdaxml.attribute(root, "name") or "",
        origin=qdaxml.attribute(root, "origin") or "",
        member=member,
        creating_user=qdaxml.guid(qdaxml.attribute(root, "creatingUserGUID")),
        users=users,
        codes=codes,
        cases=[_case(c, variables) for c in _all(root, "Cases", "Case")],
        sources=sources,
        notes={n.guid: n for n in (_note(e) for e in _all(root, "Notes", "Note"))},
        project_notes=_refs(root, "NoteRef"),
        description=qdaxml.child_text(root, "Description").strip(),
        left_out=left_out,
    )


def _all(root: Element, group: str, item: str) -> list[Element]:
    parent = qdaxml.child(root, group)
    return qdaxml.children(parent, item) if parent is not None else []


def _refs(element: Element, name: str) -> tuple[str, ...]:
    found = (qdaxml.guid(qdaxml.attribute(e, "targetGUID")) for e in qdaxml.children(element, name))
    return tuple(g for g in found if g)


def _guid(element: Element, *fallback: object) -> str:
    return qdaxml.guid(qdaxml.attribute(element, "guid")) or qdaxml.derived_guid(*fallback)


def _values(element: Element, variables: dict[str, str]) -> dict[str, str]:
    """Variable name -> value (as text) of the `<VariableValue>`s of an element."""
    values: dict[str, str] = {}
    for value in qdaxml.children(element, "VariableValue"):
        ref = qdaxml.child(value, "VariableRef")
        target = qdaxml.guid(qdaxml.attribute(ref, "targetGUID")) if ref is not None else None
        if target is None or target not in variables:
            continue
        for name in VALUE_ELEMENTS:
            found = qdaxml.child(value, name)
            if found is not None and (found.text or "").strip():
                values[variables[target]] = found.text.strip() if found.text else ""
                break
    return values


def _coding(element: Element, owner: str, number: int) -> RefiCoding:
    ref = qdaxml.child(element, "CodeRef")
    return RefiCoding(
        guid=_guid(element, owner, "coding", number),
        code=qdaxml.guid(qdaxml.attribute(ref, "targetGUID")) if ref is not None else None,
        user=qdaxml.guid(qdaxml.attribute(element, "creatingUser")),
        created=qdaxml.attribute(element, "creationDateTime"),
        notes=_refs(element, "NoteRef"),
    )


def _codings(element: Element, owner: str) -> tuple[RefiCoding, ...]:
    return tuple(
        _coding(c, owner, n) for n, c in enumerate(qdaxml.children(element, "Coding"), start=1)
    )


def _int(element: Element, name: str) -> int:
    value = qdaxml.attribute(element, name)
    try:
        return int(value or "")
    except ValueError:
        return -1  # reported as out of the text when placed


def _source(element: Element, kind: str, variables: dict[str, str]) -> RefiSource:
    uid = _guid(element, "source", qdaxml.attribute(element, "name"))
    selections = tuple(
        RefiSelection(
            guid=_guid(s, uid, "selection", number),
            name=qdaxml.attribute(s, "name") or "",
            start=_int(s, "startPosition"),
            end=_int(s, "endPosition"),
            user=qdaxml.guid(qdaxml.attribute(s, "creatingUser")),
            created=qdaxml.attribute(s, "creationDateTime"),
            description=qdaxml.child_text(s, "Description").strip(),
            codings=_codings(s, f"{uid}/{number}"),
            notes=_refs(s, "NoteRef"),
        )
        for number, s in enumerate(qdaxml.children(element, "PlainTextSelection"), start=1)
    )
    inline = qdaxml.child(element, "PlainTextContent")
    return RefiSource(
        guid=uid,
        name=" ".join((qdaxml.attribute(element, "name") or "").split()) or f"source {uid[:8]}",
        kind=kind,
        plain_text_path=qdaxml.attribute(element, "plainTextPath"),
        plain_text=inline.text if inline is not None and inline.text else None,
        selections=selections,
        codings=_codings(element, uid),
        description=qdaxml.child_text(element, "Description").strip(),
        notes=_refs(element, "NoteRef"),
        variables=_values(element, variables),
        user=qdaxml.guid(qdaxml.attribute(element, "creatingUser")),
        created=qdaxml.attribute(element, "creationDateTime"),
        all_selections=sum(1 for e in element.iter() if qdaxml.local(e.tag).endswith("Selection")),
        all_codings=sum(1 for _ in qdaxml.descendants(element, "Coding")),
    )


def _case(element: Element, variables: dict[str, str]) -> RefiCase:
    uid = _guid(element, "case", qdaxml.attribute(element, "name"))
    return RefiCase(
        guid=uid,
        name=qdaxml.attribute(element, "name") or "",
        variables=_values(element, variables),
        sources=_refs(element, "SourceRef"),
    )


def _note(element: Element) -> RefiNote:
    inline = qdaxml.child(element, "PlainTextContent")
    return RefiNote(
        guid=_guid(element, "note", qdaxml.attribute(element, "name")),
        name=" ".join((qdaxml.attribute(element, "name") or "").split()),
        text=(inline.text or "") if inline is not None else "",
        description=qdaxml.child_text(element, "Description").strip(),
        user=qdaxml.guid(qdaxml.attribute(element, "creatingUser")),
        created=qdaxml.attribute(element, "creationDateTime"),
        modified=qdaxml.attribute(element, "modifiedDateTime"),
        plain_text_path=qdaxml.attribute(element, "plainTextPath"),
    )
