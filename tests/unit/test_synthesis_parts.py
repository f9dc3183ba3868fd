"""The synthesis's plain parts: Fisher's test and the Benjamini-Hochberg adjustment against
published values, the quotes' trimming and diverse choice, and lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from brightspots.quotes import ELLIPSIS, choose, country_name, trim
from brightspots.synthesis import benjamini_hochberg, fisher_p


def test_fisher_p_matches_published_values() -> None:
    # Fisher's lady tasting tea (1935): [[3, 1], [1, 3]]; P(k) = C(4,k)C(4,4-k)/C(8,4) =
    # 1, 16, 36, 16, 1 (/70); two-sided p = (1 + 16 + 16 + 1) / 70 = 34/70
    assert fisher_p(3, 1, 1, 3) == pytest.approx(0.485714286, abs=1e-6)
    # [[8, 2], [1, 5]] (scipy's documentation example of a 2x2 table, two-sided)
    assert fisher_p(8, 2, 1, 5) == pytest.approx(0.034965035, abs=1e-6)
    # nothing to tell apart
    assert fisher_p(0, 4, 0, 5) == 1.0


def test_benjamini_hochberg() -> None:
    # sorted p: 0.005, 0.01, 0.03, 0.04 (m = 4) -> p*m/rank = 0.02, 0.02, 0.04, 0.04, then
    # the running minimum from the largest down; given back in the order given
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert benjamini_hochberg([0.5, 0.9]) == pytest.approx([0.9, 0.9])
    assert benjamini_hochberg([]) == []


def test_trim_cuts_at_a_sentence_then_a_word() -> None:
    short = "We meet every week."
    assert trim("  We meet\n every   week. ", 100) == (short, False)
    text = "First we plan together every Monday. Then each teacher tries it and we talk after"
    cut, trimmed = trim(text, 60)
    assert trimmed and cut == "First we plan together every Monday. " + ELLIPSIS
    words = "one two three four five six seven eight nine ten eleven twelve thirteen"
    cut, trimmed = trim(words, 30)
    assert trimmed and cut == "one two three four five six" + ELLIPSIS and len(cut) <= 30
    # a sentence end too early to keep most of the room: cut at a word instead
    cut, _ = trim("Yes. " + words, 40)
    assert cut.startswith("Yes. one two") and cut.endswith(ELLIPSIS) and len(cut) <= 40


def test_choose_prefers_new_countries_then_schools_then_roles() -> None:
    def row(
        country: str, school: str, role: str, method: str = "kii", group: str = "pd"
    ) -> dict[str, str]:
        return {
            "country": country,
            "school_id": school,
            "role": role,
            "method": method,
            "school_group": group,
        }

    candidates = [
        row("ET", "ET-1", "head_teacher"),
        row("ET", "ET-1", "teacher", "fgd"),
        row("ET", "ET-2", "head_teacher"),
        row("TZ", "TZ-1", "head_teacher"),
        row("ET", "ET-3", "parent", "fgd", "comparison"),
    ]
    picked = choose(candidates, 4)
    assert [(r["country"], r["school_id"], r["role"]) for r in picked] == [
        ("ET", "ET-1", "head_teacher"),  # the first (most readable)
        ("TZ", "TZ-1", "head_teacher"),  # a new country
        ("ET", "ET-3", "parent"),  # a new school with a new role, method and group
        ("ET", "ET-2", "head_teacher"),  # a new school
    ]
    assert choose(candidates, 10)[-1] == candidates[1]  # the same school, last
    assert choose(candidates, 4) == picked  # deterministic
    # a refused pick is dropped and the choice goes on
    no_tz = choose(candidates, 2, lambda r: r["country"] != "TZ")
    assert [r["school_id"] for r in no_tz] == ["ET-1", "ET-3"]


def test_country_names() -> None:
    assert country_name("ET") == "Ethiopia"
    assert country_name("TZ") == "Tanzania"
    assert country_name("ZZ") == "ZZ"


def test_synthesis_loads_scipy_only_when_it_tests() -> None:
    code = (
        "import json, sys\n"
        "import brightspots.synthesis, brightspots.quotes, brightspots.project\n"
        "print(json.dumps('scipy' in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) is False
