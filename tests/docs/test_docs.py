"""The docs say what the code declares: model lists, parameter and option tables."""

from __future__ import annotations

from corridor_sim._docgen import sync
from tests.helpers import ROOT


def test_generated_doc_blocks_match_the_code() -> None:
    problems = sync(ROOT)
    assert not problems, (
        "docs differ from the code; run `python -m corridor_sim._docgen` to regenerate:\n"
        + "\n".join(problems)
    )
