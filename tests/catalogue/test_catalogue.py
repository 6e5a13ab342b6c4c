"""The facts catalogue is honest: quotes are verbatim, values read back from quotes, ids unique."""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corridor_sim
from corridor_sim.catalogue import COLUMNS, RANGE_COLUMNS, Fact, Status, fact, facts, value
from corridor_sim.catalogue._files import data_files as _data_files
from corridor_sim.catalogue._files import read_tables as _read_tables
from corridor_sim.catalogue._numbers import detect_lang, parse_numbers
from corridor_sim.errors import FactError, SpecError, UnitError, UnknownNameError
from tests.helpers import ROOT

SEEDS = ROOT / "seeds"
REFERENCES = Path("/work/shared/REFERENCES.md")

#: How many of the quote's own number-words one unit of the catalogue value is:
#: "1,06 миллиона тонн" is stored as 1.06 Mt and reads back as 1.06e6.
QUOTE_SCALE = {
    "Mt": 1e6,
    "Mt/yr": 1e6,
    "kt": 1e3,
    "Gt": 1e9,
    "tcm": 1e12,
    "bn USD": 1e9,
    "GW": 1.0,
    "MW": 1.0,
    "%": 1.0,
    "year": 1.0,
    "yr": 1.0,
    "months": 1.0,
    "sites": 1.0,
}

ALL = facts()
SEED_FACTS = ALL[ALL["status"] != "assumption"]
NUMERIC_SEED_FACTS = SEED_FACTS[SEED_FACTS["value"].notna()]
ASSUMPTIONS = ALL[ALL["status"] == "assumption"]


# --------------------------------------------------------------------------- seed facts
@pytest.mark.parametrize("fid", SEED_FACTS.index.tolist())
def test_quote_is_verbatim_in_its_seed(fid: str) -> None:
    f = fact(fid)
    path = SEEDS / f.source
    assert path.is_file(), f"{fid}: source seed {f.source} not in {SEEDS}"
    assert f.quote in path.read_text(encoding="utf-8"), f"{fid}: quote not found in {f.source}"


@pytest.mark.parametrize("fid", NUMERIC_SEED_FACTS.index.tolist())
def test_value_reads_back_from_quote(fid: str) -> None:
    f = fact(fid)
    assert f.unit in QUOTE_SCALE, f"{fid}: unit {f.unit!r} has no quote scale; add it to the test"
    numbers = parse_numbers(f.quote, detect_lang(f.quote))
    expected = f.value * QUOTE_SCALE[f.unit]
    assert any(math.isclose(n, expected, rel_tol=1e-9) for n in numbers), (
        f"{fid}: value {f.value} {f.unit} (= {expected}) not among {numbers} read from {f.quote!r}"
    )


@pytest.mark.parametrize("fid", SEED_FACTS.index.tolist())
def test_non_english_quotes_are_translated(fid: str) -> None:
    f = fact(fid)
    if detect_lang(f.quote) == "en":
        assert not f.translation_en, f"{fid}: English quote needs no translation"
    else:
        assert f.translation_en, f"{fid}: {detect_lang(f.quote)} quote has no translation_en"


def test_every_seed_is_used_and_years_are_plausible() -> None:
    used = set(SEED_FACTS["source"])
    assert used == {p.name for p in SEEDS.glob("*.txt")}
    years = SEED_FACTS["year"].dropna().astype(int)
    assert years.between(2023, 2050).all()
    assert len(years) == len(SEED_FACTS), "every seed fact has a year"


REQUIRED = {
    "oil.abc.volume_2023": (1.06, "Mt", 2023),
    "oil.abc.volume_2025_plan": (1.7, "Mt", 2025),
    "az.power.export_potential_now": (2, "GW", 2026),
    "az.power.export_potential_now_trend": (2, "GW", 2026),
    "az.power.capacity_added_by_2032": (8, "GW", 2032),
    "az.power.capacity_added_by_2032_trend": (8, "GW", 2032),
    "az.green.capacity_5yr": (7, "GW", 2030),
    "az.green.export_share": (70, "%", 2030),
    "az.power.capacity_built_2yr": (1890, "MW", 2026),
    "serbia.plant.capacity": (500, "MW", 2029),
    "serbia.plant.share_azerbaijan": (50, "%", 2026),
    "serbia.plant.share_serbia": (50, "%", 2026),
    "serbia.plant.opening_year": (2029, "year", 2029),
    "serbia.plant.construction_years": (2, "yr", 2026),
    "serbia.plant.candidate_sites": (3, "sites", 2026),
    "freight.aktau_baku.cargo_2024": (1.625, "Mt", 2024),
    "freight.alat.capacity_2024": (15, "Mt/yr", 2024),
    "freight.alat.capacity_expansion": (25, "Mt/yr", 2024),
    "freight.baku_port.capacity_2025": (15, "Mt/yr", 2025),
    "freight.baku_port.capacity_expandable": (25, "Mt/yr", 2025),
    "freight.btk.capacity_2024": (1, "Mt/yr", 2024),
    "freight.btk.capacity_upgrade": (5, "Mt/yr", 2024),
    "freight.btk.capacity_2025": (5, "Mt/yr", 2025),
    "freight.btk.cargo_7m_2025": (250, "kt", 2025),
    "kz.oil.reserves": (4.4, "Gt", 2025),
    "kz.gas.reserves": (3.8, "tcm", 2025),
    "kz.renewables.share_target_2050": (50, "%", 2050),
    "kz.exports.eu_share": (50, "%", 2025),
    "kz.fdi.cumulative": (365, "bn USD", 2025),
}


