"""The store: ingesting extractions and checking the triples through SPARQL."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from entente.errors import StoreError, StoreLockedError
from entente.graph.iris import ONTOLOGY_GRAPH, article_iri
from entente.graph.query import run_query
from entente.graph.stats import graph_stats
from entente.graph.store import GraphStore
from entente.records import Actor, Article, EntityMention, Extraction, Mention, Relation

ENTR = "https://w3id.org/entente/id/"
QUAD_TEXT = (
    "India, Japan, the United States and Australia agreed on Tuesday to cooperate on secure "
    "5G networks. Japan continues to oppose China's role in regional telecommunications. "
    "Prime Minister Narendra Modi welcomed the Quad's plan."
)


def _ontology_available() -> bool:
    try:
        from entente import ontology

        return all(ontology.path(name).is_file() for name in ontology.VOCABULARY)
    except Exception:  # noqa: BLE001 - any failure means the files are not there yet
        return False


HAVE_ONTOLOGY = _ontology_available()


def _mention(article: Article, index: int, sentence: str, span: str, rule: str) -> Mention:
    start = article.full_text.index(span)
    return Mention(article.id, index, sentence, start, start + len(span), span, 0.8, rule)


def quad_extraction(*, with_restriction: bool = True, title: str = "Quad partners agree on 5G"):
    """India/Japan/US/Australia 5G cooperation, and Japan opposing China."""
    article = Article(
        id="a1",
        text=QUAD_TEXT,
        title=title,
        date="2020-10-07",
        source="Example Times",
        url="https://example.com/news/quad-5g",
        language="en",
    )
    sentences = [s + "." for s in QUAD_TEXT.split(". ")]
    agreement = Relation(
        kind="agreement",
        type="cooperation",
        status="agreed",
        parties=("state/IND", "state/JPN", "state/USA", "state/AUS"),
        technologies=("5g",),
        date="2020-10-07",
        confidence=0.8,
        mentions=(
            _mention(
                article,
                0,
                sentences[0],
                "agreed on Tuesday to cooperate on secure 5G",
                "agreement.verb",
            ),
        ),
    )
    restriction = Relation(
        kind="restriction",
        type="opposition",
        status="ongoing",
        imposers=("state/JPN",),
        targets=("state/CHN",),
        technologies=("telecommunications",),
        confidence=0.6,
        mentions=(
            _mention(
                article, 1, sentences[1], "Japan continues to oppose China", "restriction.verb"
            ),
        ),
    )
    actors = (
        Actor("state/IND", "state", "India", code="IND"),
        Actor("state/JPN", "state", "Japan", code="JPN"),
        Actor("state/USA", "state", "United States", code="USA"),
        Actor("state/AUS", "state", "Australia", code="AUS"),
        Actor("state/CHN", "state", "China", code="CHN"),
        Actor(
            "person/narendra-modi",
            "person",
            "Narendra Modi",
            code="IND",
            affiliation="state/IND",
            role="Prime Minister",
        ),
        Actor("organization/quad", "organization", "Quad", category="international"),
    )
    full = article.full_text
    entity_mentions = tuple(
        EntityMention(target, full.index(text), full.index(text) + len(text), text)
        for target, text in [
            ("state/IND", "India"),
            ("state/JPN", "Japan"),
            ("5g", "5G"),
            ("person/narendra-modi", "Narendra Modi"),
        ]
    )
    relations = (agreement, restriction) if with_restriction else (agreement,)
    return Extraction(article, actors, relations, entity_mentions)


@pytest.fixture
def store():
    with GraphStore.open(None, ontology=HAVE_ONTOLOGY) as opened:
        opened.replace_article(quad_extraction())
        yield opened


def _select(store: GraphStore, sparql: str, **bindings) -> list[dict[str, str]]:
    result = run_query(store, sparql, bindings=bindings)
    return [
        {k: (v.value if v is not None else None) for k, v in r.items()} for r in result.records()
    ]


def _column(store: GraphStore, sparql: str, **bindings) -> set[str]:
    return {next(iter(row.values())) for row in _select(store, sparql, **bindings)}


def _agreement(store: GraphStore) -> str:
    (iri,) = _column(store, "SELECT ?a WHERE { ?a a ent:Agreement }")
    return iri


def test_agreement_parties_technology_and_provenance(store: GraphStore) -> None:
    agreement = ox.NamedNode(_agreement(store))
    assert _column(store, "SELECT ?p ?a WHERE { ?a ent:party ?p }", a=agreement) == {
        ENTR + "state/IND",
        ENTR + "state/JPN",
        ENTR + "state/USA",
        ENTR + "state/AUS",
    }
    assert _column(store, "SELECT ?t ?a WHERE { ?a ent:technology ?t }", a=agreement) == {
        ENTR + "technology/5g"
    }
    assert _column(store, "SELECT ?src ?a WHERE { ?a prov:wasDerivedFrom ?src }", a=agreement) == {
        ENTR + "article/a1"
    }
    rows = _select(
        store,
        """
        SELECT ?a ?type ?status ?neg ?hedged ?date ?conf WHERE {
          ?a ent:agreementType ?type ; ent:status ?status ; ent:negated ?neg ;
             ent:hedged ?hedged ; ent:date ?date ; ent:confidence ?conf .
          FILTER(DATATYPE(?date) = xsd:date && DATATYPE(?conf) = xsd:double)
        }""",
        a=agreement,
    )
    assert rows == [
        {
            "a": agreement.value,
            "type": ENTR + "agreement-type/cooperation",
            "status": ENTR + "status/agreed",
            "neg": "false",
            "hedged": "false",
            "date": "2020-10-07",
            "conf": "0.8",
        }
    ]


@pytest.mark.skipif(not HAVE_ONTOLOGY, reason="entente/ontology/*.ttl not written yet")
@pytest.mark.parametrize(
    ("kind_property", "notation"),
    [
        ("ent:agreementType", "cooperation"),
        ("ent:status", "agreed"),
        ("ent:restrictionType", "opposition"),
        ("ent:technology", "5g"),
    ],
    ids=["agreement-type", "status", "restriction-type", "technology"],
)
def test_concepts_resolve_to_the_loaded_ontology(store, kind_property, notation) -> None:
    rows = _column(
        store,
        f"""
        SELECT ?notation WHERE {{ ?r {kind_property} ?c . ?c a skos:Concept ;
          skos:notation ?notation ; skos:prefLabel ?label ; skos:inScheme ?scheme }}""",
    )
    assert notation in rows


def test_restriction_roles(store: GraphStore) -> None:
    rows = _select(
        store,
        """
        SELECT ?type ?status ?by ?target WHERE {
          ?r a ent:Restriction ; ent:restrictionType ?type ; ent:status ?status ;
             ent:imposedBy ?by ; ent:target ?target ;
             prov:wasDerivedFrom <https://w3id.org/entente/id/article/a1> .
          FILTER NOT EXISTS { ?r ent:date ?d }
        }""",
    )
    assert rows == [
        {
            "type": ENTR + "restriction-type/opposition",
            "status": ENTR + "status/ongoing",
            "by": ENTR + "state/JPN",
            "target": ENTR + "state/CHN",
        }
    ]


def test_evidence_mentions(store: GraphStore) -> None:
    full = quad_extraction().article.full_text
    rows = _select(
        store,
        """
        SELECT ?index ?start ?end ?text ?sentence ?rule ?conf ?article WHERE {
          ?a a ent:Agreement ; ent:evidence ?m .
          ?m a ent:Mention ; ent:article ?article ; ent:sentenceIndex ?index ;
             ent:startOffset ?start ; ent:endOffset ?end ; ent:evidenceText ?text ;
             ent:sentence ?sentence ; ent:rule ?rule ; ent:confidence ?conf .
          FILTER(DATATYPE(?start) = xsd:integer && DATATYPE(?index) = xsd:integer)
        }""",
    )
    assert len(rows) == 1
    row = rows[0]
    start, end = int(row["start"]), int(row["end"])
    assert full[start:end] == row["text"] == "agreed on Tuesday to cooperate on secure 5G"
    assert (row["index"], row["rule"], row["conf"], row["article"]) == (
        "0",
        "agreement.verb",
        "0.8",
        ENTR + "article/a1",
    )
    assert row["sentence"].startswith("India, Japan")


def test_article_metadata(store: GraphStore) -> None:
    rows = _select(
        store,
        """
        SELECT ?id ?title ?date ?publisher ?source ?lang WHERE {
          <https://w3id.org/entente/id/article/a1> a ent:Article ;
            dcterms:identifier ?id ; dcterms:title ?title ;
            dcterms:date ?date ; dcterms:publisher ?publisher ; dcterms:source ?source ;
            dcterms:language ?lang .
          FILTER(isIRI(?source) && DATATYPE(?date) = xsd:date)
        }""",
    )
    assert rows == [
        {
            "id": "a1",
            "title": "Quad partners agree on 5G",
            "date": "2020-10-07",
            "publisher": "Example Times",
            "source": "https://example.com/news/quad-5g",
            "lang": "en",
        }
    ]
    assert _column(
        store, "SELECT ?x WHERE { <https://w3id.org/entente/id/article/a1> ent:mentions ?x }"
    ) == {
        ENTR + "state/IND",
        ENTR + "state/JPN",
        ENTR + "technology/5g",
        ENTR + "person/narendra-modi",
    }


def test_actors(store: GraphStore) -> None:
    rows = _select(
        store,
        """
        SELECT ?label ?role ?aff WHERE { GRAPH <https://w3id.org/entente/id/graph/actors> {
          <https://w3id.org/entente/id/person/narendra-modi> a ent:Person, ent:Actor ;
            rdfs:label ?label ;
            ent:role ?role ; ent:affiliation ?aff } }""",
    )
    assert rows == [{"label": "Narendra Modi", "role": "Prime Minister", "aff": ENTR + "state/IND"}]
    assert _column(
        store, "SELECT ?c WHERE { <https://w3id.org/entente/id/state/CHN> ent:countryCode ?c }"
    ) == {"CHN"}
    assert _column(
        store, "SELECT ?t WHERE { <https://w3id.org/entente/id/organization/quad> a ?t }"
    ) == {
        "https://w3id.org/entente/ns#" + n
        for n in ("Actor", "Organization", "InternationalOrganization")
    }


NO_BLANKS = """ASK { GRAPH ?g { ?s ?p ?o } FILTER(?g != <https://w3id.org/entente/id/graph/ontology>)
                     FILTER(isBlank(?s) || isBlank(?o)) }"""


def test_reingest_is_idempotent_and_has_no_blank_nodes(store: GraphStore) -> None:
    before = len(store)
    store.replace_article(quad_extraction())
    store.replace_article(quad_extraction())
    assert len(store) == before
    assert run_query(store, NO_BLANKS).boolean is False


def test_replacement_drops_old_facts(store: GraphStore) -> None:
    count = "SELECT (COUNT(?r) AS ?n) WHERE { ?r a ent:Restriction }"
    assert _column(store, count) == {"1"}
    store.replace_article(quad_extraction(with_restriction=False, title="New title"))
    assert _column(store, count) == {"0"}
    assert _column(store, "SELECT ?m WHERE { ?m ent:rule 'restriction.verb' }") == set()
    assert _column(
        store, "SELECT ?t WHERE { <https://w3id.org/entente/id/article/a1> dcterms:title ?t }"
    ) == {"New title"}


def test_remove_has_and_list_articles(store: GraphStore) -> None:
    other = quad_extraction()
    store.replace_article(Extraction(Article(id="b 2", text="Nothing."), (), (), ()))
    assert store.article_ids() == ["a1", "b 2"]
    assert store.has_article("b 2") and not store.has_article("zz")
    assert store.remove_article("a1") is True
    assert store.remove_article("a1") is False
    assert store.article_ids() == ["b 2"]
    assert _column(store, "SELECT ?a WHERE { ?a a ent:Agreement }") == set()
    # actors are shared between articles and stay
    assert _column(
        store, "SELECT ?c WHERE { <https://w3id.org/entente/id/state/CHN> ent:countryCode ?c }"
    ) == {"CHN"}
    store.replace_article(other)
    assert store.has_article("a1")


def test_text_cannot_inject_sparql_into_the_update(store: GraphStore) -> None:
    evil = 'x" } ; DROP ALL ; INSERT DATA { <http://e/s> <http://e/p> "y'
    store.replace_article(quad_extraction(title=evil))
    assert _column(
        store, "SELECT ?t WHERE { <https://w3id.org/entente/id/article/a1> dcterms:title ?t }"
    ) == {evil}
    assert run_query(store, "ASK { <http://e/s> ?p ?o }").boolean is False
    assert store.has_article("a1")


def test_a_failing_update_request_is_rolled_back_as_a_whole(store: GraphStore) -> None:
    """The property replace_article relies on: one update request = one transaction."""
    graph = article_iri("a1")
    before = len(store)
    with pytest.raises(RuntimeError):
        store.oxigraph.update(f"DROP SILENT GRAPH {graph} ; DROP GRAPH <http://nowhere/g>")
    assert len(store) == before and store.has_article("a1")


def test_stats(store: GraphStore) -> None:
    stats = graph_stats(store)
    expected = {
        "articles": 1,
        "agreements": 1,
        "restrictions": 1,
        "actors": 7,
        "states": 5,
        "persons": 1,
        "organizations": 1,
        "technologies": 2,
        "mentions": 2,
    }
    assert {k: stats[k] for k in expected} == expected
    assert stats["triples"] == len(store)


# -- on disk ---------------------------------------------------------------------------


def test_persistence_and_ontology_loaded_once(tmp_path: Path) -> None:
    directory = tmp_path / "deep" / "store"
    with GraphStore.open(directory, ontology=HAVE_ONTOLOGY) as store:
        store.replace_article(quad_extraction())
        size = len(store)
    assert directory.is_dir()
    with GraphStore.open(directory, ontology=HAVE_ONTOLOGY) as store:
        assert len(store) == size
        assert store.article_ids() == ["a1"]
        if HAVE_ONTOLOGY:
            version = store.ontology_version()
            assert version is not None and version.startswith("sha256:")
            assert store.load_ontology() is False


@pytest.mark.skipif(not HAVE_ONTOLOGY, reason="entente/ontology/*.ttl not written yet")
def test_ontology_reloaded_when_hash_changes(tmp_path: Path) -> None:
    with GraphStore.open(tmp_path / "s") as store:
        size = len(store)
        version = store.ontology_version()
        store.oxigraph.update(f"""
            DELETE WHERE {{ GRAPH {ONTOLOGY_GRAPH} {{ {ONTOLOGY_GRAPH} ?p ?o }} }} ;
            INSERT DATA {{ GRAPH {ONTOLOGY_GRAPH} {{
              {ONTOLOGY_GRAPH} <http://purl.org/dc/terms/hasVersion> "sha256:old" }} }}""")
    with GraphStore.open(tmp_path / "s") as store:
        assert store.ontology_version() == version
        assert len(store) == size
        assert run_query(store, "ASK { ent:Agreement a owl:Class }").boolean is True


def _open_in_subprocess(directory: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\n"
        "from entente.graph.store import GraphStore\n"
        "try:\n"
        "    GraphStore.open(sys.argv[1], ontology=False).close()\n"
        "except Exception as e:\n"
        "    print(type(e).__name__, e)\n"
        "else:\n"
        "    print('opened')\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(directory)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_second_writer_gets_store_locked_error(tmp_path: Path) -> None:
    directory = tmp_path / "locked"
    with GraphStore.open(directory, ontology=False):
        started = time.monotonic()
        output = _open_in_subprocess(directory).stdout
        assert time.monotonic() - started < 30
        assert output.startswith("StoreLockedError")
        assert f"store {directory} is in use by another process" in output
        with pytest.raises(StoreLockedError, match="in use by another process"):
            GraphStore.open(directory, ontology=False)  # same process, second handle
    assert _open_in_subprocess(directory).stdout.strip() == "opened"


def test_read_only_store(tmp_path: Path) -> None:
    directory = tmp_path / "ro"
    with GraphStore.open(directory, ontology=False) as store:
        store.replace_article(quad_extraction())
    with GraphStore.open(directory, read_only=True) as reader:
        assert reader.article_ids() == ["a1"]
        with pytest.raises(StoreError, match="read-only"):
            reader.replace_article(quad_extraction())


@pytest.mark.parametrize(
    "make",
    [
        lambda p: (p.write_text("not a store"), p)[1],
        lambda p: (p.mkdir(), (p / "CURRENT").write_text("garbage\n"), p)[2],
    ],
    ids=["path-is-a-file", "corrupt-store"],
)
def test_bad_store_paths(tmp_path: Path, make) -> None:
    path = make(tmp_path / "x")
    with pytest.raises(StoreError) as info:
        GraphStore.open(path, ontology=False)
    assert not isinstance(info.value, StoreLockedError)
    assert str(path) in str(info.value)


def test_read_only_needs_an_existing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no entente store"):
        GraphStore.open(tmp_path / "missing", read_only=True)
    with pytest.raises(StoreError):
        GraphStore.open(None, read_only=True)


def test_closed_store_refuses_work() -> None:
    store = GraphStore.open(None, ontology=False)
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.has_article("a1")


def test_flush_and_optimize(tmp_path: Path) -> None:
    with GraphStore.open(tmp_path / "s", ontology=False) as store:
        store.replace_article(quad_extraction())
        store.flush()
        store.optimize()
        assert store.has_article("a1")
