"""Parts of the docs generated from the code: the model list and each model's parameters.

Pages hold generated blocks between markers::

    <!-- models:start -->        the registered models (README.md, docs/index.md)
    <!-- parameters:start -->    a model's PARAMS.markdown() (docs/<model>.md)
    <!-- options:start -->       a model's OPTIONS.markdown() (docs/<model>.md)
    <!-- architecture:start -->  the layer table and "where does X live" (docs/architecture.md)

``python -m corridor_sim._docgen`` rewrites them; the tests fail when a page differs from
what the code declares (a model missing from a list, a stale parameter table).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from corridor_sim import _architecture
from corridor_sim.models import available_models, get_model

__all__ = ["expected_blocks", "models_markdown", "sync"]

_BLOCK = re.compile(r"(<!-- (\w+):start -->\n)(.*?)(<!-- \2:end -->)", re.S)


def models_markdown(*, link_prefix: str = "docs/") -> str:
    """Return the table of registered models: name, what it is, time resolution, docs page."""
    lines = ["| model | what it is | resolution | docs |", "|---|---|---|---|"]
    for name in available_models():
        entry = get_model(name)
        page = f"[{name}.md]({link_prefix}{name}.md)"
        res = ", ".join(entry.resolutions)
        lines.append(f"| `{name}` | {entry.description} | {res} | {page} |")
    return "\n".join(lines) + "\n"


def expected_blocks(path: Path) -> dict[str, str]:
    """Map each generated block name to the text it must hold in the page at `path`."""
    out: dict[str, str] = {}
    if path.name == "README.md":
        out["models"] = models_markdown(link_prefix="docs/")
    elif path.name == "architecture.md":
        out["architecture"] = _architecture.markdown()
    elif path.name == "index.md":
        out["models"] = models_markdown(link_prefix="")
    elif path.stem in available_models():
        entry = get_model(path.stem)
        if entry.params is not None:
            out["parameters"] = entry.params.markdown()
        if entry.option_table is not None:
            out["options"] = entry.option_table.markdown()
    return out


def sync(root: Path, *, write: bool = False) -> list[str]:
    """Compare (or rewrite) the generated blocks of README.md and docs/*.md.

    Returns
    -------
    list of str
        One line per page and block that differs from the code (or is missing).
    """
    pages = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    problems = []
    for page in pages:
        wanted = expected_blocks(page)
        if not wanted:
            continue
        text = page.read_text(encoding="utf-8")
        found = {m.group(2): m.group(3) for m in _BLOCK.finditer(text)}
        for name, body in wanted.items():
            if name not in found:
                problems.append(f"{page.relative_to(root)}: no <!-- {name}:start --> block")
            elif found[name] != body:
                problems.append(f"{page.relative_to(root)}: block {name!r} differs from the code")
        if write:

            def fill(m: re.Match[str], w: dict[str, str] = wanted) -> str:
                return m.group(1) + w.get(m.group(2), m.group(3)) + m.group(4)

            new = _BLOCK.sub(fill, text)
            page.write_text(new, encoding="utf-8")
    return problems


if __name__ == "__main__":
    here = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    for line in sync(here, write=True):
        print(line)
