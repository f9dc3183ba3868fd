"""Inter-coder agreement: how far two or more coders applied the codebook alike.

**Which documents.** By default, the documents that *every* chosen coder coded, where a
coder "coded" a document when they have at least one coding there (detached codings, whose
text has changed, are left out throughout). An explicit list of documents overrides this
(every coder is then taken to have coded each of them, even if they found nothing to code).
With `partial=True`, documents that at least two of the coders coded are used too; a coder
who did not code a document gives *missing* values there: Krippendorff's alpha uses every
value, Cohen's kappa each pair's common documents, Fleiss' kappa only units that every
coder coded.

**Units.** The unit of analysis is the *segment*: a sentence of a speech turn, exactly as
the segmenter stored it (`segments` table). A coder marks a unit with a code when any of
their codings with that code overlaps it by at least one character; so a coding of half a
sentence marks the sentence, and one running over three sentences marks all three.

**Per code** (presence/absence of the code on each unit, two categories):
percent agreement (the share of agreeing pairs among the pairs of values a unit has,
averaged over units; for two coders, simply the share of units they agree on), Cohen's
kappa for each pair of coders (scikit-learn; the table's kappa is their mean, Light's
kappa, when there are more than two), Fleiss' kappa (statsmodels), and Krippendorff's alpha
(nominal, the `krippendorff` package, with missing values). Alongside, a character-level
measure as NVivo's coding comparison computes it: per pair of coders, agreement =
(characters both coded + characters neither coded) / characters of the documents, and
Cohen's kappa on characters, pooled over the documents (whole document texts, speaker
labels included); with more than two coders, the mean over pairs.

A code that fewer than `min_units` units carry (by anyone), or that shows no variation
(every unit carries it), is *flagged*: its figures are left out (None) rather than given a
number that would mislead. Interpretation bands: Landis and Koch (1977) for kappa,
Krippendorff (2004) for alpha (>= 0.800 reliable, >= 0.667 tentative, else unreliable).

**Across codes.** Each unit's value for a coder is the *set* of codes that coder gave it
(the empty set included): two coders agree on a unit only when they gave it exactly the
same codes. Nominal alpha and percent agreement over these values, and the mean of the
per-code kappas of the codes not flagged."""

from __future__ import annotations

import bisect
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from itertools import combinations
from typing import TYPE_CHECKING, Any, Literal

from brightspots.errors import InputError, NotFoundError
from brightspots.store import Store
from brightspots.store.database import DOCUMENT_FILTERS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MIN_UNITS = 10
UNIT = (
    "segment (a sentence of a speech turn); a coder marks it with a code when one of "
    "their codings with that code overlaps it"
)
Level = Literal["nominal", "ordinal", "interval", "ratio"]


