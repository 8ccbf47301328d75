"""Fault scenarios: hostile identifiers become safe, stable, distinct IRIs (promise 6).

Every scenario mints IRIs from text an attacker or a broken source controls (file
names, URLs, JSON ids, actor names) and checks that the IRI is plain ASCII, that
pyoxigraph accepts it, that the N-Triples, Turtle and RDF/XML writers give a file
their parsers read back, and that the same id always gives the same IRI.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest
from lxml import etree

from entente.graph.iris import (
    ACTORS_GRAPH,
    MAX_SEGMENT_LENGTH,
    ONTOLOGY_GRAPH,
    actor_iri,
    article_iri,
    concept_iri,
    encode_id,
)
from entente.graph.rdf import extraction_quads
from entente.graph.store import GraphStore
from entente.records import Actor, Article, Extraction, Mention, Relation

ENTR = "https://w3id.org/entente/id/"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DC_SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
#: RFC 3986 unreserved characters, percent-encodings and the path separator.
SAFE_PATH = re.compile(r"(?:[A-Za-z0-9\-._~/]|%[0-9A-F]{2})+")

HOSTILE_IDS = {
    "space": "a b.txt",
    "fragment": "news#1",
    "query": "page?id=1&x=2",
    "percent": "100%",
    "percent-escape-lookalike": "%41%2F",
    "emoji": "\U0001f680\U0001f1ee\U0001f1f3",
    "rtl": "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "bidi-override": "evil\u202etxt.exe",
    "c0-controls": "".join(chr(c) for c in range(0x20)),
    "nul": "a\x00b",
    "del-and-c1": "a\x7f\x85\x9f",
    "lone-high-surrogate": "a\ud800",
    "lone-low-surrogate": "\udfffz",
    "non-characters": "\ufffe\uffff\U0010ffff",
    "bom": "\ufeffid",
    "10k-chars": "x" * 10_000,
    "10k-emoji": "\U0001f600" * 10_000,
    "parent-dir": "../../etc/passwd",
    "dot": ".",
    "dot-dot": "..",
    "html-injection": '"><script>alert(1)</script>',
    "iri-delimiters": '<>"{}|\\^`',
    "sparql-injection": "a> } ; DROP ALL ; #",
    "url": "https://www.example.org/news/2021/03/12/quad?utm=1#top",
    "windows-path": "C:\\news\\a1.txt",
    "nfd": "Cafe\u0301",
}


def _reparse(node: ox.NamedNode) -> None:
    """The IRI survives every RDF syntax we could write it in."""
    triple = ox.Triple(node, RDFS_LABEL, ox.Literal("x"))
    for fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        data = ox.serialize([triple], format=fmt)
        assert [q.triple for q in ox.parse(data, format=fmt)] == [triple], fmt
    # RDF/XML also through a strict XML parser, where the IRI is an attribute value.
    root = etree.fromstring(ox.serialize([triple], format=ox.RdfFormat.RDF_XML))
    about = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
    assert [e.get(about) for e in root.iter() if e.get(about)] == [node.value]


@pytest.mark.parametrize("identifier", HOSTILE_IDS.values(), ids=HOSTILE_IDS.keys())
def test_hostile_article_id_gives_a_safe_stable_iri(identifier: str) -> None:
    """Scenario: an article id taken from a file name, URL or JSON id holds anything."""
    node = article_iri(identifier)
    path = node.value.removeprefix(ENTR + "article/")
    assert SAFE_PATH.fullmatch(path), path
    assert "/" not in path and path not in (".", "..")
    assert ox.NamedNode(node.value) == node
    assert len(node.value) <= len(ENTR + "article/") + 225
    assert article_iri(identifier) == node  # deterministic
    _reparse(node)


@pytest.mark.parametrize("identifier", HOSTILE_IDS.values(), ids=HOSTILE_IDS.keys())
def test_hostile_actor_slug_keeps_its_kind_segment(identifier: str) -> None:
    """Scenario: a person slug built from a hostile name (``/`` inside the name)."""
    node = actor_iri("person/" + identifier.replace("/", "%2F"))
    path = node.value.removeprefix(ENTR)
    assert SAFE_PATH.fullmatch(path)
    assert path.startswith("person/") and path.count("/") == 1
    _reparse(node)


def test_hostile_ids_never_collide() -> None:
    """Scenario: every hostile id above, and its NFC form, maps to its own IRI."""
    ids = {unicodedata.normalize("NFC", i) for i in HOSTILE_IDS.values()}
    assert len({article_iri(i) for i in ids}) == len(ids)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Jose\u0301", "Jos\u00e9"),
        ("\u1100\u1161\u11a8", "\uac01"),  # Hangul jamo vs the composed syllable
        ("A\u030a", "\u00c5"),
        ("\u212b", "\u00c5"),  # ANGSTROM SIGN is NFC-equal to A WITH RING
    ],
    ids=["latin-accent", "hangul", "a-ring", "angstrom"],
)
def test_nfc_and_nfd_spellings_mint_one_iri(first: str, second: str) -> None:
    """Scenario: the same name spelled in NFC and NFD is one article, one actor, one key."""
    assert first != second
    assert article_iri(first) == article_iri(second)
    assert actor_iri(f"person/{first}") == actor_iri(f"person/{second}")
    assert concept_iri("technology", first) == concept_iri("technology", second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("%41", "A"),
        ("a b", "a%20b"),
        ("a\ud800", "a\ufffd"),
        ("a\ud800", "a"),
        ("a\x0b", "a"),
        (".", "%2E"),
        ("news/a1", "news%2Fa1"),
        ("\ufb01", "fi"),  # NFKC would merge the ligature; NFC must not
    ],
    ids=[
        "escape-lookalike",
        "space-lookalike",
        "surrogate-vs-replacement",
        "surrogate-vs-nothing",
        "control-vs-nothing",
        "dot-vs-escape",
        "slash-vs-escape",
        "ligature",
    ],
)
def test_lookalike_ids_stay_distinct(first: str, second: str) -> None:
    """Scenario: ids that look alike once decoded or cleaned are still two resources."""
    assert article_iri(first) != article_iri(second)


def test_boundary_of_long_segments() -> None:
    """Scenario: ids just under and just over the length limit."""
    kept = article_iri("x" * MAX_SEGMENT_LENGTH).value
    assert kept == ENTR + "article/" + "x" * MAX_SEGMENT_LENGTH
    shortened = article_iri("x" * (MAX_SEGMENT_LENGTH + 1)).value
    assert re.fullmatch(re.escape(ENTR) + "article/x{160}~[0-9a-f]{64}", shortened)


def test_long_ids_sharing_a_prefix_stay_distinct() -> None:
    """Scenario: two 10k-character ids that differ only in their last character."""
    first, second = "y" * 9_999 + "1", "y" * 9_999 + "2"
    assert article_iri(first) != article_iri(second)
    assert article_iri(first).value[:-64] == article_iri(second).value[:-64]


def test_shortened_form_cannot_be_forged() -> None:
    """Scenario: an id spelled like another id's shortened IRI does not take its place."""
    original = "z" * 5_000
    forged = article_iri(original).value.removeprefix(ENTR + "article/")
    assert article_iri(forged) != article_iri(original)
    assert article_iri(forged[:MAX_SEGMENT_LENGTH]) != article_iri(original)


