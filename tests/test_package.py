"""The package's public surface and import cost."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import entente
from entente.errors import ExtractionError


def test_import_does_not_load_spacy_or_rdflib() -> None:
    code = (
        "import sys, entente, entente.loaders, entente.records, entente.pipeline;"
        "print(sorted(m for m in ('spacy', 'rdflib', 'pyoxigraph') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_all_matches_public_names() -> None:
    helpers = {"annotations", "TYPE_CHECKING", "Any"}
    public = {
        name
        for name, value in vars(entente).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    } - helpers
    assert set(entente.__all__) - {"__version__"} == public | {"KnowledgeGraph"}
    assert entente.KnowledgeGraph.__name__ == "KnowledgeGraph"


def test_missing_model_is_a_clear_error() -> None:
    from entente.extract import build_pipeline

    with pytest.raises(ExtractionError, match="not installed"):
        build_pipeline("en_core_web_nonexistent")