# --- the published statistics, on plain data ---------------------------------------------


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's (1960) kappa of two coders' labels for the same units; None when it is
    undefined (both coders gave one and the same label to every unit)."""
    if len(a) != len(b):
        raise ValueError("both coders need a label for every unit")
    if not a or len(set(a) | set(b)) < 2:
        return None
    from sklearn.metrics import cohen_kappa_score

    labels = sorted(set(a) | set(b), key=repr)
    return _number(cohen_kappa_score(list(a), list(b), labels=labels))


def fleiss_kappa(table: Sequence[Sequence[int]] | npt.NDArray[np.float64]) -> float | None:
    """Fleiss' (1971) kappa from a subjects x categories table of how many raters put each
    subject in each category (every row sums to the same number of raters); None when
    undefined (every rating in one category)."""
    import numpy as np

    counts = np.asarray(table, dtype=float)
    if counts.ndim != 2 or counts.shape[0] == 0:
        return None
    totals = counts.sum(axis=0)
    if np.count_nonzero(totals) < 2:
        return None
    from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

    return _number(statsmodels_fleiss(counts, method="fleiss"))


def krippendorff_alpha(
    data: Sequence[Sequence[float | None]] | npt.NDArray[np.float64], level: Level = "nominal"
) -> float | None:
    """Krippendorff's alpha for coders x units reliability data (None or NaN where a coder
    gave no value); None when undefined (fewer than two distinct values)."""
    import numpy as np

    values = _matrix(data)
    present = values[~np.isnan(values)]
    if np.unique(present).size < 2:
        return None
    pairable = (~np.isnan(values)).sum(axis=0) >= 2
    if not pairable.any():
        return None
    import krippendorff

    return _number(krippendorff.alpha(reliability_data=values, level_of_measurement=level))


def percent_agreement(
    data: Sequence[Sequence[float | None]] | npt.NDArray[np.float64],
) -> float | None:
    """The share of agreeing pairs among each unit's pairs of values, averaged over the
    units with at least two values (for two coders: the share of units they agree on)."""
    import numpy as np

    values = _matrix(data)
    agreeing = np.zeros(values.shape[1])
    pairs = np.zeros(values.shape[1])
    for i, j in combinations(range(values.shape[0]), 2):
        both = ~np.isnan(values[i]) & ~np.isnan(values[j])
        pairs += both
        agreeing += both & (values[i] == values[j])
    pairable = pairs > 0
    if not pairable.any():
        return None
    return float((agreeing[pairable] / pairs[pairable]).mean())


def kappa_band(kappa: float | None) -> str | None:
    """Landis and Koch (1977)."""
    if kappa is None:
        return None
    if kappa < 0:
        return "poor"
    for limit, band in (
        (0.20, "slight"),
        (0.40, "fair"),
        (0.60, "moderate"),
        (0.80, "substantial"),
    ):
        if kappa <= limit:
            return band
    return "almost perfect"


def alpha_band(alpha: float | None) -> str | None:
    """Krippendorff (2004): rely on data at alpha >= .800; draw only tentative conclusions
    at .667 <= alpha < .800; below that, do not rely on them."""
    if alpha is None:
        return None
    if alpha >= 0.800:
        return "reliable"
    if alpha >= 0.667:
        return "tentative"
    return "unreliable"


def _matrix(
    data: Sequence[Sequence[float | None]] | npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    import numpy as np

    if isinstance(data, np.ndarray):
        return data.astype(float)
    return np.array([[math.nan if v is None else v for v in row] for row in data], dtype=float)


def _number(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


# --- the units of a project ------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A segment of a document in scope."""

    document: str  # name
    document_id: str  # uid
    index: int  # the segment's index in its document
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class CodingTable:
    """What agreement and adjudication compute on: the units of the documents in scope and,
    per coder, the codes they gave each unit (None where the coder did not code the
    document), with their codings' spans."""

    coders: tuple[str, ...]
    documents: tuple[str, ...]
    who: Mapping[str, frozenset[str]]  # document name -> the coders who coded it
    lengths: Mapping[str, int]  # document name -> characters
    units: tuple[Unit, ...]
    values: Mapping[str, tuple[frozenset[str] | None, ...]]  # coder -> per unit
    spans: Mapping[tuple[str, str, str], tuple[tuple[int, int], ...]]  # (doc, coder, code)
    code_names: Mapping[str, str]

    def codes(self) -> list[str]:
        """The codes any of the coders gave a unit, in codebook order."""
        used = {code for _, _, code in self.spans} | {code for _, code in self._index}
        order = {key: i for i, key in enumerate(self.code_names)}
        return sorted(used, key=lambda key: (order.get(key, len(order)), key))

    def coded(self, coder: str, document: str) -> bool:
        """Whether the coder coded the document (their values there are not missing)."""
        return coder in self.who.get(document, frozenset())

    def presence(self, code: str) -> npt.NDArray[np.float64]:
        """coders x units: 1 where the coder gave the unit the code, 0 where not, NaN where
        the coder did not code the document."""
        import numpy as np

        rows = np.zeros((len(self.coders), len(self.units)))
        for row, coder in enumerate(self.coders):
            rows[row, self._missing[coder]] = math.nan
            rows[row, self._index.get((coder, code), [])] = 1.0
        return rows

    @cached_property
    def _index(self) -> dict[tuple[str, str], list[int]]:
        """(coder, code) -> the units the coder gave the code (one pass over the units)."""
        index: dict[tuple[str, str], list[int]] = {}
        for coder, column in self.values.items():
            for i, codes in enumerate(column):
                for code in codes or ():
                    index.setdefault((coder, code), []).append(i)
        return index

    @cached_property
    def _missing(self) -> dict[str, list[int]]:
        return {
            coder: [i for i, codes in enumerate(column) if codes is None]
            for coder, column in self.values.items()
        }


