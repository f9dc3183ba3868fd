"""Team work on the sample corpus: the two reference coders' codings, made into two project
files, merged into one; agreement between them; adjudication; the commands."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from brightspots import cli, coding
from brightspots.adjudication import accept_agreements, adjudicate, disagreements
from brightspots.agreement import agreement
from brightspots.cli import main
from brightspots.coder_set import CONSENSUS, CoderSet
from brightspots.errors import InputError, NotFoundError, ProjectError
from brightspots.importer import ImportOptions
from brightspots.merge import MERGED_PREFIX, merge_projects
from brightspots.project import Project
from brightspots.segment import SpacySegmenter
from brightspots.store import Store
from tests.conftest import SAMPLE

CODINGS = SAMPLE.parent / "sample-codings"
CODERS = ["ref-a", "ref-b"]
EXTRA = ["ET/et-s01-fgd-teachers.vtt", "BF/bf-s01-kii-directeur.txt"]  # coded by ref-a only


def documents_of_ref_b() -> list[str]:
    with (CODINGS / "ref-b.csv").open(encoding="utf-8", newline="") as handle:
        return sorted({row["document"] for row in csv.DictReader(handle)})


def sheet(files: list[Path], names: set[str], out: Path) -> Path:
    """The rows of some codings sheets that are about `names`."""
    rows: list[dict[str, str]] = []
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            rows += [row for row in csv.DictReader(handle) if row["document"] in names]
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, segmenter: SpacySegmenter) -> dict[str, Path]:
    """Two project files made independently (so their codes have their own uids), over the
    12 documents ref-b coded and two more: one with ref-a's codings, one with ref-b's."""
    folder = tmp_path_factory.mktemp("team")
    names = documents_of_ref_b() + EXTRA
    files = [SAMPLE / name for name in names]
    made = {}
    for coder, sheets in (
        ("ref-a", sorted(CODINGS.glob("ref-a-*.csv"))),
        ("ref-b", [CODINGS / "ref-b.csv"]),
    ):
        path = folder / f"{coder}.bsp"
        with Project.create(path, segmenter=segmenter) as project:
            report = project.import_files(files, ImportOptions(metadata=SAMPLE / "metadata.csv"))
            assert len(report.added) == len(names) and not report.skipped
            added, _ = project.load_codings([sheet(sheets, set(names), folder / f"{coder}.csv")])
            assert added > 200
        made[coder] = path
    return made


@pytest.fixture
def files(built: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """Fresh copies of the built files, for a test to change."""
    return {coder: Path(shutil.copy(path, tmp_path / path.name)) for coder, path in built.items()}


@pytest.fixture(scope="module")
def merged(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """ref-a's file with ref-b's merged in (read by the tests that do not change it)."""
    target = Path(shutil.copy(built["ref-a"], tmp_path_factory.mktemp("merged") / "team.bsp"))
    store = Store.open(target)
    merge_projects(store, [built["ref-b"]])
    yield store
    store.close()


@contextmanager
def opened(path: Path) -> Iterator[Store]:
    store = Store.open(path)
    try:
        yield store
    finally:
        store.close()


def codings(path: Path) -> set[tuple[str, int, int, str, str, str]]:
    """Every coding as (document, start, end, code, coder, snippet)."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            'SELECT d.name, c.start, c."end", k.key, p.name, c.snippet FROM codings c '
            "JOIN documents d ON d.num = c.doc JOIN codes k ON k.num = c.code "
            "JOIN coders p ON p.num = c.coder"
        ).fetchall()
    return set(rows)


def count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- merge ---------------------------------------------------------------------------------


def test_merge_keeps_every_coding_with_its_coder(files: dict[str, Path]) -> None:
    target, source = files["ref-a"], files["ref-b"]
    before = {name: codings(path) for name, path in files.items()}
    source_bytes = digest(source)
    with opened(target) as store:
        report = merge_projects(store, [source])
    after = codings(target)
    assert before["ref-a"] <= after and before["ref-b"] <= after
    assert len(after) == len(before["ref-a"]) + len(before["ref-b"])
    assert {c[4] for c in after} == {"ref-a", "ref-b"}
    assert digest(source) == source_bytes  # opened read-only
    (s,) = report.sources
    assert (s.documents_added, s.documents_matched) == (0, 14)  # matched by text
    assert s.codes_added == 0 and len(s.codes_matched_by_name) == s.codes_matched > 30
    assert s.codings_added == len(before["ref-b"]) and s.coders == ("ref-b",)
    assert not report.conflicts
    # The backup: a sibling file named with the time, holding the project as it was.
    assert report.backup is not None
    backup = Path(report.backup)
    assert backup.parent == target.parent and backup.name.startswith("ref-a.backup-")
    assert backup.suffix == ".bsp" and codings(backup) == before["ref-a"]


