"""The summary of findings: sentences generated from the synthesis, each with its figures.

A synthesis lead rewrites this section; what it must give them is the facts in the order a
reader wants them, with every figure a sentence rests on (shares with their counts, p and
q), and the caveats next to the claims (small counts, many tests, unmapped codes). It says
what the numbers say and no more: "more common in PD schools", never "causes"."""

from __future__ import annotations

from collections.abc import Mapping

from brightspots import findings as engine
from brightspots.report.document import Block, BulletList, Paragraph, Text
from brightspots.report.wording import count, country_name, p_text, series

TOP = 5
"""How many distinctive practices the summary names."""
SIGNIFICANT = 0.05


def summary_blocks(
    synthesis: engine.Synthesis, focus_areas: Mapping[str, str], coders: str
) -> list[Block]:
    """The summary's paragraphs and lists; `coders` says whose codings count."""
    matrix = synthesis.practice_by_country
    first = matrix.rows[0].total if matrix.rows else None
    if first is None or synthesis.schools == 0 or not matrix.columns:
        return [
            Paragraph(
                f"No school counts yet: nothing in this project is coded by {coders} with a "
                "code mapped to the framework. Code some documents, then run the report again."
            )
        ]
    blocks: list[Block] = [Paragraph(_scope(synthesis, coders))]
    blocks += _distinctive(synthesis, focus_areas)
    blocks += _reach(synthesis)
    blocks += _comparison_ahead(synthesis)
    blocks += _caveats(synthesis)
    return blocks


def _scope(synthesis: engine.Synthesis, coders: str) -> str:
    matrix = synthesis.practice_by_country
    total = matrix.rows[0].total
    unknown = total.overall.schools - total.pd.schools - total.comparison.schools
    countries = [country_name(c) for c in matrix.columns]
    groups = f"{total.pd.schools:,} PD, {total.comparison.schools:,} comparison"
    if unknown:
        groups += f", {unknown:,} of unknown group"
    return (
        f"This synthesis rests on {count(synthesis.documents, 'document')} from "
        f"{count(synthesis.schools, 'school')} ({groups}) in "
        f"{count(len(countries), 'country', 'countries')} ({series(countries)}), "
        f"using {coders}. A practice counts as present in a school when any of the "
        "school's documents carries a coding mapped to it"
        + _thresholds(synthesis)
        + "; shares are of schools."
    )


def _thresholds(synthesis: engine.Synthesis) -> str:
    rules = []
    if synthesis.min_passages > 1:
        rules.append(f"at least {synthesis.min_passages} passages")
    if synthesis.min_respondents > 1:
        rules.append(f"at least {synthesis.min_respondents} respondents")
    return f" ({' and '.join(rules)})" if rules else ""


def _distinctive(synthesis: engine.Synthesis, focus_areas: Mapping[str, str]) -> list[Block]:
    ahead = [d for d in synthesis.distinctive if d.difference > 0]
    if not ahead:
        return [Paragraph("No practice is more common in PD schools than in comparison schools.")]
    items = []
    for entry in ahead[:TOP]:
        area = focus_areas.get(entry.focus_area, entry.focus_area)
        caveat = " Few schools: read with care." if entry.small else ""
        items.append(
            (
                Text(entry.name, strong=True),
                f" ({area}): present in {_share(entry.pd)} of PD schools against "
                f"{_share(entry.comparison)} of comparison schools, "
                f"{_points(entry.difference)}; {p_text(entry.p_value)}"
                f"{_q(entry.q_value)}.{caveat}",
            )
        )
    shown = min(len(ahead), TOP)
    lead = (
        f"The {shown} practices most distinctive of PD schools"
        if shown > 1
        else "The practice most distinctive of PD schools"
    )
    return [
        Paragraph(f"{lead} (largest difference in share, all countries together):"),
        BulletList(tuple(items)),
        Paragraph(_significance(synthesis)),
    ]