def collect(
    store: Store,
    coders: Sequence[str],
    *,
    documents: Sequence[str] | None = None,
    filters: Mapping[str, str] | None = None,
    partial: bool = False,
) -> CodingTable:
    """The coding table of `coders` over the documents in scope (see the module's
    docstring for which documents count)."""
    chosen = check_coders(store, coders)
    for key in filters or {}:
        if key not in DOCUMENT_FILTERS:
            raise InputError(f"cannot filter by {key!r}; use one of " + ", ".join(DOCUMENT_FILTERS))
    in_filter = [d.name for d in store.list_documents(filters)] if filters else None
    if documents is not None:
        for name in documents:
            try:
                store.get_document(name)
            except KeyError:
                raise NotFoundError(f"no document named {name!r} in this project") from None
        names = [n for n in documents if in_filter is None or n in in_filter]
        who = {name: set(chosen) for name in names}
    else:
        found = store.coders_by_document(chosen, in_filter)
        needed = 2 if partial else len(chosen)
        who = {name: set(c) for name, c in found.items() if len(c) >= needed}
    units: list[Unit] = []
    values: dict[str, list[frozenset[str] | None]] = {c: [] for c in chosen}
    spans: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    lengths: dict[str, int] = {}
    for name in sorted(who):
        num, info, text = store.get_document(name)
        lengths[name] = len(text)
        segments = store.list_segments(num, text)
        first = len(units)
        units += [Unit(name, info.id, s.index, s.start, s.end, s.text) for s in segments]
        starts = [s.start for s in segments]
        ends = [s.end for s in segments]
        marks: dict[str, list[set[str]]] = {c: [set() for _ in segments] for c in who[name]}
        for coding in store.codings_of_document(num):
            coder = coding["coder"]
            if coder not in marks or coding["status"] != "ok":
                continue
            spans.setdefault((name, coder, coding["code"]), []).append(
                (coding["start"], coding["end"])
            )
            low = bisect.bisect_right(ends, coding["start"])
            high = bisect.bisect_left(starts, coding["end"])
            for i in range(low, high):
                marks[coder][i].add(coding["code"])
        for coder in chosen:
            if coder in marks:
                values[coder] += [frozenset(m) for m in marks[coder]]
            else:
                values[coder] += [None] * (len(units) - first)
    codebook = store.load_codebook()
    return CodingTable(
        coders=chosen,
        documents=tuple(sorted(who)),
        who={name: frozenset(c) for name, c in who.items()},
        lengths=lengths,
        units=tuple(units),
        values={c: tuple(v) for c, v in values.items()},
        spans={k: tuple(sorted(v)) for k, v in spans.items()},
        code_names={c.id: c.name for c in codebook.codes} if codebook else {},
    )


def check_coders(store: Store, coders: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(c.strip() for c in coders if c.strip()))
    if len(chosen) < 2:
        raise InputError("name at least two coders to compare, e.g. --coders ana,ben")
    known = store.list_coders()
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise NotFoundError(
            f"no coder {', '.join(map(repr, unknown))} in this project; coders: "
            + (", ".join(known) or "none yet")
        )
    return chosen


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairAgreement:
    """Two coders on one code."""

    coders: tuple[str, str]
    units: int  # units both coded
    percent_agreement: float | None
    kappa: float | None
    char_agreement: float | None
    char_kappa: float | None


