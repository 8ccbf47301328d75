"""Write graphs as GEXF 1.3 for Gephi.

`GEXF <https://gexf.net/>`_ is Gephi's own XML format. This writer streams the
document with :class:`lxml.etree.xmlfile`, one ``<node>`` or ``<edge>`` element at a
time, and produces files that validate against the official GEXF 1.3 RelaxNG
schema (``gexf.rng`` with its ``viz.rng`` and ``dynamics.rng``).

It exists because :func:`networkx.write_gexf` does not do for these exports: its
1.3 output fails the schema (an empty ``graph/@name``, the XML Schema instance
namespace misspelt), it raises on list, ``None`` and date values, it writes
invalid XML when a string holds a control character such as ``\\x0b``, and it is
about three times slower.

Format decisions:

* Root ``<gexf xmlns="http://gexf.net/1.3" version="1.3">`` with the ``viz``
  namespace, and no ``xsi:schemaLocation`` by default, so that the file
  validates against the official RELAX NG schema as it is (that schema does not
  declare the attribute; Gephi writes it but does not need it to read a file).
  ``schema_location=True`` adds it, pointing at ``http://gexf.net/1.3/gexf.xsd``.
  (The official XSD is not usable for checking: it rejects the ``viz:``
  elements it is meant to allow.)
  GEXF 1.3 has no graph name attribute, so ``name`` goes into
  ``<meta><description>``, with ``<creator>`` (``entente <version>``) and
  ``lastmodifieddate`` (today, UTC).
* Node and edge ids are written as given (``str(node)``); the views use ``n0``,
  ``n1``... Edges get ids ``e0``, ``e1``... in iteration order, so parallel
  edges of a multigraph stay distinct.
* Every attribute other than the reserved ones is declared in
  ``<attributes class="node">``/``<attributes class="edge">`` with a GEXF type
  inferred over all its values: ``boolean`` for ``bool``, ``integer`` (``long``
  beyond 32 bits) for ``int``, ``double`` for ``float`` or a mix of ``int`` and
  ``float``, ``string`` for ``str`` or any other mix. ``None`` means "no value";
  lists, tuples and sets become ``;``-joined strings; dates become ISO strings.
  Declared ids are ``0``, ``1``...; the attribute name is the ``title``.
* Reserved attributes: ``label`` (node and edge ``label``), ``weight`` (edge
  ``weight``, a double) and, when the output is dynamic, ``start`` and ``end``.
* Time: with ``dynamic=True`` and at least one ``start`` or ``end`` value, the
  graph is ``mode="dynamic" timeformat="date"`` and those values become the
  element's ``start``/``end`` (an ISO date; ``2021-03`` is widened to its first
  day). A missing ``end`` leaves the interval open, so in Gephi's timeline an
  actor or a link appears when first reported and stays: agreements do not
  vanish the day after they are signed. With ``dynamic=False`` or no dates the
  graph is ``mode="static"`` and ``start``/``end`` are plain string attributes.
* Colours: ``viz:color`` per node from its ``kind`` attribute
  (:data:`KIND_COLORS`, grey for anything else) and per edge from its
  ``relation`` attribute (:data:`RELATION_COLORS`, no colour otherwise, so
  Gephi falls back to its own). ``viz:size`` is ``10 + 5 * sqrt(degree)``.
* Text: characters that XML 1.0 cannot hold (C0 controls other than tab,
  newline and carriage return, lone surrogates, U+FFFE/U+FFFF) are removed from
  every string, ids and labels included. Everything else, quotes, ``&``, ``<``,
  non-ASCII and emoji, is escaped by lxml.

Limits:
    GEXF features the views do not need are not written: hierarchies
    (``pid``), ``<parents>``, spells, dynamic attribute values, positions and
    shapes. Removing invalid characters could in theory make two distinct ids
    equal; the views' ids are plain tokens, so it cannot happen for them.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Iterable, Mapping
from typing import IO, Any

import networkx as nx
from lxml import etree

from entente.errors import ExportError

__all__ = [
    "GEXF_NS",
    "KIND_COLORS",
    "RELATION_COLORS",
    "VIZ_NS",
    "plain_value",
    "write_gexf",
    "xml_safe",
]

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{GEXF_NS} {GEXF_NS}/gexf.xsd"

#: Node colour (r, g, b) by ``kind``: a fixed, colour-blind-friendly palette
#: (Okabe-Ito), so the same kind has the same colour in every export.
KIND_COLORS: dict[str, tuple[int, int, int]] = {
    "state": (0, 114, 178),  # blue
    "person": (230, 159, 0),  # orange
    "organization": (0, 158, 115),  # green
    "agreement": (86, 180, 233),  # sky blue
    "restriction": (213, 94, 0),  # vermilion
    "technology": (204, 121, 167),  # purple
}
OTHER_COLOR = (153, 153, 153)

#: Edge colour (r, g, b) by ``relation``.
RELATION_COLORS: dict[str, tuple[int, int, int]] = {
    "agreement": (86, 180, 233),
    "restriction": (213, 94, 0),
    "both": (240, 228, 66),
    "technology": (204, 121, 167),
    "affiliation": (153, 153, 153),
}

_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DATE = re.compile(r"^(-?\d{4,})(?:-(\d{2}))?(?:-(\d{2}))?(?:T.*)?$")
_INT32 = 2**31


def xml_safe(text: str) -> str:
    """Remove the characters that XML 1.0 cannot represent, even escaped."""
    return _INVALID_XML.sub("", text)


def plain_value(value: Any) -> str | int | float | bool | None:
    """A value a graph file can hold: ``str``, ``int``, ``float``, ``bool`` or ``None``.

    Strings lose XML-invalid characters; lists, tuples and sets become sorted
    (sets) or ordered ``;``-joined strings; dates and anything else become ``str``.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, set | frozenset):
        return xml_safe(";".join(sorted(str(v) for v in value)))
    if isinstance(value, list | tuple):
        return xml_safe(";".join(str(v) for v in value))
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return xml_safe(str(value))


