"""IRI minting: canonical ids in, valid and stable IRIs out."""

from __future__ import annotations

import re
import unicodedata

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from entente.graph.iris import (
    ACTORS_GRAPH,
    ENT,
    ENTR,
    ONTOLOGY_GRAPH,
    actor_iri,
    article_iri,
    concept_iri,
    encode_id,
    mention_iri,
    relation_iri,
    technology_iri,
)
from entente.records import Mention, Relation

ENTR_IRI = "https://w3id.org/entente/id/"


def _parses_in_ntriples(node: ox.NamedNode) -> bool:
    line = f'{node} <{ENTR_IRI}p> "x" .\n'
    quads = list(ox.parse(line, format=ox.RdfFormat.N_TRIPLES))
    return len(quads) == 1 and quads[0].subject == node


def test_namespaces_match_the_ontology_package() -> None:
    ontology = pytest.importorskip("entente.ontology")
    assert ENT.iri == ontology.ENT_IRI
    assert ENTR.iri == ontology.ENTR_IRI
    assert ENT["Agreement"] == ox.NamedNode("https://w3id.org/entente/ns#Agreement")
    assert ACTORS_GRAPH.value == ENTR_IRI + "graph/actors"
    assert ONTOLOGY_GRAPH.value == ENTR_IRI + "graph/ontology"


@pytest.mark.parametrize(
    ("made", "expected"),
    [
        (actor_iri("state/IND"), "state/IND"),
        (actor_iri("organization/quad"), "organization/quad"),
        (actor_iri("person/narendra-modi"), "person/narendra-modi"),
        (actor_iri("person/bùi thanh sơn"), "person/b%C3%B9i%20thanh%20s%C6%A1n"),
        (technology_iri("5g"), "technology/5g"),
        (technology_iri("technology/5g"), "technology/5g"),
        (concept_iri("agreement-type", "formal_agreement"), "agreement-type/formal_agreement"),
        (concept_iri("status", "in_force"), "status/in_force"),
        (article_iri("a1"), "article/a1"),
        (article_iri("news/a 1.txt"), "article/news%2Fa%201.txt"),
        (article_iri('x#y?z<>"'), "article/x%23y%3Fz%3C%3E%22"),
        (actor_iri("state/.."), "state/%2E%2E"),
    ],
    ids=[
        "state",
        "organization",
        "person",
        "person-non-ascii",
        "technology",
        "technology-prefixed",
        "agreement-type",
        "status",
        "article",
        "article-slash-space",
        "article-iri-delimiters",
        "dot-segment",
    ],
)
def test_iris_are_minted_as_documented(made: ox.NamedNode, expected: str) -> None:
    assert made.value == ENTR_IRI + expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: actor_iri(""),
        lambda: actor_iri("state//IND"),
        lambda: actor_iri("/state"),
        lambda: actor_iri("state/"),
        lambda: article_iri(""),
        lambda: technology_iri(""),
        lambda: concept_iri("status", ""),
        lambda: concept_iri("colour", "red"),
        lambda: encode_id(None),  # type: ignore[arg-type]
    ],
    ids=[
        "empty-actor",
        "empty-segment",
        "leading-slash",
        "trailing-slash",
        "empty-article",
        "empty-technology",
        "empty-concept",
        "unknown-scheme",
        "not-a-string",
    ],
)
def test_empty_or_bad_ids_are_rejected(call) -> None:
    with pytest.raises(ValueError):
        call()


def test_lone_surrogate_still_gives_a_valid_distinct_iri() -> None:
    node = article_iri("a\ud800")
    assert _parses_in_ntriples(node)
    assert node != article_iri("a")


@given(st.text(min_size=1))
def test_any_article_id_gives_a_valid_iri(article_id: str) -> None:
    node = article_iri(article_id)
    assert ox.NamedNode(node.value) == node
    assert _parses_in_ntriples(node)
    assert re.fullmatch(r"[A-Za-z0-9%._~\-]+", node.value.removeprefix(ENTR_IRI + "article/"))


