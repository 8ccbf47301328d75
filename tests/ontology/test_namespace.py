"""The generated ENT namespace agrees with ent.ttl."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

import entente.ontology as ontology
from entente.graph import validate
from entente.ontology import ENT_IRI, ENTR_IRI, namespace, path, technologies
from entente.ontology.namespace import ENT


def _ent_subjects(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(ENT_IRI)}


def test_namespace_terms_equal_ent_ttl_subjects() -> None:
    graph = Graph().parse(path("ent.ttl"), format="turtle")
    declared = _ent_subjects(graph)
    generated = {URIRef(ENT_IRI + name) for name in ENT.__annotations__ if not name.startswith("_")}
    assert generated == declared


def test_every_term_is_typed_labelled_and_commented() -> None:
    graph = Graph().parse(path("ent.ttl"), format="turtle")
    for term in _ent_subjects(graph):
        assert graph.value(term, RDF.type) is not None, term
        assert graph.value(term, RDFS.label) is not None, term
        assert graph.value(term, RDFS.comment) is not None, term


def test_unknown_term_raises() -> None:
    with pytest.raises(AttributeError):
        ENT.nonexistent  # noqa: B018


def test_terms_that_shadow_str_methods_are_terms() -> None:
    # A plain Namespace would give str methods here; the DefinedNamespace gives terms.
    assert ENT.date == URIRef(ENT_IRI + "date")
    assert ENT["target"] == URIRef(ENT_IRI + "target")


def test_iri_constants() -> None:
    assert ENT_IRI == "https://w3id.org/entente/ns#"
    assert ENTR_IRI == "https://w3id.org/entente/id/"
    assert str(ENT._NS) == ENT_IRI


@pytest.mark.parametrize(
    "module",
    [ontology, technologies, namespace, validate],
    ids=["ontology", "technologies", "namespace", "validate"],
)
def test_all_matches_public_names(module: ModuleType) -> None:
    """``__all__`` lists exactly the public names the module defines (not those it imports)."""
    tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
    defined: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            defined.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined.add(node.target.id)
    public = {name for name in defined if not name.startswith("_")}
    assert set(module.__all__) == public
    assert all(hasattr(module, name) for name in module.__all__)


def test_vocabulary_terms_used_in_data_files_exist() -> None:
    """Every ent: IRI used anywhere in the Turtle files is a term of ENT."""
    known = set(ENT.__annotations__)
    for file in ontology.files(shapes=True):
        graph = Graph().parse(file, format="turtle")
        for triple in graph:
            for node in triple:
                if isinstance(node, URIRef) and node.startswith(ENT_IRI):
                    assert node[len(ENT_IRI) :] in known, f"{file.name}: {node}"
