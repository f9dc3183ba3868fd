"""Agreement statistics reproduce the published worked examples, and the project-level
measures (segment units, character overlap, flags, code sets) compute what they say."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from brightspots.agreement import (
    CodingTable,
    Unit,
    agreement_of,
    alpha_band,
    cohen_kappa,
    fleiss_kappa,
    kappa_band,
    krippendorff_alpha,
    merge_spans,
    percent_agreement,
)
from brightspots.coder_set import CONSENSUS, CoderSet
from brightspots.errors import InputError

NAN = None

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
# observers, twelve units, values 1-5, missing values blank. Published: nominal alpha 0.743,
# interval 0.849. With n = 40 pairable values, the coincidence matrix gives the exact values
# nominal 1 - 39 * 8 / 1216 = 113/152 and interval 1 - 39 * (52/3) / 4480 = 951/1120.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]

# Fleiss (1971), as in Wikipedia's "Fleiss' kappa" worked example: 10 subjects, 14 raters,
# 5 categories; how many raters put each subject in each category. Published: P-bar 0.378,
# P-bar-e 0.213, kappa 0.210; exactly P-bar = 172/455, P-bar-e = 417/1960, so
# kappa = 4211/20059.
FLEISS_1971 = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

# Cohen (1960): two judges, 200 items, three categories; cell proportions (rows: judge A)
# .44 .07 .09 / .05 .20 .05 / .01 .03 .06, so p_o = .70, p_c = .41 and
# kappa = (.70 - .41) / (1 - .41) = 29/59. As counts of the 200 items:
COHEN_1960 = [
    [88, 14, 18],
    [10, 40, 10],
    [2, 6, 12],
]


def test_krippendorff_2011_nominal_and_interval() -> None:
    nominal = krippendorff_alpha(KRIPPENDORFF_2011, "nominal")
    interval = krippendorff_alpha(KRIPPENDORFF_2011, "interval")
    assert nominal is not None and interval is not None
    assert nominal == pytest.approx(float(Fraction(113, 152)), abs=1e-6)
    assert interval == pytest.approx(float(Fraction(951, 1120)), abs=1e-6)
    assert round(nominal, 3) == 0.743 and round(interval, 3) == 0.849


def test_fleiss_1971() -> None:
    kappa = fleiss_kappa(FLEISS_1971)
    assert kappa == pytest.approx(float(Fraction(4211, 20059)), abs=1e-6)
    assert kappa is not None and round(kappa, 3) == 0.210
    # The intermediate figures, from the same table.
    n, subjects = 14, len(FLEISS_1971)
    p_bar = sum(Fraction(sum(x * x for x in row) - n, n * (n - 1)) for row in FLEISS_1971)
    assert p_bar / subjects == Fraction(172, 455) and round(float(p_bar / subjects), 3) == 0.378


def test_cohen_1960() -> None:
    a: list[int] = []
    b: list[int] = []
    for i, row in enumerate(COHEN_1960):
        for j, count in enumerate(row):
            a += [i] * count
            b += [j] * count
    assert len(a) == 200
    assert cohen_kappa(a, b) == pytest.approx(29 / 59, abs=1e-6)
    assert percent_agreement([a, b]) == pytest.approx(0.70, abs=1e-12)


def test_undefined_statistics_are_none_not_nan() -> None:
    assert cohen_kappa([1, 1, 1], [1, 1, 1]) is None
    assert fleiss_kappa([[2, 0], [2, 0]]) is None
    assert krippendorff_alpha([[1, 1], [1, 1]]) is None
    assert krippendorff_alpha([[1, None], [None, 2]]) is None  # nothing pairable
    assert percent_agreement([[1, None], [None, 2]]) is None


def test_percent_agreement_counts_pairs_per_unit() -> None:
    # Unit 1: three coders agree (3 of 3 pairs); unit 2: two of three (1 of 3 pairs);
    # unit 3: one value only (left out).
    data = [[1, 1, 1], [1, 1, None], [1, 2, None]]
    assert percent_agreement(data) == pytest.approx((1 + 1 / 3) / 2)


@pytest.mark.parametrize(
    ("kappa", "band"),
    [(-0.1, "poor"), (0.0, "slight"), (0.2, "slight"), (0.35, "fair"), (0.5, "moderate"),
     (0.75, "substantial"), (0.81, "almost perfect"), (None, None)],
)  # fmt: skip
def test_landis_koch_bands(kappa: float | None, band: str | None) -> None:
    assert kappa_band(kappa) == band


def test_krippendorff_bands() -> None:
    assert [alpha_band(a) for a in (0.9, 0.8, 0.7, 0.667, 0.5, None)] == [
        "reliable",
        "reliable",
        "tentative",
        "tentative",
        "unreliable",
        None,
    ]


def test_merge_spans() -> None:
    assert merge_spans([(5, 9), (0, 3), (2, 4), (9, 10)]) == [(0, 4), (5, 10)]


# --- the project-level measures on a hand-made table -----------------------------------


def table(
    ana: list[set[str] | None],
    ben: list[set[str] | None],
    spans: dict[tuple[str, str, str], tuple[tuple[int, int], ...]] | None = None,
) -> CodingTable:
    """One 10-character unit per value, all in one 200-character document."""
    units = tuple(Unit("doc", "uid", i, 10 * i, 10 * i + 9, "x") for i in range(len(ana)))
    return CodingTable(
        coders=("ana", "ben"),
        documents=("doc",),
        who={"doc": frozenset({"ana", "ben"})},
        lengths={"doc": 200},
        units=units,
        values={
            "ana": tuple(None if v is None else frozenset(v) for v in ana),
            "ben": tuple(None if v is None else frozenset(v) for v in ben),
        },
        spans=spans or {},
        code_names={"x": "Code X", "y": "Code Y"},
    )


def test_per_code_figures_and_flags() -> None:
    # Code x: ana on units 0-11, ben on units 0-9 and 12-13; 20 units in all.
    ana: list[set[str] | None] = [{"x"} if i < 12 else set() for i in range(20)]
    ben: list[set[str] | None] = [{"x"} if i < 10 or i in (12, 13) else set() for i in range(20)]
    ana[19] = {"y"}  # code y: one unit only, flagged
    spans = {("doc", "ana", "x"): ((0, 120),), ("doc", "ben", "x"): ((0, 100), (120, 140))}
    report = agreement_of(table(ana, ben, spans), min_units=10)
    x, y = report.codes
    assert (x.code, x.units, x.coded_units) == ("x", 20, 14)
    assert x.percent_agreement == pytest.approx(16 / 20)
    # 2 x 2 table: both 10, ana only 2, ben only 2, neither 6.
    po, pe = 16 / 20, (12 / 20) * (12 / 20) + (8 / 20) * (8 / 20)
    assert x.kappa == pytest.approx((po - pe) / (1 - pe))
    assert x.fleiss_kappa is not None and x.alpha is not None
    assert x.alpha > x.fleiss_kappa > 0  # alpha corrects for small samples
    # Characters: 200 in all, ana 120, ben 120, both 100 -> neither 60.
    assert x.char_agreement == pytest.approx((100 + 60) / 200)
    pa = pb = 120 / 200
    ce = pa * pb + (1 - pa) * (1 - pb)
    assert x.char_kappa == pytest.approx((0.8 - ce) / (1 - ce))
    assert y.flag is not None and "only 1 unit" in y.flag
    assert y.kappa is None and y.alpha is None and y.percent_agreement is None
    assert report.flagged == (y,)
    assert report.overall.codes_compared == 1
    assert report.overall.mean_kappa == x.kappa


def test_a_code_on_every_unit_is_flagged_for_no_variation() -> None:
    values: list[set[str] | None] = [{"x"}] * 12
    (x,) = agreement_of(table(values, values)).codes
    assert x.flag is not None and "no variation" in x.flag and x.kappa is None


def test_across_codes_a_unit_agrees_only_on_the_same_set_of_codes() -> None:
    ana: list[set[str] | None] = [{"x", "y"}, {"x"}, set(), {"y"}]
    ben: list[set[str] | None] = [{"x"}, {"x"}, set(), {"y"}]
    overall = agreement_of(table(ana, ben), min_units=1).overall
    assert overall.units == 4
    assert overall.percent_agreement == pytest.approx(3 / 4)
    # Four categories ({x,y}, {x}, {}, {y}) as nominal values.
    expected = krippendorff_alpha([[0, 1, 2, 3], [1, 1, 2, 3]])
    assert overall.alpha == pytest.approx(expected)


def test_missing_values_when_a_coder_did_not_code_a_document() -> None:
    ana: list[set[str] | None] = [{"x"}] * 6 + [set()] * 6 + [{"x"}] * 4
    ben: list[set[str] | None] = [{"x"}] * 6 + [set()] * 6 + [None] * 4
    report = agreement_of(table(ana, ben), min_units=1, partial=True)
    (x,) = report.codes
    assert x.units == 12  # units with two values
    assert x.pairs[0].units == 12 and x.kappa == pytest.approx(1.0)
    assert x.alpha == pytest.approx(1.0)
    assert report.to_json()["codes"][0]["kappa_band"] == "almost perfect"
    assert not math.isnan(report.to_json()["overall"]["alpha"])


# --- whose codings count --------------------------------------------------------------


def test_coder_sets() -> None:
    assert CoderSet.parse("all").coders() is None
    assert CoderSet.parse(" Consensus ").coders() == (CONSENSUS,)
    assert CoderSet.parse("ana").coders() == ("ana",)
    assert CoderSet.one("consensus") == CoderSet.consensus()
    assert CoderSet.everyone().includes("anyone") and not CoderSet.one("ana").includes("ben")
    assert str(CoderSet.parse("ana")) == "ana" and str(CoderSet.everyone()) == "all"
    assert CoderSet.parse("ana").check(["ana", "ben"]) == CoderSet.one("ana")
    with pytest.raises(InputError, match="no consensus codings"):
        CoderSet.consensus().check(["ana"])
    with pytest.raises(InputError, match="no coder 'zoe'"):
        CoderSet.one("zoe").check(["ana"])
    with pytest.raises(ValueError):
        CoderSet("coder")


def test_three_coders_mean_pairwise_kappa_and_fleiss() -> None:
    ana = [{"x"} if i < 10 else set() for i in range(30)]
    ben = [{"x"} if i < 12 else set() for i in range(30)]
    cleo = [{"x"} if 2 <= i < 12 else set() for i in range(30)]
    units = tuple(Unit("doc", "uid", i, 10 * i, 10 * i + 9, "x") for i in range(30))
    three = CodingTable(
        coders=("ana", "ben", "cleo"),
        documents=("doc",),
        who={"doc": frozenset({"ana", "ben", "cleo"})},
        lengths={"doc": 300},
        units=units,
        values={
            name: tuple(frozenset(v) for v in column)
            for name, column in (("ana", ana), ("ben", ben), ("cleo", cleo))
        },
        spans={},
        code_names={"x": "Code X"},
    )
    (x,) = agreement_of(three).codes
    assert [p.coders for p in x.pairs] == [("ana", "ben"), ("ana", "cleo"), ("ben", "cleo")]
    pairwise = [p.kappa for p in x.pairs]
    assert all(k is not None for k in pairwise)
    assert x.kappa == pytest.approx(sum(k for k in pairwise if k is not None) / 3)
    counts = [[3 - n, n] for n in (sum(1 for c in (ana, ben, cleo) if c[i]) for i in range(30))]
    assert x.fleiss_kappa == pytest.approx(fleiss_kappa(counts))
    assert x.char_agreement == pytest.approx(1.0)  # no spans: nobody coded a character