@pytest.mark.parametrize(("fid", "expected"), REQUIRED.items())
def test_required_ids_give_documented_numbers(fid: str, expected: tuple) -> None:
    number, unit, year = expected
    assert value(fid, unit=unit) == pytest.approx(number)
    assert fact(fid).year == year


def test_qualitative_rows() -> None:
    for fid, status in [
        ("oil.supsa.strategic_reserve", Status.RESERVE),
        ("caspian.integration_memorandum", Status.AGREEMENT),
        ("caspian.green_energy_agreement", Status.AGREEMENT),
        ("caspian.cable.seabed", Status.PLANNED),
        ("caspian.route.caspian_black_sea_europe", Status.PLANNED),
        ("caspian.route.azerbaijan_turkiye_europe", Status.PLANNED),
        ("serbia.plant.site_names", Status.PLANNED),
    ]:
        f = fact(fid)
        assert f.value is None
        assert f.status is status
        with pytest.raises(SpecError, match="qualitative"):
            value(fid)
    assert {"Trupale", "Kruševac", "Niška Banja"} <= set(
        re.findall(r"Trupale|Kruševac|Niška Banja", fact("serbia.plant.site_names").quote)
    )
    assert fact("caspian.integration_memorandum").year == 2024
    assert "May" in fact("caspian.integration_memorandum").quote


# --------------------------------------------------------------------------- assumptions
@pytest.mark.parametrize("fid", ASSUMPTIONS.index.tolist())
def test_assumptions_have_reason_and_source(fid: str) -> None:
    f = fact(fid)
    assert f.is_assumption
    assert f.status is Status.ASSUMPTION
    assert f.reason.strip()
    if not (f.source.startswith("REFERENCES.md") or "judg" in f.source):
        # a public source found outside REFERENCES.md must give its address
        assert f.reference.startswith("http"), (
            f"{fid}: source {f.source!r} is neither a REFERENCES.md key nor "
            "'engineering judgement', so it needs a public URL in 'reference'"
        )


@pytest.mark.skipif(not REFERENCES.is_file(), reason="REFERENCES.md not available")
@pytest.mark.parametrize("fid", ASSUMPTIONS.index.tolist())
def test_assumption_cites_existing_reference_keys(fid: str) -> None:
    f = fact(fid)
    if not f.source.startswith("REFERENCES.md"):
        return
    text = REFERENCES.read_text(encoding="utf-8")
    keys = re.findall(r"\b[A-Z]\d+\b", f.source)
    assert keys, f"{fid}: source {f.source!r} names no REFERENCES.md key such as 'A14'"
    for key in keys:
        assert re.search(rf"(^|· |: ){key} (http|repo)", text, flags=re.MULTILINE), (
            f"{fid}: key {key} is not in REFERENCES.md"
        )


@pytest.mark.skipif(not REFERENCES.is_file(), reason="REFERENCES.md not available")
def test_unit_assumption_quotes_are_verbatim_in_references() -> None:
    text = REFERENCES.read_text(encoding="utf-8")
    rows = ASSUMPTIONS[ASSUMPTIONS["file"] == "assumptions_units.csv"]
    assert len(rows) >= 5
    for fid, row in rows.iterrows():
        if row["source"].startswith("REFERENCES.md"):
            assert row["quote"], fid
            assert row["quote"] in text, f"{fid}: quote not verbatim in REFERENCES.md"


# --------------------------------------------------------------------------- API
def test_public_api_is_wired() -> None:
    assert corridor_sim.fact("oil.abc.volume_2023").value == 1.06
    assert isinstance(corridor_sim.facts(), pd.DataFrame)