def test_merging_the_same_file_again_changes_nothing(files: dict[str, Path]) -> None:
    target, source = files["ref-a"], files["ref-b"]
    with opened(target) as store:
        merge_projects(store, [source])
    state = (codings(target), count(target, "events"), count(target, "memos"))
    backups = sorted(target.parent.glob("*.backup-*"))
    with opened(target) as store:
        again = merge_projects(store, [source, source])
    assert not again.changed and again.backup is None
    assert all(s.codings_added == 0 and s.events_added == 0 for s in again.sources)
    assert (codings(target), count(target, "events"), count(target, "memos")) == state
    assert sorted(target.parent.glob("*.backup-*")) == backups  # no new backup kept


def test_history_comes_along_but_undo_never_replays_another_files_steps(
    files: dict[str, Path],
) -> None:
    target, source = files["ref-a"], files["ref-b"]
    with Project.open(source) as project:
        document = project.documents()[0].name
        memo = project.add_memo(
            "document", "Ask the team about this one.", "ref-b", document=document
        )
        project.apply_code(document, 0, 5, "positive-discipline", "ref-b")
    with opened(target) as store:
        report = merge_projects(store, [source])
        assert report.sources[0].memos_added == 1 and report.sources[0].events_added >= 3
        assert store.get_memo(memo["uid"]) is not None
        actions = {a for _, a, _ in store.history("ref-b", [MERGED_PREFIX + "coding.add"])}
        assert actions == {MERGED_PREFIX + "coding.add"}
        assert coding.undo(store, "ref-b") is None  # ref-b's steps stay in ref-b's file


def test_conflicting_codes_are_reported_not_guessed(files: dict[str, Path], tmp_path: Path) -> None:
    target, source = files["ref-a"], files["ref-b"]
    with Project.open(source) as project:
        project.edit_code("positive-discipline", "ref-b", definition="Anything about rules.")
        project.edit_code("caring-relationships", "ref-b", name="Warm relationships")
    with opened(target) as store:
        report = merge_projects(store, [source])
        kinds = {(c.kind, c.subject) for c in report.conflicts}
        assert ("code matched by name", "Positive discipline") in kinds
        # Renamed in ref-b's own file (its uid is its own): no identity links the two, so
        # it comes in as a new code under a fresh id, never folded into ref-a's on the id.
        assert ("code id taken", "Warm relationships") in kinds
        assert store.get_code("caring-relationships-2")["name"] == "Warm relationships"  # type: ignore[index]
        kept = store.get_code("positive-discipline") or {}
        assert kept["definition"] != "Anything about rules."  # the target's texts are kept
    # The same code renamed in a copy of the merged file (same uid): a rename, reported.
    copy = Path(shutil.copy(target, tmp_path / "copy.bsp"))
    with Project.open(copy) as project:
        project.edit_code("formative-checks", "lead", name="Quick checks")
    with opened(target) as store:
        report = merge_projects(store, [copy])
        assert [c.kind for c in report.conflicts] == ["code renamed"]
        assert (store.get_code("formative-checks") or {})["name"] == "Regular formative checks"


