"""The notebook gallery (docs/gallery): fast checks of the stored notebooks.

The notebooks are executed by the documentation build (tests/test_docs_site.py); these
checks need no kernel: the files are valid notebooks without outputs, are exactly what
tools/make_gallery.py writes, each states a question and closes with a finding that types
no result into the text, and between them they use every public model.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from corridor_sim.models import available_models
from tests.helpers import ROOT

GALLERY = ROOT / "docs" / "gallery"
NOTEBOOKS = sorted(GALLERY.glob("*.ipynb"))

#: A number with a unit: a result typed into the text (it would go stale).
RESULT_IN_TEXT = re.compile(
    r"\d[\d,.]*\s*(%|percent|Mt|kt|TWh|GWh|MWh|MW|GW|bcm|mcm|EUR|USD|km|kV\b)", re.IGNORECASE
)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _generator():  # the tools/make_gallery.py module
    path = ROOT / "tools" / "make_gallery.py"
    spec = importlib.util.spec_from_file_location("make_gallery", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_gallery_has_the_six_notebooks() -> None:
    assert {p.stem for p in NOTEBOOKS} == {
        "oil_route",
        "caspian_corridor",
        "serbia_plant",
        "middle_corridor",
        "engines_own_net",
        "studies",
    }
    readme = (GALLERY / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"({path.name})" in readme, f"docs/gallery/README.md does not link {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_small_and_without_outputs(path: Path) -> None:
    nb = _load(path)
    assert nb["nbformat"] == 4
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert path.stat().st_size < 40_000, f"{path.name} is {path.stat().st_size} bytes"
    for cell in nb["cells"]:
        assert cell["cell_type"] in {"markdown", "code"}
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name} cell {cell['id']} has stored outputs"
            assert cell["execution_count"] is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_tells_one_question_and_its_finding(path: Path) -> None:
    cells = _load(path)["cells"]
    first, last = cells[0], cells[-1]
    assert first["cell_type"] == "markdown"
    intro = _source(first)
    assert intro.startswith("# "), f"{path.name}: no title"
    assert "?" in intro.splitlines()[0], f"{path.name}: the title is not a question"
    assert "**The question:**" in intro, f"{path.name}: the introduction states no question"
    setup = next(c for c in cells if c["cell_type"] == "code")
    assert _source(setup).startswith("%matplotlib inline\nimport corridor_sim as cs")
    assert last["cell_type"] == "markdown"
    finding = _source(last)
    assert finding.startswith("## Finding"), f"{path.name}: no closing finding"
    typed = RESULT_IN_TEXT.findall(re.sub(r"`[^`]*`", "", finding))
    assert not typed, f"{path.name}: results typed into the finding text: {typed}"


def test_every_public_model_appears_in_a_notebook() -> None:
    code = "\n".join(
        _source(c) for p in NOTEBOOKS for c in _load(p)["cells"] if c["cell_type"] == "code"
    )
    for name in available_models():
        used = (
            f'model="{name}"' in code
            or re.search(rf"from corridor_sim\.models import .*\b{name}\b", code)
            or f"corridor_sim.models.{name}" in code
        )
        assert used, f"model {name!r} appears in no gallery notebook"


def test_notebooks_are_what_make_gallery_writes(tmp_path: Path) -> None:
    pytest.importorskip("nbformat")
    gallery = _generator()
    assert set(gallery.NOTEBOOKS) == {p.stem for p in NOTEBOOKS}
    assert gallery.main(["--out", str(tmp_path)]) == 0
    for path in NOTEBOOKS:
        assert (tmp_path / path.name).read_text(encoding="utf-8") == path.read_text(
            encoding="utf-8"
        ), f"{path.name} differs from tools/make_gallery.py: run python tools/make_gallery.py"
    assert gallery.main(["--check"]) == 0