def write_gexf(
    graph: nx.Graph,
    path_or_file: str | os.PathLike[str] | IO[bytes],
    *,
    name: str,
    dynamic: bool = True,
    schema_location: bool = False,
) -> None:
    """Write a graph as a GEXF 1.3 document (see the module docstring for the format).

    Args:
        graph: Any networkx graph; directed graphs give ``defaultedgetype="directed"``.
            Attribute values should be ``str``, ``int``, ``float`` or ``bool``
            (others are converted as :func:`plain_value` says).
        path_or_file: File name, or a binary file object opened for writing.
            A file name is written in place; :func:`entente.graph.export.export`
            writes atomically.
        name: Title of the graph, written as the meta description.
        dynamic: Use ``start``/``end`` attributes as GEXF time when there are any.
        schema_location: Also write ``xsi:schemaLocation`` on the root, as Gephi
            does. The official ``gexf.rng`` does not declare that attribute (RELAX NG
            gives ``xsi:`` no special status), so the default, ``False``, gives a
            file that validates against it as it is.

    Raises:
        ExportError: A ``start``/``end`` value is not a date, or the file cannot
            be written.
    """
    node_attrs = [(n, d) for n, d in graph.nodes(data=True)]
    edge_attrs = [(u, v, d) for u, v, d in graph.edges(data=True)]
    all_data = [d for _, d in node_attrs] + [d for *_, d in edge_attrs]
    timed = dynamic and any(d.get(k) is not None for d in all_data for k in ("start", "end"))
    node_reserved = {"label"} | ({"start", "end"} if timed else set())
    edge_reserved = node_reserved | {"weight"}
    node_decl = _declare((d for _, d in node_attrs), node_reserved)
    edge_decl = _declare((d for *_, d in edge_attrs), edge_reserved)

    graph_attrib = {
        "defaultedgetype": "directed" if graph.is_directed() else "undirected",
        "mode": "dynamic" if timed else "static",
    }
    if timed:
        graph_attrib["timeformat"] = "date"
    target = path_or_file if hasattr(path_or_file, "write") else os.fspath(path_or_file)
    try:
        with etree.xmlfile(target, encoding="utf-8") as xf:
            xf.write_declaration()
            root_attrib = {"version": "1.3"}
            nsmap = {None: GEXF_NS, "viz": VIZ_NS}
            if schema_location:
                root_attrib[f"{{{XSI_NS}}}schemaLocation"] = SCHEMA_LOCATION
                nsmap["xsi"] = XSI_NS
            with xf.element(_g("gexf"), root_attrib, nsmap=nsmap):
                _write_meta(xf, name)
                xf.write("\n  ")
                with xf.element(_g("graph"), graph_attrib):
                    for cls, decl in (("node", node_decl), ("edge", edge_decl)):
                        if decl:
                            _write_attributes(xf, cls, decl)
                    xf.write("\n    ")
                    with xf.element(_g("nodes"), {"count": str(len(node_attrs))}):
                        for node, data in node_attrs:
                            _write_node(xf, node, data, graph.degree(node), node_decl, timed)
                        xf.write("\n    ")
                    xf.write("\n    ")
                    with xf.element(_g("edges"), {"count": str(len(edge_attrs))}):
                        for i, (u, v, data) in enumerate(edge_attrs):
                            _write_edge(xf, i, u, v, data, edge_decl, timed)
                        xf.write("\n    ")
                    xf.write("\n  ")
                xf.write("\n")
    except OSError as exc:
        raise ExportError(f"cannot write GEXF to {path_or_file}: {exc}") from exc


