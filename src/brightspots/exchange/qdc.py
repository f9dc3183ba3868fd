"""Codebooks in QDA-XML: the `<Codes>` of a project and the `.qdc` codebook file.

A REFI code has a name, a colour and one free-text description; ours also has a definition,
inclusion and exclusion criteria, examples, practices and an id. They travel packed into
the description in a labelled form that reads well in NVivo or ATLAS.ti and that
`unpack_description` takes apart again:

    Teachers mentor each other in small groups.

    Inclusion: regular meetings of a mentor with a few colleagues
    Exclusion: one-off workshops
    Examples:
    - each strong teacher takes five others
    Practices: peer-learning
    Id: mentoring-one-to-five

A description with no such labels is all definition."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from brightspots.codebook import COLOUR_PATTERN, ID_PATTERN
from brightspots.exchange import qdaxml
from brightspots.exchange.qdaxml import XmlError, XmlWriter
from brightspots.exchange.reports import ExportReport
from brightspots.models import Code
from brightspots.store import Store

MAX_CODEBOOK_BYTES = 64 * 2**20
_LABEL = re.compile(
    r"^(definition|inclusion|exclusion|examples|practices|id)[ \t]*:[ \t]?(.*)$", re.IGNORECASE
)
_SHORT_COLOUR = re.compile(r"^#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$")


@dataclass(frozen=True)
class RefiCode:
    """A code as a REFI file gives it (GUIDs in our form)."""

    guid: str
    name: str
    parent: str | None = None
    colour: str | None = None
    description: str = ""
    codable: bool = True
    notes: tuple[str, ...] = ()  # NoteRef targets


@dataclass(frozen=True)
class CodeTexts:
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: tuple[str, ...] = ()
    practices: tuple[str, ...] = ()
    key: str | None = None


# --- the description ---------------------------------------------------------------------


def pack_description(code: Code) -> str:
    parts = [code.definition.strip()] if code.definition.strip() else []
    for label, value in (("Inclusion", code.inclusion), ("Exclusion", code.exclusion)):
        if value.strip():
            parts.append(f"{label}: {value.strip()}")
    if code.examples:
        items = ["- " + e.strip().replace("\n", "\n  ") for e in code.examples if e.strip()]
        parts.append("Examples:\n" + "\n".join(items))
    if code.practices:
        parts.append("Practices: " + ", ".join(code.practices))
    parts.append(f"Id: {code.id}")
    return "\n\n".join(parts)


def unpack_description(text: str) -> CodeTexts:
    sections: dict[str, list[str]] = {"definition": []}
    current = "definition"
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _LABEL.match(line)
        if match:
            current = match[1].casefold()
            sections.setdefault(current, [])
            if match[2].strip() or current != "examples":
                sections[current].append(match[2])
            continue
        sections.setdefault(current, []).append(line)

    def joined(name: str) -> str:
        return "\n".join(sections.get(name, [])).strip()

    key = joined("id") or None
    return CodeTexts(
        definition=joined("definition"),
        inclusion=joined("inclusion"),
        exclusion=joined("exclusion"),
        examples=tuple(_examples(sections.get("examples", []))),
        practices=tuple(p.strip() for p in joined("practices").split(",") if p.strip()),
        key=key if key is not None and ID_PATTERN.match(key) else None,
    )


def _examples(lines: Sequence[str]) -> list[str]:
    items: list[str] = []
    for line in lines:
        if line.startswith("- ") or line == "-":
            items.append(line[2:])
        elif line.startswith("  ") and items:
            items[-1] += "\n" + line[2:]
        elif line.strip():
            items.append(line.strip())
    return [item.strip() for item in items if item.strip()]


def colour(value: str | None) -> str | None:
    """`#RRGGBB` (upper case digits as written); `#RGB` is widened; anything else: None."""
    if not value:
        return None
    short = _SHORT_COLOUR.match(value.strip())
    if short:
        return "#" + "".join(c * 2 for c in short.groups())
    return value.strip() if COLOUR_PATTERN.match(value.strip()) else None


# --- reading -----------------------------------------------------------------------------


def read_codes(codes: Element | None) -> list[RefiCode]:
    """The codes under a `<Codes>` element, parents before children (walked with a stack,
    not recursion: a hostile file may nest codes thousands deep)."""
    found: list[RefiCode] = []
    stack: list[tuple[Element, str | None, int]] = []
    if codes is not None:
        stack = [(node, None, n) for n, node in enumerate(qdaxml.children(codes, "Code"), 1)]
        stack.reverse()
    while stack:
        node, parent, number = stack.pop()
        name = qdaxml.attribute(node, "name")
        uid = qdaxml.guid(qdaxml.attribute(node, "guid")) or qdaxml.derived_guid(
            parent, number, name
        )
        found.append(
            RefiCode(
                guid=uid,
                name=" ".join((name or "").split()),
                parent=parent,
                colour=colour(qdaxml.attribute(node, "color")),
                description=qdaxml.child_text(node, "Description").strip(),
                codable=(qdaxml.attribute(node, "isCodable") or "true").casefold() != "false",
                notes=_note_refs(node),
            )
        )
        kids = [(kid, uid, n) for n, kid in enumerate(qdaxml.children(node, "Code"), 1)]
        stack.extend(reversed(kids))
    return found


def _note_refs(element: Element) -> tuple[str, ...]:
    refs = (
        qdaxml.guid(qdaxml.attribute(n, "targetGUID")) for n in qdaxml.children(element, "NoteRef")
    )
    return tuple(r for r in refs if r)


def read_codebook(path: Path) -> list[RefiCode]:
    """The codes of a `.qdc` file (any of the namespace variants vendors write)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise XmlError("no such file", path) from None
    if size > MAX_CODEBOOK_BYTES:
        raise XmlError(f"the file is {size / 2**20:.0f} MB; a codebook over 64 MB is refused", path)
    root = qdaxml.parse(path.read_bytes(), str(path))
    if qdaxml.local(root.tag) != "CodeBook":
        raise XmlError(
            f"not a REFI-QDA codebook: the root element is <{qdaxml.local(root.tag)}>, "
            "not <CodeBook>",
            path,
        )
    codes = read_codes(qdaxml.child(root, "Codes"))
    if not codes:
        raise XmlError("the codebook has no codes", path)
    return codes