def test_unknown_id_suggests_nearest() -> None:
    with pytest.raises(FactError, match="did you mean 'oil.abc.volume_2023'"):
        fact("oil.abc.volume2023")
    with pytest.raises(FactError, match="serbia.plant.capacity"):
        value("serbia.plant.capacty")
    with pytest.raises(LookupError):  # FactError is also a LookupError
        fact("nope")


def test_unit_mismatch_raises() -> None:
    with pytest.raises(UnitError, match=r"'Mt'.*'kt'|'kt'.*'Mt'"):
        value("oil.abc.volume_2023", unit="kt")
    assert value("oil.abc.volume_2023") == 1.06


def test_fact_is_frozen_and_slotted() -> None:
    f = fact("serbia.plant.capacity")
    assert isinstance(f, Fact)
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.value = 1.0  # type: ignore[misc]
    assert not hasattr(f, "__dict__")
    assert not f.is_assumption


def test_facts_filters_by_status_and_subject() -> None:
    planned = facts(status="planned")
    assert len(planned) > 0
    assert set(planned["status"]) == {"planned"}
    both = facts(status=["actual", "planned"])
    assert set(both["status"]) == {"actual", "planned"}
    assert len(both) == len(planned) + len(facts(status="actual"))
    assumptions = facts(status=Status.ASSUMPTION)
    assert set(assumptions["status"]) == {"assumption"}
    assert "units.crude.bbl_per_t" in assumptions.index
    aktau = facts(subject="aktau")
    assert {"oil.abc.volume_2023", "freight.aktau_baku.cargo_2024"} <= set(aktau.index)
    assert facts(subject="no such subject at all").empty
    with pytest.raises(UnknownNameError, match="did you mean 'planned'"):
        facts(status="planed")


def test_facts_returns_a_copy() -> None:
    tab = facts()
    assert list(tab.columns[: len(COLUMNS)]) == list(COLUMNS)
    tab.loc["oil.abc.volume_2023", "value"] = 99.0
    assert facts().loc["oil.abc.volume_2023", "value"] == 1.06
    assert value("oil.abc.volume_2023") == 1.06


def test_ids_unique_and_headers_exact_in_every_file() -> None:
    seen: dict[str, str] = {}
    for f in _data_files():
        raw = pd.read_csv(f, dtype=str, keep_default_na=False)
        assert tuple(raw.columns) in (COLUMNS, COLUMNS + RANGE_COLUMNS), f.name
        for fid in raw["id"]:
            assert fid not in seen, f"{fid} in {seen.get(fid)} and {f.name}"
            seen[fid] = f.name
    assert len(seen) == len(ALL)


# --------------------------------------------------------------------------- loader validation
HEADER = ",".join(COLUMNS)
SEED_ROW = "oil.x.a,Test,1.5,Mt,2024,actual,001_906239780a42e28d.txt,quote,,,"
ASSUMPTION_ROW = "oil.x.b,Test,2,Mt,2024,assumption,engineering judgement,,,because,"


