"""Tests for the GEXF and GraphML writers."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from lxml import etree

from entente.errors import ExportError
from entente.graph.gexf import GEXF_NS, KIND_COLORS, VIZ_NS, write_gexf
from entente.graph.graphml import write_graphml
from entente.graph.views import actors_view, full_view

SAMPLE = Path(__file__).parents[1] / "data" / "graph" / "sample.trig"
ODD = 'Alliance "R&D" <Abidjan>\x0b & Co 🚀'
ODD_XML = ODD.replace("\x0b", "")
XSI_LOCATION = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"
NS = {"g": GEXF_NS, "viz": VIZ_NS}


@pytest.fixture
def relaxng(gexf_relaxng: etree.RelaxNG) -> etree.RelaxNG:
    return gexf_relaxng


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(path=str(SAMPLE), format=ox.RdfFormat.TRIG)
    return store


VIEWS = pytest.mark.parametrize("view", [actors_view, full_view], ids=["actors", "full"])


def _gexf(graph: nx.Graph, **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_gexf(graph, buffer, name='entente <test> & "co"', **kwargs)
    return buffer.getvalue()


@VIEWS
@pytest.mark.parametrize("dynamic", [True, False], ids=["dynamic", "static"])
def test_gexf_validates(store: ox.Store, relaxng: etree.RelaxNG, view, dynamic: bool) -> None:
    data = _gexf(view(store), dynamic=dynamic, schema_location=False)
    assert relaxng.validate(etree.fromstring(data)), relaxng.error_log


@VIEWS
def test_gexf_with_schema_location_validates_without_it(
    store: ox.Store, relaxng: etree.RelaxNG, view
) -> None:
    root = etree.fromstring(_gexf(view(store), schema_location=True))
    assert root.get(XSI_LOCATION) == "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
    del root.attrib[XSI_LOCATION]  # the one attribute the RELAX NG schema does not declare
    assert relaxng.validate(root), relaxng.error_log


@VIEWS
def test_gexf_reads_back(store: ox.Store, tmp_path: Path, view) -> None:
    graph = view(store)
    path = tmp_path / "graph.gexf"
    write_gexf(graph, path, name="test")
    back = nx.read_gexf(path, version="1.3")
    assert back.is_directed() == graph.is_directed()
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        graph.number_of_nodes(),
        graph.number_of_edges(),
    )
    labels = {d["label"].replace("\x0b", "") for _, d in graph.nodes(data=True)}
    assert {d["label"] for _, d in back.nodes(data=True)} == labels
    assert ODD_XML in labels
    for node, data in back.nodes(data=True):
        assert data["kind"] == graph.nodes[node]["kind"]
        r, g, b = KIND_COLORS[data["kind"]]
        assert (data["viz"]["color"]["r"], data["viz"]["color"]["g"]) == (r, g)


def test_gexf_time_on_dated_edges(store: ox.Store) -> None:
    graph = actors_view(store)
    root = etree.fromstring(_gexf(graph))
    xml_graph = root.find("g:graph", NS)
    assert (xml_graph.get("mode"), xml_graph.get("timeformat")) == ("dynamic", "date")
    edges = {(e.get("source"), e.get("target")): e for e in root.iterfind(".//g:edge", NS)}
    for u, v, data in graph.edges(data=True):
        edge = edges[(u, v)] if (u, v) in edges else edges[(v, u)]
        if data["relation"] == "affiliation":
            assert edge.get("start") is None
        else:
            assert edge.get("start") == data["start"]
            assert edge.get("end") is None  # open interval: a link stays once reported
    ind_jpn = [e for e in edges.values() if e.get("weight") == "2.0"]
    assert [e.get("start") for e in ind_jpn] == ["2020-09-10"]
    # the meta title is escaped text, not markup
    assert root.findtext("g:meta/g:description", namespaces=NS) == 'entente <test> & "co"'


def test_gexf_static_has_no_time(store: ox.Store) -> None:
    root = etree.fromstring(_gexf(actors_view(store), dynamic=False))
    assert root.find("g:graph", NS).get("mode") == "static"
    assert root.find(".//g:edge[@start]", NS) is None
    titles = {a.get("title") for a in root.iterfind(".//g:attribute", NS)}
    assert "start" in titles  # kept as a plain attribute


def test_gexf_declared_types(store: ox.Store) -> None:
    root = etree.fromstring(_gexf(full_view(store)))
    types = {
        (a.getparent().get("class"), a.get("title")): a.get("type")
        for a in root.iterfind(".//g:attribute", NS)
    }
    assert types[("node", "confidence")] == "double"
    assert types[("node", "negated")] == "boolean"
    assert types[("node", "iri")] == "string"
    assert ("node", "label") not in types


def test_gexf_odd_values(request: pytest.FixtureRequest) -> None:
    graph = nx.Graph()
    graph.add_node("a", label="bad\x0bchar\x00 <&>", tags=["x", "y"], none=None, count=2**40)
    graph.add_node("b", label="Côte d'Ivoire 🚀", when=dt.date(2020, 1, 2), count=1)
    graph.add_edge("a", "b", weight=1.5, start=dt.date(2020, 1, 2), note="x\x1fy")
    data = _gexf(graph, schema_location=False)
    try:
        relaxng = request.getfixturevalue("gexf_relaxng")
    except pytest.skip.Exception:
        relaxng = None  # the read-back checks below run without the schemas too
    if relaxng is not None:
        assert relaxng.validate(etree.fromstring(data)), relaxng.error_log
    back = nx.read_gexf(io.BytesIO(data), version="1.3")
    assert back.nodes["a"]["label"] == "badchar <&>"
    assert back.nodes["a"]["tags"] == "x;y"
    assert back.nodes["a"]["count"] == 2**40
    assert "none" not in back.nodes["a"]
    assert back.nodes["b"]["when"] == "2020-01-02"
    assert back.edges["a", "b"]["note"] == "xy"


def test_gexf_bad_start_raises() -> None:
    graph = nx.Graph()
    graph.add_node("a", start="yesterday")
    with pytest.raises(ExportError, match="not an ISO 8601 date"):
        _gexf(graph)


@VIEWS
def test_graphml_reads_back(store: ox.Store, tmp_path: Path, view) -> None:
    graph = view(store)
    path = tmp_path / "graph.graphml"
    write_graphml(graph, path)
    back = nx.read_graphml(path)
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        graph.number_of_nodes(),
        graph.number_of_edges(),
    )
    for node, data in graph.nodes(data=True):
        expected = {k: v.replace("\x0b", "") if isinstance(v, str) else v for k, v in data.items()}
        assert back.nodes[node] == expected
    for u, v, data in graph.edges(data=True):
        assert back.edges[u, v] == data


def test_graphml_makes_ids_and_keys_safe(tmp_path: Path) -> None:
    graph = nx.MultiGraph()
    graph.add_edge("https://w3id.org/entente/id/state/IND", "b c", rel=["x", "y"], gone=None)
    graph.add_edge("https://w3id.org/entente/id/state/IND", "b c", rel="z")
    path = tmp_path / "multi.graphml"
    write_graphml(graph, path)
    back = nx.read_graphml(path)
    assert sorted(back.nodes) == ["n0", "n1"]
    assert back.nodes["n0"]["name"] == "https://w3id.org/entente/id/state/IND"
    assert sorted(d["rel"] for *_, d in back.edges(data=True)) == ["x;y", "z"]
    assert back.number_of_edges() == 2
