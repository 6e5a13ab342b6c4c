"""Sphinx configuration of the corridor_sim documentation site.

Build it locally from the repository root (after ``pip install -e ".[docs]"``)::

    python -m sphinx -b html docs docs/_build/html

Markdown pages are read by MyST, the gallery notebooks (``gallery/*.ipynb``) are executed on
every build by myst-nb (nbclient under the hood) and fail the build on the first error, and the
API reference is generated from the numpydoc docstrings (autodoc + autosummary + numpydoc).
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
from pathlib import Path
from typing import Any

import corridor_sim

# figures in executed notebooks are drawn off-screen; the kernel inherits this environment
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

project = "corridor_sim"
author = "corridor_sim developers"
copyright = "corridor_sim developers, MIT licence"  # the name Sphinx reads
release = corridor_sim.__version__
version = release

extensions = [
    "myst_nb",  # Markdown (MyST) pages and Jupyter notebooks; loads myst_parser itself
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "**/.ipynb_checkpoints",
    "jupyter_execute",
    "README.md",
]

# -- MyST -----------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3  # `page.md#a-section` links resolve to the section's slug

# -- notebooks: run every gallery notebook on every build ---------------------------------
nb_execution_mode = "force"
nb_execution_timeout = 300  # seconds per cell
nb_execution_raise_on_error = True  # an error in a cell fails the build
nb_execution_show_tb = True  # ... and the log shows the traceback
nb_merge_streams = True

# -- API reference --------------------------------------------------------------------------
autosummary_generate = True
autosummary_ignore_module_all = False  # document exactly what each module's __all__ lists
autodoc_typehints = "none"  # numpydoc renders the types from the Parameters sections
autodoc_member_order = "bysource"
autodoc_default_options = {"show-inheritance": True}
numpydoc_show_class_members = False  # the class template lists members itself
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False


def _api_modules() -> list[str]:
    """Return the modules listed in api.md, in order (the one list of the public API)."""
    text = (Path(__file__).parent / "api.md").read_text(encoding="utf-8")
    return re.findall(r"^   (corridor_sim[\w.]*)$", text, flags=re.M)


def _no_index_names() -> list[str]:
    """Classes re-exported by a second public module: documented once, where first listed.

    ``corridor_sim.Result`` is ``corridor_sim.results.Result``; the later page gets
    ``:no-index:`` so cross-references have one target and Sphinx warns of no duplicate.
    """
    seen: set[int] = set()
    later: list[str] = []
    for name in _api_modules():
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr)
            if not inspect.isclass(obj):
                continue
            if id(obj) in seen:
                later.append(f"{name}.{attr}")
            seen.add(id(obj))
    return later


autosummary_context = {"no_index": _no_index_names()}

# -- HTML -------------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"corridor_sim {release}"
html_static_path: list[str] = []
nitpicky = False


# -- the README as the overview page --------------------------------------------------------
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def _readme_links(_app: Any, relative_path: Path, _parent: str, content: list[str]) -> None:
    """Make the README's links work from docs/: ``docs/x.md`` -> ``x.md``, other files -> text.

    A link to a file of the repository outside docs/ (``seeds/README.md``, ``examples``) has
    no page on the site, so it is shown as its link text.
    """
    if relative_path.name != "README.md":
        return

    def fix(match: re.Match[str]) -> str:
        text, target = match.group(1), match.group(2)
        if re.match(r"[a-z]+://|#|mailto:", target):
            return match.group(0)
        if target.startswith("docs/"):
            return f"[{text}]({target.removeprefix('docs/')})"
        return text

    content[0] = _LINK.sub(fix, content[0])


# -- constants without a doc comment ----------------------------------------------------------
def _data_docstring(
    _app: Any, what: str, _name: str, obj: object, _options: Any, lines: list[str]
) -> None:
    """Describe a constant that has no ``#:`` comment by its value or type, not its class.

    autodoc falls back to the docstring of the value's class (``str(object='') -> str`` for
    a string; the whole ModelEntry docstring for ``MODEL``).
    """
    if what != "data":
        return
    class_doc = inspect.getdoc(type(obj)) or ""
    if " ".join(" ".join(lines).split()) != " ".join(class_doc.split()):
        return  # the constant's own doc comment
    cls = type(obj)
    if cls.__module__ == "builtins":
        text = repr(obj)
        lines[:] = [f"``{text}``" if len(text) <= 100 else f"A ``{cls.__name__}``."]
    else:
        lines[:] = [f"A :class:`{cls.__module__}.{cls.__qualname__}`."]


def setup(app: Any) -> dict[str, bool]:
    """Register the README link fix and the constants' descriptions."""
    app.connect("include-read", _readme_links)
    app.connect("autodoc-process-docstring", _data_docstring, priority=100)
    return {"parallel_read_safe": True}