# Elements are written through nested ``xf.element`` contexts, never as built
# subtrees: lxml then reuses the root's namespace prefixes instead of repeating
# the declarations on every node. Whitespace is written by hand for readability.


def _g(tag: str) -> str:
    return f"{{{GEXF_NS}}}{tag}"


def _leaf(xf: Any, tag: str, attrib: Mapping[str, str], text: str | None = None) -> None:
    with xf.element(tag, attrib):
        if text:
            xf.write(text)


def _write_meta(xf: Any, name: str) -> None:
    from entente import __version__

    today = dt.datetime.now(dt.UTC).date().isoformat()
    xf.write("\n  ")
    with xf.element(_g("meta"), {"lastmodifieddate": today}):
        xf.write("\n    ")
        _leaf(xf, _g("creator"), {}, f"entente {__version__}")
        xf.write("\n    ")
        _leaf(xf, _g("description"), {}, xml_safe(name))
        xf.write("\n  ")


def _declare(
    attr_dicts: Iterable[Mapping[str, Any]], reserved: set[str]
) -> dict[str, tuple[str, str]]:
    """Attribute name -> (declared id, GEXF type), in first-seen order."""
    seen: dict[str, set[type]] = {}
    for data in attr_dicts:
        for key, value in data.items():
            if key in reserved:
                continue
            value = plain_value(value)
            if value is not None:
                seen.setdefault(key, set()).add(type(value))
                is_int = isinstance(value, int) and not isinstance(value, bool)
                if is_int and not -_INT32 <= value < _INT32:
                    seen[key].add(_Long)
    declared = {}
    for i, (key, types) in enumerate(seen.items()):
        declared[key] = (str(i), _gexf_type(types))
    return declared


class _Long:
    """Marker for an ``int`` that needs GEXF ``long``."""


def _gexf_type(types: set[type]) -> str:
    if types == {bool}:
        return "boolean"
    if types <= {int, _Long}:
        return "long" if _Long in types else "integer"
    if types <= {int, float, _Long}:
        return "double"
    return "string"


