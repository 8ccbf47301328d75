"""The reference case, end to end: sample article -> store -> SPARQL, SHACL, exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from entente import KnowledgeGraph
from entente.loaders import load_articles

SAMPLES = Path(__file__).parents[1] / "data" / "samples"
REFERENCE = SAMPLES / "india-japan-5g.txt"


@pytest.fixture(scope="module")
def kg(sample_kg: KnowledgeGraph) -> KnowledgeGraph:
    return sample_kg


def _codes(kg: KnowledgeGraph, sparql: str) -> list[frozenset[str]]:
    """Rows of (relation, code set) from a query binding ?rel and ?code."""
    rows: dict[str, set[str]] = {}
    for row in kg.query(sparql).records():
        rows.setdefault(row["rel"].value, set()).add(row["code"].value)
    return [frozenset(codes) for codes in rows.values()]


ARTICLE = 'dcterms:identifier "india-japan-5g.txt"'


def test_quad_cooperation_on_5g(kg: KnowledgeGraph) -> None:
    parties = _codes(
        kg,
        f"""SELECT ?rel ?code WHERE {{
            ?rel a ent:Agreement ; ent:agreementType/skos:notation "cooperation" ;
                 ent:status/skos:notation "agreed" ; ent:negated false ;
                 ent:technology tech:5g ; ent:party/ent:countryCode ?code ;
                 prov:wasDerivedFrom/{ARTICLE} .
        }}""",
    )
    assert any({"IND", "JPN", "USA", "AUS"} <= codes for codes in parties), parties


def test_5g_is_a_telecommunications_technology(kg: KnowledgeGraph) -> None:
    assert kg.query(
        'ASK { tech:5g skos:broader+ ?top . ?top skos:notation "telecommunications" ;'
        " skos:topConceptOf ent:TechnologyScheme }"
    ).boolean


def test_cooperation_with_israel_on_5g(kg: KnowledgeGraph) -> None:
    parties = _codes(
        kg,
        f"""SELECT ?rel ?code WHERE {{
            ?rel a ent:Agreement ; ent:agreementType/skos:notation "cooperation" ;
                 ent:technology tech:5g ; ent:party state:ISR ;
                 ent:party/ent:countryCode ?code ; prov:wasDerivedFrom/{ARTICLE} .
        }}""",
    )
    assert parties and all("ISR" in codes and "IND" in codes for codes in parties)


def test_signed_military_logistics_pact(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        f"""SELECT ?rel ?code ?top WHERE {{
            ?rel a ent:Agreement ; ent:agreementType/skos:notation "formal_agreement" ;
                 ent:status/skos:notation "signed" ; ent:party/ent:countryCode ?code ;
                 ent:technology ?tech ; prov:wasDerivedFrom/{ARTICLE} .
            ?tech skos:notation "military_logistics" ; skos:broader*/skos:notation ?top .
            ?topc skos:notation ?top ; skos:topConceptOf ent:TechnologyScheme .
        }}"""
    ).records()
    assert {r["code"].value for r in rows} == {"IND", "JPN"}
    assert {r["top"].value for r in rows} == {"defence"}


def test_japan_opposes_china(kg: KnowledgeGraph) -> None:
    assert kg.query(
        f"""ASK {{
            ?rel a ent:Restriction ; ent:restrictionType/skos:notation "opposition" ;
                 ent:imposedBy state:JPN ; ent:target state:CHN ;
                 prov:wasDerivedFrom/{ARTICLE} .
        }}"""
    ).boolean


def test_headline_snub_is_an_exclusion_of_china(kg: KnowledgeGraph) -> None:
    imposers = _codes(
        kg,
        f"""SELECT ?rel ?code WHERE {{
            ?rel a ent:Restriction ; ent:restrictionType/skos:notation "exclusion" ;
                 ent:target state:CHN ; ent:imposedBy/ent:countryCode ?code ;
                 prov:wasDerivedFrom/{ARTICLE} .
        }}""",
    )
    assert frozenset({"IND", "JPN"}) in imposers


def test_modi_suga_talks_and_their_states(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        f"""SELECT ?name ?code WHERE {{
            ?rel a ent:Agreement ; ent:agreementType/skos:notation "talks" ;
                 ent:party ?person ; prov:wasDerivedFrom/{ARTICLE} .
            ?person a ent:Person ; rdfs:label ?name ; ent:affiliation/ent:countryCode ?code .
        }}"""
    ).records()
    assert {(r["name"].value, r["code"].value) for r in rows} == {
        ("Narendra Modi", "IND"),
        ("Yoshihide Suga", "JPN"),
    }


def test_every_fact_has_article_sentence_and_evidence(kg: KnowledgeGraph) -> None:
    text = next(iter(load_articles([REFERENCE]))).full_text
    rows = kg.query(
        f"""SELECT ?rel ?sentence ?start ?end ?evidence ?confidence WHERE {{
            ?rel prov:wasDerivedFrom ?article ; ent:evidence ?m .
            ?article {ARTICLE} .
            ?m a ent:Mention ; ent:article ?article ; ent:sentence ?sentence ;
               ent:startOffset ?start ; ent:endOffset ?end ; ent:evidenceText ?evidence ;
               ent:confidence ?confidence .
        }}"""
    ).records()
    relations = kg.query(
        f"SELECT DISTINCT ?rel WHERE {{ ?rel a ?c ; prov:wasDerivedFrom/{ARTICLE} ."
        " VALUES ?c { ent:Agreement ent:Restriction } }"
    ).records()
    assert len(relations) >= 6
    assert {r["rel"] for r in rows} == {r["rel"] for r in relations}
    for row in rows:
        start, end = int(row["start"].value), int(row["end"].value)
        assert text[start:end] == row["evidence"].value
        assert row["evidence"].value in row["sentence"].value
        assert 0.0 < float(row["confidence"].value) <= 1.0


def test_reingest_changes_nothing(kg: KnowledgeGraph) -> None:
    before = kg.stats()
    kg.ingest(REFERENCE)
    assert kg.stats() == before
    # the vocabulary uses blank nodes (owl:unionOf); the data never does
    assert not kg.query(
        "ASK { GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }"
        " FILTER(?g != <https://w3id.org/entente/id/graph/ontology>) }"
    ).boolean


def test_sample_graph_satisfies_the_shapes(kg: KnowledgeGraph) -> None:
    report = kg.validate()
    assert report.conforms, report.text
