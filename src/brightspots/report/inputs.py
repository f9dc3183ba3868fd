"""What a report says besides the synthesis itself: the project's framework, codebook,
documents and coders, the quotes and the agreement figures (`ReportInputs`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from brightspots.agreement import AgreementReport
from brightspots.coder_set import CoderSet
from brightspots.models import Codebook, DocumentInfo, Framework
from brightspots.quotes import Quote as Exemplar


@dataclass(frozen=True)
class ReportInputs:
    """What the report says besides the synthesis itself.

    `documents`: every document of the project (the corpus section counts them);
    `coders`: every coder with codings in the project; `coder_set`: whose codings the
    synthesis used; `quotes`: practice key -> its exemplar quotes
    (`quotes.quotes_by_practice`); `agreement`: inter-coder agreement, when it was
    computed for the report."""

    framework: Framework
    codebook: Codebook | None
    documents: Sequence[DocumentInfo]
    coders: Sequence[str]
    coder_set: CoderSet
    quotes: Mapping[str, Sequence[Exemplar]] = field(default_factory=dict)
    agreement: AgreementReport | None = None
    project: str = ""
    title: str = "Cross-country synthesis"
    generated: date | None = None
