"""The synthesis engine and its quotes on a small project whose every count, share,
difference and p-value is worked out by hand below; then on the shipped sample corpus,
checked against a plain recount of its codings.

The fixture: 17 schools, one head-teacher interview each (KII; `HT:` turns), plus two
teacher focus groups (FGD) whose speakers are named `Abebe` and `Tigist` (names the quotes
must never show). Coder `ana` codes most of it, coder `bo` two passages.

    ET  pd          EP1..EP5    comparison  EC1..EC5    unknown group  EX1
    TZ  pd          TP1..TP3    comparison  TC1, TC2, TC3 (TC3 never coded)

p01 (peer mentoring; codes mentoring-one-to-five, mentoring-new-teachers), by ana:
EP1 (FGD: Abebe and Tigist, two passages, two respondents), EP2 (three passages: two of
the head teacher's and the interviewer's question), EP3, EP4 (one span with both codes: one
passage), EC1, TP1 (two passages), TP2, TP3, EX1. By bo: EC2, and EP3's span again.
p09 (parental engagement; parent-teacher-contact), by ana: EP5, EC1, EC3, EC4, TC1.
p02 (school-based PD; lesson-observation-feedback), by ana: EP1 (interview), EC5.
Unmapped: context-resource-constraints on EC1's FGD, EC2, TC2; context-external-disruption
on TC2. Every school but TC3 has a coding by ana, so with the `coded` rule ET has 5 PD and
5 comparison schools, TZ 3 and 2.

Fisher's exact test (two-sided) on [[a, b], [c, d]]: with N schools, K of them where the
practice is present and n PD schools, P(k) = C(K, k) C(N-K, n-k) / C(N, n) for k PD schools
with it; p = the sum of P(k) over every k with P(k) <= P(observed)."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest

from brightspots.errors import InputError, NotFoundError
from brightspots.findings import Cell, Synthesis
from brightspots.importer import ImportOptions
from brightspots.project import Project
from brightspots.quotes import ELLIPSIS, cell_quotes, quotes, quotes_by_practice
from brightspots.segment import SpacySegmenter
from brightspots.synthesis import fisher_p, synthesize
from tests.conftest import SAMPLE, write

P01, P02, P09 = "p01-peer-mentoring", "p02-school-based-pd", "p09-parental-engagement"
FA1, FA4 = "fa1-teacher-skills", "fa4-community-support"
ONE_TO_FIVE, NEW_TEACHERS = "mentoring-one-to-five", "mentoring-new-teachers"
CONTACT, OBSERVATION = "parent-teacher-contact", "lesson-observation-feedback"
RESOURCES, DISRUPTION = "context-resource-constraints", "context-external-disruption"

MENTOR = (
    "In {s} each strong teacher follows five colleagues and they plan lessons together every week."
)
NEW = (
    "In {s} every new teacher is paired with an older mentor who visits the class and talks after."
)
PARENTS = (
    "In {s} the teachers call the parents every month to talk about how their children are doing."
)
OBSERVE = (
    "In {s} the head teacher sits in lessons and gives each teacher feedback the same afternoon."
)
BOOKS = (
    "In {s} there are not enough books for the pupils and the roof leaks whenever it rains hard."
)
QUESTION = "Do the strong teachers support the others here?"

SCHOOLS = {
    **{f"ET-P{i}": ("ET", "pd") for i in range(1, 6)},
    **{f"ET-C{i}": ("ET", "comparison") for i in range(1, 6)},
    "ET-X1": ("ET", "unknown"),
    **{f"TZ-P{i}": ("TZ", "pd") for i in range(1, 4)},
    **{f"TZ-C{i}": ("TZ", "comparison") for i in range(1, 4)},
}


def front(school: str, role: str, method: str, extra: str = "") -> str:
    country, group = SCHOOLS[school]
    return (
        f"---\ncountry: {country}\nschool_id: {school}\nschool_group: {group}\n"
        f"respondent_role: {role}\nmethod: {method}\nlanguage: en\n{extra}---\n"
    )


def interview(school: str) -> str:
    turns = [
        f"Interviewer: {QUESTION}",
        f"HT: {MENTOR.format(s=school)}",
        "Interviewer: And the teachers who have just arrived?",
        f"HT: {NEW.format(s=school)}",
        "Interviewer: What about the parents?",
        f"HT: {PARENTS.format(s=school)}",
        "Interviewer: And in the classrooms?",
        f"HT: {OBSERVE.format(s=school)}",
        "Interviewer: What makes it hard?",
        f"HT: {BOOKS.format(s=school)}",
    ]
    return front(school, "head_teacher", "kii") + "\n".join(turns) + "\n"


def focus_group(school: str) -> str:
    turns = [
        "Interviewer: How do you learn from each other?",
        f"Abebe: {MENTOR.format(s=school)}",
        f"Tigist: {NEW.format(s=school)}",
        "Interviewer: Thank you both.",
        "Abebe: You are welcome.",
        "Tigist: Yes, thank you.",
    ]
    extra = 'speakers: "Abebe=teacher; Tigist=teacher"\n'
    return front(school, "teacher", "fgd", extra) + "\n".join(turns) + "\n"


def kii(school: str) -> str:
    return f"{school}-kii.txt"


def fgd(school: str) -> str:
    return f"{school}-fgd.txt"


# (document, sentence, code, coder)
CODINGS: list[tuple[str, str, str, str]] = [
    (fgd("ET-P1"), MENTOR, ONE_TO_FIVE, "ana"),  # Abebe
    (fgd("ET-P1"), NEW, NEW_TEACHERS, "ana"),  # Tigist
    (kii("ET-P1"), OBSERVE, OBSERVATION, "ana"),
    (kii("ET-P2"), MENTOR, ONE_TO_FIVE, "ana"),
    (kii("ET-P2"), NEW, NEW_TEACHERS, "ana"),
    (kii("ET-P2"), QUESTION, ONE_TO_FIVE, "ana"),  # the interviewer's words: no respondent
    (kii("ET-P3"), MENTOR, ONE_TO_FIVE, "ana"),
    (kii("ET-P3"), MENTOR, ONE_TO_FIVE, "bo"),  # the same passage by another coder
    (kii("ET-P4"), MENTOR, ONE_TO_FIVE, "ana"),
    (kii("ET-P4"), MENTOR, NEW_TEACHERS, "ana"),  # the same passage, another p01 code
    (kii("ET-P5"), PARENTS, CONTACT, "ana"),
    (kii("ET-C1"), MENTOR, ONE_TO_FIVE, "ana"),
    (kii("ET-C1"), PARENTS, CONTACT, "ana"),
    (fgd("ET-C1"), MENTOR, RESOURCES, "ana"),
    (kii("ET-C2"), MENTOR, ONE_TO_FIVE, "bo"),
    (kii("ET-C2"), BOOKS, RESOURCES, "ana"),
    (kii("ET-C3"), PARENTS, CONTACT, "ana"),
    (kii("ET-C4"), PARENTS, CONTACT, "ana"),
    (kii("ET-C5"), OBSERVE, OBSERVATION, "ana"),
    (kii("ET-X1"), MENTOR, ONE_TO_FIVE, "ana"),
    (kii("TZ-P1"), MENTOR, ONE_TO_FIVE, "ana"),
    (kii("TZ-P1"), NEW, NEW_TEACHERS, "ana"),
    (kii("TZ-P2"), MENTOR, ONE_TO_FIVE, "ana"),
    (kii("TZ-P3"), MENTOR, ONE_TO_FIVE, "ana"),
    (kii("TZ-C1"), PARENTS, CONTACT, "ana"),
    (kii("TZ-C2"), BOOKS, RESOURCES, "ana"),
    (kii("TZ-C2"), OBSERVE, DISRUPTION, "ana"),
]


def apply(
    project: Project, document: str, sentence: str, code: str, coder: str, school: str = ""
) -> None:
    words = sentence.format(s=school or document.rsplit("-", 1)[0])
    text = project.document(document).text
    start = text.index(words)
    project.apply_code(document, start, start + len(words), code, coder)


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory, segmenter: SpacySegmenter) -> Project:
    folder = tmp_path_factory.mktemp("synthesis")
    for school in SCHOOLS:
        write(folder / "corpus" / kii(school), interview(school))
    for school in ("ET-P1", "ET-C1"):
        write(folder / "corpus" / fgd(school), focus_group(school))
    project = Project.create(folder / "study.bsp", segmenter=segmenter)
    report = project.import_files([folder / "corpus"])
    assert len(report.added) == len(SCHOOLS) + 2 and not report.speakers_without_role
    for coding in CODINGS:
        apply(project, *coding)
    return project


@pytest.fixture(scope="module")
def by_ana(study: Project) -> Synthesis:
    return synthesize(study.store, ("ana",))


def counts(cell: Cell) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """((pd present, pd schools), (comparison ...), (overall ...)) of a cell."""
    return (
        (cell.pd.present, cell.pd.schools),
        (cell.comparison.present, cell.comparison.schools),
        (cell.overall.present, cell.overall.schools),
    )


# --- hand-computed matrices ---------------------------------------------------------------


def test_practice_by_country_by_hand(by_ana: Synthesis) -> None:
    matrix = by_ana.practice_by_country
    assert matrix.columns == ("ET", "TZ")
    assert [row.key for row in matrix.rows][:3] == [P01, P02, "p03-supportive-supervision"]

    et = matrix.cell(P01, "ET")
    # PD: EP1..EP4 of 5; comparison: EC1 of 5 (EC2's is bo's); overall adds EX1: 6 of 11
    assert counts(et) == ((4, 5), (1, 5), (6, 11))
    assert et.pd.share == 0.8 and et.comparison.share == 0.2
    assert et.difference == pytest.approx(0.6)  # 4/5 - 1/5
    # N=10, K=5, n=5: P(k) = C(5,k)^2/252 = 1, 25, 100, 100, 25, 1 (/252) for k = 0..5;
    # observed k=4 (25): p = (1 + 25 + 25 + 1) / 252
    assert et.p_value == pytest.approx(52 / 252, abs=1e-9)
    assert et.p_value == pytest.approx(0.206349206, abs=1e-6)
    assert et.small is False  # 5 schools in each group

    tz = matrix.cell(P01, "TZ")
    assert counts(tz) == ((3, 3), (0, 2), (3, 5))  # TC3 is not coded: left out
    assert tz.difference == 1.0
    # N=5, K=3, n=3: P(3) = C(3,3)C(2,0)/C(5,3) = 1/10, P(2) = 6/10, P(1) = 3/10
    assert tz.p_value == pytest.approx(0.1, abs=1e-9)
    assert tz.small is True  # 3 and 2 schools

    total = matrix.row(P01).total
    assert counts(total) == ((7, 8), (1, 7), (9, 16))
    assert total.difference == pytest.approx(7 / 8 - 1 / 7)
    assert total.difference == pytest.approx(0.732142857, abs=1e-6)
    # N=15, K=8, n=8, C(15,8) = 6435: P(8) = 1, P(7) = C(8,7)C(7,1) = 56, P(1) = C(8,1)C(7,7)
    # = 8, every other k more likely (P(2) = 196, ...): p = (1 + 56 + 8) / 6435 = 1/99
    assert total.p_value == pytest.approx(0.010101010, abs=1e-6)
    assert total.small is False

    p09 = matrix.row(P09)
    assert counts(p09.cells["ET"]) == ((1, 5), (3, 5), (4, 11))
    # N=10, K=4, n=5: P(k) = C(4,k)C(6,5-k)/252 = 6, 60, 120, 60, 6; k=1: p = 132/252
    assert p09.cells["ET"].p_value == pytest.approx(0.523809524, abs=1e-6)
    assert p09.cells["ET"].difference == pytest.approx(-0.4)
    # N=5, K=1, n=3: P(0) = C(4,3)/10 = 0.4, P(1) = 0.6: p = 0.4
    assert counts(p09.cells["TZ"]) == ((0, 3), (1, 2), (1, 5))
    assert p09.cells["TZ"].p_value == pytest.approx(0.4, abs=1e-9)
    # N=15, K=5, n=8: P(k) = C(5,k)C(10,8-k) = 45, 600, 2100, 2520, 1050, 120 (/6435);
    # k=1: p = (45 + 600 + 120) / 6435 = 765/6435
    assert counts(p09.total) == ((1, 8), (4, 7), (5, 16))
    assert p09.total.p_value == pytest.approx(0.118881119, abs=1e-6)
    assert p09.total.difference == pytest.approx(1 / 8 - 4 / 7)

    # a practice nobody coded: 0 everywhere, nothing to tell apart (p = 1)
    empty = matrix.cell("p14-positive-discipline", "ET")
    assert counts(empty) == ((0, 5), (0, 5), (0, 11))
    assert empty.difference == 0.0 and empty.p_value == 1.0


def test_focus_area_is_present_where_any_of_its_practices_is(by_ana: Synthesis) -> None:
    areas = by_ana.focus_area_by_country
    # FA1 = p01 + p02 + p03: ET PD EP1..EP4 (EP1 both ways), comparison EC1 (p01) + EC5 (p02)
    assert counts(areas.cell(FA1, "ET")) == ((4, 5), (2, 5), (7, 11))
    total = areas.row(FA1).total
    assert counts(total) == ((7, 8), (2, 7), (10, 16))
    # N=15, K=9, n=8: P(k) = C(9,k)C(6,8-k) = 36, 504, 1890, 2520, 1260, 216, 9 for
    # k = 2..8; k=7: p = (36 + 216 + 9) / 6435 = 261/6435
    assert total.p_value == pytest.approx(0.040559441, abs=1e-6)
    assert counts(areas.row(FA4).total) == counts(by_ana.practice_by_country.row(P09).total)
    assert len(areas.rows) == 6 and areas.rows[0].key == FA1


def test_breakdowns_by_role_and_method_count_schools(by_ana: Synthesis) -> None:
    roles = by_ana.practice_by_role
    assert roles.columns == ("head_teacher", "teacher")
    # head teachers: PD EP2, EP3, EP4, TP1..TP3 of 8; comparison EC1 of 7 (EP1's p01 is in
    # its focus group, not the interview); overall adds EX1
    assert counts(roles.cell(P01, "head_teacher")) == ((6, 8), (1, 7), (8, 16))
    # teachers: the two focus groups, EP1 (p01) and EC1 (no p01)
    assert counts(roles.cell(P01, "teacher")) == ((1, 1), (0, 1), (1, 2))
    assert roles.cell(P01, "teacher").small is True
    # N=2, K=1, n=1: P(1) = P(0) = 1/2: p = 1
    assert roles.cell(P01, "teacher").p_value == pytest.approx(1.0)
    assert roles.row(P01).total == by_ana.practice_by_country.row(P01).total
    methods = by_ana.practice_by_method
    assert methods.columns == ("kii", "fgd")
    assert counts(methods.cell(P01, "kii")) == counts(roles.cell(P01, "head_teacher"))
    assert counts(by_ana.focus_area_by_method.cell(FA1, "fgd")) == ((1, 1), (0, 1), (1, 2))


def test_reach_and_the_most_distinctive_practices(by_ana: Synthesis) -> None:
    reach = {r.practice: r for r in by_ana.reach}
    assert reach[P01].pd_countries == ("ET", "TZ") and reach[P01].comparison_countries == ("ET",)
    assert reach[P09].pd_countries == ("ET",)
    assert reach[P09].comparison_countries == ("ET", "TZ")
    ranked = by_ana.distinctive
    assert len(ranked) == 15 and [d.rank for d in ranked] == list(range(1, 16))
    assert ranked[0].practice == P01 and ranked[0].pd_countries == 2
    assert ranked[0].difference == pytest.approx(0.732142857, abs=1e-6)
    # p02: PD EP1 (1/8), comparison EC5 (1/7): -0.018, above only p09 (-0.446)
    assert [d.practice for d in ranked[-2:]] == [P02, P09]
    middle = ranked[1:-2]
    assert all(d.difference == 0.0 and d.p_value == 1.0 for d in middle)
    positions = [row.key for row in by_ana.practice_by_country.rows]
    assert [d.practice for d in middle] == [
        k for k in positions if k in {d.practice for d in middle}
    ]


def test_unmapped_codes_are_listed_with_their_counts(by_ana: Synthesis) -> None:
    listed = {(c.code, c.codings, c.documents, c.schools) for c in by_ana.unmapped_codes}
    assert listed == {
        (RESOURCES, 3, 3, 3),  # EC1's focus group, EC2, TC2
        (DISRUPTION, 1, 1, 1),
        ("context-policy-system", 0, 0, 0),  # never applied, still listed
    }
    codings = {item.key: item.codings for item in by_ana.items}
    assert codings[P01] == 14  # ana's p01 codings, EP4's double coding included
    assert codings[FA1] == 14 + 2


def test_totals_and_the_rules_in_the_json(by_ana: Synthesis) -> None:
    assert (by_ana.documents, by_ana.schools) == (18, 16)  # TC3 has no coding by ana
    assert by_ana.codings == 25 and by_ana.detached_codings == 0
    data = json.loads(json.dumps(by_ana.to_dict()))
    assert data["coders"] == ["ana"] and data["schools_rule"] == "coded"
    cell = data["matrices"]["practice_by_country"]["rows"][0]["cells"]["ET"]
    assert cell["pd"] == {"present": 4, "schools": 5, "share": 0.8}
    assert cell["p_value"] == pytest.approx(52 / 252)
    assert set(data["matrices"]) == {
        f"{rows}_by_{dim}"
        for rows in ("practice", "focus_area")
        for dim in ("country", "respondent_role", "method")
    }
    assert data["distinctive"][0]["practice"] == P01
    assert "respondent" in data["rules"] and data["min_schools"] == 5


def test_q_values_adjust_for_the_cells_tested_together(by_ana: Synthesis) -> None:
    cells = [c for row in by_ana.practice_by_country.rows for c in row.cells.values()]
    assert all(c.q_value is not None and c.q_value >= c.p_value for c in cells if c.p_value)
    assert by_ana.practice_by_country.cell(P01, "TZ").q_value == pytest.approx(
        # 30 tests, p = 0.1 is the smallest: 0.1 * 30 / 1, capped at 1
        1.0
    )


# --- choices: coders, thresholds, filters, schools ----------------------------------------


def test_the_coder_set_changes_the_result(study: Project, by_ana: Synthesis) -> None:
    everyone = synthesize(study.store, None)
    et = everyone.practice_by_country.cell(P01, "ET")
    assert counts(et) == ((4, 5), (2, 5), (7, 11))  # bo's EC2 now counts
    # N=10, K=6, n=5: P(k) = C(6,k)C(4,5-k) = 6, 60, 120, 60, 6 (/252), k=4: p = 132/252
    assert et.p_value == pytest.approx(0.523809524, abs=1e-6)
    assert everyone.practice_by_country.row(P01).total.p_value == pytest.approx(261 / 6435)
    only_bo = synthesize(study.store, ("bo",))
    assert (only_bo.documents, only_bo.schools) == (2, 2)  # what bo coded: EP3, EC2
    assert counts(only_bo.practice_by_country.cell(P01, "ET")) == ((1, 1), (1, 1), (2, 2))
    with pytest.raises(InputError, match="no coder 'zoe'; coders: ana, bo"):
        synthesize(study.store, ("zoe",))


def test_min_passages_counts_distinct_spans(study: Project) -> None:
    # p01 passages per school: EP1 2, EP2 3, EP3 1 (twice coded), EP4 1 (two codes), EC1 1,
    # TP1 2, others 1
    for coders in (("ana",), None):
        two = synthesize(study.store, coders, min_passages=2)
        matrix = two.practice_by_country
        assert counts(matrix.cell(P01, "ET"))[:2] == ((2, 5), (0, 5))
        assert counts(matrix.cell(P01, "TZ"))[:2] == ((1, 3), (0, 2))
        assert counts(matrix.row(P01).total)[:2] == ((3, 8), (0, 7))
    teachers = synthesize(study.store, ("ana",), min_passages=2).practice_by_role
    assert counts(teachers.cell(P01, "teacher"))[:2] == ((1, 1), (0, 1))
    assert counts(teachers.cell(P01, "head_teacher"))[:2] == ((2, 8), (0, 7))  # EP2, TP1


def test_min_respondents_counts_speakers_not_interviewers(study: Project) -> None:
    # only EP1's focus group has p01 from two people (Abebe, Tigist); EP2's third passage is
    # the interviewer's question
    two = synthesize(study.store, ("ana",), min_respondents=2)
    assert counts(two.practice_by_country.row(P01).total)[:2] == ((1, 8), (0, 7))
    assert counts(two.practice_by_country.cell(P01, "ET"))[:2] == ((1, 5), (0, 5))
    assert counts(two.focus_area_by_country.row(FA1).total)[:2] == ((1, 8), (0, 7))
    both = synthesize(study.store, ("ana",), min_passages=3, min_respondents=2)
    assert counts(both.practice_by_country.row(P01).total)[:2] == ((0, 8), (0, 7))


def test_filters_restrict_the_documents(study: Project, by_ana: Synthesis) -> None:
    tanzania = synthesize(study.store, ("ana",), {"country": "TZ"})
    assert tanzania.practice_by_country.columns == ("TZ",)
    assert counts(tanzania.practice_by_country.row(P01).total) == ((3, 3), (0, 2), (3, 5))
    assert tanzania.practice_by_country.row(P01).total.p_value == pytest.approx(0.1)
    groups = synthesize(study.store, ("ana",), {"method": "fgd"})
    assert (groups.documents, groups.schools) == (2, 2)
    assert counts(groups.practice_by_country.row(P01).total) == ((1, 1), (0, 1), (1, 2))
    several = synthesize(study.store, ("ana",), {"school_id": ["ET-P1", "ET-C1", "TZ-P1"]})
    assert several.schools == 3
    with pytest.raises(InputError, match="cannot filter by 'colour'"):
        synthesize(study.store, None, {"colour": "red"})


def test_schools_all_counts_uncoded_schools_too(study: Project) -> None:
    every = synthesize(study.store, ("ana",), schools="all")
    assert every.schools == 17
    assert counts(every.practice_by_country.cell(P01, "TZ")) == ((3, 3), (0, 3), (3, 6))
    # N=6, K=3, n=3: P(3) = P(0) = 1/20, P(1) = P(2) = 9/20: p = 2/20
    assert every.practice_by_country.cell(P01, "TZ").p_value == pytest.approx(0.1)


def test_bad_requests_say_what_to_do(study: Project, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="at least 1"):
        synthesize(study.store, None, min_passages=0)
    with pytest.raises(InputError, match="at least one coder"):
        synthesize(study.store, ())
    with (
        Project.create(tmp_path / "bare.bsp", empty=True) as bare,
        pytest.raises(InputError, match="no framework"),
    ):
        synthesize(bare.store, None)


def test_a_school_whose_documents_disagree_has_no_group(
    tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    with Project.create(tmp_path / "mixed.bsp", segmenter=segmenter) as project:
        write(tmp_path / "c" / "a.txt", interview("ET-P1"))
        other = focus_group("ET-P1").replace("school_group: pd", "school_group: comparison")
        write(tmp_path / "c" / "b.txt", other)
        project.import_files([tmp_path / "c"])
        for name in ("a.txt", "b.txt"):
            text = project.document(name).text
            start = text.index("In ET-P1 each")
            project.apply_code(name, start, start + 20, ONE_TO_FIVE, "ana")
        result = synthesize(project.store, None)
    assert result.mixed_group_schools == ("ET/ET-P1",)
    assert counts(result.practice_by_country.cell(P01, "ET")) == ((0, 0), (0, 0), (1, 1))
    assert result.practice_by_country.cell(P01, "ET").difference is None
    assert result.practice_by_country.cell(P01, "ET").p_value is None


def test_detached_codings_are_left_out_and_counted(
    tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    with Project.create(tmp_path / "d.bsp", segmenter=segmenter) as project:
        write(tmp_path / "c" / "a.txt", interview("ET-P1"))
        project.import_files([tmp_path / "c"])
        apply(project, "a.txt", MENTOR, ONE_TO_FIVE, "ana", school="ET-P1")
        project.store.db.execute("UPDATE codings SET status = 'detached'")
        result = synthesize(project.store, None, schools="all")
    assert result.detached_codings == 1 and result.codings == 0
    assert counts(result.practice_by_country.cell(P01, "ET"))[0] == (0, 1)


# --- quotes -------------------------------------------------------------------------------


def test_quotes_cover_countries_schools_and_roles(study: Project) -> None:
    chosen = quotes(study.store, P01, ("ana",), limit=4)
    assert len(chosen) == 4
    assert {q.country for q in chosen[:2]} == {"ET", "TZ"}  # a new country first
    assert len({q.school for q in chosen}) == 4  # then new schools
    assert "teacher" in {q.role for q in chosen}  # and the focus group's role, early
    assert chosen == quotes(study.store, P01, ("ana",), limit=4)  # deterministic
    everything = quotes(study.store, P01, ("ana",), limit=50)
    # one candidate per school and role: EP1 (teachers), EP2..EP4, EC1, EX1, TP1..TP3
    assert len(everything) == 9
    assert len({(q.school, q.role) for q in everything}) == 9


def test_quotes_never_name_a_speaker_and_open_at_the_passage(study: Project) -> None:
    for quote in quotes(study.store, P01, None, limit=50):
        assert "Abebe" not in quote.text and "Tigist" not in quote.text
        assert "Abebe" not in quote.attribution() and "Tigist" not in quote.attribution()
        text = study.document(quote.document).text
        assert text[quote.start : quote.end] == quote.text  # short passages: not trimmed
        row = study.store.db.execute(
            'SELECT d.name, c.start, c."end" FROM codings c JOIN documents d ON d.num = c.doc '
            "WHERE c.uid = ?",
            [quote.coding],
        ).fetchone()
        assert tuple(row) == (quote.document, quote.start, quote.end)
    teachers = cell_quotes(study.store, P01, "teacher", "respondent_role", coders=("ana",))
    assert [q.document for q in teachers] == [fgd("ET-P1")]
    assert teachers[0].role == "teacher" and teachers[0].method == "fgd"
    assert teachers[0].attribution() == ("Ethiopia · PD school · teacher · FGD · ET-P1-fgd.txt")


def test_cell_quotes_stay_in_their_cell(study: Project) -> None:
    tz = cell_quotes(study.store, P01, "TZ", group="pd", coders=("ana",), limit=5)
    assert sorted(q.school for q in tz) == ["TZ-P1", "TZ-P2", "TZ-P3"]
    assert all(q.country == "TZ" and q.school_group == "pd" for q in tz)
    assert cell_quotes(study.store, P01, "TZ", group="comparison", coders=("ana",)) == []
    area = quotes(study.store, FA1, ("ana",), limit=50)
    assert {q.item for q in area} == {FA1} and OBSERVATION in {q.code for q in area}
    per_practice = quotes_by_practice(study.store, ("ana",), limit=2)
    assert list(per_practice)[:2] == [P01, P02] and len(per_practice) == 15
    assert len(per_practice[P01]) == 2 and per_practice["p14-positive-discipline"] == []
    with pytest.raises(NotFoundError, match="no practice or focus area 'p99'"):
        quotes(study.store, "p99")


def test_a_quote_over_two_turns_drops_the_labels_and_is_trimmed(
    tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    with Project.create(tmp_path / "q.bsp", segmenter=segmenter) as project:
        write(tmp_path / "c" / "g.txt", focus_group("ET-P1"))
        project.import_files([tmp_path / "c"])
        text = project.document("g.txt").text
        start = text.index(MENTOR.format(s="ET-P1"))
        end = text.index(NEW.format(s="ET-P1")) + len(NEW.format(s="ET-P1"))
        project.apply_code("g.txt", start, end, ONE_TO_FIVE, "ana")
        question = "How do you learn from each other?"
        asked = text.index(question)
        project.apply_code("g.txt", asked, asked + len(question), CONTACT, "ana")
        whole = quotes(project.store, P01, limit=1)[0]
        short = quotes(project.store, P01, limit=1, max_chars=120)[0]
        # an interviewer's words are nobody's testimony: no quote
        assert quotes(project.store, P09) == []
        assert synthesize(project.store, None).practice_by_country.cell(P09, "ET").pd.present
    assert whole.text == MENTOR.format(s="ET-P1") + " … " + NEW.format(s="ET-P1")
    assert not whole.trimmed and (whole.start, whole.end) == (start, end)
    assert short.trimmed and len(short.text) <= 120 and short.text.endswith(ELLIPSIS)
    # the first sentence ends past half of the room: the cut falls there
    assert short.text == MENTOR.format(s="ET-P1") + " " + ELLIPSIS
    assert "Tigist" not in short.text and whole.role == "teacher"


# --- the sample corpus ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, segmenter: SpacySegmenter) -> Project:
    path = tmp_path_factory.mktemp("sample") / "sample.bsp"
    project = Project.create(path, segmenter=segmenter)
    project.import_files([SAMPLE], ImportOptions(metadata=SAMPLE / "metadata.csv"))
    project.load_codings(sorted((SAMPLE.parent / "sample-codings").glob("*.csv")))
    return project


def recount(path: Path, coder: str) -> dict[tuple[str, str, str], set[str]]:
    """(practice, country, group) -> schools where a coding by `coder` of a code mapped to
    the practice lies: the rule, by plain Python over every coding row."""
    found: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT f.key, d.country, d.school_group, d.school_id FROM codings c "
            "JOIN coders p ON p.num = c.coder JOIN documents d ON d.num = c.doc "
            "JOIN code_practices m ON m.code = c.code JOIN framework_items f ON f.num = "
            "m.practice WHERE p.name = ? AND c.status = 'ok'",
            [coder],
        ).fetchall()
    for practice, country, group, school in rows:
        found[practice, country, group].add(school)
    return found


def test_the_sample_corpus_matches_a_plain_recount(sample: Project) -> None:
    result = synthesize(sample.store, ("ref-a",))
    assert result.practice_by_country.columns == ("BF", "BR", "ET", "MZ", "TD", "TZ")
    assert result.schools == 24
    expected = recount(sample.store.path, "ref-a")
    for row in result.practice_by_country.rows:
        for country, cell in row.cells.items():
            assert cell.pd.present == len(expected.get((row.key, country, "pd"), set()))
            assert cell.comparison.present == len(
                expected.get((row.key, country, "comparison"), set())
            )
            assert cell.pd.schools + cell.comparison.schools == cell.overall.schools
        total = row.total
        assert total.pd.schools == 12 and total.comparison.schools == 12
        if total.p_value is not None:
            assert total.p_value == pytest.approx(
                fisher_p(
                    total.pd.present,
                    12 - total.pd.present,
                    total.comparison.present,
                    12 - total.comparison.present,
                )
            )
    differences = [d.difference for d in result.distinctive]
    assert differences == sorted(differences, reverse=True)
    assert {c.code for c in result.unmapped_codes} == {
        "context-resource-constraints",
        "context-external-disruption",
        "context-policy-system",
    }
    assert sum(c.codings for c in result.unmapped_codes) > 0
    json.dumps(result.to_dict())
    # ref-b coded 12 documents: fewer schools count, and the matrices differ
    second = synthesize(sample.store, ("ref-b",))
    assert second.schools < result.schools
    assert second.to_dict()["matrices"] != result.to_dict()["matrices"]


def test_sample_quotes_are_diverse_and_anonymous(sample: Project) -> None:
    labels = {
        str(r[0])
        for r in sample.store.db.execute(
            "SELECT DISTINCT speaker FROM turns WHERE speaker IS NOT NULL"
        )
    }
    names = {label for label in labels if label.istitle() and " " not in label and len(label) > 3}
    for practice, chosen in quotes_by_practice(sample.store, ("ref-a",), limit=4).items():
        if len(chosen) >= 2:
            assert len({q.country for q in chosen}) >= min(2, len(chosen)), practice
        for quote in chosen:
            assert len(quote.text) <= 320
            for label in labels:
                assert f"{label}:" not in quote.text
            assert not any(name in quote.attribution() for name in names)