_segment = st.text(alphabet=st.characters(blacklist_characters="/"), min_size=1)


@given(st.lists(_segment, min_size=1, max_size=4))
def test_any_actor_id_gives_a_valid_iri_keeping_its_segments(segments: list[str]) -> None:
    node = actor_iri("/".join(segments))
    assert _parses_in_ntriples(node)
    assert node.value.removeprefix(ENTR_IRI).count("/") == len(segments) - 1


@given(st.text(min_size=1))
def test_nfc_and_nfd_spellings_share_an_iri(identifier: str) -> None:
    nfc = unicodedata.normalize("NFC", identifier)
    nfd = unicodedata.normalize("NFD", identifier)
    assert article_iri(nfc) == article_iri(nfd)
    assert concept_iri("technology", nfc) == concept_iri("technology", nfd)
    assert actor_iri("person/" + nfc.replace("/", "-")) == actor_iri(
        "person/" + nfd.replace("/", "-")
    )


@given(st.text(min_size=1), st.text(min_size=1))
def test_distinct_ids_give_distinct_iris(first: str, second: str) -> None:
    same = unicodedata.normalize("NFC", first) == unicodedata.normalize("NFC", second)
    assert (article_iri(first) == article_iri(second)) is same


def test_nfc_example_with_combining_accent() -> None:
    assert actor_iri("person/jose\u0301") == actor_iri("person/jos\u00e9")


def _mention(start: int = 0, end: int = 10, rule: str = "agreement.verb") -> Mention:
    return Mention("a1", 0, "India and Japan agree.", start, end, "India and", 0.8, rule)


def _restriction(**changes) -> Relation:
    fields = {
        "kind": "restriction",
        "type": "opposition",
        "status": "ongoing",
        "imposers": ("state/JPN",),
        "targets": ("state/CHN",),
        "technologies": ("5g",),
        "mentions": (_mention(),),
    }
    fields.update(changes)
    return Relation(**fields)


def test_relation_iri_is_a_stable_hash() -> None:
    node = relation_iri(_restriction(), "a1")
    assert re.fullmatch(re.escape(ENTR_IRI) + r"restriction/[0-9a-f]{32}", node.value)
    assert relation_iri(_restriction(), "a1") == node
    reordered = _restriction(imposers=("state/USA", "state/JPN"))
    assert relation_iri(reordered, "a1") == relation_iri(
        _restriction(imposers=("state/JPN", "state/USA")), "a1"
    )


@pytest.mark.parametrize(
    ("changed", "article_id"),
    [
        (_restriction(), "a2"),
        (_restriction(imposers=("state/CHN",), targets=("state/JPN",)), "a1"),
        (_restriction(type="ban"), "a1"),
        (_restriction(technologies=("semiconductors",)), "a1"),
        (_restriction(mentions=(_mention(start=1),)), "a1"),
        (
            _restriction(
                kind="agreement", parties=("state/JPN", "state/CHN"), imposers=(), targets=()
            ),
            "a1",
        ),
    ],
    ids=[
        "other-article",
        "roles-swapped",
        "other-type",
        "other-technology",
        "other-offsets",
        "other-kind",
    ],
)
def test_relation_iri_changes_with_identity(changed: Relation, article_id: str) -> None:
    assert relation_iri(changed, article_id) != relation_iri(_restriction(), "a1")


def test_relation_iri_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind"):
        relation_iri(_restriction(kind="treaty"), "a1")


def test_mention_iri() -> None:
    node = mention_iri(_mention())
    assert re.fullmatch(re.escape(ENTR_IRI) + r"mention/[0-9a-f]{32}", node.value)
    assert mention_iri(_mention()) == node
    assert mention_iri(_mention(end=11)) != node
    assert mention_iri(_mention(rule="other")) != node
