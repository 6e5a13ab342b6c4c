"""The documentation site builds: every page, the API reference, the executed gallery.

One Sphinx build (``docs/conf.py``: MyST pages, myst-nb notebooks executed with nbclient,
autodoc + autosummary + numpydoc) into a temporary folder, then fast checks of what it wrote.
The build is the one place the gallery notebooks (``docs/gallery/*.ipynb``) run in the tests.
When the gallery is still empty, a two-cell smoke notebook is added to the copied sources so
the execution path (kernel, MPLBACKEND, output checks) is exercised all the same.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("myst_nb")
pytest.importorskip("numpydoc")

from sphinx.cmd.build import build_main

from tests.helpers import ROOT

# Sphinx and MyST deprecate each other's internals; not ours to fix
pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning", "ignore::PendingDeprecationWarning"
)

DOCS = ROOT / "docs"

# warnings that mean a page is unreachable or a link or label is broken
FATAL_WARNINGS = (
    "document isn't included in any toctree",
    "toctree contains reference to nonexisting",
    "undefined label",
    "Unknown target",
    "cross-reference target not found",  # a Markdown link to a missing page ...
    "local id not found",  # ... or to a missing section of a page
    "duplicate object description",
    "ERROR",  # docutils markup errors, in pages or docstrings
)
# the main public functions and classes, each documented (an anchor) on its module's API page
API_NAMES = {
    "corridor_sim": ("run", "sweep", "monte_carlo", "Result", "Scenario", "StudyResult", "fact"),
    "corridor_sim.engines.power": ("dc_flow", "n_minus_1", "DCFlowResult", "N1Result"),
    "corridor_sim.engines.dispatch": ("dispatch", "DispatchResult"),
    "corridor_sim.engines.commodity": ("solve", "max_flow", "CommodityNetwork"),
    "corridor_sim.models.oil": ("build", "simulate"),
    "corridor_sim.models.caspian": ("build", "simulate", "capacity_study"),
    "corridor_sim.models.serbia": ("build", "simulate"),
    "corridor_sim.models.middle_corridor": ("build", "simulate"),
    "corridor_sim.plotting.maps": ("commodity_map",),
    "corridor_sim.units": ("bcm_to_twh",),
    "corridor_sim.errors": ("ScenarioError", "SpecError", "InfeasibleError"),
}
SMOKE_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "markdown",
            "id": "smoke-title",
            "metadata": {},
            "source": "# Smoke test\n\nThe build executes notebooks.",
        },
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "smoke-run",
            "metadata": {},
            "outputs": [],
            "source": "import os\n\nimport corridor_sim as cs\n\n"
            "print(cs.__version__, os.environ['MPLBACKEND'])",
        },
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def gallery_notebooks(docs: Path) -> list[Path]:
    """The gallery notebooks the site renders (``gallery/*.ipynb``, as in index.md's glob)."""
    return sorted((docs / "gallery").glob("*.ipynb"))


def build_site(tmp: Path) -> dict:
    """Build the site from a copy of docs/ (and README.md, which the overview includes)."""
    src = tmp / "src" / "docs"
    shutil.copytree(
        DOCS,
        src,
        ignore=shutil.ignore_patterns("_build", "api", "jupyter_execute", ".ipynb_checkpoints"),
    )
    shutil.copy2(ROOT / "README.md", src.parent / "README.md")
    # notebooks run with the notebook's folder as working directory: keep ../../examples valid
    (src.parent / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    if not gallery_notebooks(src):
        (src / "gallery").mkdir(exist_ok=True)
        (src / "gallery" / "smoke.ipynb").write_text(json.dumps(SMOKE_NOTEBOOK), "utf-8")
    out = tmp / "html"
    warnings_file = tmp / "warnings.txt"
    args = ["-b", "html", "-q", "-d", str(tmp / "doctrees"), "-w", str(warnings_file)]
    code = build_main([*args, str(src), str(out)])
    return {
        "code": code,
        "src": src,
        "out": out,
        "executed": tmp / "jupyter_execute",
        "warnings": warnings_file.read_text("utf-8") if warnings_file.exists() else "",
    }


def test_docs_site_builds_and_the_gallery_runs(tmp_path: Path) -> None:
    # one test, one build: pytest-xdist would build once per worker for a shared fixture
    site = build_site(tmp_path)
    check_no_broken_pages_or_links(site)
    check_pages_written(site)
    check_api_reference_complete(site)
    check_gallery_ran_cleanly(site)


def build_error(warnings: str) -> str:
    """What made the build fail: the failing notebook cell's traceback when there is one.

    Sphinx keeps the full traceback (with the cell and its error) in a log file that the
    warnings name; the warnings alone say only which notebook failed.
    """
    log = re.search(r"(\S*sphinx-err-\S+\.log)", warnings)
    if log is None or not Path(log.group(1)).is_file():
        return warnings
    text = re.sub(r"\x1b\[[0-9;]*m", "", Path(log.group(1)).read_text("utf-8"))
    start = text.find("CellExecutionError")
    return text[start:][:6000] if start >= 0 else text[-6000:]


def check_no_broken_pages_or_links(site: dict) -> None:
    """The build succeeded with no unreachable page, broken link or markup error."""
    assert site["code"] == 0, f"sphinx build failed:\n{build_error(site['warnings'])}"
    fatal = [
        line
        for line in site["warnings"].splitlines()
        if any(pattern in line for pattern in FATAL_WARNINGS)
    ]
    assert not fatal, "broken pages, links or markup:\n" + "\n".join(fatal)


def check_pages_written(site: dict) -> None:
    """index.html, one page per docs/*.md, and the main public names in the API reference."""
    out: Path = site["out"]
    assert (out / "index.html").is_file()
    pages = [p.stem for p in DOCS.glob("*.md") if p.name != "README.md"]
    missing = [p for p in pages if not (out / f"{p}.html").is_file()]
    assert not missing, f"docs/*.md without a page: {missing}"
    missing_api = []
    for module, names in API_NAMES.items():
        page = out / "api" / f"{module}.html"
        html = page.read_text("utf-8") if page.is_file() else ""
        missing_api += [f"{module}.{n}" for n in names if f'id="{module}.{n}"' not in html]
    assert not missing_api, f"not documented in the API reference: {missing_api}"
    # a docstring section really rendered (numpydoc), not just an empty stub
    power = (out / "api" / "corridor_sim.engines.power.html").read_text("utf-8")
    assert "Parameters" in power
    assert "Returns" in power


def check_api_reference_complete(site: dict) -> None:
    """Every name in the ``__all__`` of every module listed in docs/api.md is documented.

    A class re-exported by a later module (``corridor_sim.results.Result`` is
    ``corridor_sim.Result``) is documented once, under the first module that lists it.
    """
    modules = re.findall(r"^   (corridor_sim[\w.]*)$", (DOCS / "api.md").read_text("utf-8"), re.M)
    assert "corridor_sim.engines.power" in modules
    ids: set[str] = set()
    for page in (site["out"] / "api").glob("*.html"):
        ids |= set(re.findall(r'id="([^"]+)"', page.read_text("utf-8")))
    documented: set[int] = set()
    missing = []
    for module_name in modules:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if f"{module_name}.{name}" in ids:
                documented.add(id(obj))
            elif not ((inspect.isclass(obj) and id(obj) in documented) or name.startswith("__")):
                missing.append(f"{module_name}.{name}")
    assert not missing, f"in __all__ but not in the API reference: {missing}"


def check_gallery_ran_cleanly(site: dict) -> None:
    """Every gallery notebook has a page, ran every cell, and shows no error or warning."""
    notebooks = gallery_notebooks(site["src"])
    assert notebooks  # the real gallery, or the smoke notebook when it is empty
    problems = []
    for notebook in notebooks:
        name = f"gallery/{notebook.stem}"
        assert (site["out"] / f"{name}.html").is_file(), f"{name} has no page"
        executed = site["executed"] / f"{name}.ipynb"
        assert executed.is_file(), f"{name} was not executed"
        cells = json.loads(executed.read_text("utf-8"))["cells"]
        code_cells = [c for c in cells if c["cell_type"] == "code"]
        if not code_cells:
            continue
        assert all(c.get("execution_count") for c in code_cells), f"{name}: a cell did not run"
        for index, cell in enumerate(code_cells):
            for output in cell.get("outputs", []):
                where = f"{name}, code cell {index}"
                if output["output_type"] == "error":
                    problems.append(f"{where}: {output['ename']}: {output['evalue']}")
                elif output["output_type"] == "stream" and output["name"] == "stderr":
                    text = "".join(output["text"])
                    if "Warning" in text or "warn(" in text:
                        problems.append(f"{where}: warning on stderr: {text[:300]}")
    assert not problems, "\n".join(problems)
