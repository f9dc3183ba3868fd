"""QDA-XML (the XML of REFI-QDA) read safely and tolerantly, and written as a stream.

Reading: defusedxml refuses document types (so no entity expansion such as the "billion
laughs", and no external entities or network access) and the elements are addressed by
their local names, so the namespace variants vendors write (`urn:QDA-XML:codebook:1:0`,
`...:0:4`, none at all) all read the same. GUIDs come in upper or lower case, sometimes in
braces; `guid()` turns each into our lower-case UUID form.

Writing: `XmlWriter` writes elements one by one to a text stream, so a project with a
million codings never sits in memory as a tree."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape, quoteattr

from brightspots.errors import InputError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Characters XML 1.0 does not allow (control characters other than tab and line ends,
# lone surrogates, U+FFFE/U+FFFF): dropped on writing, else the file would not parse.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Names derived from other uids (selections, cases, variables, description memos) are
# stable: the same project exported twice gives the same GUIDs.
_ENTITIES = {"\r": "&#13;"}  # a bare CR would be read back as LF
NAMESPACE = uuid.UUID("6f1c4f3e-53c5-4c0e-9f39-6a5e0b8e7b21")


class XmlError(InputError):
    title = "Problem in a REFI-QDA file"


def parse(data: bytes, where: str) -> Element:
    """The root element of untrusted XML; XmlError naming `where` on any problem."""
    import defusedxml  # type: ignore[import-untyped]
    import defusedxml.ElementTree as safe_tree  # type: ignore[import-untyped]

    try:
        root = safe_tree.fromstring(data, forbid_dtd=True, forbid_entities=True)
    except defusedxml.DTDForbidden:
        raise XmlError(
            "the XML declares a document type (DTD); REFI-QDA files have none, and one can "
            "hide entity bombs or read other files, so it is refused",
            where,
        ) from None
    except defusedxml.EntitiesForbidden:
        raise XmlError("the XML declares entities; such files are refused", where) from None
    except defusedxml.ExternalReferenceForbidden:
        raise XmlError("the XML refers to external files; such files are refused", where) from None
    except defusedxml.DefusedXmlException as error:
        raise XmlError(f"the XML is refused ({error})", where) from None
    except ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else None
        raise XmlError(f"not well-formed XML ({error})", where, line) from None
    except (Exception, RecursionError) as error:  # expat fails in more ways (encodings...)
        raise XmlError(f"the XML cannot be read ({type(error).__name__}: {error})", where) from None
    return root  # type: ignore[no-any-return]


def local(tag: object) -> str:
    """An element's name without its namespace."""
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element: Element, name: str) -> list[Element]:
    return [child for child in element if local(child.tag) == name]


def child(element: Element, name: str) -> Element | None:
    return next((c for c in element if local(c.tag) == name), None)


def child_text(element: Element, name: str) -> str:
    found = child(element, name)
    return (found.text or "") if found is not None else ""


def descendants(element: Element, name: str) -> Iterator[Element]:
    return (e for e in element.iter() if local(e.tag) == name)


def attribute(element: Element, name: str) -> str | None:
    """An attribute by name (case ignored when there is no exact match)."""
    value = element.get(name)
    if value is None:
        folded = name.casefold()
        value = next((v for k, v in element.attrib.items() if k.casefold() == folded), None)
    return value.strip() if isinstance(value, str) else None


def guid(value: str | None) -> str | None:
    """A GUID in our form (lower case, no braces); a value that is not a GUID gets a
    stable one derived from it, so it can still identify a record."""
    if value is None or not value.strip():
        return None
    clean = value.strip().strip("{}").strip().lower()
    return clean if _GUID.match(clean) else str(uuid.uuid5(NAMESPACE, value.strip()))


def derived_guid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(str(p) for p in parts)))


def xml_text(value: object) -> str:
    return _NOT_XML.sub("", str(value))


def date_time(value: str | None) -> str | None:
    """Our ISO timestamps as xsd:dateTime (UTC written as Z)."""
    if not value:
        return None
    text = value.strip().replace(" ", "T")
    if text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text if re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", text) else None


class XmlWriter:
    """Elements written one by one, indented, to a text stream."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.depth = 0
        out.write('<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n')

    def _open(self, tag: str, attributes: Mapping[str, Any] | None) -> str:
        attrs = "".join(
            f" {name}={quoteattr(xml_text(value))}"
            for name, value in (attributes or {}).items()
            if value is not None
        )
        return "  " * self.depth + f"<{tag}{attrs}"

    def start(self, tag: str, attributes: Mapping[str, Any] | None = None) -> None:
        self.out.write(self._open(tag, attributes) + ">\n")
        self.depth += 1

    def end(self, tag: str) -> None:
        self.depth -= 1
        self.out.write("  " * self.depth + f"</{tag}>\n")

    def leaf(
        self, tag: str, attributes: Mapping[str, Any] | None = None, text: str | None = None
    ) -> None:
        if text is None:
            self.out.write(self._open(tag, attributes) + "/>\n")
        else:
            self.out.write(
                self._open(tag, attributes) + f">{escape(xml_text(text), _ENTITIES)}</{tag}>\n"
            )

    def leaves(self, tag: str, values: Iterable[Mapping[str, Any]]) -> None:
        for attributes in values:
            self.leaf(tag, attributes)


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` to write; it replaces `path` only when the block
    succeeds, so a failed export never leaves half a file (nor removes an older one)."""
    if not path.parent.is_dir():
        raise InputError("the folder does not exist; create it first", path.parent)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        yield temporary
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
