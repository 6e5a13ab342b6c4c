"""Read, validate and look up the facts catalogue (``catalogue/data/*.csv``).

Every CSV file in :mod:`corridor_sim.catalogue`'s ``data`` folder is read with
:mod:`importlib.resources`, validated and concatenated into one table. The
table is cached; the public functions hand out copies, so callers cannot alter
the catalogue.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
from collections.abc import Iterable, Iterator, Mapping

import pandas as pd

from corridor_sim.catalogue._files import (
    _STATUSES,
    Fact,
    Status,
    data_files,
    read_tables,
)
from corridor_sim.errors import (
    FactError,
    SpecError,
    UnitError,
    UnknownNameError,
    finite_float,
    suggest,
)

__all__ = [
    "fact",
    "facts",
    "overrides",
    "overriding",
    "recording",
    "value",
]

_OVERRIDES: contextvars.ContextVar[Mapping[str, float] | None] = contextvars.ContextVar(
    "corridor_sim_catalogue_overrides", default=None
)
_READS: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "corridor_sim_catalogue_reads", default=None
)


@contextlib.contextmanager
def recording() -> Iterator[list[str]]:
    """Record the ids of every catalogue row read with :func:`fact` or :func:`value`.

    Yields a list that fills, in reading order and without repeats, while the block
    runs; blocks nest (an inner block's reads count for the outer one too). Models use
    it to list every catalogue row a run reads (their provenance) without declaring
    the ids a second time.

    Yields
    ------
    list of str
        The catalogue ids read inside the block so far, in reading order.

    Examples
    --------
    >>> with recording() as ids:
    ...     _ = value("oil.abc.volume_2023")
    >>> ids
    ['oil.abc.volume_2023']
    """
    outer = _READS.get()
    seen: list[str] = []
    token = _READS.set(seen)
    try:
        yield seen
    finally:
        _READS.reset(token)
        if outer is not None:
            outer.extend(i for i in seen if i not in outer)


@contextlib.contextmanager
def overriding(values: Mapping[str, float]) -> Iterator[dict[str, float]]:
    """Read the catalogue with some rows' values replaced while the block runs.

    Inside the block :func:`fact`, :func:`value` and :func:`facts` give `values` for
    those ids, in each row's own unit; everything else (unit, status, range, recording)
    is unchanged. This is how a Monte Carlo draw samples catalogue ranges: the catalogue
    stays the single place values come from, so a parameter's rule default and rows read
    outside the parameters (fixed rows) see the drawn value alike. Blocks nest (an inner
    block's values win); the override is per thread and per process (a
    :mod:`contextvars` variable), so concurrent draws do not mix.

    Parameters
    ----------
    values : mapping of str to float
        Catalogue id -> value in the row's unit.

    Raises
    ------
    FactError
        An unknown id, a qualitative row (no number), or a value that is not a finite number.

    Yields
    ------
    dict of str to float
        The checked values of this block (as floats), id -> value.

    Examples
    --------
    >>> with overriding({"units.crude.bbl_per_t": 7.32}):
    ...     value("units.crude.bbl_per_t", unit="bbl/t")
    7.32
    >>> value("units.crude.bbl_per_t", unit="bbl/t")
    7.38
    """
    index = _index()
    checked: dict[str, float] = {}
    for fid, raw in values.items():
        if fid not in index:
            msg = f"overriding: unknown fact id {fid!r}: {_nearest(str(fid), list(index))}"
            raise FactError(msg)
        if index[fid].value is None:
            msg = (
                f"overriding: {fid!r} is qualitative ({index[fid].unit}); "
                "it has no value to replace"
            )
            raise FactError(msg)
        checked[fid] = finite_float(
            raw,
            f"overriding: {fid} = {raw!r}",
            expected=f"a finite number in {index[fid].unit}",
            error=FactError,
        )
    outer = _OVERRIDES.get() or {}
    token = _OVERRIDES.set({**outer, **checked})
    try:
        yield checked
    finally:
        _OVERRIDES.reset(token)


def overrides() -> dict[str, float]:
    """Return the values replaced by the :func:`overriding` blocks now running (id -> value).

    Returns
    -------
    dict of str to float
        Catalogue id -> value in the row's unit; empty outside any block. A copy.

    Examples
    --------
    >>> overrides()
    {}
    >>> with overriding({"units.crude.bbl_per_t": 7.32}):
    ...     overrides()
    {'units.crude.bbl_per_t': 7.32}
    """
    return dict(_OVERRIDES.get() or {})


def _record(fact_id: str) -> None:
    seen = _READS.get()
    if seen is not None and fact_id not in seen:
        seen.append(fact_id)


@functools.lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    return read_tables(data_files())


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, Fact]:
    out: dict[str, Fact] = {}
    for row in _table().itertuples(index=False):
        out[row.id] = Fact(
            id=row.id,
            subject=row.subject,
            value=None if pd.isna(row.value) else float(row.value),
            unit=row.unit,
            year=None if pd.isna(row.year) else int(row.year),
            status=Status(row.status),
            source=row.source,
            quote=row.quote,
            translation_en=row.translation_en,
            reason=row.reason,
            reference=row.reference,
            low=None if pd.isna(row.low) else float(row.low),
            high=None if pd.isna(row.high) else float(row.high),
            distribution=row.distribution,
            range_reason=row.range_reason,
        )
    return out


def clear_cache() -> None:
    """Forget the cached catalogue so the next call re-reads the CSV files.

    Call it after editing ``corridor_sim/catalogue/data/*.csv`` in a running session
    (a notebook), so that :func:`fact`, :func:`value` and :func:`facts` see the edit.

    Returns
    -------
    None

    Examples
    --------
    >>> clear_cache()
    >>> value("units.crude.bbl_per_t", unit="bbl/t")  # read from the files again
    7.38
    """
    _table.cache_clear()
    _index.cache_clear()


def facts(*, status: str | Iterable[str] | None = None, subject: str | None = None) -> pd.DataFrame:
    """Return the catalogue (seed facts and assumptions) as a DataFrame.

    Parameters
    ----------
    status : str or iterable of str, optional
        Keep only rows with this status (or any of these), e.g. ``"assumption"``
        or ``["actual", "planned"]``. See :class:`Status` for the vocabulary.
    subject : str, optional
        Keep only rows whose subject or id contains this text (case-insensitive).

    Returns
    -------
    pandas.DataFrame
        A copy, indexed by id, with the columns ``id, subject, value, unit, year,
        status, source, quote, translation_en, reason, reference`` and ``file``
        (the CSV file the row comes from). ``value`` is float (NaN for qualitative
        rows), ``year`` is a nullable integer.

    Raises
    ------
    UnknownNameError
        If `status` is not in the vocabulary.

    Examples
    --------
    >>> import corridor_sim
    >>> tab = corridor_sim.facts(subject="Aktau")
    >>> float(tab.loc["oil.abc.volume_2023", "value"]), tab.loc["oil.abc.volume_2023", "unit"]
    (1.06, 'Mt')
    >>> sorted(corridor_sim.facts(status="reserve").index)
    ['oil.supsa.strategic_reserve']
    """
    table = _table()
    mask = pd.Series(True, index=table.index)
    if status is not None:
        if isinstance(status, str):
            wanted = [status]
        elif isinstance(status, Iterable):
            wanted = list(status)
        else:
            msg = f"facts(status={status!r}): expected a status string or a list of them"
            raise UnknownNameError(msg)
        for s in wanted:
            if s not in _STATUSES:
                msg = f"facts(status={s!r}): unknown status; {suggest(str(s), _STATUSES)}"
                raise UnknownNameError(msg)
        mask &= table["status"].isin(wanted)
    if subject is not None:
        needle = str(subject).casefold()
        hay = table["subject"].str.casefold() + " " + table["id"].str.casefold()
        mask &= hay.str.contains(needle, regex=False)
    out = table.loc[mask].copy()
    for fid, number in (_OVERRIDES.get() or {}).items():
        if fid in out.index:
            out.loc[fid, "value"] = number
    return out


def fact(fact_id: str, *, record: bool = True) -> Fact:
    """Return one catalogue row as a :class:`Fact`.

    Parameters
    ----------
    fact_id : str
        The dotted id, e.g. ``"serbia.plant.capacity"``.
    record : bool, default True
        Count the row as read by a :func:`recording` block; ``False`` looks it up without
        counting it (a model choosing among candidate rows by their year).

    Returns
    -------
    Fact
        The frozen row (value, unit, year, status, source, quote, ...).

    Raises
    ------
    FactError
        If the id is not in the catalogue; the message suggests the nearest ids.

    Examples
    --------
    >>> import corridor_sim
    >>> f = corridor_sim.fact("serbia.plant.capacity")
    >>> (f.value, f.unit, f.year, f.is_assumption)
    (500.0, 'MW', 2029, False)
    """
    index = _index()
    try:
        row = index[fact_id]
    except (KeyError, TypeError) as err:
        msg = f"unknown fact id {fact_id!r}: {_nearest(str(fact_id), list(index))}"
        raise FactError(msg) from err
    if record:
        _record(fact_id)
    replaced = _OVERRIDES.get()
    if replaced and fact_id in replaced:
        return dataclasses.replace(row, value=replaced[fact_id])
    return row


def _nearest(fact_id: str, ids: list[str], *, n: int = 8) -> str:
    """Suggest close ids; failing that, the ids under the longest matching dotted prefix."""
    phrase = suggest(fact_id, ids)
    if phrase.startswith("did you mean"):
        return phrase
    parts = fact_id.casefold().split(".")
    for k in range(len(parts), 0, -1):
        prefix = ".".join(parts[:k])
        under = sorted(i for i in ids if i == prefix or i.startswith(prefix + "."))
        if under:
            shown = ", ".join(repr(i) for i in under[:n])
            more = f", ... ({len(under)} in all)" if len(under) > n else ""
            return f"ids under {prefix!r}: {shown}{more}"
    return phrase


def value(fact_id: str, *, unit: str | None = None) -> float:
    """Return the numeric value of a catalogue row, optionally checking its unit.

    Parameters
    ----------
    fact_id : str
        The dotted id, e.g. ``"oil.abc.volume_2025_plan"``.
    unit : str, optional
        The unit the caller expects. If given and different from the catalogue's
        unit, :class:`~corridor_sim.errors.UnitError` is raised (no silent conversion;
        use :mod:`corridor_sim.units`).

    Returns
    -------
    float
        The value in the catalogue's unit.

    Raises
    ------
    FactError
        If the id is unknown.
    UnitError
        If `unit` is given and differs from the row's unit.
    SpecError
        If the row is qualitative (no numeric value).

    Examples
    --------
    >>> from corridor_sim.catalogue import value
    >>> value("oil.abc.volume_2025_plan", unit="Mt")
    1.7
    """
    row = fact(fact_id)
    if unit is not None and unit != row.unit:
        msg = (
            f"value({fact_id!r}, unit={unit!r}): the catalogue gives this figure in "
            f"{row.unit!r}; ask for unit={row.unit!r} and convert with corridor_sim.units"
        )
        raise UnitError(msg)
    if row.value is None:
        msg = (
            f"value({fact_id!r}): this row is qualitative ({row.unit}, status {row.status}) "
            "and has no numeric value; read it with fact() instead"
        )
        raise SpecError(msg)
    return row.value