def test_a_failed_merge_leaves_the_target_untouched(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    target, source = files["ref-a"], files["ref-b"]
    before = (codings(target), count(target, "events"))

    def broken(self: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("brightspots.merge._Merger._memos", broken)
    with opened(target) as store, pytest.raises(RuntimeError, match="disk full"):
        merge_projects(store, [source])
    assert (codings(target), count(target, "events")) == before


def test_sources_that_cannot_be_merged_are_named(files: dict[str, Path], tmp_path: Path) -> None:
    target, source = files["ref-a"], files["ref-b"]
    text = tmp_path / "notes.bsp"
    text.write_text("not a database at all, just some notes\n" * 50, encoding="utf-8")
    newer = Path(shutil.copy(source, tmp_path / "newer.bsp"))
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with opened(target) as store:
        for bad, message in (
            (text, "notes.bsp is not a brightspots project"),
            (newer, "newer.bsp was written by a newer brightspots"),
            (other, "other.sqlite is not a brightspots project"),
            (tmp_path / "missing.bsp", "missing.bsp: no such project file"),
            (target, "is the target itself"),
        ):
            with pytest.raises(ProjectError, match=message):
                merge_projects(store, [source, bad])
    assert not list(tmp_path.glob("*.backup-*"))  # refused before anything was written


# --- agreement and adjudication -----------------------------------------------------------


def test_agreement_between_the_reference_coders(merged: Store) -> None:
    report = agreement(merged, CODERS)
    assert report.documents == tuple(documents_of_ref_b())  # the ones both coded
    assert report.units > 1000
    compared = [c for c in report.codes if not c.flag]
    assert len(compared) >= 10 and report.flagged
    for code in compared:
        assert code.coded_units >= 10 and code.units == report.units
        assert code.kappa is not None and -1 <= code.kappa <= 1 and code.kappa_band
        assert code.alpha is not None and code.alpha_band
        # For two coders, Fleiss' kappa is Scott's pi, within a hair of alpha.
        assert code.fleiss_kappa == pytest.approx(code.alpha, abs=1e-3)
        # Percent agreement counts the passages `disagreements` lists for the code.
        disputed = disagreements(merged, CODERS, code.code)
        assert code.percent_agreement == pytest.approx(1 - len(disputed) / code.units)
    for code in report.flagged:
        assert code.kappa is None and code.alpha is None and code.flag
    overall = report.overall
    assert overall.alpha is not None and 0.5 < overall.alpha < 1
    assert overall.percent_agreement is not None and 0.5 < overall.percent_agreement < 1
    data = json.loads(json.dumps(report.to_json()))
    assert data["overall"]["alpha_band"] == overall.alpha_band
    assert {c["code"] for c in data["codes"]} == {c.code for c in report.codes}


def test_agreement_scope_and_errors(merged: Store) -> None:
    filtered = agreement(merged, CODERS, filters={"country": "BF"})
    assert filtered.documents and all(d.startswith("BF/") for d in filtered.documents)
    one = agreement(merged, CODERS, documents=[EXTRA[0]])  # named: both count as coders
    assert one.documents == (EXTRA[0],)
    with pytest.raises(InputError, match="at least two coders"):
        agreement(merged, ["ref-a"])
    with pytest.raises(NotFoundError, match="no coder 'zoe'"):
        agreement(merged, ["ref-a", "zoe"])
    with pytest.raises(InputError, match="cannot filter by 'colour'"):
        agreement(merged, CODERS, filters={"colour": "red"})


def test_adjudication_is_recorded_as_consensus_and_undone_in_one_step(
    files: dict[str, Path],
) -> None:
    target = files["ref-a"]
    with opened(target) as store:
        merge_projects(store, [files["ref-b"]])
        found = disagreements(store, CODERS)
        first = found[0]
        assert set(first.codes) == set(CODERS) and first.disputed
        assert all(store.get_code(c) for c in first.disputed)
        accepted = "ref-a" if first.codes["ref-a"] else "ref-b"
        added = adjudicate(store, first, "a" if accepted == "ref-a" else "b", "lead")
        assert added and {c["coder"] for c in added} == {CONSENSUS}
        assert {c["origin"] for c in added} == {"adjudication"}
        assert {c["code"] for c in added} == set(first.codes[accepted])
        assert all(first.start <= c["start"] < c["end"] <= first.end for c in added)
        left = disagreements(store, CODERS)
        assert len(left) == len(found) - 1 and first not in left
        settled = disagreements(store, CODERS, include_settled=True)
        assert [d.settled for d in settled].count(True) == 1
        # One undo takes the whole decision back; redo replays it.
        step = coding.undo(store, "lead")
        assert step is not None and step.action == "coding.adjudicate"
        assert all(store.get_coding(str(c["uid"])) is None for c in added)
        assert len(disagreements(store, CODERS)) == len(found)
        coding.redo(store, "lead")
        assert all(store.get_coding(str(c["uid"])) for c in added)
        # Deciding again replaces the consensus on that passage; neither: codes all gave.
        adjudicate(store, first, "neither", "lead")
        assert all(store.get_coding(str(c["uid"])) is None for c in added)
        both = adjudicate(store, found[1], "both", "lead")
        assert {c["code"] for c in both} == set(found[1].codes["ref-a"]) | set(
            found[1].codes["ref-b"]
        )
        # The consensus is a coder set that reports can choose.
        consensus = CoderSet.parse("consensus").check(store.list_coders())
        code = str(both[0]["code"])
        _, passages = store.list_passages("code", code, coders=consensus.coders())
        assert passages and {p.coder for p in passages} == {CONSENSUS}
        with pytest.raises(InputError, match="choose one of"):
            adjudicate(store, found[2], "maybe", "lead")
        with pytest.raises(InputError, match="your own name"):
            adjudicate(store, found[2], "a", CONSENSUS)


def test_the_consensus_holds_what_all_coders_agreed_on_as_well_as_the_settled_disputes(
    files: dict[str, Path],
) -> None:
    target = files["ref-a"]
    with opened(target) as store:
        merge_projects(store, [files["ref-b"]])
        disputes = disagreements(store, CODERS)
        settled = adjudicate(store, disputes[0], "both", "lead")
        agreed = accept_agreements(store, CODERS, "lead")
        assert agreed and {c["origin"] for c in agreed} == {"agreement"}
        assert {c["coder"] for c in agreed} == {CONSENSUS}
        # Every agreed coding lies where both coders gave that code.
        for c in agreed:
            num = store.get_document(str(c["document"]))[0]
            start, end = int(str(c["start"])), int(str(c["end"]))
            for coder in CODERS:
                assert any(
                    row["code"] == c["code"]
                    and row["coder"] == coder
                    and row["start"] < end
                    and row["end"] > start
                    for row in store.codings_of_document(num)
                ), (coder, c)
        # Settled disputes are not touched, and a second run adds nothing.
        assert all(store.get_coding(str(c["uid"])) for c in settled)
        assert accept_agreements(store, CODERS, "lead") == []
        assert len(disagreements(store, CODERS)) == len(disputes) - 1
        # One undo takes them all back.
        step = coding.undo(store, "lead")
        assert step is not None and step.action == "coding.accept_agreements"
        assert all(store.get_coding(str(c["uid"])) is None for c in agreed)
        assert "accepted" in step.describe()
        with pytest.raises(InputError, match="your own name"):
            accept_agreements(store, CODERS, CONSENSUS)
        with pytest.raises(InputError, match="not the consensus"):
            accept_agreements(store, [*CODERS, CONSENSUS], "lead")


def test_disagreements_about_one_code(merged: Store) -> None:
    report = agreement(merged, CODERS)
    code = next(c for c in report.codes if not c.flag and c.percent_agreement != 1.0)
    found = disagreements(merged, CODERS, code.code)
    assert found and all(d.disputed == (code.code,) and d.code == code.code for d in found)
    with pytest.raises(NotFoundError):
        disagreements(merged, CODERS, "no-such-code")


# --- the commands ---------------------------------------------------------------------------


@pytest.fixture
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.console, "width", 240)


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.usefixtures("wide_console")
def test_the_commands(files: dict[str, Path]) -> None:
    target, source = str(files["ref-a"]), str(files["ref-b"])
    out = run("merge", target, source)
    assert "codings 239 added" in out and "No conflicts." in out and "Backup" in out
    assert "Nothing new" in run("merge", target, source)
    data = json.loads(run("merge", target, source, "--json"))
    assert data["changed"] is False and data["sources"][0]["codings_present"] == 239
    table = run("agreement", target, "--coders", "ref-a,ref-b")
    assert "12 document(s)" in table and "Overall" in table and "Flagged" in table
    assert "almost perfect" in table or "substantial" in table
    report = json.loads(run("agreement", target, "--coders", "ref-a,ref-b", "--json"))
    assert report["coders"] == CODERS and report["overall"]["alpha"] is not None
    rows = list(
        csv.DictReader(run("agreement", target, "--coders", "ref-a,ref-b", "--csv").splitlines())
    )
    assert rows[-1]["code"] == "(all codes)" and len(rows) == len(report["codes"]) + 1
    bf = json.loads(
        run("agreement", target, "--coders", "ref-a,ref-b", "--country", "BF", "--json")
    )
    assert all(d.startswith("BF/") for d in bf["documents"])
    failed = CliRunner().invoke(main, ["agreement", target, "--coders", "ref-a,zoe"])
    assert failed.exit_code == 1 and "no coder 'zoe'" in failed.output
    both = CliRunner().invoke(main, ["agreement", target, "--coders", "a,b", "--json", "--csv"])
    assert both.exit_code == 2
    missing = CliRunner().invoke(main, ["merge", target, str(files["ref-a"].parent / "nope.bsp")])
    assert missing.exit_code == 1 and "nope.bsp: no such project file" in missing.output
    agreed = run("consensus", target, "--coders", "ref-a,ref-b", "--as", "lead")
    assert "consensus codings added where ref-a and ref-b agreed" in agreed
    assert "nothing new" in run("consensus", target, "--coders", "ref-a,ref-b", "--as", "lead")
