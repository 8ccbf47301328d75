"""Property-based fault scenarios (hypothesis): IRI minting and export round trips.

Strings are drawn from all of Unicode *plus*, on purpose and often, the characters
that break things: C0/C1 controls, lone surrogates, non-characters, combining
marks (NFD), bidi controls, XML and CSV specials and spreadsheet formula prefixes.

Properties:
    * IRI minting is total on non-empty strings, gives plain-ASCII IRIs that
      pyoxigraph accepts and that re-parse in N-Triples, Turtle and RDF/XML, is
      deterministic, NFC-invariant and injective on NFC-distinct ids, long ids
      included.
    * Text cleaning gives XML 1.0 text, NFC, idempotent, the same in the RDF
      mapping and the XML writers.
    * Any actor names, article id and evidence, written to a store and exported,
      read back (GEXF through lxml and the official schema when present, GraphML
      through networkx, N-Triples through pyoxigraph, CSV through :mod:`csv`) as
      the cleaned names: NFC, without the characters XML 1.0 forbids.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

import networkx as nx
import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from entente.graph.export import export
from entente.graph.gexf import GEXF_NS, xml_safe
from entente.graph.iris import (
    MAX_SEGMENT_LENGTH,
    actor_iri,
    article_iri,
    concept_iri,
    encode_id,
)
from entente.graph.rdf import clean_text
from entente.graph.store import GraphStore
from entente.graph.tables import guard_formula
from entente.records import Actor, Article, Extraction, Mention, Relation

from ..conftest import shared_dir

ENTR = "https://w3id.org/entente/id/"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SAFE_PATH = re.compile(r"(?:[A-Za-z0-9\-._~/]|%[0-9A-F]{2})+")
XML_CHARS = re.compile("[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")
#: Longest encoded segment: a 160-character prefix, "~" and 64 hex digits.
LONGEST_SEGMENT = 160 + 1 + 64

NASTY = [
    *map(chr, range(0x20)),
    "\x7f",
    "\x85",
    "\ud800",
    "\udfff",
    "\ufffe",
    "\uffff",
    "\ufeff",
    "\u0301",  # combining acute: NFD spellings
    "\u202e",
    "\u2028",
    "e",
    "\uac00",  # a Hangul syllable, and the jamo it decomposes to
    "\u1100",
    "\u1161",
    *"\"<>&;,=+-@'%#?/\\ .]",
    "\U0001f680",
]
CHARS = st.one_of(
    st.characters(),
    st.characters(categories=["Cc", "Cf", "Cs", "Mn", "Zl", "Zp"]),
    st.sampled_from(NASTY),
)
TEXT = st.text(alphabet=CHARS, min_size=1, max_size=24)
#: Up to 400 characters: long ids (often over the 200-character limit once encoded).
LONG_TEXT = st.text(alphabet=CHARS, min_size=1, max_size=400)
SOME_TEXT = st.one_of(TEXT, LONG_TEXT)

FAST = settings(max_examples=100, deadline=None)
STORE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _reparses(node: ox.NamedNode) -> bool:
    triple = ox.Triple(node, RDFS_LABEL, ox.Literal("x"))
    for fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        data = ox.serialize([triple], format=fmt)
        if [q.triple for q in ox.parse(data, format=fmt)] != [triple]:
            return False
    return True


# -- IRI minting ---------------------------------------------------------------


@FAST
@given(SOME_TEXT)
def test_article_iri_is_valid_ascii_and_reparses(identifier: str) -> None:
    """Property: any article id gives one short, plain-ASCII, re-parseable IRI."""
    node = article_iri(identifier)
    segment = node.value.removeprefix(ENTR + "article/")
    assert SAFE_PATH.fullmatch(segment) and "/" not in segment
    assert len(segment) <= LONGEST_SEGMENT
    assert segment not in (".", "..")
    assert ox.NamedNode(node.value) == node
    assert _reparses(node)


@FAST
@given(st.lists(SOME_TEXT.map(lambda s: s.replace("/", "|")), min_size=1, max_size=3))
def test_actor_iri_keeps_one_safe_segment_per_id_segment(segments: list[str]) -> None:
    """Property: a multi-segment actor id keeps its ``/`` and nothing else unescaped."""
    node = actor_iri("person/" + "/".join(segments))
    path = node.value.removeprefix(ENTR)
    parts = path.split("/")
    assert parts[0] == "person" and len(parts) == len(segments) + 1
    assert all(SAFE_PATH.fullmatch(p) and len(p) <= LONGEST_SEGMENT for p in parts[1:])
    assert _reparses(node)


@FAST
@given(SOME_TEXT)
def test_minting_is_deterministic_and_nfc_invariant(identifier: str) -> None:
    """Property: NFC, NFD and a fresh copy of an id all give the same IRI."""
    copy = "".join(list(identifier))
    nfc, nfd = _nfc(identifier), unicodedata.normalize("NFD", identifier)
    assert article_iri(copy) == article_iri(identifier) == article_iri(nfc) == article_iri(nfd)
    assert concept_iri("technology", nfd) == concept_iri("technology", nfc)
    key = nfc.replace("/", "|")
    assert actor_iri("organization/" + key) == actor_iri(
        "organization/" + unicodedata.normalize("NFD", key)
    )


@FAST
@given(SOME_TEXT, SOME_TEXT)
def test_minting_is_injective_on_nfc_distinct_ids(first: str, second: str) -> None:
    """Property: two ids share an IRI exactly when their NFC forms are equal."""
    same = _nfc(first) == _nfc(second)
    assert (article_iri(first) == article_iri(second)) is same
    assert (encode_id(first, keep_slashes=False) == encode_id(second, keep_slashes=False)) is same


@FAST
@given(SOME_TEXT, st.data())
def test_minting_is_injective_on_near_misses(identifier: str, data: st.DataObject) -> None:
    """Property: one character inserted, removed or replaced anywhere gives another IRI."""
    at = data.draw(st.integers(0, len(identifier) - 1), label="at")
    char = data.draw(CHARS, label="char")
    edited = data.draw(
        st.sampled_from(
            [
                identifier[:at] + char + identifier[at:],
                identifier[:at] + identifier[at + 1 :],
                identifier[:at] + char + identifier[at + 1 :],
            ]
        ),
        label="edited",
    )
    if not edited:
        return
    same = _nfc(identifier) == _nfc(edited)
    assert (article_iri(identifier) == article_iri(edited)) is same


@FAST
@given(st.text(alphabet=CHARS, min_size=150, max_size=300), TEXT, TEXT)
def test_long_ids_with_a_common_prefix_stay_distinct(base: str, tail1: str, tail2: str) -> None:
    """Property: long ids that differ only after their kept prefix never collide."""
    first, second = base + tail1, base + tail2
    assert (article_iri(first) == article_iri(second)) is (_nfc(first) == _nfc(second))


@FAST
@given(SOME_TEXT)
def test_encoded_form_cannot_be_forged_by_another_id(identifier: str) -> None:
    """Property: an id spelled like another id's encoding maps elsewhere."""
    encoded = encode_id(identifier, keep_slashes=False)
    if encoded != _nfc(identifier):  # an id already made of safe characters is its own code
        assert article_iri(encoded) != article_iri(identifier)
    if len(encoded) > MAX_SEGMENT_LENGTH:
        # shortened: 149-160 characters of whole encoded characters, "~", 64 hex digits;
        # so always longer than a segment kept whole
        prefix, _, digest = encoded.rpartition("~")
        assert len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)
        assert 149 <= len(prefix) <= 160


