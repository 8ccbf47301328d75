"""The entente vocabulary and concept schemes, as Turtle package data.

The Turtle files in this package are the source of truth for every term (see
``docs/model.md``):

* ``ent.ttl``: the OWL/RDFS vocabulary (``ent:`` = :data:`ENT_IRI`);
* ``types.ttl``: the agreement type, restriction type and status schemes;
* ``technologies.ttl``: the SKOS technology scheme whose labels the extractor matches;
* ``shapes.ttl``: SHACL shapes for the data (used by :mod:`entente.graph.validate`).

The first three are the vocabulary (:data:`VOCABULARY`) that the store loads into
the named graph ``entr:graph/ontology``; the shapes are not data and stay out of it.

Importing this package does not import rdflib: the extractor uses the plain
strings :data:`ENT_IRI`/:data:`ENTR_IRI` and :mod:`entente.ontology.technologies`
(which parses with pyoxigraph). rdflib code imports
:class:`entente.ontology.namespace.ENT`.
"""

from __future__ import annotations

from importlib.resources import files as _resource_files
from pathlib import Path

from entente.errors import OntologyError

__all__ = [
    "ENTR_IRI",
    "ENT_IRI",
    "SHAPES",
    "VOCABULARY",
    "files",
    "path",
]

ENT_IRI = "https://w3id.org/entente/ns#"
"""The terms namespace, prefix ``ent:`` (classes, properties, concept schemes)."""

ENTR_IRI = "https://w3id.org/entente/id/"
"""The resources namespace, prefix ``entr:`` (actors, articles, relations, concepts)."""

VOCABULARY = ("ent.ttl", "types.ttl", "technologies.ttl")
"""The vocabulary files, in load order, that make up the graph ``entr:graph/ontology``."""

SHAPES = "shapes.ttl"
"""The SHACL shapes file."""


def path(name: str) -> Path:
    """Return the file system path of one of this package's Turtle files.

    Args:
        name: A file name such as ``"ent.ttl"`` or ``"shapes.ttl"``.

    Returns:
        The path of the installed file.

    Raises:
        OntologyError: If there is no such file, e.g. the package was installed
            without its package data (``**/*.ttl``), or from a zip archive.
    """
    resource = _resource_files(__name__).joinpath(name)
    if "/" in name or "\\" in name or not resource.is_file():
        raise OntologyError(
            f"{name}: no such file in the entente.ontology package; "
            "reinstall entente with its package data (**/*.ttl)"
        )
    # Installed as plain files (wheel or editable), the resource is already a path.
    return Path(str(resource))


def files(*, shapes: bool = False) -> tuple[Path, ...]:
    """Return the paths of the vocabulary files, in :data:`VOCABULARY` order.

    Args:
        shapes: Also return the SHACL shapes file, last.

    Returns:
        Paths of ``ent.ttl``, ``types.ttl`` and ``technologies.ttl`` (and ``shapes.ttl``).
    """
    names = VOCABULARY + ((SHAPES,) if shapes else ())
    return tuple(path(name) for name in names)
