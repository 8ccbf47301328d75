"""entente: knowledge graphs of technology agreements and restrictions from news.

Articles are loaded (:mod:`entente.loaders`), analysed by a spaCy pipeline
(:mod:`entente.extract`) into plain records (:mod:`entente.records`) and stored
as RDF (:mod:`entente.graph`), where they can be queried with SPARQL and
exported for Gephi.

Importing this package is cheap: spaCy and the RDF libraries load only when a
pipeline or a store is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from entente.errors import EntenteError
from entente.records import Actor, Article, Extraction, Mention, Relation

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "Article",
    "EntenteError",
    "Extraction",
    "KnowledgeGraph",
    "Mention",
    "Relation",
    "__version__",
]

if TYPE_CHECKING:
    from entente.api import KnowledgeGraph


def __getattr__(name: str) -> Any:
    if name == "KnowledgeGraph":
        from entente.api import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(f"module 'entente' has no attribute {name!r}")