def _write_attributes(xf: Any, cls: str, declared: dict[str, tuple[str, str]]) -> None:
    xf.write("\n    ")
    with xf.element(_g("attributes"), {"class": cls, "mode": "static"}):
        for key, (attr_id, attr_type) in declared.items():
            xf.write("\n      ")
            _leaf(
                xf, _g("attribute"), {"id": attr_id, "title": xml_safe(str(key)), "type": attr_type}
            )
        xf.write("\n    ")


def _text(value: str | int | float | bool, attr_type: str) -> str:
    if attr_type == "boolean":
        return "true" if value else "false"
    if attr_type == "double":
        value = float(value)
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "INF" if value > 0 else "-INF"
        return repr(value)
    if attr_type in ("integer", "long"):
        return str(int(value))
    return str(value)


def _write_attvalues(
    xf: Any, data: Mapping[str, Any], declared: dict[str, tuple[str, str]]
) -> None:
    values = []
    for key, value in data.items():
        plain = plain_value(value) if key in declared else None
        if plain is not None:
            attr_id, attr_type = declared[key]
            values.append({"for": attr_id, "value": _text(plain, attr_type)})
    if not values:
        return
    xf.write("\n        ")
    with xf.element(_g("attvalues")):
        for attrib in values:
            xf.write("\n          ")
            _leaf(xf, _g("attvalue"), attrib)
        xf.write("\n        ")


def _time(attrib: dict[str, str], data: Mapping[str, Any], what: str) -> None:
    for key in ("start", "end"):
        value = data.get(key)
        if value is None:
            continue
        text = value.isoformat()[:10] if isinstance(value, dt.date) else str(value)
        match = _DATE.match(text.strip())
        if not match:
            raise ExportError(f"{what}: {key} {value!r} is not an ISO 8601 date")
        year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
        attrib[key] = f"{year}-{month}-{day}"


def _write_color(xf: Any, rgb: tuple[int, int, int]) -> None:
    r, g, b = rgb
    xf.write("\n        ")
    _leaf(xf, f"{{{VIZ_NS}}}color", {"r": str(r), "g": str(g), "b": str(b)})


def _write_node(
    xf: Any,
    node: Any,
    data: Mapping[str, Any],
    degree: int,
    declared: dict[str, tuple[str, str]],
    timed: bool,
) -> None:
    node_id = xml_safe(str(node))
    label = data.get("label")
    attrib = {"id": node_id, "label": xml_safe(str(label if label is not None else node))}
    if timed:
        _time(attrib, data, f"node {node_id}")
    xf.write("\n      ")
    with xf.element(_g("node"), attrib):
        _write_attvalues(xf, data, declared)
        _write_color(xf, KIND_COLORS.get(str(data.get("kind")), OTHER_COLOR))
        xf.write("\n        ")
        _leaf(xf, f"{{{VIZ_NS}}}size", {"value": repr(10.0 + 5.0 * math.sqrt(degree))})
        xf.write("\n      ")


def _write_edge(
    xf: Any,
    index: int,
    source: Any,
    target: Any,
    data: Mapping[str, Any],
    declared: dict[str, tuple[str, str]],
    timed: bool,
) -> None:
    attrib = {"id": f"e{index}", "source": xml_safe(str(source)), "target": xml_safe(str(target))}
    weight = data.get("weight")
    if weight is not None:
        if not isinstance(weight, int | float) or isinstance(weight, bool):
            raise ExportError(f"edge {source}-{target}: weight {weight!r} is not a number")
        attrib["weight"] = _text(weight, "double")
    if data.get("label") is not None:
        attrib["label"] = xml_safe(str(data["label"]))
    if timed:
        _time(attrib, data, f"edge {source}-{target}")
    xf.write("\n      ")
    with xf.element(_g("edge"), attrib):
        _write_attvalues(xf, data, declared)
        rgb = RELATION_COLORS.get(str(data.get("relation")))
        if rgb is not None:
            _write_color(xf, rgb)
        xf.write("\n      ")
