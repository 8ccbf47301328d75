"""Mapping extractions to quads, without a store."""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox
import pytest

from entente.graph.iris import ACTORS_GRAPH, ENT, RDF, RDFS, XSD, actor_iri, article_iri
from entente.graph.rdf import actor_quads, clean_text, date_literal, extraction_quads
from entente.records import Actor, Article, EntityMention, Extraction, Mention, Relation

TEXT = "Japan and India agreed on 5G.\x0b Japan opposes China."


def _extraction(**article_fields) -> Extraction:
    fields = {
        "id": "a1",
        "text": TEXT,
        "title": "Tokyo\x0b deal",
        "date": "2020-10-07",
        "url": "https://example.com/a1",
    }
    fields.update(article_fields)
    article = Article(**fields)
    full = article.full_text
    start = full.index("Japan and India")
    mention = Mention(
        "a1",
        0,
        "Japan and India agreed on 5G.",
        start,
        start + 22,
        full[start : start + 22],
        0.8,
        "agreement.verb",
    )
    relation = Relation(
        "agreement",
        "cooperation",
        "agreed",
        parties=("state/JPN", "state/IND"),
        technologies=("5g",),
        mentions=(mention,),
    )
    return Extraction(
        article=article,
        actors=(
            Actor("state/JPN", "state", "Japan", code="JPN"),
            Actor("state/IND", "state", "India", code="IND"),
        ),
        relations=(relation,),
        entity_mentions=(
            EntityMention("state/JPN", start, start + 5, "Japan"),
            EntityMention("state/JPN", 0, 5, "Japan"),
            EntityMention("5g", 0, 2, "5G"),
        ),
    )


def _all_literals(quads: list[ox.Quad]) -> list[ox.Literal]:
    return [q.object for q in quads if isinstance(q.object, ox.Literal)]


def test_graphs_and_no_blank_nodes() -> None:
    article, actors = extraction_quads(_extraction())
    assert {q.graph_name for q in article} == {article_iri("a1")}
    assert {q.graph_name for q in actors} == {ACTORS_GRAPH}
    for quad in article + actors:
        assert not isinstance(quad.subject, ox.BlankNode)
        assert not isinstance(quad.object, ox.BlankNode)
    assert len(article) == len(set(article))


def test_mentions_are_deduplicated_and_typed_by_target() -> None:
    article, _ = extraction_quads(_extraction())
    mentioned = {q.object.value for q in article if q.predicate == ENT["mentions"]}
    assert mentioned == {
        "https://w3id.org/entente/id/state/JPN",
        "https://w3id.org/entente/id/technology/5g",
    }


def test_literals_are_xml_safe_and_nfc() -> None:
    article, _ = extraction_quads(
        _extraction(title="Cafe\u0301\x0b talks\ud800", text="x\x00y " + TEXT)
    )
    for literal in _all_literals(article):
        assert "\x0b" not in literal.value and "\ud800" not in literal.value
    titles = [q.object.value for q in article if q.predicate.value.endswith("/title")]
    assert titles == ["Caf\u00e9 talks"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("\tok\n", "\tok\n"),
        ("a\x0bb\x0c", "ab"),
        ("lone\udc00", "lone"),
        ("\ufffe\uffff!", "!"),
        ("e\u0301", "\u00e9"),
        ("\U0001f600", "\U0001f600"),
    ],
    ids=["whitespace-kept", "controls", "surrogate", "non-characters", "nfc", "astral"],
)
def test_clean_text(value: str, expected: str) -> None:
    assert clean_text(value) == expected


@pytest.mark.parametrize(
    ("value", "lexical", "datatype"),
    [
        ("2020-10-07", "2020-10-07", "date"),
        ("2020-10-07T09:30:00Z", "2020-10-07", "date"),
        ("2020-10", "2020-10", "gYearMonth"),
        ("2020", "2020", "gYear"),
        ("2020-13", None, None),
        ("2021-02-30", None, None),
        ("last week", None, None),
        (None, None, None),
    ],
    ids=["date", "datetime", "year-month", "year", "bad-month", "bad-day", "text", "none"],
)
def test_dates_are_typed_by_precision(value, lexical, datatype) -> None:
    literal = date_literal(value)
    if lexical is None:
        assert literal is None
    else:
        assert literal == ox.Literal(lexical, datatype=XSD[datatype])


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.com/a?b=c#d", True),
        ("urn:uuid:1234", True),
        ("example.com/a", False),
        ("https://exa mple.com", False),
        ("", False),
    ],
    ids=["https", "urn", "relative", "space", "empty"],
)
def test_url_kept_only_when_absolute_iri(url: str, kept: bool) -> None:
    article, _ = extraction_quads(_extraction(url=url))
    sources = [q.object for q in article if q.predicate.value == "http://purl.org/dc/terms/source"]
    assert sources == ([ox.NamedNode(url)] if kept else [])