# --- writing -----------------------------------------------------------------------------


def code_uids(store: Store) -> dict[str, str]:
    """Code key -> uid."""
    return {key: uid for uid, (_, key, _) in store.code_records_by_uid().items()}


def write_codes(
    writer: XmlWriter,
    codes: Sequence[Code],
    uids: Mapping[str, str],
    notes: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """`<Codes>` with each code under its parent; `notes`: code uid -> Note GUIDs (a
    project's code memos; a `.qdc` has no notes)."""
    known = {c.id for c in codes}
    by_parent: dict[str | None, list[Code]] = {}
    for each in codes:
        parent = each.parent if each.parent in known and each.parent != each.id else None
        by_parent.setdefault(parent, []).append(each)
    written: set[str] = set()
    writer.start("Codes")
    for root in [*by_parent.get(None, []), *codes]:  # then any code a broken chain left out
        if root.id in written:
            continue
        # Depth first with a stack: no recursion, however deep the hierarchy.
        stack: list[Code | None] = [root]
        while stack:
            code = stack.pop()  # a code to open, or None to close the last one opened
            if code is None:
                writer.end("Code")
                continue
            written.add(code.id)
            uid = uids[code.id]
            attributes = {"guid": uid, "name": code.name, "isCodable": "true", "color": code.colour}
            writer.start("Code", attributes)
            writer.leaf("Description", text=pack_description(code))
            writer.leaves("NoteRef", ({"targetGUID": n} for n in (notes or {}).get(uid, [])))
            kids = [k for k in by_parent.get(code.id, []) if k.id not in written]
            written.update(k.id for k in kids)
            stack.append(None)
            stack.extend(reversed(kids))
    writer.end("Codes")


def export_codebook(store: Store, path: Path, origin: str) -> ExportReport:
    """The project's codebook as a `.qdc` file (valid against Codebook.xsd)."""
    codebook = store.load_codebook()
    codes = codebook.codes if codebook else ()
    if not codes:
        raise XmlError("the project has no codes to export", store.path)
    uids = code_uids(store)
    with qdaxml.atomic_output(path) as temporary, temporary.open("w", encoding="utf-8") as out:
        writer = XmlWriter(out)
        writer.start("CodeBook", {"xmlns": qdaxml.CODEBOOK_NS, "origin": origin})
        write_codes(writer, codes, uids)
        writer.end("CodeBook")
    return ExportReport(str(path), "qdc", codes=len(codes))
