"""spaCy registrations of entente's pipeline components.

Every ``@Language.factory`` and ``Doc`` extension of entente is declared here,
so that importing :mod:`entente` stays free of spaCy and the pipeline can be
rebuilt from a config (the ``spacy_factories`` entry points in ``pyproject.toml``
let ``spacy.load()`` find these factories too).

Components, in pipeline order:

* ``entente_paragraphs``: sentence starts after line breaks, so a headline or a
  paragraph without final punctuation is its own sentence.
* ``entente_gazetteer``: states, organisations and persons from the gazetteers,
  as ``doc.ents`` (STATE, ORG, PERSON) with the canonical id in ``kb_id_``.
* ``entente_technologies``: technologies from the SKOS scheme, in
  ``doc.spans["entente_technologies"]``.
* ``entente_relations``: agreements and restrictions, in ``doc._.entente_relations``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from entente.extract.entities import EntityRecognizer
from entente.extract.gazetteer import load_gazetteer
from entente.extract.relations import RelationFinder
from entente.extract.technologies import TechnologyRecognizer
from entente.records import Actor

__all__ = [
    "ensure_extensions",
    "make_gazetteer",
    "make_paragraphs",
    "make_relation_finder",
    "make_technologies",
]


def ensure_extensions() -> None:
    """Register entente's ``Doc`` extensions unless they already exist."""
    for name in ("entente_relations", "entente_actors"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


ensure_extensions()


@Language.component("entente_paragraphs", assigns=["token.is_sent_start"])
def make_paragraphs(doc: Doc) -> Doc:
    """Start a sentence after every line break (headlines, list items, paragraphs)."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.factory(
    "entente_gazetteer",
    default_config={"overwrite_ents": False},
    assigns=["doc.ents", "doc._.entente_actors"],
)
def make_gazetteer(nlp: Language, name: str, overwrite_ents: bool) -> EntityRecognizer:
    return EntityRecognizer(nlp, name, overwrite_ents=overwrite_ents)


@Language.factory("entente_technologies", assigns=["doc.spans"])
def make_technologies(nlp: Language, name: str) -> TechnologyRecognizer:
    return TechnologyRecognizer(nlp, name)


@Language.factory(
    "entente_relations",
    default_config={"min_confidence": 0.3},
    requires=["doc.ents", "doc.sents"],
    assigns=["doc._.entente_relations"],
)
def make_relation_finder(nlp: Language, name: str, min_confidence: float) -> RelationFinder:
    actors = load_gazetteer().actors

    def lookup(actor_id: str) -> Actor | None:
        return actors.get(actor_id)

    return RelationFinder(nlp, name, actor_lookup=lookup, min_confidence=min_confidence)