@dataclass(frozen=True)
class CodeAgreement:
    code: str
    name: str
    units: int  # units with values from at least two coders
    coded_units: int  # of those, units at least one coder gave this code
    percent_agreement: float | None
    kappa: float | None  # Cohen's for two coders; the mean over pairs for more
    fleiss_kappa: float | None
    alpha: float | None  # Krippendorff's, nominal
    char_agreement: float | None
    char_kappa: float | None
    pairs: tuple[PairAgreement, ...] = ()
    flag: str | None = None  # why the figures are left out

    @property
    def kappa_band(self) -> str | None:
        return kappa_band(self.kappa)

    @property
    def alpha_band(self) -> str | None:
        return alpha_band(self.alpha)


@dataclass(frozen=True)
class OverallAgreement:
    """Across codes: each unit's value is the set of codes a coder gave it."""

    units: int
    percent_agreement: float | None
    alpha: float | None
    mean_kappa: float | None  # of the codes not flagged
    codes_compared: int  # codes not flagged

    @property
    def kappa_band(self) -> str | None:
        return kappa_band(self.mean_kappa)

    @property
    def alpha_band(self) -> str | None:
        return alpha_band(self.alpha)


@dataclass(frozen=True)
class AgreementReport:
    coders: tuple[str, ...]
    documents: tuple[str, ...]
    units: int
    min_units: int
    codes: tuple[CodeAgreement, ...]
    overall: OverallAgreement
    unit: str = UNIT
    partial: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def flagged(self) -> tuple[CodeAgreement, ...]:
        return tuple(c for c in self.codes if c.flag)

    def to_json(self) -> dict[str, Any]:
        """Plain data (bands included) for JSON output."""
        data = asdict(self)
        data["codes"] = [
            asdict(c) | {"kappa_band": c.kappa_band, "alpha_band": c.alpha_band} for c in self.codes
        ]
        data["overall"] = asdict(self.overall) | {
            "kappa_band": self.overall.kappa_band,
            "alpha_band": self.overall.alpha_band,
        }
        return data


def agreement(
    store: Store,
    coders: Sequence[str],
    *,
    documents: Sequence[str] | None = None,
    filters: Mapping[str, str] | None = None,
    partial: bool = False,
    min_units: int = MIN_UNITS,
) -> AgreementReport:
    """Agreement between `coders` per code and across codes (see the module's docstring)."""
    table = collect(store, coders, documents=documents, filters=filters, partial=partial)
    return agreement_of(table, min_units=min_units, partial=partial)


def agreement_of(
    table: CodingTable, *, min_units: int = MIN_UNITS, partial: bool = False
) -> AgreementReport:
    import numpy as np

    notes = []
    if not table.documents:
        notes.append(
            "no document was coded by "
            + ("at least two of these coders" if partial else "every one of these coders")
        )
    codes = tuple(_code_agreement(table, code, min_units) for code in table.codes())
    sets = _set_values(table)
    pairable = int(((~np.isnan(sets)).sum(axis=0) >= 2).sum()) if sets.size else 0
    compared = [c.kappa for c in codes if not c.flag and c.kappa is not None]
    overall = OverallAgreement(
        units=pairable,
        percent_agreement=percent_agreement(sets) if pairable else None,
        alpha=krippendorff_alpha(sets) if pairable else None,
        mean_kappa=sum(compared) / len(compared) if compared else None,
        codes_compared=len(compared),
    )
    return AgreementReport(
        coders=table.coders,
        documents=table.documents,
        units=pairable,
        min_units=min_units,
        codes=codes,
        overall=overall,
        partial=partial,
        notes=tuple(notes),
    )