# -- text cleaning -------------------------------------------------------------


@FAST
@given(SOME_TEXT)
def test_clean_text_is_xml_nfc_and_idempotent(value: str) -> None:
    """Property: cleaned text is XML 1.0 text, NFC, stable, and lxml keeps it exactly."""
    cleaned = clean_text(value)
    assert XML_CHARS.fullmatch(cleaned)
    assert cleaned == _nfc(cleaned) == clean_text(cleaned)
    assert cleaned == _nfc(xml_safe(value))  # the XML writers remove the same characters
    element = etree.Element("e", a=cleaned)
    element.text = cleaned
    back = etree.fromstring(etree.tostring(element))
    assert (back.get("a"), back.text or "") == (cleaned, cleaned)
    assert ox.Literal(cleaned).value == cleaned


# -- export round trips ------------------------------------------------------------


def _gexf_schema() -> etree.RelaxNG | None:
    rng = shared_dir() / "schemas" / "gexf" / "1.3" / "gexf.rng"
    return etree.RelaxNG(etree.parse(str(rng))) if rng.is_file() else None


GEXF_SCHEMA = _gexf_schema()  # None without ../shared: the other checks still run

VISIBLE = SOME_TEXT.filter(lambda s: clean_text(s) != "")


def _store_of(names: list[str], article_id: str, evidence: str) -> GraphStore:
    ids = [f"organization/o{i}" for i in range(len(names))]
    mention = Mention(article_id, 0, evidence, 0, len(evidence), evidence, 0.7, "rule")
    relation = Relation(
        "agreement", "partnership", "signed", parties=(*ids, "state/IND"), mentions=(mention,)
    )
    actors = [Actor(i, "organization", n, code="IND") for i, n in zip(ids, names, strict=True)]
    actors.append(Actor("state/IND", "state", "India", code="IND"))
    store = GraphStore.open(None, ontology=False)
    store.replace_article(
        Extraction(Article(article_id, evidence), actors=tuple(actors), relations=(relation,))
    )
    return store