def test_long_multibyte_ids_are_cut_between_characters() -> None:
    """Scenario: the kept prefix of a long non-ASCII id decodes as whole characters."""
    from urllib.parse import unquote

    path = encode_id("\u00e9" * 1_000, keep_slashes=False)
    prefix = path.rpartition("~")[0]
    assert unquote(prefix, errors="strict") == "\u00e9" * (len(prefix) // 6)


def _extraction(person_id: str, label: str, article_id: str = "a1", url: str | None = None):
    mention = Mention(article_id, 0, "Modi met Suga.", 0, 4, "Modi", 0.8, "agreement.verb")
    relation = Relation(
        "agreement", "cooperation", "agreed", parties=(person_id, "state/JPN"), mentions=(mention,)
    )
    return Extraction(
        Article(article_id, "Modi met Suga.", url=url),
        actors=(
            Actor(person_id, "person", label, code="IND", affiliation="state/IND"),
            Actor("state/JPN", "state", "Japan", code="JPN"),
        ),
        relations=(relation,),
    )


def test_nfc_and_nfd_person_ids_are_one_actor_in_the_store() -> None:
    """Scenario: two articles name the same person in NFC and NFD: one node, one label."""
    with GraphStore.open(None, ontology=False) as store:
        store.replace_article(_extraction("person/jose\u0301-garci\u0301a", "Jose\u0301", "a1"))
        store.replace_article(_extraction("person/jos\u00e9-garc\u00eda", "Jos\u00e9", "a2"))
        people = store.oxigraph.query(
            "SELECT DISTINCT ?p ?label WHERE { GRAPH ?g { ?p a <https://w3id.org/entente/ns#Person>"
            " ; <http://www.w3.org/2000/01/rdf-schema#label> ?label } }"
        )
        rows = [(row["p"].value, row["label"].value) for row in people]
    assert rows == [(ENTR + "person/jos%C3%A9-garc%C3%ADa", "Jos\u00e9")]


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/news/a1", True),
        ("https://\u4f8b\u3048.jp/\u00fc?q=1#f", True),
        ("https://example.org/a b", False),
        ("https://example.org/\x00", False),
        ("https://example.org/\u202eexe.txt", False),
        ("https://example.org/<script>", False),
        ("https://example.org/\ud800", False),
        ("/relative/path", False),
        ("not a url", False),
    ],
    ids=[
        "plain",
        "unicode-iri",
        "space",
        "nul",
        "bidi-override",
        "angle-brackets",
        "surrogate",
        "relative",
        "text",
    ],
)
def test_article_urls_are_kept_only_when_they_are_iris(url: str, kept: bool) -> None:
    """Scenario: a feed gives a broken or hostile article URL: dropped, the article kept."""
    quads, _ = extraction_quads(_extraction("person/modi", "Modi", url=url))
    sources = [q.object for q in quads if q.predicate == DC_SOURCE]
    assert sources == ([ox.NamedNode(url)] if kept else [])
    assert any(q.subject == article_iri("a1") for q in quads)


