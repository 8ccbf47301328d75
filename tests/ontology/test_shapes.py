"""SHACL shapes and entente.graph.validate on a hand-written sample store."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import to_isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from entente.errors import InputError
from entente.graph.validate import ValidationReport, Violation, validate, validate_store
from entente.ontology import ENTR_IRI
from entente.ontology.namespace import ENT

SAMPLE = Path(__file__).parent / "data" / "sample.trig"


def entr(local: str) -> URIRef:
    return URIRef(ENTR_IRI + local)


IND = entr("state/IND")
JPN = entr("state/JPN")
MODI = entr("person/narendra-modi")
HUAWEI = entr("organization/huawei")
ARTICLE = entr("article/a1")
AGREEMENT = entr("agreement/9f2c")
RESTRICTION = entr("restriction/41d0")
MENTION = entr("mention/88cd")
ARTICLE_GRAPH = entr("article/a1")
ACTORS_GRAPH = entr("graph/actors")


@pytest.fixture
def sample() -> Dataset:
    dataset = Dataset()
    # rdflib 7.6's TriG parser calls its own deprecated Dataset API, and leaks a file
    # it opens itself: hand it an open file and silence only that.
    with SAMPLE.open("rb") as handle, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(source=handle, format="trig", publicID=SAMPLE.as_uri())
    return dataset


def _union(dataset: Dataset) -> Graph:
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def test_sample_conforms(sample: Dataset) -> None:
    report = validate(sample)
    assert report.conforms, report.text
    assert report.violations == ()
    assert bool(report)


def test_sample_conforms_from_path_and_as_graph(sample: Dataset) -> None:
    assert validate(SAMPLE).conforms
    assert validate(str(SAMPLE)).conforms
    assert validate(_union(sample)).conforms


def test_validate_does_not_modify_its_input(sample: Dataset) -> None:
    graph = _union(sample)
    before = to_isomorphic(graph)
    validate(graph)
    assert to_isomorphic(graph) == before


def test_one_party_agreement_with_an_organisation_conforms(sample: Dataset) -> None:
    article = sample.graph(ARTICLE_GRAPH)
    article.remove((AGREEMENT, ENT.party, None))
    article.add((AGREEMENT, ENT.party, HUAWEI))
    assert validate(sample).conforms


def test_article_graph_alone_lacks_actor_types(sample: Dataset) -> None:
    """Validated without the actors graph, parties are not known to be actors."""
    report = validate(sample.graph(ARTICLE_GRAPH))
    assert not report.conforms
    assert (str(AGREEMENT), str(ENT.party)) in {(v.focus, v.path) for v in report.violations}


Breakage = Callable[[Dataset], None]


def _set(graph_name: URIRef, subject: URIRef, predicate: URIRef, value: object) -> Breakage:
    def breakage(dataset: Dataset) -> None:
        graph = dataset.graph(graph_name)
        graph.remove((subject, predicate, None))
        if value is not None:
            graph.add((subject, predicate, value))  # type: ignore[arg-type]

    return breakage


def _add(graph_name: URIRef, subject: URIRef, predicate: URIRef, value: object) -> Breakage:
    def breakage(dataset: Dataset) -> None:
        dataset.graph(graph_name).add((subject, predicate, value))  # type: ignore[arg-type]

    return breakage


BROKEN = [
    (
        "state-without-country-code",
        _set(ACTORS_GRAPH, IND, ENT.countryCode, None),
        IND,
        ENT.countryCode,
    ),
    (
        "state-two-letter-code",
        _set(ACTORS_GRAPH, IND, ENT.countryCode, Literal("IN")),
        IND,
        ENT.countryCode,
    ),
    (
        "state-lower-case-code",
        _set(ACTORS_GRAPH, JPN, ENT.countryCode, Literal("jpn")),
        JPN,
        ENT.countryCode,
    ),
    (
        "state-two-codes",
        _add(ACTORS_GRAPH, IND, ENT.countryCode, Literal("IDN")),
        IND,
        ENT.countryCode,
    ),
    ("state-without-label", _set(ACTORS_GRAPH, JPN, RDFS.label, None), JPN, RDFS.label),
    ("company-without-label", _set(ACTORS_GRAPH, HUAWEI, RDFS.label, None), HUAWEI, RDFS.label),
    (
        "affiliation-not-a-state",
        _set(ACTORS_GRAPH, MODI, ENT.affiliation, HUAWEI),
        MODI,
        ENT.affiliation,
    ),
    (
        "agreement-without-status",
        _set(ARTICLE_GRAPH, AGREEMENT, ENT.status, None),
        AGREEMENT,
        ENT.status,
    ),
    (
        "agreement-two-statuses",
        _add(ARTICLE_GRAPH, AGREEMENT, ENT.status, entr("status/signed")),
        AGREEMENT,
        ENT.status,
    ),
    (
        "agreement-without-party",
        _set(ARTICLE_GRAPH, AGREEMENT, ENT.party, None),
        AGREEMENT,
        ENT.party,
    ),
    (
        "agreement-party-not-actor",
        _set(ARTICLE_GRAPH, AGREEMENT, ENT.party, ARTICLE),
        AGREEMENT,
        ENT.party,
    ),
    (
        "agreement-without-type",
        _set(ARTICLE_GRAPH, AGREEMENT, ENT.agreementType, None),
        AGREEMENT,
        ENT.agreementType,
    ),
    (
        "agreement-type-from-other-scheme",
        _set(ARTICLE_GRAPH, AGREEMENT, ENT.agreementType, entr("restriction-type/ban")),
        AGREEMENT,
        ENT.agreementType,
    ),
    (
        "status-not-a-status",
        _set(ARTICLE_GRAPH, AGREEMENT, ENT.status, entr("status/done")),
        AGREEMENT,
        ENT.status,
    ),
    (
        "unknown-technology",
        _add(ARTICLE_GRAPH, AGREEMENT, ENT.technology, entr("technology/warp_drive")),
        AGREEMENT,
        ENT.technology,
    ),
    (
        "negated-not-boolean",
        _set(ARTICLE_GRAPH, AGREEMENT, ENT.negated, Literal("false")),
        AGREEMENT,
        ENT.negated,
    ),
    ("hedged-missing", _set(ARTICLE_GRAPH, AGREEMENT, ENT.hedged, None), AGREEMENT, ENT.hedged),
    (
        "confidence-above-one",
        _set(ARTICLE_GRAPH, AGREEMENT, ENT.confidence, Literal(1.5)),
        AGREEMENT,
        ENT.confidence,
    ),
    (
        "confidence-not-double",
        _set(ARTICLE_GRAPH, AGREEMENT, ENT.confidence, Literal("high")),
        AGREEMENT,
        ENT.confidence,
    ),
    (
        "date-as-string",
        _set(ARTICLE_GRAPH, AGREEMENT, ENT.date, Literal("2020-10-07")),
        AGREEMENT,
        ENT.date,
    ),
    (
        "agreement-without-article",
        _set(ARTICLE_GRAPH, AGREEMENT, PROV.wasDerivedFrom, None),
        AGREEMENT,
        PROV.wasDerivedFrom,
    ),
    (
        "agreement-without-evidence",
        _set(ARTICLE_GRAPH, AGREEMENT, ENT.evidence, None),
        AGREEMENT,
        ENT.evidence,
    ),
    (
        "restriction-without-target",
        _set(ARTICLE_GRAPH, RESTRICTION, ENT.target, None),
        RESTRICTION,
        ENT.target,
    ),
    (
        "restriction-without-imposer",
        _set(ARTICLE_GRAPH, RESTRICTION, ENT.imposedBy, None),
        RESTRICTION,
        ENT.imposedBy,
    ),
    (
        "restriction-with-agreement-type",
        _add(ARTICLE_GRAPH, RESTRICTION, ENT.agreementType, entr("agreement-type/deal")),
        RESTRICTION,
        ENT.agreementType,
    ),
    (
        "restriction-type-missing",
        _set(ARTICLE_GRAPH, RESTRICTION, ENT.restrictionType, None),
        RESTRICTION,
        ENT.restrictionType,
    ),
    (
        "mention-negative-offset",
        _set(ARTICLE_GRAPH, MENTION, ENT.startOffset, Literal(-5)),
        MENTION,
        ENT.startOffset,
    ),
    (
        "mention-end-before-start",
        _set(ARTICLE_GRAPH, MENTION, ENT.endOffset, Literal(100)),
        MENTION,
        ENT.startOffset,
    ),
    (
        "mention-offset-as-string",
        _set(ARTICLE_GRAPH, MENTION, ENT.endOffset, Literal("164")),
        MENTION,
        ENT.endOffset,
    ),
    (
        "mention-without-evidence-text",
        _set(ARTICLE_GRAPH, MENTION, ENT.evidenceText, None),
        MENTION,
        ENT.evidenceText,
    ),
    (
        "mention-without-article",
        _set(ARTICLE_GRAPH, MENTION, ENT.article, None),
        MENTION,
        ENT.article,
    ),
    (
        "article-two-identifiers",
        _add(ARTICLE_GRAPH, ARTICLE, DCTERMS.identifier, Literal("a2")),
        ARTICLE,
        DCTERMS.identifier,
    ),
    (
        "article-without-identifier",
        _set(ARTICLE_GRAPH, ARTICLE, DCTERMS.identifier, None),
        ARTICLE,
        DCTERMS.identifier,
    ),
    (
        "article-mentions-a-literal",
        _add(ARTICLE_GRAPH, ARTICLE, ENT.mentions, Literal("India")),
        ARTICLE,
        ENT.mentions,
    ),
]


@pytest.mark.parametrize(
    ("breakage", "focus", "path"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_broken_variant_is_reported(
    sample: Dataset, breakage: Breakage, focus: URIRef, path: URIRef
) -> None:
    breakage(sample)
    report = validate(sample)
    assert not report.conforms
    assert all(isinstance(v, Violation) and v.severity == "Violation" for v in report.violations)
    found = {(v.focus, v.path) for v in report.violations}
    assert (str(focus), str(path)) in found, report.text
    # The breakage is local: nothing else is reported.
    assert {f for f, _ in found} == {str(focus)}, report.text
    assert all(v.message for v in report.violations)


def test_report_is_a_frozen_record(sample: Dataset) -> None:
    sample.graph(ACTORS_GRAPH).remove((IND, ENT.countryCode, None))
    report = validate(sample)
    assert isinstance(report, ValidationReport)
    (violation,) = report.violations
    assert violation.shape == "https://w3id.org/entente/shapes#StateShape"
    assert "countryCode" in violation.message
    assert "Validation Report" in report.text
    with pytest.raises(AttributeError):
        report.conforms = True  # type: ignore[misc]


def test_sample_types_follow_model(sample: Dataset) -> None:
    """The fixture itself follows docs/model.md: explicit types, typed literals."""
    union = _union(sample)
    assert (IND, RDF.type, ENT.Actor) in union
    assert (HUAWEI, RDF.type, ENT.Organization) in union
    assert union.value(AGREEMENT, ENT.confidence).datatype == XSD.double  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.ttl", None, "no such file"),
        ("data.unknown", "", "cannot tell the RDF format"),
        ("bad.ttl", "<a> <b> .", "cannot be parsed"),
    ],
    ids=["missing", "unknown-extension", "syntax-error"],
)
def test_unreadable_input(tmp_path: Path, name: str, content: str | None, message: str) -> None:
    file = tmp_path / name
    if content is not None:
        file.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        validate(file)


def test_validate_store_reads_all_named_graphs() -> None:
    ox = pytest.importorskip("pyoxigraph")
    store = ox.Store()
    store.load(path=str(SAMPLE), format=ox.RdfFormat.TRIG)
    assert validate_store(store).conforms
    store.remove(
        ox.Quad(
            ox.NamedNode(str(IND)),
            ox.NamedNode(str(ENT.countryCode)),
            ox.Literal("IND"),
            ox.NamedNode(str(ACTORS_GRAPH)),
        )
    )
    report = validate_store(store)
    assert [(v.focus, v.path) for v in report.violations] == [(str(IND), str(ENT.countryCode))]
