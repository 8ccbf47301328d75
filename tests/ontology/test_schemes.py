"""The SKOS schemes: technologies, agreement types, restriction types, statuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from entente.errors import OntologyError
from entente.ontology import ENT_IRI, ENTR_IRI, path
from entente.ontology.namespace import ENT
from entente.ontology.technologies import (
    TOP_CONCEPTS,
    Technology,
    load_concept_keys,
    load_technologies,
    parse_technologies,
)
from entente.records import AGREEMENT_TYPES, RESTRICTION_TYPES, STATUSES


@pytest.fixture(scope="module")
def technologies_graph() -> Graph:
    return Graph().parse(path("technologies.ttl"), format="turtle")


@pytest.fixture(scope="module")
def types_graph() -> Graph:
    return Graph().parse(path("types.ttl"), format="turtle")


def _concepts(graph: Graph, scheme: URIRef) -> set[URIRef]:
    return {c for c in graph.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)}


def test_top_concepts_are_exactly_the_fifteen(technologies_graph: Graph) -> None:
    g = technologies_graph
    tops = set(g.subjects(SKOS.topConceptOf, ENT.TechnologyScheme))
    assert {str(g.value(t, SKOS.notation)) for t in tops} == set(TOP_CONCEPTS)
    assert set(g.objects(ENT.TechnologyScheme, SKOS.hasTopConcept)) == tops
    assert len(TOP_CONCEPTS) == 15
    for top in tops:
        assert g.value(top, SKOS.broader) is None


def test_every_concept_reaches_a_top_concept(technologies_graph: Graph) -> None:
    g = technologies_graph
    tops = set(g.subjects(SKOS.topConceptOf, ENT.TechnologyScheme))
    for concept in _concepts(g, ENT.TechnologyScheme):
        seen = [concept]
        while concept not in tops:
            parents = list(g.objects(concept, SKOS.broader))
            assert len(parents) == 1, f"{concept} has {len(parents)} skos:broader"
            concept = parents[0]
            assert concept not in seen, f"cycle through {concept}"
            seen.append(concept)


def test_technology_concepts_are_well_formed(technologies_graph: Graph) -> None:
    g = technologies_graph
    concepts = _concepts(g, ENT.TechnologyScheme)
    assert set(g.subjects(RDF.type, SKOS.Concept)) == concepts
    assert len(concepts) >= 120
    notations = []
    for concept in concepts:
        (notation,) = g.objects(concept, SKOS.notation)
        notations.append(str(notation))
        assert str(concept) == f"{ENTR_IRI}technology/{notation}"
        (pref,) = g.objects(concept, SKOS.prefLabel)
        assert isinstance(pref, Literal) and pref.language == "en"
        for alt in g.objects(concept, SKOS.altLabel):
            assert isinstance(alt, Literal) and alt.language == "en"
            assert str(alt) and str(alt).strip() == str(alt), f"{concept}: label {alt!r}"
    assert len(notations) == len(set(notations))
    for key in notations:
        assert key == key.lower() and " " not in key and "-" not in key, key


def test_labels_are_unique_across_concepts(technologies_graph: Graph) -> None:
    g = technologies_graph
    owner: dict[str, URIRef] = {}
    clashes = []
    for concept in _concepts(g, ENT.TechnologyScheme):
        labels = {str(label).casefold() for label in g.objects(concept, SKOS.prefLabel)}
        labels |= {str(label).casefold() for label in g.objects(concept, SKOS.altLabel)}
        for label in labels:
            if label in owner:
                clashes.append((label, owner[label], concept))
            owner[label] = concept
    assert not clashes
    assert len(owner) >= 600


@pytest.mark.parametrize(
    ("key", "labels", "top"),
    [
        ("5g", {"5G", "5G plus", "fifth-generation", "5G networks"}, "telecommunications"),
        ("open_ran", {"O-RAN", "open radio access networks"}, "telecommunications"),
        ("undersea_cables", {"submarine cables"}, "telecommunications"),
        ("chips", {"semiconductor chips", "microchips", "microelectronics"}, "semiconductors"),
        ("chipmaking", {"fabs"}, "semiconductors"),
        ("quantum_computing", {"quantum technologies"}, "computing"),
        ("artificial_intelligence", {"AI", "machine learning"}, "artificial_intelligence"),
        ("cybersecurity", {"cyber security", "cyber"}, "cybersecurity"),
        ("launch_vehicles", {"space launch", "rockets"}, "space"),
        ("space_exploration", {"lunar", "Artemis"}, "space"),
        ("civil_nuclear_energy", {"civil nuclear", "peaceful uses of nuclear energy"}, "nuclear"),
        ("submarines", {"nuclear-powered submarines"}, "defence"),
        ("aerial_refueling_tankers", {"airtanker", "tanker aircraft"}, "defence"),
        ("military_logistics", {"logistics pact", "reciprocal access to bases"}, "defence"),
        ("civil_aircraft", {"airliner"}, "aerospace"),
        ("critical_minerals", {"critical minerals"}, "critical_minerals"),
        ("rare_earths", {"rare earths"}, "critical_minerals"),
        ("electric_vehicles", {"electric vehicles"}, "automotive"),
        ("automotive", {"automakers", "auto plant"}, "automotive"),
        ("emerging_technologies", {"critical and emerging technologies"}, "other"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_labels_seen_in_the_news(key: str, labels: set[str], top: str) -> None:
    by_key = {t.key: t for t in load_technologies()}
    assert labels <= set(by_key[key].labels)
    assert by_key[key].top == top


@pytest.mark.parametrize(
    ("scheme", "segment", "expected"),
    [
        ("AgreementTypeScheme", "agreement-type", AGREEMENT_TYPES),
        ("RestrictionTypeScheme", "restriction-type", RESTRICTION_TYPES),
        ("StatusScheme", "status", STATUSES),
    ],
    ids=["agreement-types", "restriction-types", "statuses"],
)
def test_type_and_status_schemes(
    types_graph: Graph, scheme: str, segment: str, expected: tuple[str, ...]
) -> None:
    g = types_graph
    scheme_iri = URIRef(ENT_IRI + scheme)
    concepts = _concepts(g, scheme_iri)
    assert set(g.objects(scheme_iri, SKOS.hasTopConcept)) == concepts
    keys = set()
    for concept in concepts:
        assert (concept, RDF.type, SKOS.Concept) in g
        assert (concept, SKOS.topConceptOf, scheme_iri) in g
        (notation,) = g.objects(concept, SKOS.notation)
        assert notation.datatype is None and notation.language is None
        assert str(concept) == f"{ENTR_IRI}{segment}/{notation}"
        for predicate in (SKOS.prefLabel, SKOS.definition):
            (value,) = g.objects(concept, predicate)
            assert value.language == "en"
        keys.add(str(notation))
    assert keys == set(expected)
    assert load_concept_keys(scheme) == expected


def test_load_technologies_agrees_with_rdflib(technologies_graph: Graph) -> None:
    g = technologies_graph

    def key(concept: URIRef | None) -> str | None:
        return None if concept is None else str(g.value(concept, SKOS.notation))

    def top(concept: URIRef) -> str:
        while (parent := g.value(concept, SKOS.broader)) is not None:
            concept = parent
        return str(g.value(concept, SKOS.notation))

    expected = {
        str(g.value(c, SKOS.notation)): (
            str(g.value(c, SKOS.prefLabel)),
            top(c),
            sorted(str(a) for a in g.objects(c, SKOS.altLabel)),
            key(g.value(c, SKOS.broader)),
        )
        for c in _concepts(g, ENT.TechnologyScheme)
    }
    loaded = load_technologies()
    assert len(loaded) == len(expected)
    got = {t.key: (t.label, t.top, sorted(t.alt_labels), t.broader) for t in loaded}
    assert got == expected
    assert load_technologies() is loaded  # cached
    assert load_concept_keys("TechnologyScheme") == tuple(t.key for t in loaded)


def test_technology_record() -> None:
    by_key = {t.key: t for t in load_technologies()}
    five_g = by_key["5g"]
    assert five_g.iri == "https://w3id.org/entente/id/technology/5g"
    assert five_g.labels[0] == "5G" and not five_g.is_top
    assert five_g.broader == "telecom_networks"
    assert by_key["telecom_networks"].broader == "telecommunications"
    assert by_key["nuclear"].top == "nuclear" and by_key["nuclear"].is_top
    with pytest.raises(AttributeError):
        five_g.key = "6g"  # type: ignore[misc]
    assert isinstance(five_g, Technology)


def test_unknown_scheme_raises() -> None:
    with pytest.raises(OntologyError, match="unknown concept scheme"):
        load_concept_keys("ColourScheme")


# Broken technology schemes: a valid skeleton (the 15 top concepts) plus a defect.

_HEADER = """\
@prefix ent: <https://w3id.org/entente/ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix t: <https://w3id.org/entente/id/technology/> .
"""


def _top(key: str) -> str:
    return (
        f"t:{key} a skos:Concept ; skos:inScheme ent:TechnologyScheme ; "
        f'skos:topConceptOf ent:TechnologyScheme ; skos:notation "{key}" ; '
        f'skos:prefLabel "{key} top"@en .\n'
    )


def _concept(key: str, broader: str, label: str, notation: bool = True) -> str:
    text = f"t:{key} a skos:Concept ; skos:inScheme ent:TechnologyScheme ; "
    text += f"skos:broader t:{broader} ; "
    if notation:
        text += f'skos:notation "{key}" ; '
    return text + f'skos:prefLabel "{label}"@en .\n'


def _scheme(tmp_path: Path, extra: str) -> Path:
    file = tmp_path / "technologies.ttl"
    file.write_text(_HEADER + "".join(_top(k) for k in TOP_CONCEPTS) + extra, encoding="utf-8")
    return file


def test_skeleton_scheme_parses(tmp_path: Path) -> None:
    file = _scheme(tmp_path, _concept("fusion", "nuclear", "fusion"))
    parsed = parse_technologies(file)
    assert len(parsed) == 16
    assert parsed[-1] == Technology("fusion", "fusion", "nuclear", (), "nuclear")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (_concept("fusion", "nuclear", "fusion", notation=False), "skos:notation"),
        (_concept("a", "b", "a") + _concept("b", "a", "b"), "cycle"),
        (_concept("a", "nowhere", "a"), "not a concept of the technology scheme"),
        (_concept("a", "space", "A") + _concept("b", "space", "a"), "used by both"),
        (_concept("a", "space", "space top"), "used by both"),
        (
            't:a a skos:Concept ; skos:inScheme ent:TechnologyScheme ; skos:notation "a" ; '
            'skos:prefLabel "a"@en .\n',
            "needs exactly one",
        ),
        (
            't:a a skos:Concept ; skos:inScheme ent:TechnologyScheme ; skos:notation "b" ; '
            'skos:broader t:space ; skos:prefLabel "a"@en .\n',
            "does not match its IRI",
        ),
        (
            't:x a skos:Concept ; skos:topConceptOf ent:TechnologyScheme ; skos:notation "x" ; '
            'skos:prefLabel "x"@en .\n',
            "top concepts are",
        ),
        ("t:a skos:broader", "cannot be parsed"),
    ],
    ids=[
        "no-notation",
        "broader-cycle",
        "dangling-broader",
        "duplicate-label",
        "label-clash-with-top",
        "orphan",
        "notation-mismatch",
        "extra-top",
        "syntax-error",
    ],
)
def test_inconsistent_scheme_raises(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(OntologyError, match=message):
        parse_technologies(_scheme(tmp_path, extra))