def _blank_quads(store: ox.Store) -> list[ox.Quad]:
    return [
        q
        for q in store.quads_for_pattern(None, None, None)
        if any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object, q.graph_name))
    ]


def test_hostile_ids_through_the_store_write_no_blank_nodes_and_reingest_is_a_no_op() -> None:
    """Scenario: every hostile id as article id and person slug, ingested twice."""
    with GraphStore.open(None) as store:
        for n, identifier in enumerate(HOSTILE_IDS.values()):
            person = "person/" + identifier.replace("/", "-")
            store.replace_article(_extraction(person, identifier + " label", identifier + str(n)))
        size = len(store)
        for n, identifier in enumerate(HOSTILE_IDS.values()):
            person = "person/" + identifier.replace("/", "-")
            store.replace_article(_extraction(person, identifier + " label", identifier + str(n)))
        assert len(store) == size
        assert _blank_quads(store.oxigraph) == []
        graphs = {g for g in store.oxigraph.named_graphs()} - {ACTORS_GRAPH, ONTOLOGY_GRAPH}
        assert len(graphs) == len(HOSTILE_IDS)
        # The whole dataset, hostile IRIs included, dumps and re-parses identically.
        dump = store.oxigraph.dump(format=ox.RdfFormat.N_QUADS)
        assert set(ox.parse(dump, format=ox.RdfFormat.N_QUADS)) == set(store.oxigraph)


def test_samples_store_has_no_blank_nodes(sample_kg) -> None:
    """Scenario: after ingesting the sample articles no statement uses a blank node, in
    any graph: the ``owl:unionOf`` lists of the vocabulary are stored under IRIs."""
    store = sample_kg.store.oxigraph
    assert _blank_quads(store) == []
    blank = store.query("ASK { GRAPH ?g { ?s ?p ?o } FILTER(isBlank(?s) || isBlank(?o)) }")
    assert not bool(blank)
    union = store.query(
        "SELECT ?list WHERE { GRAPH ?g { ?class owl:unionOf ?list } }",
        prefixes={"owl": "http://www.w3.org/2002/07/owl#"},
    )
    lists = [row[0].value for row in union]
    assert lists and all("/graph/ontology/genid/ent-" in iri for iri in lists)


def test_vocabulary_reloads_identically(tmp_path: Path) -> None:
    """Scenario: the store is reopened and the vocabulary forcibly reloaded three times:
    the very same quads each time (no blank node to be renamed)."""
    with GraphStore.open(tmp_path / "store") as store:
        size, ontology = len(store), set(store.oxigraph.quads_for_pattern(None, None, None))
    for _ in range(3):
        with GraphStore.open(tmp_path / "store") as store:
            assert store.load_ontology(force=True)
            assert len(store) == size
            assert set(store.oxigraph.quads_for_pattern(None, None, None)) == ontology
