"""REFI-QDA exchange: exports valid against the QDA-XML 1.0 schemas; the round trip
export -> import -> export keeps every coding (sample corpus, text above the BMP, CRLF
sources, UTF-16 positions); vendor variants and the shipped ATLAS.ti sample import;
hostile files are refused and leave the project untouched; tables for R, Stata, pandas."""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import quoteattr

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brightspots.errors import BatchError, BrightspotsError, InputError
from brightspots.exchange.positions import UTF16, Counting, PositionMap
from brightspots.exchange.qdc import pack_description, unpack_description
from brightspots.exchange.qdpx_export import ORIGIN
from brightspots.exchange.safe_zip import ArchiveError
from brightspots.importer import ImportOptions
from brightspots.models import Code
from brightspots.project import Project
from brightspots.segment import SpacySegmenter
from brightspots.store.backup import list_backups
from tests.conftest import HEAD_TEACHER, ROOT, SAMPLE, write

REFI = ROOT.parent / "shared" / "refi-qda"
DATA = ROOT / "tests" / "data" / "refi"
NS = {"q": "urn:QDA-XML:project:1.0"}
ATLAS = REFI / "samples" / "atlasti-8.4-standard-project.qdpx"
EXTRA = """---
country: ET
school_id: ET-S09
school_group: comparison
respondent_role: teacher
method: kii
language: en
---
Interviewer: How do you keep track of the pupils? 📒
Teacher: I write each name 𝒜 to 𝒵 in a book 📒 and I tick it every morning.
Teacher: When someone is absent two days, I go to the house 🏠 myself.
Interviewer: And the parents?
Teacher: They come when I call them. Some of them, not all.
"""


def shared(path: Path) -> Path:
    """A file of ../shared/refi-qda (CI has it beside the checkout)."""
    if not path.exists():
        pytest.skip(f"needs {path}")
    return path


def schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(shared(REFI / name)))


