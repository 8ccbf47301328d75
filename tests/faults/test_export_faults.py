"""Fault scenarios: hostile names and texts survive every export (promise 6).

A graph whose actor names, article id, title and evidence hold XML specials,
control characters, lone surrogates, bidi overrides, formula prefixes, quotes,
commas and newlines is written to the store through the public path
(:meth:`GraphStore.replace_article`) and exported in every format. Each file is
read back with a strict parser: pyoxigraph for the RDF syntaxes, lxml (and the
official GEXF 1.3 RELAX NG schema when ``../shared`` is present) for GEXF,
networkx and lxml for GraphML, :mod:`csv` for the table. Names must come back as
the store holds them: NFC, without the characters XML 1.0 forbids.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import networkx as nx
import pyoxigraph as ox
import pytest
from lxml import etree

from entente.errors import ExportError
from entente.graph.export import RDF_FORMATS, export
from entente.graph.gexf import GEXF_NS, write_gexf, xml_safe
from entente.graph.graphml import write_graphml
from entente.graph.iris import ACTORS_GRAPH, actor_iri, article_iri
from entente.graph.rdf import clean_text
from entente.graph.store import GraphStore
from entente.graph.tables import FORMULA_PREFIXES, guard_formula, write_relations_csv
from entente.records import Actor, Article, Extraction, Mention, Relation

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
#: The XML 1.0 ``Char`` production: what a strict parser accepts in a document.
XML_CHARS = re.compile("[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")

HOSTILE_NAMES = {
    "xml-specials": "Evil \"R&D\" <Corp> & 'Co'",
    "cdata-end": "a ]]> b",
    "comment": "<!-- c -->",
    "doctype": "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>&e;",
    "formula": '=HYPERLINK("http://evil.example","click")',
    "dde": "=cmd|' /C calc'!A0",
    "plus-minus-at": "+1-2@3",
    "tab-newline-cr": "Tab\there\nnew line\r\nCRLF\rCR",
    "comma-semicolon-quote": 'comma, "quoted"; semi',
    "vertical-tab": "Vertical\x0btab",
    "nul-and-c0": "NUL\x00\x01\x1fbytes",
    "lone-surrogates": "Lone\ud800\udfffsurrogates",
    "non-characters": "Non\ufffe\uffffcharacters",
    "nfd": "Jose\u0301 Garci\u0301a",
    "bidi-override": "\u202eevil\u202c bidi",
    "rtl": "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "astral": "\U0001f680 \U00010348 \U0010fffd",
    "padded": "  padded  ",
    "c1-and-separators": "NEL\x85 LS\u2028 PS\u2029 DEL\x7f",
    "sparql": '"} ; DROP ALL ; #',
}
ARTICLE_ID = 'news/"><script>\x0b?#%.txt'
EVIDENCE = '=SUM(A1), "quoted",\nnext line\x0c'
SENTENCE = "-2+3 then\r\n" + EVIDENCE


def _extraction(names: dict[str, str]) -> Extraction:
    ids = [f"organization/{key}" for key in names]
    mention = Mention(ARTICLE_ID, 0, SENTENCE, 9, 9 + len(EVIDENCE), EVIDENCE, 0.8, "rule\x0b")
    relation = Relation(
        "agreement",
        "cooperation",
        "agreed",
        parties=(*ids, "state/IND"),
        technologies=("5g",),
        date="2021-03-12",
        mentions=(mention,),
    )
    actors = [
        Actor(i, "organization", name, code="IND", affiliation="state/IND", category="company")
        for i, name in zip(ids, names.values(), strict=True)
    ]
    actors.append(Actor("state/IND", "state", "India", code="IND"))
    article = Article(ARTICLE_ID, "text", title="Title\x0b <b>&</b>", date="2021-03-12")
    return Extraction(article, actors=tuple(actors), relations=(relation,))


@pytest.fixture(scope="module")
def store() -> Iterator[ox.Store]:
    graph = GraphStore.open(None)
    graph.replace_article(_extraction(HOSTILE_NAMES))
    yield graph.oxigraph
    graph.close()


EXPECTED_LABELS = {clean_text(n) for n in HOSTILE_NAMES.values()} | {"India"}


def _export(store: ox.Store, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    export(store, fmt, buffer, **options)
    return buffer.getvalue()


def _schema(request: pytest.FixtureRequest) -> etree.RelaxNG | None:
    try:
        return request.getfixturevalue("gexf_relaxng")
    except pytest.skip.Exception:
        return None  # the strict lxml parse and the read-back still run


def test_every_stored_literal_is_xml_safe_nfc_text(store: ox.Store) -> None:
    """Scenario: control characters, surrogates and NFD names reach the store."""
    literals = [q.object.value for q in store if isinstance(q.object, ox.Literal)]
    assert literals
    for value in literals:
        assert XML_CHARS.fullmatch(value), repr(value)
        assert value == clean_text(value)
    labels = {q.object.value for q in store.quads_for_pattern(None, RDFS_LABEL, None, ACTORS_GRAPH)}
    assert labels == EXPECTED_LABELS
    assert "Vertical" + "tab" in labels and "Jos\u00e9 Garc\u00eda" in labels


@pytest.mark.parametrize("fmt", list(RDF_FORMATS), ids=list(RDF_FORMATS))
def test_rdf_dump_reparses_to_the_same_statements(store: ox.Store, fmt: str) -> None:
    """Scenario: hostile literals and IRIs in each RDF syntax, re-read by pyoxigraph."""
    rdf_format = RDF_FORMATS[fmt]
    parsed = list(ox.parse(_export(store, fmt), format=rdf_format))
    if rdf_format.supports_datasets:
        assert set(parsed) == set(store)
    else:
        assert {q.triple for q in parsed} == {q.triple for q in store}
    labels = {q.object.value for q in parsed if q.predicate == RDFS_LABEL}
    assert labels >= EXPECTED_LABELS


def _gexf_labels(root: etree._Element) -> set[str]:
    return {node.get("label") for node in root.iter(f"{{{GEXF_NS}}}node")}


@pytest.mark.parametrize("view", ["actors", "full"])
def test_gexf_is_strict_xml_valid_gexf_and_keeps_the_names(
    store: ox.Store, view: str, request: pytest.FixtureRequest
) -> None:
    """Scenario: hostile names in a Gephi export (strict XML, official schema)."""
    data = _export(store, "gexf", view=view)
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    schema = _schema(request)
    if schema is not None:
        assert schema.validate(root), schema.error_log
    labels = _gexf_labels(root)
    if view == "actors":
        assert labels == EXPECTED_LABELS
    else:
        assert labels >= EXPECTED_LABELS | {"5G", "cooperation (agreed)"}
    assert b"<!DOCTYPE" not in data and b"<!ENTITY" not in data  # escaped, never markup
    assert nx.read_gexf(io.BytesIO(data), version="1.3").number_of_nodes() == len(labels)


@pytest.mark.parametrize("view", ["actors", "full"])
def test_graphml_reads_back_with_networkx_and_keeps_the_names(store: ox.Store, view: str) -> None:
    """Scenario: hostile names in a GraphML export, read by networkx and lxml."""
    data = _export(store, "graphml", view=view)
    etree.fromstring(data)  # strict XML 1.0
    graph = nx.read_graphml(io.BytesIO(data))
    labels = {label for _, label in graph.nodes(data="label")}
    if view == "actors":
        assert labels == EXPECTED_LABELS
    else:
        assert labels >= EXPECTED_LABELS
    iris = {iri for _, iri in graph.nodes(data="iri")}
    assert actor_iri("organization/sparql").value in iris


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    assert not data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_csv_keeps_quotes_commas_and_newlines(store: ox.Store) -> None:
    """Scenario: names and evidence with quotes, commas, semicolons, CR/LF in the CSV."""
    (row,) = _csv_rows(_export(store, "csv", formula_guard=False))
    assert row["parties"] == ";".join(sorted(EXPECTED_LABELS))
    assert row["evidence"] == clean_text(EVIDENCE)
    assert row["sentence"] == clean_text(SENTENCE)
    assert row["articles"] == clean_text(ARTICLE_ID)
    assert row["technologies"] == "5G"


def test_csv_guards_formula_cells_by_default(store: ox.Store) -> None:
    """Scenario: evidence starting with ``=``/``-`` would run as a spreadsheet formula."""
    (row,) = _csv_rows(_export(store, "csv"))
    assert row["evidence"] == "'" + clean_text(EVIDENCE)
    assert row["sentence"] == "'" + clean_text(SENTENCE)
    assert row["parties"] == ";".join(sorted(EXPECTED_LABELS))  # starts with a space: safe
    assert row["date"] == "2021-03-12" and row["confidence"] == "0.5"


def test_csv_guards_a_formula_name_in_a_joined_cell() -> None:
    """Scenario: the first of several joined labels is a DDE payload."""
    with GraphStore.open(None) as graph:
        graph.replace_article(_extraction({"dde": HOSTILE_NAMES["dde"]}))
        buffer = io.BytesIO()
        assert write_relations_csv(graph.oxigraph, buffer) == 1
    (row,) = _csv_rows(buffer.getvalue())
    assert row["parties"] == "'=cmd|' /C calc'!A0;India"


@pytest.mark.parametrize(
    "prefix", FORMULA_PREFIXES, ids=[f"U+{ord(p):04X}" for p in FORMULA_PREFIXES]
)
def test_formula_prefixes_are_guarded(prefix: str) -> None:
    """Scenario: each character a spreadsheet reads as the start of a formula."""
    assert guard_formula(prefix + "1+1") == "'" + prefix + "1+1"
    assert guard_formula("x" + prefix) == "x" + prefix
    assert guard_formula("") == ""


FOREIGN_TRIG = r"""
@prefix ent: <https://w3id.org/entente/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/entente/id/graph/actors> {
  <https://w3id.org/entente/id/state/IND> a ent:State, ent:Actor ; rdfs:label "In\u000Bdia\u0000" .
  <https://w3id.org/entente/id/state/JPN> a ent:State, ent:Actor ; rdfs:label "Ja\u001Fpan\uFFFE" .
}
<https://w3id.org/entente/id/article/a1> {
  <https://w3id.org/entente/id/agreement/x> a ent:Agreement ;
    ent:party <https://w3id.org/entente/id/state/IND>, <https://w3id.org/entente/id/state/JPN> ;
    ent:evidence <https://w3id.org/entente/id/mention/m> .
  <https://w3id.org/entente/id/mention/m> a ent:Mention ; ent:evidenceText "ev\u000Cidence" .
}
"""


@pytest.fixture(scope="module")
def foreign() -> ox.Store:
    """A store filled by another tool, with literals XML cannot hold."""
    store = ox.Store()
    store.load(FOREIGN_TRIG, format=ox.RdfFormat.TRIG)
    return store


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_foreign_control_characters_are_removed_from_xml_exports(
    foreign: ox.Store, fmt: str
) -> None:
    """Scenario: a store written by another tool holds ``\\x0b``/``\\x00`` in labels."""
    data = _export(foreign, fmt)
    root = etree.fromstring(data)
    if fmt == "gexf":
        labels = _gexf_labels(root)
    else:
        labels = {label for _, label in nx.read_graphml(io.BytesIO(data)).nodes(data="label")}
    assert labels == {"India", "Japan"}


@pytest.mark.parametrize("fmt", ["ntriples", "nquads", "turtle", "trig", "jsonld"])
def test_foreign_control_characters_survive_rdf_dumps(foreign: ox.Store, fmt: str) -> None:
    """Scenario: the same store dumped as RDF keeps the characters, escaped."""
    parsed = ox.parse(_export(foreign, fmt), format=RDF_FORMATS[fmt])
    labels = {q.object.value for q in parsed if q.predicate == RDFS_LABEL}
    assert labels == {"In\x0bdia\x00", "Ja\x1fpan\ufffe"}


def test_foreign_control_characters_in_csv_are_kept_verbatim(foreign: ox.Store) -> None:
    """Scenario: CSV has no character restriction: the foreign value is written as is."""
    (row,) = _csv_rows(_export(foreign, "csv"))
    assert row["parties"] == "In\x0bdia\x00;Ja\x1fpan\ufffe"
    assert row["evidence"] == "ev\x0cidence"


@pytest.mark.parametrize("fmt", ["rdfxml", "xml", "rdf"])
def test_rdf_xml_is_not_offered(foreign: ox.Store, fmt: str) -> None:
    """Scenario: RDF/XML is refused: Oxigraph would write ``\\x0b`` raw, invalid XML."""
    with pytest.raises(ExportError, match=f"unknown export format '{fmt}'"):
        export(foreign, fmt, io.BytesIO())


def test_graphml_writer_cleans_hostile_attribute_names_and_ids() -> None:
    """Scenario: a graph built by hand with control characters in keys and node ids."""
    graph = nx.MultiDiGraph(title="t\x0bitle")
    graph.add_node("a\x0bb <&>", **{"ke\x0by": "v\x00alue", "tags": ["x\x01", "y"]})
    graph.add_node("\ud800c", label="lone")
    graph.add_edge("a\x0bb <&>", "\ud800c", **{"we\x1fight": 1.5})
    graph.add_edge("a\x0bb <&>", "\ud800c", **{"we\x1fight": 2.5})
    buffer = io.BytesIO()
    write_graphml(graph, buffer)
    etree.fromstring(buffer.getvalue())
    back = nx.read_graphml(io.BytesIO(buffer.getvalue()))
    assert back.nodes["n0"] == {"key": "value", "tags": "x;y", "name": "ab <&>"}
    assert back.nodes["n1"] == {"name": "c", "label": "lone"}
    assert sorted(d["weight"] for *_, d in back.edges(data=True)) == [1.5, 2.5]
    assert back.graph["title"] == "title"


def test_gexf_writer_cleans_hostile_ids_titles_and_values(
    request: pytest.FixtureRequest,
) -> None:
    """Scenario: a graph built by hand with hostile node ids, attribute titles, values."""
    graph = nx.Graph()
    graph.add_node("n\x0b1", label="]]>\x00<x/>", **{"ti\x1ftle": "v\ud800", "set": {"b\x0c", "a"}})
    graph.add_node("n2", label="\u202eok")
    graph.add_edge("n\x0b1", "n2", weight=1.0, label="e\x0bdge")
    buffer = io.BytesIO()
    write_gexf(graph, buffer, name="na\x00me <&>")
    root = etree.fromstring(buffer.getvalue())
    schema = _schema(request)
    if schema is not None:
        assert schema.validate(root), schema.error_log
    nodes = {n.get("id"): n.get("label") for n in root.iter(f"{{{GEXF_NS}}}node")}
    assert nodes == {"n1": "]]><x/>", "n2": "\u202eok"}
    titles = {a.get("title") for a in root.iter(f"{{{GEXF_NS}}}attribute")}
    assert titles == {"title", "set"}
    values = {v.get("value") for v in root.iter(f"{{{GEXF_NS}}}attvalue")}
    assert values == {"v", "a;b"}
    (edge,) = root.iter(f"{{{GEXF_NS}}}edge")
    assert (edge.get("source"), edge.get("label")) == ("n1", "edge")
    assert root.findtext(f"{{{GEXF_NS}}}meta/{{{GEXF_NS}}}description") == "name <&>"


@pytest.mark.parametrize(
    ("char", "removed"),
    [
        ("\x00", True),
        ("\x08", True),
        ("\x0b", True),
        ("\x0c", True),
        ("\x0e", True),
        ("\x1f", True),
        ("\ud800", True),
        ("\udfff", True),
        ("\ufffe", True),
        ("\uffff", True),
        ("\t", False),
        ("\n", False),
        ("\r", False),
        ("\x7f", False),
        ("\x85", False),
        ("\u2028", False),
        ("\U0010ffff", False),
    ],
    ids=lambda value: f"U+{ord(value):04X}" if isinstance(value, str) else str(value),
)
def test_one_cleaning_rule_for_rdf_gexf_and_graphml(char: str, removed: bool) -> None:
    """Scenario: each XML-forbidden character is removed (not replaced), the rest kept."""
    value = f"a{char}b"
    expected = "ab" if removed else value
    assert clean_text(value) == expected == xml_safe(value)


def test_hostile_article_graph_name_is_the_minted_iri(store: ox.Store) -> None:
    """Scenario: the hostile article id names its graph with the minted, escaped IRI."""
    graphs = set(store.named_graphs())
    assert article_iri(ARTICLE_ID) in graphs
    assert article_iri(ARTICLE_ID).value.endswith("news%2F%22%3E%3Cscript%3E%0B%3F%23%25.txt")
