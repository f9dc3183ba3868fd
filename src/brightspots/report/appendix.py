"""The report's appendix: the framework (focus areas and practices, with their wording and
status), the codebook (each code, the practices it maps to, its definition with inclusion
and exclusion rules) and the codes mapped to no practice with their use, so that a reader
can check what every figure counted and that nothing coded was dropped."""

from __future__ import annotations

from brightspots import findings as engine
from brightspots.report.document import Block, Cell, Paragraph, Row, Section, Table
from brightspots.report.inputs import ReportInputs
from brightspots.report.matrices import practice_names


def appendix_section(synthesis: engine.Synthesis, inputs: ReportInputs) -> Section:
    framework = inputs.framework
    practice_rows: list[Row] = []
    for area in framework.focus_areas:
        practice_rows.append(Row((Cell(area.name),), group=True))
        for practice in area.practices:
            practice_rows.append(
                Row((Cell(practice.name), Cell(practice.description or "–"), Cell(practice.status)))
            )
    parts: list[Block | Section] = [
        Section(
            "The framework",
            (
                Paragraph(
                    f"{framework.name}, version {framework.version}. Source: {framework.source}."
                ),
                Table(
                    "framework",
                    "Focus areas and practices of the framework",
                    ("Practice", "Description", "Status"),
                    tuple(practice_rows),
                ),
            ),
        )
    ]
    codebook = inputs.codebook
    if codebook is not None and codebook.codes:
        names = practice_names(synthesis)
        code_rows = tuple(
            Row(
                (
                    Cell(code.name),
                    Cell(", ".join(names.get(p, p) for p in code.practices) or "none"),
                    Cell(_definition(code.definition, code.inclusion, code.exclusion)),
                )
            )
            for code in codebook.codes
        )
        parts.append(
            Section(
                "The codebook",
                (
                    Paragraph(f"{codebook.name}, version {codebook.version}."),
                    Table(
                        "codebook",
                        "Codes, the practices they map to, and their definitions",
                        ("Code", "Practice", "Definition"),
                        code_rows,
                    ),
                ),
            )
        )
    if synthesis.unmapped_codes:
        rows = tuple(
            Row(
                (
                    Cell(code.name),
                    Cell(code.codings, "int"),
                    Cell(code.documents, "int"),
                    Cell(code.schools, "int"),
                )
            )
            for code in synthesis.unmapped_codes
        )
        parts.append(
            Section(
                "Codes mapped to no practice",
                (
                    Paragraph(
                        "These codes count in no practice; they are reported so that nothing "
                        "coded is dropped silently."
                    ),
                    Table(
                        "unmapped-codes",
                        "Codes mapped to no practice, and their use in the documents counted",
                        ("Code", "Codings", "Documents", "Schools"),
                        rows,
                    ),
                ),
            )
        )
    return Section("Appendix", tuple(parts))


def _definition(definition: str, inclusion: str, exclusion: str) -> str:
    parts = [definition.strip()]
    if inclusion.strip():
        parts.append(f"Include: {inclusion.strip()}")
    if exclusion.strip():
        parts.append(f"Exclude: {exclusion.strip()}")
    return "\n".join(p for p in parts if p) or "–"