def _write(tmp_path: Path, name: str, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_loader_reads_good_files(tmp_path: Path) -> None:
    tab = _read_tables(
        [
            _write(tmp_path, "seeds.csv", SEED_ROW),
            _write(tmp_path, "assumptions_x.csv", ASSUMPTION_ROW),
        ]
    )
    assert tab.loc["oil.x.a", "value"] == 1.5
    assert tab.loc["oil.x.b", "file"] == "assumptions_x.csv"


def test_loader_rejects_duplicate_ids_naming_both_files(tmp_path: Path) -> None:
    a = _write(tmp_path, "assumptions_a.csv", ASSUMPTION_ROW)
    b = _write(tmp_path, "assumptions_b.csv", ASSUMPTION_ROW)
    with pytest.raises(FactError, match="assumptions_a.csv and assumptions_b.csv"):
        _read_tables([a, b])


@pytest.mark.parametrize(
    ("name", "row", "header", "match"),
    [
        ("seeds.csv", SEED_ROW, HEADER.replace("quote", "excerpt"), "columns"),
        ("seeds.csv", SEED_ROW.replace("actual", "guess"), HEADER, "status 'guess'"),
        ("seeds.csv", SEED_ROW.replace("oil.x.a", "Oil X"), HEADER, "dotted lowercase"),
        ("seeds.csv", SEED_ROW.replace("1.5", "lots"), HEADER, "not a number"),
        ("seeds.csv", SEED_ROW.replace("001_906239780a42e28d.txt", "news.txt"), HEADER, "seed"),
        ("seeds.csv", SEED_ROW.replace(",quote,", ",,"), HEADER, "no verbatim quote"),
        ("seeds.csv", SEED_ROW.replace(",Mt,", ",,"), HEADER, "no unit"),
        ("seeds.csv", SEED_ROW.replace("2024", "20x4"), HEADER, "year"),
        ("assumptions_x.csv", ASSUMPTION_ROW.replace("because", ""), HEADER, "no reason"),
        (
            "assumptions_x.csv",
            ASSUMPTION_ROW.replace("engineering judgement", ""),
            HEADER,
            "source",
        ),
        ("assumptions_x.csv", SEED_ROW, HEADER, "must have status 'assumption'"),
    ],
)
def test_loader_rejects_bad_rows(
    tmp_path: Path, name: str, row: str, header: str, match: str
) -> None:
    with pytest.raises(FactError, match=match):
        _read_tables([_write(tmp_path, name, row, header=header)])


def test_loader_needs_files() -> None:
    with pytest.raises(FactError, match="no CSV files"):
        _read_tables([])


# --------------------------------------------------------------------------- number parser
@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("1,06 миллиона тонн", "ru", [1.06e6]),
        ("до 1,7 млн т и 2 500 тыс. т", "ru", [1.7e6, 2.5e6]),
        ("три площадки", "ru", [3.0]),
        ("from 1 million tons to 5 million tons", "en", [1e6, 5e6]),
        ("2 gigawatts and 1,768 km", "en", [2.0, 1768.0]),
        ("Three sites, two to three months, twenty-five ships", "en", [3.0, 2.0, 3.0, 25.0]),
        ("a 500-megawatt plant, 50% each", "en", [500.0, 50.0]),
        ("4ر4 مليارات طن", "ar", [4.4e9]),
        ("8ر3 تريليونات متر مكعب", "ar", [3.8e12]),
        ("مليونا و625 ألف طن", "ar", [1.625e6]),
        ("365 مليار دولار", "ar", [365e9]),
        ("٢٥٠ ألف طن", "ar", [250e3]),
        ("٣٫٥ مليون", "ar", [3.5e6]),
        ("خلال السنوات الخمس القادمة", "ar", [5.0]),
        ("حتى عام 2050م", "ar", [2050.0]),
        ("no numbers here", "en", []),
    ],
)
def test_parse_numbers_examples(text: str, lang: str, expected: list[float]) -> None:
    assert parse_numbers(text, lang) == pytest.approx(expected)


def test_parse_numbers_rejects_unknown_language() -> None:
    with pytest.raises(SpecError, match="lang"):
        parse_numbers("1", "de")


def test_detect_lang() -> None:
    assert detect_lang("1,06 миллиона") == "ru"
    assert detect_lang("مليون") == "ar"
    assert detect_lang("2 gigawatts") == "en"


_AR_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@settings(max_examples=60, deadline=None)
@given(
    whole=st.integers(min_value=1, max_value=999),
    frac=st.integers(min_value=1, max_value=9),
    scale=st.sampled_from(
        [
            (1e3, "thousand", "тысяч", "ألف"),
            (1e6, "million", "миллиона", "مليون"),
            (1e9, "billion", "миллиарда", "مليار"),
        ]
    ),
)
def test_parse_numbers_round_trip(whole: int, frac: int, scale: tuple) -> None:
    factor, en, ru, ar = scale
    x = whole + frac / 10
    expected = pytest.approx(x * factor)
    assert parse_numbers(f"about {whole}.{frac} {en} tons", "en") == [expected]
    assert parse_numbers(f"около {whole},{frac} {ru} тонн", "ru") == [expected]
    assert parse_numbers(f"نحو {frac}ر{whole} {ar} طن", "ar") == [expected]
    assert parse_numbers(f"نحو {whole}٫{frac} {ar} طن".translate(_AR_DIGITS), "ar") == [expected]


def test_unknown_id_without_a_close_match_lists_the_ids_under_its_prefix() -> None:
    # regression: "oil.btc" got the first 12 ids of the alphabet (az.*, caspian.*)
    with pytest.raises(FactError, match=r"ids under 'oil\.btc': 'oil\.btc\.") as err:
        fact("oil.btc")
    assert "az.green" not in str(err.value)
    with pytest.raises(FactError, match="unknown fact id"):
        fact(["not", "hashable"])  # type: ignore[arg-type]
    with pytest.raises(UnknownNameError, match="expected a status string"):
        facts(status=5)  # type: ignore[arg-type]
