"""The report's "Method and corpus" section: how the figures are computed (the synthesis'
own rules and this report's settings), what the corpus holds (schools and documents by
country, group, role, method and language, counted from metadata, never from names), who
coded, and how far the coders agreed when that was computed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from brightspots import findings as engine
from brightspots.models import Codebook, DocumentInfo
from brightspots.report.document import (
    Block,
    BulletList,
    Cell,
    Paragraph,
    Row,
    Section,
    Table,
    Text,
)
from brightspots.report.inputs import ReportInputs
from brightspots.report.wording import count, country_name, label, language_name, series

RULE_LABELS = {
    "unit": "Unit of evidence",
    "passage": "Passage",
    "respondent": "Respondent",
    "schools": "Which schools count",
    "focus_area": "Focus area",
    "share": "Share",
    "difference": "Difference",
    "test": "Test",
    "small": "Small counts",
    "role_and_method": "Roles and methods",
    "distinctive": "Distinctive practices",
}


def method_section(synthesis: engine.Synthesis, inputs: ReportInputs) -> Section:
    rules = [
        (Text(f"{RULE_LABELS.get(key, key.replace('_', ' ').capitalize())}: ", strong=True), text)
        for key, text in engine.RULES.items()
    ]
    settings = [
        f"codings counted: {inputs.coder_set.describe()}",
        f"a practice needs at least {count(synthesis.min_passages, 'passage')} and "
        f"{count(synthesis.min_respondents, 'respondent')} in a school",
        f"schools counted: {synthesis.schools_rule}",
    ]
    if synthesis.filters:
        limits = "; ".join(
            f"{label(key)} = {', '.join(values)}" for key, values in synthesis.filters.items()
        )
        settings.append(f"documents limited to {limits}")
    counted = (
        f"The synthesis counts {count(synthesis.documents, 'document')} from "
        f"{count(synthesis.schools, 'school')} and reads "
        f"{count(synthesis.codings, 'coding')}"
        + (
            f" ({synthesis.detached_codings:,} left out: their text changed)"
            if synthesis.detached_codings
            else ""
        )
        + f". The project holds {count(len(inputs.documents), 'document')} from "
        f"{count(len(_schools(inputs.documents)), 'school')}."
    )
    how = Section(
        "How the figures are computed",
        (
            BulletList(tuple(rules)),
            Paragraph("This report: " + "; ".join(settings) + "."),
        ),
    )
    corpus = Section("The corpus", (Paragraph(counted), *_corpus_tables(inputs.documents)))
    return Section(
        "Method and corpus",
        (
            Paragraph(
                "Transcripts of interviews, focus groups and observations were coded with "
                f"{_codebook_name(inputs.codebook)}; its codes map onto the "
                f"{count(len(inputs.framework.practices()), 'practice')} of "
                f"{inputs.framework.name} (version {inputs.framework.version}), grouped in "
                f"{count(len(inputs.framework.focus_areas), 'focus area')}."
            ),
            how,
            corpus,
            _coders(inputs),
        ),
    )


def _codebook_name(codebook: Codebook | None) -> str:
    if codebook is None:
        return "a codebook"
    return f"{codebook.name} (version {codebook.version}, {count(len(codebook.codes), 'code')})"


def _schools(documents: Sequence[DocumentInfo]) -> dict[tuple[str, str], str]:
    """(country, school) -> its group; `unknown` when its documents disagree."""
    groups: dict[tuple[str, str], str] = {}
    for document in documents:
        key = (document.meta.country, document.meta.school_id)
        group = document.meta.school_group
        groups[key] = group if groups.get(key, group) == group else "unknown"
    return groups


def _corpus_tables(documents: Sequence[DocumentInfo]) -> list[Block]:
    if not documents:
        return [Paragraph("The project holds no documents yet.")]
    schools = _schools(documents)
    countries = sorted({d.meta.country for d in documents})
    by_country: list[Row] = []
    for country in countries:
        mine = [d for d in documents if d.meta.country == country]
        groups = Counter(g for (c, _), g in schools.items() if c == country)
        segments = sum(d.segment_count for d in mine)
        coded = sum(d.coded_segments for d in mine)
        by_country.append(
            Row(
                (
                    Cell(country_name(country)),
                    Cell(groups["pd"], "int"),
                    Cell(groups["comparison"], "int"),
                    Cell(sum(groups.values()) - groups["pd"] - groups["comparison"], "int"),
                    Cell(len(mine), "int"),
                    Cell(coded / segments if segments else None, "percent"),
                )
            )
        )
    blocks: list[Block] = [
        Table(
            "corpus-by-country",
            "Schools and documents by country",
            (
                "Country",
                "PD schools",
                "Comparison schools",
                "Other schools",
                "Documents",
                "Segments coded",
            ),
            tuple(by_country),
            notes=(
                "Other schools: group unknown, or documents that disagree on the group. "
                "Segments coded: sentences carrying a coding by anyone.",
            ),
        )
    ]
    for column, title in (("respondent_role", "respondent role"), ("method", "method")):
        counts = Counter(getattr(d.meta, column) for d in documents)
        school_counts = Counter(
            value
            for value, _ in {
                (getattr(d.meta, column), (d.meta.country, d.meta.school_id)) for d in documents
            }
        )
        rows = tuple(
            Row((Cell(label(value)), Cell(number, "int"), Cell(school_counts[value], "int")))
            for value, number in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or ""))
        )
        blocks.append(
            Table(
                f"corpus-by-{column.replace('_', '-')}",
                f"Documents by {title}",
                (title.capitalize(), "Documents", "Schools"),
                rows,
            )
        )
    languages = Counter(d.meta.language for d in documents)
    blocks.append(
        Paragraph(
            "Languages of the documents: "
            + ", ".join(f"{language_name(code)} ({n})" for code, n in languages.most_common())
            + "."
        )
    )
    return blocks


def corpus_data(documents: Sequence[DocumentInfo]) -> Table:
    combos = Counter(
        (d.meta.country, d.meta.school_group, d.meta.respondent_role or "", d.meta.method or "")
        for d in documents
    )
    school_sets: dict[tuple[str, str, str, str], set[str]] = {}
    for d in documents:
        key = (
            d.meta.country,
            d.meta.school_group,
            d.meta.respondent_role or "",
            d.meta.method or "",
        )
        school_sets.setdefault(key, set()).add(d.meta.school_id)
    rows = tuple(
        Row(
            (
                Cell(c),
                Cell(g),
                Cell(r),
                Cell(m),
                Cell(n, "int"),
                Cell(len(school_sets[c, g, r, m]), "int"),
            )
        )
        for (c, g, r, m), n in sorted(combos.items())
    )
    return Table(
        "corpus",
        "Documents and schools by country, school group, respondent role and method",
        ("country", "school_group", "respondent_role", "method", "documents", "schools"),
        rows,
        key_columns=4,
    )


def _coders(inputs: ReportInputs) -> Section:
    blocks: list[Block] = [
        Paragraph(
            f"Coders in the project: {series(sorted(inputs.coders)) or 'none'}. "
            f"This report uses {inputs.coder_set.describe()}."
        )
    ]
    agreement = inputs.agreement
    if agreement is None:
        blocks.append(
            Paragraph(
                "Inter-coder agreement is not part of this report; `brightspots agreement` "
                "computes it for coders who coded the same documents.",
                style="note",
            )
        )
        return Section("Coders and agreement", tuple(blocks))
    overall = agreement.overall
    blocks.append(
        Paragraph(
            f"Agreement between {series(list(agreement.coders))} on "
            f"{count(len(agreement.documents), 'document')} ({count(agreement.units, 'unit')}: "
            f"{agreement.unit}). Across codes: percent agreement "
            f"{_number(overall.percent_agreement, '.0%')}, Krippendorff's alpha "
            f"{_number(overall.alpha, '.2f')}{_band(overall.alpha_band)}; mean Cohen's kappa "
            f"{_number(overall.mean_kappa, '.2f')}{_band(overall.kappa_band)} over "
            f"{count(overall.codes_compared, 'code')}."
        )
    )
    rows = tuple(
        Row(
            (
                Cell(code.name),
                Cell(code.coded_units, "int"),
                Cell(code.percent_agreement, "percent"),
                Cell(code.kappa, "decimal"),
                Cell(code.alpha, "decimal"),
                Cell(code.kappa_band or code.flag or ""),
            )
        )
        for code in agreement.codes
    )
    blocks.append(
        Table(
            "agreement",
            "Inter-coder agreement per code",
            ("Code", "Units coded", "Agreement", "Kappa", "Alpha", "Kappa band / flag"),
            rows,
            notes=(
                f"Codes on fewer than {agreement.min_units} units, or without variation, get "
                "no figures (flag). Bands: Landis and Koch (kappa); alpha of 0.800 or more "
                "is reliable, 0.667 or more tentative (Krippendorff).",
                *agreement.notes,
            ),
        )
    )
    return Section("Coders and agreement", tuple(blocks))


def _number(value: float | None, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def _band(band: str | None) -> str:
    return f" ({band})" if band else ""
