"""The packaged Turtle files are present and parse with both rdflib and pyoxigraph."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from entente.errors import OntologyError
from entente.ontology import SHAPES, VOCABULARY, files, path

ALL = (*VOCABULARY, SHAPES)


@pytest.mark.parametrize("name", ALL, ids=ALL)
def test_parses_with_rdflib_and_pyoxigraph(name: str) -> None:
    file = path(name)
    graph = Graph().parse(file, format="turtle")
    quads = list(ox.parse(path=str(file), format=ox.RdfFormat.TURTLE))
    assert len(graph) > 0
    # Same number of distinct triples: both parsers read the same statements.
    assert len({(q.subject, q.predicate, q.object) for q in quads}) == len(graph)


def test_sample_data_parses_with_both() -> None:
    sample = Path(__file__).parent / "data" / "sample.trig"
    assert len(list(ox.parse(path=str(sample), format=ox.RdfFormat.TRIG))) > 0


def test_files_order_and_shapes() -> None:
    assert tuple(p.name for p in files()) == VOCABULARY
    assert tuple(p.name for p in files(shapes=True)) == (*VOCABULARY, SHAPES)
    assert all(p.is_file() for p in files(shapes=True))


@pytest.mark.parametrize("name", ["missing.ttl", "../errors.py"], ids=["missing", "outside"])
def test_path_rejects_unknown_names(name: str) -> None:
    with pytest.raises(OntologyError, match="no such file"):
        path(name)


def test_extractor_side_does_not_import_rdflib() -> None:
    code = (
        "import sys\n"
        "import entente.ontology\n"
        "from entente.ontology.technologies import load_technologies, load_concept_keys\n"
        "load_technologies(); load_concept_keys('StatusScheme')\n"
        "assert 'rdflib' not in sys.modules, 'rdflib was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
