"""The catalogue's files: their columns, the rules every row keeps, and reading them.

Every CSV file in :mod:`corridor_sim.catalogue`'s ``data`` folder has the columns
:data:`COLUMNS`, optionally followed by :data:`RANGE_COLUMNS`. :func:`read_tables` reads
and checks them all (ids, statuses, values, quotes, ranges) and concatenates them.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import pandas as pd

from corridor_sim.errors import FactError, suggest

__all__ = [
    "COLUMNS",
    "DISTRIBUTIONS",
    "RANGE_COLUMNS",
    "Fact",
    "Status",
    "data_files",
    "read_tables",
]

#: The columns of every catalogue CSV file, in this order.
COLUMNS: tuple[str, ...] = (
    "id",
    "subject",
    "value",
    "unit",
    "year",
    "status",
    "source",
    "quote",
    "translation_en",
    "reason",
    "reference",
)
#: Optional columns after :data:`COLUMNS`: the plausible range of an assumption (``low``,
#: ``high`` in the row's unit), the shape of its distribution (``uniform``, ``triangular``
#: with the value as mode, ``normal`` or ``lognormal`` with ``low``/``high`` as the 5th and
#: 95th percentiles) and why that range (``range_reason``). A file has all four or none.
RANGE_COLUMNS: tuple[str, ...] = ("low", "high", "distribution", "range_reason")
#: Shapes accepted in the ``distribution`` column (empty: ``triangular``).
DISTRIBUTIONS: tuple[str, ...] = ("uniform", "triangular", "normal", "lognormal")

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_SEED_RE = re.compile(r"^\d{3}_[0-9a-f]+\.txt$")


class Status(StrEnum):
    """What kind of figure a catalogue row is (a closed vocabulary).

    ``actual`` happened or exists; ``planned`` is a stated plan with a date or a
    project; ``target`` is a policy goal; ``potential`` is what could be done
    (an export potential, an expandable capacity); ``reserve`` is a stand-by
    route or capacity; ``resource`` is a natural-resource endowment (oil, gas
    reserves in the ground); ``agreement`` is a signed document or an agreed
    share; ``assumption`` is a value the seeds do not give, chosen by us and
    cited from ``REFERENCES.md`` or labelled engineering judgement.

    Attributes
    ----------
    ACTUAL, PLANNED, TARGET, POTENTIAL, RESERVE, RESOURCE, AGREEMENT, ASSUMPTION : str
        The values of the catalogue's ``status`` column, in lower case.

    Examples
    --------
    >>> import corridor_sim as cs
    >>> Status(cs.fact("units.crude.bbl_per_t").status) is Status.ASSUMPTION
    True
    >>> len(cs.facts(status=Status.PLANNED)) > 0
    True
    """

    ACTUAL = "actual"
    PLANNED = "planned"
    TARGET = "target"
    POTENTIAL = "potential"
    RESERVE = "reserve"
    RESOURCE = "resource"
    AGREEMENT = "agreement"
    ASSUMPTION = "assumption"


_STATUSES: tuple[str, ...] = tuple(s.value for s in Status)


@dataclass(frozen=True, slots=True)
class Fact:
    """One row of the catalogue: a documented figure or a labelled assumption.

    Parameters
    ----------
    id : str
        Dotted lowercase id, domain first (``"oil.abc.volume_2023"``).
    subject : str
        What the figure is about, in English.
    value : float or None
        The number, in `unit`; ``None`` for a qualitative row (an agreement, a route).
    unit : str
        Unit of `value` (``"Mt"``, ``"GW"``, ``"%"``, ``"bbl/t"``); for qualitative
        rows the kind of thing (``"agreement"``, ``"route"``).
    year : int or None
        The year the figure applies to (see ``docs/facts.md`` for the convention).
    status : Status
        Kind of figure (actual, planned, ..., assumption).
    source : str
        Seed file name for seed facts; ``"REFERENCES.md <key>"`` or
        ``"engineering judgement"`` for assumptions.
    quote : str
        Verbatim excerpt from the seed (original language) or from REFERENCES.md.
    translation_en : str
        English translation of a non-English quote (empty otherwise).
    reason : str
        Why this value (required for assumptions).
    reference : str
        Public URL of the reference, where there is one.
    low, high : float or None
        Plausible range of an assumption in `unit` (``None``: no range given).
    distribution : str
        Shape of the range for Monte Carlo studies (``"triangular"`` when empty).
    range_reason : str
        Why that range.

    Examples
    --------
    >>> from corridor_sim.catalogue import fact
    >>> f = fact("oil.tanker.dwt")
    >>> f.value, f.unit, f.is_assumption, f.has_range
    (8000.0, 't', True, True)
    >>> "8,000 t" in f._repr_html_()  # the card a notebook shows
    True
    """

    id: str
    subject: str
    value: float | None
    unit: str
    year: int | None
    status: Status
    source: str
    quote: str
    translation_en: str
    reason: str
    reference: str
    low: float | None = None
    high: float | None = None
    distribution: str = ""
    range_reason: str = ""

    @property
    def has_range(self) -> bool:
        """Whether the row carries a plausible range (``low`` and ``high``)."""
        return self.low is not None and self.high is not None

    @property
    def is_assumption(self) -> bool:
        """Whether the row is a labelled assumption rather than a seed fact."""
        return self.status is Status.ASSUMPTION

    def _repr_html_(self) -> str:
        """Return a card for notebooks: the figure with its unit, year, status and evidence."""
        from corridor_sim.results.display import html_card
        from corridor_sim.results.numbers import format_number

        value = "" if self.value is None else f"{format_number(self.value)} {self.unit}"
        span = (
            f"{format_number(self.low)} to {format_number(self.high)} {self.unit} "
            f"({self.distribution or 'triangular'}): {self.range_reason}"
            if self.has_range
            else ""
        )
        rows = [
            ("value", value or self.unit),
            ("year", self.year),
            ("status", str(getattr(self.status, "value", self.status))),
            ("source", self.source),
            ("quote", self.quote),
            ("translation", self.translation_en),
            ("reason", self.reason),
            ("reference", self.reference),
            ("range", span),
        ]
        return html_card(f"Fact {self.id}", rows, subtitle=self.subject)


def data_files() -> list[Traversable]:
    """Return the catalogue CSV files shipped in the package, sorted by name."""
    folder = resources.files("corridor_sim.catalogue").joinpath("data")
    return sorted(
        (f for f in folder.iterdir() if f.name.endswith(".csv") and f.is_file()),
        key=lambda f: f.name,
    )


def _read_one(file: Traversable | Path) -> pd.DataFrame:
    """Read and check one catalogue CSV file (columns, ids, values, statuses)."""
    name = file.name
    text = file.read_text(encoding="utf-8")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    cols = tuple(frame.columns)
    if cols not in (COLUMNS, COLUMNS + RANGE_COLUMNS):
        expected = (*COLUMNS, *RANGE_COLUMNS)
        missing = [c for c in COLUMNS if c not in cols]
        extra = [c for c in cols if c not in expected]
        msg = (
            f"catalogue file {name}: columns {list(cols)} do not match the expected "
            f"{list(COLUMNS)}, optionally followed by {list(RANGE_COLUMNS)} (missing "
            f"{missing}, unexpected {extra}, or wrong order)"
        )
        raise FactError(msg)
    for col in RANGE_COLUMNS:
        if col not in frame:
            frame[col] = ""
    frame = frame.apply(lambda col: col.str.strip())
    is_assumption_file = name.startswith("assumptions_")
    for line, row in enumerate(frame.itertuples(index=False), start=2):
        _check_row(row._asdict(), where=f"{name} line {line}", assumption_file=is_assumption_file)
    frame["value"] = pd.to_numeric(frame["value"].replace("", None), errors="raise").astype(float)
    for col in ("low", "high"):
        frame[col] = pd.to_numeric(frame[col].replace("", None), errors="raise").astype(float)
    frame["year"] = pd.to_numeric(frame["year"].replace("", None)).astype("Int64")
    frame["file"] = name
    return frame


def _check_row(row: dict[str, str], *, where: str, assumption_file: bool) -> None:
    """Raise FactError if one catalogue row breaks a rule."""
    fid = row["id"]
    if not _ID_RE.match(fid):
        msg = (
            f"{where}: id {fid!r} is not a dotted lowercase id with the domain first, "
            "e.g. 'oil.abc.volume_2023'"
        )
        raise FactError(msg)
    status = row["status"]
    if status not in _STATUSES:
        msg = f"{where}: status {status!r} of {fid!r} is unknown; {suggest(status, _STATUSES)}"
        raise FactError(msg)
    if row["value"]:
        try:
            number = float(row["value"])
        except ValueError as err:
            msg = f"{where}: value {row['value']!r} of {fid!r} is not a number (or empty)"
            raise FactError(msg) from err
        if not math.isfinite(number):
            msg = f"{where}: value {row['value']!r} of {fid!r} must be finite"
            raise FactError(msg)
    _check_range(row, where=where)
    if row["year"] and not row["year"].isdigit():
        msg = f"{where}: year {row['year']!r} of {fid!r} is not a four-digit year (or empty)"
        raise FactError(msg)
    if not row["unit"]:
        msg = f"{where}: {fid!r} has no unit (use e.g. 'Mt', 'GW', '%', or 'agreement')"
        raise FactError(msg)
    if not row["subject"]:
        msg = f"{where}: {fid!r} has no subject"
        raise FactError(msg)
    if status == Status.ASSUMPTION:
        if not row["reason"]:
            msg = f"{where}: assumption {fid!r} has no reason (say why this value, one sentence)"
            raise FactError(msg)
        if not row["source"]:
            msg = (
                f"{where}: assumption {fid!r} has no source "
                "(a REFERENCES.md key such as 'REFERENCES.md A14', or 'engineering judgement')"
            )
            raise FactError(msg)
    else:
        if assumption_file:
            msg = (
                f"{where}: {fid!r} has status {status!r} in an assumptions file; "
                "rows in assumptions_*.csv must have status 'assumption'"
            )
            raise FactError(msg)
        if not _SEED_RE.match(row["source"]):
            msg = (
                f"{where}: seed fact {fid!r} has source {row['source']!r}; expected the seed "
                "file name, e.g. '001_906239780a42e28d.txt'"
            )
            raise FactError(msg)
        if not row["quote"]:
            msg = f"{where}: seed fact {fid!r} has no verbatim quote from {row['source']}"
            raise FactError(msg)


def _check_range(row: dict[str, str], *, where: str) -> None:
    """Raise FactError if a row's range columns are incomplete or inconsistent."""
    fid = row["id"]
    low, high = row.get("low", ""), row.get("high", "")
    shape, why = row.get("distribution", ""), row.get("range_reason", "")
    if not (low or high or shape or why):
        return
    if not (low and high):
        msg = f"{where}: {fid!r} has a partial range (low {low!r}, high {high!r}); give both"
        raise FactError(msg)
    try:
        lo, hi = float(low), float(high)
    except ValueError as err:
        msg = f"{where}: range of {fid!r} ({low!r}, {high!r}) is not two numbers"
        raise FactError(msg) from err
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
        msg = f"{where}: range of {fid!r} is [{low}, {high}]; expected finite low <= high"
        raise FactError(msg)
    if row["value"] and not lo <= float(row["value"]) <= hi:
        msg = f"{where}: value {row['value']} of {fid!r} lies outside its range [{low}, {high}]"
        raise FactError(msg)
    if shape and shape not in DISTRIBUTIONS:
        msg = f"{where}: distribution {shape!r} of {fid!r} unknown; {suggest(shape, DISTRIBUTIONS)}"
        raise FactError(msg)
    if shape == "lognormal" and lo <= 0:
        msg = f"{where}: lognormal range of {fid!r} needs low > 0 (got {low})"
        raise FactError(msg)
    if not why:
        msg = f"{where}: {fid!r} has a range but no range_reason (say why these bounds)"
        raise FactError(msg)


def read_tables(files: Iterable[Traversable | Path]) -> pd.DataFrame:
    """Read, check and concatenate catalogue files; ids must be unique across them."""
    frames = [_read_one(f) for f in files]
    if not frames:
        msg = "the facts catalogue has no CSV files in corridor_sim/catalogue/data"
        raise FactError(msg)
    table = pd.concat(frames, ignore_index=True)
    dup = table[table["id"].duplicated(keep=False)]
    if not dup.empty:
        first_id = dup["id"].iloc[0]
        where = sorted(dup.loc[dup["id"] == first_id, "file"])
        msg = (
            f"fact id {first_id!r} appears more than once: in {' and '.join(where)}; "
            "ids must be unique across all catalogue files"
        )
        raise FactError(msg)
    return table.set_index("id", drop=False).rename_axis(None)