@pytest.mark.parametrize(
    ("actor", "classes"),
    [
        (Actor("state/IND", "state", "India", code="IND"), {"Actor", "State"}),
        (Actor("person/x", "person", "X", affiliation="state/IND"), {"Actor", "Person"}),
        (
            Actor("organization/huawei", "organization", "Huawei", category="company"),
            {"Actor", "Organization", "Company"},
        ),
        (
            Actor("organization/mea", "organization", "MEA", category="government"),
            {"Actor", "Organization", "GovernmentBody"},
        ),
        (
            Actor("organization/pla", "organization", "PLA", category="military"),
            {"Actor", "Organization", "GovernmentBody"},
        ),
        (
            Actor("organization/quad", "organization", "Quad", category="international"),
            {"Actor", "Organization", "InternationalOrganization"},
        ),
        (Actor("organization/foo", "organization", "Foo"), {"Actor", "Organization"}),
    ],
    ids=["state", "person", "company", "government", "military", "international", "no-category"],
)
def test_actor_classes(actor: Actor, classes: set[str]) -> None:
    quads = actor_quads([actor])
    types = {q.object.value for q in quads if q.predicate == RDF["type"]}
    assert types == {ENT.iri + name for name in classes}


def test_state_country_code_and_person_affiliation() -> None:
    quads = actor_quads(
        [
            Actor("state/IND", "state", "India"),
            Actor(
                "person/narendra-modi",
                "person",
                "Narendra Modi",
                code="IND",
                affiliation="state/IND",
                role="Prime Minister",
            ),
        ]
    )
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    assert (actor_iri("state/IND"), ENT["countryCode"], ox.Literal("IND")) in triples
    modi = actor_iri("person/narendra-modi")
    assert (modi, ENT["affiliation"], actor_iri("state/IND")) in triples
    assert (modi, ENT["role"], ox.Literal("Prime Minister")) in triples


def test_unknown_actor_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="kind"):
        actor_quads([Actor("planet/mars", "planet", "Mars")])


def test_evidence_from_another_article_is_rejected() -> None:
    extraction = _extraction()
    relation = extraction.relations[0]
    bad = Mention("other", 0, "s", 0, 1, "s", 0.5, "r")
    broken = Extraction(
        article=extraction.article,
        relations=(
            Relation(
                relation.kind,
                relation.type,
                relation.status,
                parties=relation.parties,
                mentions=(bad,),
            ),
        ),
    )
    with pytest.raises(ValueError, match="other"):
        extraction_quads(broken)


@pytest.mark.parametrize(
    "fmt",
    [ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG],
    ids=["nquads", "trig"],
)
def test_quads_round_trip_through_serialisation(fmt: ox.RdfFormat) -> None:
    article, actors = extraction_quads(_extraction(title='He said "no" \\ <b>'))
    data = ox.serialize(article + actors, format=fmt)
    assert set(ox.parse(data, format=fmt)) == set(article + actors)


def test_rdf_xml_serialisation_works_for_each_graph() -> None:
    article, _ = extraction_quads(_extraction())
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in article]
    data = ox.serialize(triples, format=ox.RdfFormat.RDF_XML)
    assert len(list(ox.parse(data, format=ox.RdfFormat.RDF_XML))) == len(triples)


def test_a_relation_name_is_its_label() -> None:
    extraction = _extraction()
    named = replace(extraction.relations[0], name="Tokyo\x0b Accord")
    quads, _ = extraction_quads(replace(extraction, relations=(named,)))
    labels = [q.object.value for q in quads if q.predicate == RDFS["label"]]
    assert "Tokyo Accord" in labels  # cleaned like every literal
    unnamed, _ = extraction_quads(extraction)
    relation_nodes = {q.subject for q in unnamed if q.object == ENT["Agreement"]}
    assert not [q for q in unnamed if q.subject in relation_nodes and q.predicate == RDFS["label"]]