def pack(folder: str, target: Path) -> Path:
    """A fixture folder of tests/data/refi as a .qdpx archive."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted((DATA / folder).rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(DATA / folder).as_posix())
    return target


def qde(path: Path) -> ElementTree.Element:
    with zipfile.ZipFile(path) as archive:
        return ElementTree.fromstring(archive.read("project.qde"))


def exported_codings(path: Path) -> set[tuple[str, str, str, str, str]]:
    """(source name, selected text, code name, user name, coding guid) of a .qdpx."""
    root = qde(path)
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{{{NS['q']}}}Code")}
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{{{NS['q']}}}User")}
    found = set()
    with zipfile.ZipFile(path) as archive:
        for source in root.iterfind("q:Sources/q:TextSource", NS):
            member = "sources/" + str(source.get("plainTextPath")).removeprefix("internal://")
            text = archive.read(member).decode("utf-8")
            positions = PositionMap(text, UTF16 if "utf16" in path.name else Counting())
            for selection in source.iterfind("q:PlainTextSelection", NS):
                start = positions.to_code_points(int(str(selection.get("startPosition"))))
                end = positions.to_code_points(int(str(selection.get("endPosition"))), end=True)
                for coding in selection.iterfind("q:Coding", NS):
                    code = coding.find("q:CodeRef", NS)
                    assert code is not None
                    found.add(
                        (
                            str(source.get("name")),
                            text[start:end],
                            str(codes[code.get("targetGUID")]),
                            str(users[coding.get("creatingUser")]),
                            str(coding.get("guid")),
                        )
                    )
    return found


def stored_codings(project: Project) -> set[tuple[str, int, int, str, str]]:
    """(document, start, end, code name, coder) of every coding in a project."""
    names = {uid: name for uid, (_, _, name) in project.store.code_records_by_uid().items()}
    documents = {d.id: d.name for d in project.documents()}
    return {
        (documents[c["document"]], c["start"], c["end"], names[c["code_uid"]], c["coder"])
        for c in project.store.iter_coding_records()
    }


def fingerprint(project: Project) -> tuple[Any, ...]:
    """Everything an import could change."""
    db = project.store.db
    return (
        project.store.totals(),
        db.execute("SELECT count(*), max(seq) FROM events").fetchone(),
        db.execute("SELECT count(*) FROM memos").fetchone(),
        sorted(r[0] for r in db.execute("SELECT name FROM codes")),
    )


@pytest.fixture(scope="module")
def sample(
    tmp_path_factory: pytest.TempPathFactory, segmenter: SpacySegmenter
) -> Iterator[Project]:
    """The sample corpus with both reference coders' codings, plus a CRLF transcript with
    characters above the BMP, coded, and a memo on each kind of target."""
    folder = tmp_path_factory.mktemp("refi-sample")
    project = Project.create(folder / "sample.bsp", segmenter=segmenter)
    project.import_files([SAMPLE], ImportOptions(metadata=SAMPLE / "metadata.csv"))
    project.load_codings(sorted((SAMPLE.parent / "sample-codings").glob("*.csv")))
    extra = folder / "et-s09-kii-teacher.txt"
    extra.write_bytes(EXTRA.replace("\n", "\r\n").encode("utf-8"))
    project.import_files([extra])
    text = project.document("et-s09-kii-teacher.txt").text
    for quote, code, coder in (
        ("I write each name 𝒜 to 𝒵 in a book 📒", "pupil-absence-followup", "ana"),
        ("I go to the house 🏠 myself.", "pupil-absence-followup", "ana"),
        ("I go to the house 🏠 myself.", "pupil-absence-followup", "ben"),
        ("They come when I call them.", "parent-teacher-contact", "ben"),
    ):
        start = text.index(quote)
        made = project.apply_code("et-s09-kii-teacher.txt", start, start + len(quote), code, coder)
    project.add_memo("project", "Overall: = absence tracking is strong in ET.", "ana")
    project.add_memo("document", "Recorded at home 🏠.", "ana", document="et-s09-kii-teacher.txt")
    start = text.index("They come")
    project.add_memo(
        "segment",
        "Ask again.",
        "ben",
        document="et-s09-kii-teacher.txt",
        start=start,
        end=start + 9,
    )
    project.add_memo("code", "Merge with home visits?", "ana", code="pupil-absence-followup")
    project.add_memo("coding", "Clear case.", "ben", coding=made["uid"])
    yield project
    project.close()


@pytest.fixture(scope="module")
def exported(sample: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("refi-export") / "sample.qdpx"
    report = sample.export(path)
    assert report.codings == len(stored_codings(sample)) and report.memos == 5
    return path


def fresh(tmp_path: Path, segmenter: SpacySegmenter, empty: bool = False) -> Project:
    return Project.create(tmp_path / "fresh.bsp", segmenter=segmenter, empty=empty)


# --- export --------------------------------------------------------------------------------


def test_the_exported_project_is_valid_and_complete(exported: Path, sample: Project) -> None:
    with zipfile.ZipFile(exported) as archive:
        names = archive.namelist()
        schema("Project.xsd").validate(archive.read("project.qde").decode("utf-8"))
    documents = sample.documents()
    assert len([n for n in names if n.startswith("sources/")]) == len(documents)
    root = qde(exported)
    assert root.get("origin") == ORIGIN
    assert {u.get("name") for u in root.iterfind("q:Users/q:User", NS)} == {
        "ref-a",
        "ref-b",
        "ana",
        "ben",
    }
    cases = root.findall("q:Cases/q:Case", NS)
    assert len(cases) == len({(d.meta.country, d.meta.school_id) for d in documents})
    codes = sample.codebook()
    assert codes is not None
    assert len(list(root.iter(f"{{{NS['q']}}}Code"))) == len(codes.codes)
    assert len(root.findall("q:Notes/q:Note", NS)) == 5
    exported_spans = {(name, code, user) for name, _, code, user, _ in exported_codings(exported)}
    assert exported_spans == {(d, code, coder) for d, _, _, code, coder in stored_codings(sample)}


def test_each_selection_holds_exactly_its_text(exported: Path, sample: Project) -> None:
    texts = {d.name: sample.document(d.name).text for d in sample.documents()}
    snippets = {(d, texts[d][s:e], code, coder) for d, s, e, code, coder in stored_codings(sample)}
    assert {(n, t, c, u) for n, t, c, u, _ in exported_codings(exported)} == snippets


def test_the_codebook_exports_valid_and_packs_its_texts(sample: Project, tmp_path: Path) -> None:
    path = tmp_path / "codebook.qdc"
    report = sample.export(path)
    schema("Codebook.xsd").validate(str(path))
    codebook = sample.codebook()
    assert codebook is not None and report.codes == len(codebook.codes)
    for code in codebook.codes:
        texts = unpack_description(pack_description(code))
        assert (texts.definition, texts.inclusion, texts.exclusion) == (
            code.definition,
            code.inclusion,
            code.exclusion,
        )
        assert texts.examples == code.examples and texts.practices == code.practices
        assert texts.key == code.id


def test_a_description_without_labels_is_all_definition() -> None:
    texts = unpack_description("thoughts about breakfast foods\nand more")
    assert texts.definition == "thoughts about breakfast foods\nand more"
    assert texts.key is None and texts.examples == ()
    code = Code("a-b", "A", definition="Line one\n\nline two", examples=("x\ny", "z"))
    assert unpack_description(pack_description(code)).examples == ("x\ny", "z")
    assert unpack_description(pack_description(code)).definition == "Line one\n\nline two"


def test_detached_codings_are_left_out_and_said_so(
    tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    with fresh(tmp_path, segmenter) as project:
        project.import_files([write(tmp_path / "ht.txt", HEAD_TEACHER)])
        text = project.document("ht.txt").text
        start = text.index("They come on Fridays")
        made = project.apply_code("ht.txt", start, start + 20, "parent-teacher-contact", "ana")
        project.add_memo("coding", "Fridays only?", "ana", coding=made["uid"])
        num = project.store.get_document("ht.txt")[0]
        coding = project.store.codings_of_document(num)[0]
        project.store.move_coding(coding["num"], coding["start"], coding["end"], "detached")
        report = project.export(tmp_path / "ht.qdpx")
        assert report.codings == 0 and report.memos == 1
        assert report.notes == (
            "1 detached coding(s) left out: their text changed since they were made "
            "(review them in brightspots first)",
        )
        schema("Project.xsd").validate(
            zipfile.ZipFile(tmp_path / "ht.qdpx").read("project.qde").decode("utf-8")
        )
        refs = [r.get("targetGUID") for r in qde(tmp_path / "ht.qdpx").findall("q:NoteRef", NS)]
        memo = project.memos()[0]
        assert refs == [memo["uid"]]  # the memo is kept, on the project


def test_utf16_positions_count_characters_above_the_bmp_twice(
    sample: Project, tmp_path: Path
) -> None:
    path = tmp_path / "sample-utf16.qdpx"
    assert sample.export(path, positions="utf-16").positions == "UTF-16 units"
    root = qde(path)
    source = next(
        s
        for s in root.iterfind("q:Sources/q:TextSource", NS)
        if s.get("name") == "et-s09-kii-teacher.txt"
    )
    text = sample.document("et-s09-kii-teacher.txt").text
    quote = "I go to the house 🏠 myself."
    start = text.index(quote)
    expected = len(text[:start].encode("utf-16-le")) // 2
    starts = {int(str(s.get("startPosition"))) for s in source.iterfind("q:PlainTextSelection", NS)}
    assert expected in starts and expected > start


# --- round trip ----------------------------------------------------------------------------


def test_round_trip_keeps_every_coding(
    exported: Path, sample: Project, tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    with fresh(tmp_path, segmenter) as project:
        report = project.import_exchange(exported)
        assert report.unplaced == [] and report.problems == [] and report.skipped_sources == []
        assert len(report.documents_added) == len(sample.documents())
        assert stored_codings(project) == stored_codings(sample)
        for info in sample.documents():  # the text is the same, so positions need nothing
            assert project.document(info.name).text == sample.document(info.name).text
            assert project.document(info.name).info.meta == info.meta
        memos = {(m["target"], m["text"], m["coder"]) for m in project.memos()}
        assert memos == {(m["target"], m["text"], m["coder"]) for m in sample.memos()}
        again = tmp_path / "again.qdpx"
        project.export(again)
    assert exported_codings(again) == exported_codings(exported)


def test_round_trip_through_utf16_positions(
    sample: Project, tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    path = tmp_path / "sample-utf16.qdpx"
    sample.export(path, positions="utf-16")
    with fresh(tmp_path, segmenter) as project:
        report = project.import_exchange(path)
        assert report.positions["et-s09-kii-teacher.txt"] == "UTF-16 units"
        assert stored_codings(project) == stored_codings(sample)


def test_round_trip_into_an_empty_project_keeps_code_ids(
    exported: Path, sample: Project, tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    with fresh(tmp_path, segmenter, empty=True) as project:
        report = project.import_exchange(exported)
        codebook, original = project.codebook(), sample.codebook()
        assert codebook is not None and original is not None
        assert [(c.id, c.name, c.parent, c.colour) for c in codebook.codes] == [
            (c.id, c.name, c.parent, c.colour) for c in original.codes
        ]
        # No framework here: the practices are reported, not silently dropped.
        assert any("framework" in note for note in report.notes)
        assert stored_codings(project) == stored_codings(sample)


def as_other_tool(exported: Path, target: Path, origin: str) -> Path:
    """The export rewritten as another tool would have it: CRLF line ends, positions in
    UTF-16 units counting CRLF as two, GUIDs upper case in braces, `Sources/` folder,
    `Project.qde`."""
    root = qde(exported)
    root.set("origin", origin)
    texts: dict[str, str] = {}
    with zipfile.ZipFile(exported) as archive:
        for source in root.iterfind("q:Sources/q:TextSource", NS):
            member = "sources/" + str(source.get("plainTextPath")).removeprefix("internal://")
            text = archive.read(member).decode("utf-8")
            crlf = text.replace("\n", "\r\n")
            units = PositionMap(crlf, UTF16)
            for selection in source.iterfind("q:PlainTextSelection", NS):
                for edge in ("startPosition", "endPosition"):
                    p = int(str(selection.get(edge)))
                    selection.set(edge, str(units.to_units(p + text.count("\n", 0, p))))
            texts[member.replace("sources/", "Sources/")] = crlf
    for element in root.iter():
        for name, value in element.attrib.items():
            if re.fullmatch(r"[0-9a-f-]{36}", value):
                element.set(name, "{" + value.upper() + "}")
    ElementTree.register_namespace("", NS["q"])
    with zipfile.ZipFile(target, "w") as out:
        out.writestr("Project.qde", ElementTree.tostring(root, encoding="utf-8"))
        for member, text in texts.items():
            out.writestr(member, text.encode("utf-8"))
    return target


def test_round_trip_through_another_tools_crlf_utf16_file(
    exported: Path, sample: Project, tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    path = as_other_tool(exported, tmp_path / "from-nvivo.qdpx", "NVivo 14 (Windows)")
    with fresh(tmp_path, segmenter) as project:
        report = project.import_exchange(path)
        assert report.unplaced == [] and report.codings_added == len(stored_codings(sample))
        assert set(report.positions.values()) == {"UTF-16 units"}

        def quotes(p: Project) -> set[tuple[str, str, str, str]]:
            return {
                (d, " ".join(p.document(d).text[s:e].split()), code, coder)
                for d, s, e, code, coder in stored_codings(p)
            }

        # Read as any other tool's text (not our layout), yet every coding holds its words.
        assert quotes(project) == quotes(sample)


def test_importing_twice_or_into_the_original_changes_nothing(
    exported: Path, sample: Project, tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    before = fingerprint(sample)
    report = sample.import_exchange(exported)
    assert not report.changed and len(report.documents_matched) == len(sample.documents())
    assert report.codings_present == len(stored_codings(sample))
    assert fingerprint(sample) == before
    with fresh(tmp_path, segmenter) as project:
        project.import_exchange(exported)
        once = fingerprint(project)
        assert not project.import_exchange(exported).changed
        assert fingerprint(project) == once


def test_documents_already_here_need_no_metadata(
    exported: Path, sample: Project, tmp_path: Path
) -> None:
    """A file whose variables were lost on the way (another tool dropped them) still
    brings its codings onto the documents the project has: their text is the same."""
    root = qde(exported)
    for parent in root.iter():
        for child in list(parent):
            if child.tag.endswith(("}Cases", "}Variables", "}VariableValue")):
                parent.remove(child)
    bare = tmp_path / "bare.qdpx"
    ElementTree.register_namespace("", NS["q"])
    with zipfile.ZipFile(exported) as source, zipfile.ZipFile(bare, "w") as target:
        for member in source.namelist():
            data = source.read(member)
            if member == "project.qde":
                data = ElementTree.tostring(root, encoding="utf-8")
            target.writestr(member, data)
    before = fingerprint(sample)
    report = sample.import_exchange(bare)
    assert report.problems == [] and len(report.documents_matched) == len(sample.documents())
    assert fingerprint(sample) == before


# --- other tools' files ----------------------------------------------------------------------


def test_nvivo_file(tmp_path: Path, segmenter: SpacySegmenter) -> None:
    """project.qde and sources/ in lower case; GUIDs in braces and upper case; UTF-16
    positions and CRLF in a UTF-8 file with a BOM; a case without a name; no colours;
    memos as Notes referred to from a code, a source, a selection and a coding."""
    with fresh(tmp_path, segmenter) as project:
        report = project.import_exchange(pack("nvivo", tmp_path / "nvivo.qdpx"))
        assert report.positions == {"Head teacher interview": "UTF-16 units"}
        view = project.document("Head teacher interview")
        assert view.info.meta.country == "ET" and view.info.meta.school_id == "ET-N1"
        assert view.info.meta.respondent_role == "head_teacher"
        assert view.info.meta.attributes == {"years_in_post": "7"}
        assert view.info.id == "5b1e0f7c-3c1a-4e8b-9d2a-6f4b8c1d2e3f"
        assert "\r" not in view.text and "👩🏽\u200d🏫" in view.text
        found = {(c["code"], c["coder"], c["snippet"]) for c in view.codings}
        assert found == {
            ("peer-mentoring", "Abebe", "each strong teacher takes five others"),
            ("peer-mentoring", "Hana", "each strong teacher takes five others"),
            ("parents-at-school", "Abebe", "They come on Fridays 🙂 to read with the children"),
        }
        code = project.store.get_code("peer-mentoring")
        assert code is not None and code["colour"] is None
        parent = project.store.get_code(code["parent"])
        assert parent is not None and parent["name"] == "Teachers learning together"
        memos = {m["target"]: m for m in project.memos()}
        assert set(memos) == {"project", "document", "segment", "code", "coding"}
        assert memos["segment"]["text"].startswith("Fridays\n\nCheck whether")
        assert memos["coding"]["coder"] == "Hana"
        assert memos["project"]["text"] == "Loose note\n\nNothing refers to this note."


def test_maxqda_file(tmp_path: Path, segmenter: SpacySegmenter) -> None:
    """<Name>.qde and Sources/; code points counting CRLF as one; memos as bare
    Descriptions; variables on the source; short colours; a relative:// path whose file
    is bundled; PDF and picture sources skipped with what they carried."""
    with fresh(tmp_path, segmenter) as project:
        report = project.import_exchange(pack("maxqda", tmp_path / "maxqda.qdpx"))
        assert report.positions == {"kii-directeur.txt": "code points, CRLF as one"}
        view = project.document("kii-directeur.txt")
        meta = view.info.meta
        assert (meta.country, meta.school_id, meta.school_group) == ("BF", "BF-M1", "pd")
        assert (meta.method, meta.language) == ("kii", "fr")
        assert sorted(c["snippet"] for c in view.codings) == [
            "Ils signent un registre à l'arrivée.",
            "Les maîtres notent chaque absence dans un cahier.",
            "Nous appelons les parents le jour même.",
        ]
        assert {(s.name, s.kind, s.selections, s.codings) for s in report.skipped_sources} == {
            ("attendance-register.pdf", "pdf", 1, 1),
            ("register-photo.jpg", "picture", 1, 2),
        }
        code = project.store.get_code("tracking-teacher-absence")
        assert code is not None and code["colour"] == "#00aa00"
        assert {m["target"] for m in project.memos()} == {"document", "segment"}
        assert "Following up absent pupils" in report.codes_matched  # the shipped code


def test_qualcoder_file_needs_the_school_and_says_so(
    tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    path = pack("qualcoder", tmp_path / "qualcoder.qdpx")
    with fresh(tmp_path, segmenter) as project:
        before = fingerprint(project)
        with pytest.raises(BatchError) as caught:
            project.import_exchange(path)
        message = caught.value.message
        assert "qualcoder.qdpx: source 'observation-td.txt'" in message
        assert "no school_id" in message and "--set school_id=" in message
        assert fingerprint(project) == before  # not even the codes came in
        report = project.import_exchange(path, ImportOptions(defaults={"school_id": "TD-Q1"}))
        view = project.document("observation-td.txt")
        assert view.info.meta.country == "TD" and view.info.meta.school_id == "TD-Q1"
        assert "[00:" not in view.text and view.text == unicodedata.normalize("NFC", view.text)
        snippets = {c["snippet"] for c in view.codings}
        assert "On note les progrès avec 𝑥 sur le tableau." in snippets
        assert "Les maîtres volontaires, à tour de rôle." in snippets
        assert view.text in snippets  # the coding of the whole source
        assert len(report.unplaced) == 1 and "[00:01:40]" in report.unplaced[0]
        assert report.positions == {"observation-td.txt": "code points"}
        memos = {m["text"] for m in project.memos()}
        assert memos == {
            "Observation notes from one school in Tandjilé.",
            "Visit plan: go back in March for the Saturday class.",
        }


def test_qualcoder_codes_unpack_their_labelled_description(
    tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    with fresh(tmp_path, segmenter, empty=True) as project:
        report = project.import_exchange(
            pack("qualcoder", tmp_path / "q.qdpx"), ImportOptions(defaults={"school_id": "X1"})
        )
        code = project.store.get_code("remedial-support")
        assert code is not None
        assert code["definition"] == "Extra teaching for pupils who fall behind."
        assert code["inclusion"] == "Saturday or after-school classes for weak pupils"
        assert code["examples"] == [
            "Le samedi matin, les élèves en difficulté reviennent.",
            "After school we keep the weak ones\nfor one more hour.",
        ]
        assert code["colour"] == "#d7af00"
        child = project.store.get_code("tracking-progress")
        assert child is not None and child["parent"] == code["uid"]
        assert any("p04-remediation, not-a-practice" in n for n in report.notes)


@pytest.mark.parametrize("name", ["codebook.qdc", "codebook-ns-1-0.qdc", "codebook-ns-0-4.qdc"])
def test_codebook_variants_import(name: str, tmp_path: Path, segmenter: SpacySegmenter) -> None:
    with fresh(tmp_path, segmenter) as project:
        report = project.import_exchange(DATA / name)
        assert report.codes_added == ["Community support", "Labour for repairs"]
        assert report.codes_matched == ["Shared decision-making"]
        code = project.store.get_code("labour-for-repairs")
        assert code is not None and code["uid"] == "c0de0004-0000-4000-8000-000000000002"
        parent = project.store.get_code(code["parent"])
        assert parent is not None and parent["colour"] == "#00AF5F"
        assert not project.import_exchange(DATA / name).changed


def test_codes_of_one_name_are_never_folded_together(
    tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    def code(n: int, name: str, inner: str = "") -> str:
        guid = f"00000000-0000-4000-8000-00000000000{n}"
        return f'<Code guid="{guid}" name="{name}" isCodable="true">{inner}</Code>'

    path = tmp_path / "same-names.qdc"
    path.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        + code(1, "Teachers", code(2, "Other"))
        + code(3, "Parents", code(4, "Other"))
        + code(5, "Positive discipline")
        + code(6, "positive discipline")
        + "</Codes></CodeBook>",
        encoding="utf-8",
    )
    with fresh(tmp_path, segmenter) as project:
        report = project.import_exchange(path)
        assert report.codes_matched == ["Positive discipline"]  # the shipped code
        assert report.codes_added == [
            "Teachers",
            "Other",
            "Parents",
            "Other (Parents)",
            "positive discipline (top)",
        ]


def test_the_atlas_ti_sample(tmp_path: Path, segmenter: SpacySegmenter) -> None:
    """Its Sources/ folder is empty: codes, users and notes come in; the text sources are
    reported as missing and the others as not text, each with the selections and codings
    it carried, so every selection and coding of the file is accounted for."""
    with zipfile.ZipFile(shared(ATLAS)) as archive:
        root = ElementTree.fromstring(archive.read("Project.qde"))
    selections = sum(1 for e in root.iter() if e.tag.endswith("Selection"))
    codings = sum(1 for e in root.iter() if e.tag.endswith("}Coding"))
    with fresh(tmp_path, segmenter, empty=True) as project:
        report = project.import_exchange(ATLAS)
        assert (report.selections, report.codings_in_file) == (selections, codings) == (15, 16)
        assert sum(s.selections for s in report.skipped_sources) == selections
        assert sum(s.codings for s in report.skipped_sources) == codings
        assert report.codings_added == 0 and report.documents_added == []
        kinds = {s.kind for s in report.skipped_sources}
        assert kinds == {"text", "picture", "pdf", "audio", "video"}
        missing = [s for s in report.skipped_sources if s.kind == "text"]
        assert len(missing) == 6 and all("not in the archive" in s.reason for s in missing)
        codebook = project.codebook()
        assert codebook is not None and len(codebook.codes) == 14
        coke = project.store.get_code("coke-diet-coke")
        assert coke is not None and coke["name"] == "Coke::diet Coke"
        assert coke["definition"] == "non sucré" and coke["colour"] == "#966450"
        assert project.store.get_code("milk") is not None  # no colour: fine
        assert [m["coder"] for m in project.memos()] == ["Friedrich Markgraf"] * 2
        assert any("16 set(s)" in note for note in report.notes)
        # A backup was taken first and kept, since the import changed the project; the
        # same file again changes nothing and leaves no new backup.
        backups = list_backups(project.store.path)
        assert [b.reason for b in backups] == ["before-refi-import"]
        project.import_exchange(ATLAS)
        assert list_backups(project.store.path) == backups


def test_a_source_that_is_already_a_document_is_that_document(
    tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    path = pack("maxqda", tmp_path / "maxqda.qdpx")
    with fresh(tmp_path, segmenter) as project:
        project.import_exchange(path)
        count = len(project.documents())
        other = tmp_path / "other.qdpx"
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(other, "w") as target:
            for member in source.namelist():
                data = source.read(member)
                if member.endswith(".qde"):  # a new GUID for the source: same text
                    data = data.replace(
                        b"5b2e0f7c-0000-4000-8000-000000000001",
                        b"5b2e0f7c-0000-4000-8000-0000000000ff",
                    )
                target.writestr(member, data)
        report = project.import_exchange(other)
        assert report.documents_matched == [("kii-directeur.txt", "kii-directeur.txt")]
        assert len(project.documents()) == count and report.codings_added == 0


# --- untrusted input ---------------------------------------------------------------------------


def hostile(tmp_path: Path, members: dict[str, bytes], name: str = "hostile.qdpx") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member, data in members.items():
            out.writestr(member, data)
    return path


def minimal_project(source_path: str = "internal://a.txt") -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="x" origin="Hostile 1.0">
  <Sources>
    <TextSource guid="11111111-1111-4111-8111-111111111111" name="a" plainTextPath="{source_path}"/>
  </Sources>
</Project>""".encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>"""


@pytest.mark.parametrize(
    ("members", "error", "words"),
    [
        ({"project.qde": b" " * (40 * 2**20)}, ArchiveError, "zip bomb"),
        ({"project.qde": minimal_project(), "../escape.txt": b"x"}, ArchiveError, "outside"),
        ({"project.qde": BILLION_LAUGHS}, InputError, "document type (DTD)"),
        ({"project.qde": EXTERNAL_ENTITY}, InputError, "document type (DTD)"),
        ({"project.qde": b"<Project><Sources>"}, InputError, "not well-formed XML"),
        ({"other.xml": b"<x/>"}, InputError, "no project.qde"),
        (
            {"project.qde": minimal_project(), "sources/a.txt": b"\0" * (40 * 2**20)},
            ArchiveError,
            "zip bomb",
        ),
    ],
    ids=[
        "zip-bomb",
        "dot-dot",
        "billion-laughs",
        "external-entity",
        "broken-xml",
        "no-qde",
        "bomb-source",
    ],
)
def test_hostile_files_are_refused_and_change_nothing(
    tmp_path: Path,
    segmenter: SpacySegmenter,
    members: dict[str, bytes],
    error: type[Exception],
    words: str,
) -> None:
    path = hostile(tmp_path, members)
    with fresh(tmp_path, segmenter) as project:
        before = fingerprint(project)
        with pytest.raises(error, match=re.escape(words)) as caught:
            project.import_exchange(
                path, ImportOptions(defaults={"country": "ET", "school_id": "S"})
            )
        assert "hostile.qdpx" in str(caught.value)
        assert fingerprint(project) == before


def test_codes_nested_thousands_deep_are_no_trouble(
    tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    depth = 3000
    opening = "".join(
        f'<Code guid="{n:08x}-0000-4000-8000-000000000000" name="c{n}" isCodable="true">'
        for n in range(depth)
    )
    path = tmp_path / "deep.qdc"
    path.write_text(
        f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{opening}{"</Code>" * depth}'
        "</Codes></CodeBook>",
        encoding="utf-8",
    )
    with fresh(tmp_path, segmenter, empty=True) as project:
        assert len(project.import_exchange(path).codes_added) == depth
        out = tmp_path / "again.qdc"
        assert project.export(out).codes == depth
        assert out.read_text(encoding="utf-8").count("<Code ") == depth


def test_a_truncated_archive_is_refused(
    exported: Path, tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    cut = tmp_path / "cut.qdpx"
    cut.write_bytes(exported.read_bytes()[: exported.stat().st_size * 2 // 3])
    with fresh(tmp_path, segmenter) as project:
        before = fingerprint(project)
        with pytest.raises(ArchiveError, match="truncated"):
            project.import_exchange(cut)
        assert fingerprint(project) == before


@pytest.mark.parametrize("where", ["absolute:///etc/passwd", "relative://../../secret.txt"])
def test_files_outside_the_archive_are_never_read(
    tmp_path: Path, segmenter: SpacySegmenter, where: str
) -> None:
    path = hostile(tmp_path, {"project.qde": minimal_project(where)})
    with fresh(tmp_path, segmenter) as project:
        report = project.import_exchange(path)
        assert report.documents_added == []
        assert "outside the archive" in report.skipped_sources[0].reason


def test_a_bad_source_with_skip_bad_imports_the_others(
    tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    root = (DATA / "maxqda" / "Study.qde").read_text(encoding="utf-8")
    broken = root.replace("<TextValue>KII</TextValue>", "<TextValue>gossip</TextValue>")
    path = hostile(
        tmp_path,
        {
            "Study.qde": broken.encode(),
            "Sources/kii-directeur.txt": (DATA / "maxqda/Sources/kii-directeur.txt").read_bytes(),
        },
        "maxqda.qdpx",
    )
    with fresh(tmp_path, segmenter) as project:
        before = fingerprint(project)
        with pytest.raises(BatchError, match="unknown method 'gossip'"):
            project.import_exchange(path)
        assert fingerprint(project) == before
        report = project.import_exchange(path, ImportOptions(skip_bad=True))
        assert len(report.problems) == 1 and report.documents_added == []


FOLDERS = {"nvivo": "project.qde", "maxqda": "Study.qde", "qualcoder": "project.qde"}
EDITABLE = re.compile(
    r'(startPosition|endPosition|guid|targetGUID|creatingUser|name|plainTextPath|color|isCodable)="([^"]*)"'
)
VALUES = st.one_of(
    st.integers(-5, 400).map(str),
    st.sampled_from(["", "x", "{ABC}", "internal://", "relative://../../x", "#12", "false"]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=10),
)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    folder=st.sampled_from(sorted(FOLDERS)),
    edits=st.lists(st.tuples(st.integers(0, 200), VALUES), max_size=6),
    noise=st.binary(max_size=20),
    cut=st.integers(0, 400),
)
def test_vendor_files_with_damaged_values_import_or_fail_cleanly(
    tmp_path: Path,
    segmenter: SpacySegmenter,
    folder: str,
    edits: list[tuple[int, str]],
    noise: bytes,
    cut: int,
) -> None:
    """Positions, GUIDs, names, paths and colours replaced by anything, and noise in the
    source text: the import succeeds or raises brightspots' error, changing nothing."""
    xml = (DATA / folder / FOLDERS[folder]).read_text(encoding="utf-8")
    for index, value in edits:
        matches = list(EDITABLE.finditer(xml))
        found = matches[index % len(matches)]
        xml = xml[: found.start(2)] + quoteattr(value)[1:-1] + xml[found.end(2) :]
    path = tmp_path / f"{folder}.qdpx"
    with zipfile.ZipFile(path, "w") as out:
        for file in sorted((DATA / folder).rglob("*")):
            if file.is_file():
                data = file.read_bytes()
                if file.suffix == ".qde":
                    data = xml.encode("utf-8")
                elif file.suffix == ".txt":
                    at = cut % len(data)
                    data = data[:at] + noise + data[at + len(noise) :]
                out.writestr(file.relative_to(DATA / folder).as_posix(), data)
    target = tmp_path / "fuzz.bsp"
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    with Project.create(target, segmenter=segmenter, empty=True) as project:
        before = fingerprint(project)
        try:
            project.import_exchange(path, ImportOptions(defaults={"school_id": "S1"}))
        except BrightspotsError:
            assert fingerprint(project) == before