def _significance(synthesis: engine.Synthesis) -> str:
    tested = [d for d in synthesis.distinctive if d.p_value is not None]
    below_p = [d for d in tested if (d.p_value or 1) < SIGNIFICANT]
    below_q = [d for d in tested if d.q_value is not None and d.q_value < SIGNIFICANT]
    if not tested:
        return "No difference could be tested: a group has no school."
    text = (
        f"Of {count(len(tested), 'practice')} tested, {len(below_p)} "
        f"{'differs' if len(below_p) == 1 else 'differ'} between PD and comparison schools at "
        f"p < {SIGNIFICANT} (Fisher's exact test)"
    )
    if below_p and not below_q:
        return text + ", but none remains so once adjusted for the number of tests (q)."
    return (
        text + f", and {len(below_q)} after adjusting for the number of tests (q < {SIGNIFICANT})."
    )


def _reach(synthesis: engine.Synthesis) -> list[Block]:
    countries = len(synthesis.practice_by_country.columns)
    if countries < 2:
        return []
    names = {item.key: item.name for item in synthesis.items}
    everywhere = [names[r.practice] for r in synthesis.reach if len(r.pd_countries) == countries]
    most = [
        f"{names[r.practice]} ({len(r.pd_countries)} of {countries})"
        for r in sorted(synthesis.reach, key=lambda r: -len(r.pd_countries))
        if countries / 2 <= len(r.pd_countries) < countries
    ]
    nowhere = [names[r.practice] for r in synthesis.reach if not r.pd_countries]
    sentences = []
    if everywhere:
        sentences.append(f"Found in PD schools of every country: {series(everywhere)}.")
    if most:
        sentences.append(f"In PD schools of at least half the countries: {series(most)}.")
    if not everywhere and not most:
        sentences.append("No practice is found in PD schools of half the countries or more.")
    if nowhere:
        sentences.append(f"Not found in any PD school: {series(nowhere)}.")
    return [Paragraph(" ".join(sentences))]


def _comparison_ahead(synthesis: engine.Synthesis) -> list[Block]:
    behind = sorted(
        (d for d in synthesis.distinctive if d.difference < 0), key=lambda d: d.difference
    )
    if not behind:
        return []
    listed = [f"{d.name} ({_points(d.difference)}, {p_text(d.p_value)})" for d in behind[:3]]
    return [Paragraph(f"More common in comparison schools: {series(listed)}.")]


def _caveats(synthesis: engine.Synthesis) -> list[Block]:
    notes: list[str] = []
    matrix = synthesis.practice_by_country
    small = [c for c in matrix.columns if matrix.rows[0].cells[c].small]
    if small:
        notes.append(
            f"In {len(small)} of {count(len(matrix.columns), 'country', 'countries')} "
            f"({series([country_name(c) for c in small])}) there are fewer than "
            f"{engine.MIN_SCHOOLS} PD or comparison schools: their cells are marked * and "
            "their tests can show little."
        )
    if matrix.rows[0].total.small:
        notes.append(
            f"Even over all countries a group has fewer than {engine.MIN_SCHOOLS} schools: "
            "treat every difference as indicative."
        )
    used = [code for code in synthesis.unmapped_codes if code.codings]
    if used:
        codings = sum(code.codings for code in used)
        verb = "carries" if len(used) == 1 else "carry"
        notes.append(
            f"{count(len(used), 'code')} mapped to no practice {verb} "
            f"{count(codings, 'coding')}, which count in no practice; see the appendix."
        )
    if synthesis.mixed_group_schools:
        notes.append(
            f"{count(len(synthesis.mixed_group_schools), 'school')} "
            f"({series(list(synthesis.mixed_group_schools))}) have documents that disagree "
            "on the school's group and count as of unknown group."
        )
    if synthesis.detached_codings:
        notes.append(
            f"{count(synthesis.detached_codings, 'coding')} were left out because the "
            "text they marked has changed since."
        )
    if not notes:
        return []
    return [Paragraph("Read with care:"), BulletList(tuple(notes))]


def _share(group: engine.GroupCount) -> str:
    share = group.share
    return f"{share:.0%} ({group.present}/{group.schools})" if share is not None else "no school"


def _points(difference: float) -> str:
    points = round(difference * 100)
    return f"{points:+d} percentage points" if points else "no difference"


def _q(q: float | None) -> str:
    if q is None:
        return ""
    return ", q < 0.001" if q < 0.001 else f", q = {q:.3f}"
