"""Progress that fits where it runs: a widget, a text bar in a notebook, a terminal bar, none."""

from __future__ import annotations

import io
import sys
import types
import warnings

import pytest
from tqdm.std import tqdm as text_tqdm

from corridor_sim.scenarios import progress


def test_a_plain_process_gets_a_text_bar_that_stays_off_without_a_terminal(monkeypatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert progress.bar_kind() == "text"
    with progress.study_bar(3) as bar:
        bar.update(3)
    assert isinstance(bar, text_tqdm)
    assert sys.stderr.getvalue() == ""  # stderr is no terminal: nothing drawn


@pytest.fixture
def notebook(monkeypatch):
    monkeypatch.setattr(progress, "_in_notebook", lambda: True)
    real = progress.importlib.util.find_spec

    def widgets(present: bool) -> None:
        monkeypatch.setattr(
            progress.importlib.util,
            "find_spec",
            lambda name, *a: (
                (object() if present else None) if name == "ipywidgets" else real(name, *a)
            ),
        )

    return widgets


def test_a_notebook_without_ipywidgets_gets_a_text_bar_and_no_warning(
    notebook, monkeypatch
) -> None:
    notebook(present=False)
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    assert progress.bar_kind() == "notebook-text"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with progress.study_bar(4, desc="draws") as bar:
            bar.update(4)
    assert not caught, [str(w.message) for w in caught]  # no TqdmWarning: IProgress not found
    assert type(bar) is text_tqdm
    assert "draws" in err.getvalue()
    assert "4/4" in err.getvalue()


def test_a_notebook_with_ipywidgets_gets_the_widget(notebook, monkeypatch) -> None:
    notebook(present=True)
    made = []

    class Widget:
        def __init__(self, **kwargs) -> None:
            made.append(kwargs)

        def close(self) -> None:
            pass

    monkeypatch.setitem(sys.modules, "tqdm.notebook", types.SimpleNamespace(tqdm=Widget))
    assert progress.bar_kind() == "widget"
    with progress.study_bar(2, desc="runs") as bar:
        assert isinstance(bar, Widget)
    assert made[0]["total"] == 2


def test_progress_off_is_a_null_bar() -> None:
    with progress.study_bar(2, enabled=False) as bar:
        assert isinstance(bar, progress.NullBar)