def _code_agreement(table: CodingTable, code: str, min_units: int) -> CodeAgreement:
    import numpy as np

    values = table.presence(code)
    pairable = (~np.isnan(values)).sum(axis=0) >= 2
    units = int(pairable.sum())
    coded = int((np.nan_to_num(values[:, pairable]) > 0).any(axis=0).sum())
    present = values[:, pairable]
    present = present[~np.isnan(present)]
    name = table.code_names.get(code, code)
    flag = None
    if coded < min_units:
        flag = f"only {coded} unit(s) carry it (fewer than {min_units})"
    elif np.unique(present).size < 2:
        flag = "no variation: every unit carries it"
    if flag:
        return CodeAgreement(code, name, units, coded, None, None, None, None, None, None, (), flag)
    pairs = tuple(
        _pair(table, values, code, i, j) for i, j in combinations(range(len(table.coders)), 2)
    )
    kappas = [p.kappa for p in pairs if p.kappa is not None]
    complete = values[:, ~np.isnan(values).any(axis=0)]
    fleiss = None
    if complete.size:
        positives = complete.sum(axis=0)
        fleiss = fleiss_kappa(np.stack([len(table.coders) - positives, positives], axis=1))
    char_agreements = [p.char_agreement for p in pairs if p.char_agreement is not None]
    char_kappas = [p.char_kappa for p in pairs if p.char_kappa is not None]
    return CodeAgreement(
        code=code,
        name=name,
        units=units,
        coded_units=coded,
        percent_agreement=percent_agreement(values),
        kappa=sum(kappas) / len(kappas) if kappas else None,
        fleiss_kappa=fleiss,
        alpha=krippendorff_alpha(values),
        char_agreement=_mean(char_agreements),
        char_kappa=_mean(char_kappas),
        pairs=pairs,
    )


def _pair(
    table: CodingTable, values: npt.NDArray[np.float64], code: str, i: int, j: int
) -> PairAgreement:
    import numpy as np

    a, b = table.coders[i], table.coders[j]
    both = ~np.isnan(values[i]) & ~np.isnan(values[j])
    x, y = values[i][both].astype(int).tolist(), values[j][both].astype(int).tolist()
    agree = sum(1 for p, q in zip(x, y, strict=True) if p == q) / len(x) if x else None
    char_agreement, char_kappa = _characters(table, code, a, b)
    return PairAgreement((a, b), len(x), agree, cohen_kappa(x, y), char_agreement, char_kappa)


def _characters(table: CodingTable, code: str, a: str, b: str) -> tuple[float | None, float | None]:
    """NVivo's coding comparison for one code and two coders, pooled over the documents
    both coded: (agreement, kappa) on characters."""
    total = coded_a = coded_b = coded_both = 0
    for document in table.documents:
        if not (table.coded(a, document) and table.coded(b, document)):
            continue
        total += table.lengths[document]
        first = merge_spans(table.spans.get((document, a, code), ()))
        second = merge_spans(table.spans.get((document, b, code), ()))
        coded_a += sum(end - start for start, end in first)
        coded_b += sum(end - start for start, end in second)
        coded_both += _overlap(first, second)
    if not total:
        return None, None
    neither = total - (coded_a + coded_b - coded_both)
    observed = (coded_both + neither) / total
    pa, pb = coded_a / total, coded_b / total
    expected = pa * pb + (1 - pa) * (1 - pb)
    kappa = (observed - expected) / (1 - expected) if expected < 1 else None
    return observed, kappa


def merge_spans(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of spans, as sorted spans that neither overlap nor touch."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlap(first: Sequence[tuple[int, int]], second: Sequence[tuple[int, int]]) -> int:
    total = i = j = 0
    while i < len(first) and j < len(second):
        low = max(first[i][0], second[j][0])
        high = min(first[i][1], second[j][1])
        total += max(0, high - low)
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return total


def _set_values(table: CodingTable) -> npt.NDArray[np.float64]:
    """coders x units: each distinct set of codes as a category number (NaN: missing)."""
    import numpy as np

    categories: dict[frozenset[str], int] = {}
    rows = []
    for coder in table.coders:
        row = []
        for codes in table.values[coder]:
            if codes is None:
                row.append(math.nan)
            else:
                row.append(float(categories.setdefault(codes, len(categories))))
        rows.append(row)
    return np.array(rows, dtype=float) if rows and rows[0] else np.empty((len(rows), 0))


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