def _export(store: GraphStore, fmt: str, view: str = "actors") -> bytes:
    buffer = io.BytesIO()
    export(store.oxigraph, fmt, buffer, view=view)
    return buffer.getvalue()


@STORE
@given(st.lists(VISIBLE, min_size=1, max_size=4), VISIBLE, st.one_of(TEXT, VISIBLE))
def test_names_round_trip_through_every_export(
    names: list[str], article_id: str, evidence: str
) -> None:
    """Property: arbitrary names come back, cleaned, from GEXF, GraphML, N-Triples and CSV."""
    cleaned = [clean_text(n) for n in names]
    labels = set(cleaned) | {"India"}
    with _store_of(names, article_id, evidence) as store:
        gexf = _export(store, "gexf")
        graphml = _export(store, "graphml")
        ntriples = _export(store, "ntriples")
        table = _export(store, "csv")

    root = etree.fromstring(gexf)  # strict XML 1.0, or it raises
    if GEXF_SCHEMA is not None:
        assert GEXF_SCHEMA.validate(root), GEXF_SCHEMA.error_log
    assert {n.get("label") for n in root.iter(f"{{{GEXF_NS}}}node")} == labels

    graph = nx.read_graphml(io.BytesIO(graphml))
    assert {label for _, label in graph.nodes(data="label")} == labels

    triples = list(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    read = {(q.subject, q.object.value) for q in triples if q.predicate == RDFS_LABEL}
    assert read == {(actor_iri(f"organization/o{i}"), c) for i, c in enumerate(cleaned)} | {
        (actor_iri("state/IND"), "India")
    }

    (row,) = csv.DictReader(io.StringIO(table.decode("utf-8"), newline=""))
    assert row["parties"] == guard_formula(";".join(sorted(labels)))
    assert row["articles"] == guard_formula(clean_text(article_id))
    assert row["evidence"] == guard_formula(clean_text(evidence))


@STORE
@given(VISIBLE)
def test_full_view_round_trip_of_one_name(name: str) -> None:
    """Property: the tripartite view keeps a name too (GEXF and GraphML)."""
    with _store_of([name], "a1", "evidence") as store:
        gexf = _export(store, "gexf", "full")
        graphml = _export(store, "graphml", "full")
    root = etree.fromstring(gexf)
    if GEXF_SCHEMA is not None:
        assert GEXF_SCHEMA.validate(root), GEXF_SCHEMA.error_log
    assert clean_text(name) in {n.get("label") for n in root.iter(f"{{{GEXF_NS}}}node")}
    graph = nx.read_graphml(io.BytesIO(graphml))
    assert clean_text(name) in {label for _, label in graph.nodes(data="label")}