# --- tables ------------------------------------------------------------------------------------


def test_codings_as_csv(sample: Project, tmp_path: Path) -> None:
    path = tmp_path / "codings.csv"
    report = sample.export(path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert report.rows == len(rows) == len(stored_codings(sample))
    assert {"region", "locality", "practice", "focus_area_name", "speaker_role"} <= set(rows[0])
    texts = {d.name: sample.document(d.name).text for d in sample.documents()}
    for row in rows:
        assert row["text"] == texts[row["document"]][int(row["start"]) : int(row["end"])]
    mapped = next(r for r in rows if r["code"] == "mentoring-one-to-five")
    assert mapped["practice"] == "p01-peer-mentoring" and mapped["focus_area"]
    ours = [r for r in rows if r["document"] == "et-s09-kii-teacher.txt"]
    assert {r["speaker_role"] for r in ours} == {"teacher"}
    assert {r["coder"] for r in ours} == {"ana", "ben"}


def test_codebook_as_csv(sample: Project, tmp_path: Path) -> None:
    path = tmp_path / "codebook.csv"
    sample.export(path, tables=["codebook"])
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    codebook = sample.codebook()
    assert codebook is not None and [r["code"] for r in rows] == [c.id for c in codebook.codes]
    counts = sample.code_counts()
    assert all(int(r["codings"]) == counts[r["code"]] for r in rows)


def test_workbook_with_both_tables_keeps_formulas_as_text(sample: Project, tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "study.xlsx"
    sample.edit_code("pupil-absence-followup", "ana", definition='=HYPERLINK("x")')
    try:
        sample.export(path)
    finally:
        sample.undo("ana")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["codings", "codebook"]
    codebook = book["codebook"]
    header = [c.value for c in codebook[1]]
    row = next(r for r in codebook.iter_rows(min_row=2) if r[0].value == "pupil-absence-followup")
    cell = row[header.index("definition")]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"
    codings = book["codings"]
    assert codings.max_row - 1 == len(stored_codings(sample))
    header = [c.value for c in codings[1]]
    quotes = {r[header.index("text")].value for r in codings.iter_rows(min_row=2)}
    assert "I go to the house 🏠 myself." in quotes


def test_export_refuses_unknown_formats(sample: Project, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"cannot export to \.pdf"):
        sample.export(tmp_path / "x.pdf")
    with pytest.raises(InputError, match="not a table"):
        sample.export(tmp_path / "x.qdpx", tables=["codebook"])
    assert not (tmp_path / "x.qdpx").exists()


def test_a_failed_export_leaves_no_file(sample: Project, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "x.qdpx"
    with pytest.raises(InputError, match="does not exist"):
        sample.export(missing)
    assert list(tmp_path.iterdir()) == []


def test_exports_are_deterministic_where_it_matters(sample: Project, tmp_path: Path) -> None:
    first, second = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    sample.export(first)
    sample.export(second)

    def body(path: Path) -> str:
        with zipfile.ZipFile(path) as archive:
            text = archive.read("project.qde").decode("utf-8")
        return re.sub(r'modifiedDateTime="[^"]*"', "", text, count=1)

    assert (
        hashlib.sha256(body(first).encode()).digest()
        == hashlib.sha256(body(second).encode()).digest()
    )
