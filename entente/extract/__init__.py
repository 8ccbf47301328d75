"""Extraction: articles to records with a spaCy pipeline.

This is the only package that imports spaCy. :func:`build_pipeline` assembles
``spacy.blank("en")`` (or an installed statistical model, when asked for) with
entente's components; :func:`extract` streams :class:`~entente.records.Article`
records through it and yields one :class:`~entente.records.Extraction` each.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from entente.errors import ExtractionError
from entente.records import Actor, Article, EntityMention, Extraction

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["build_pipeline", "extract", "MAX_CHARS"]

_DATELINE_CHARS = 120
MAX_CHARS = 1_000_000
"""spaCy's default ``nlp.max_length``: longer texts are analysed in pieces."""


def build_pipeline(model: str | None = None) -> Language:
    """The extraction pipeline.

    Args:
        model: Name or path of an installed spaCy pipeline (e.g. ``en_core_web_sm``)
            whose entities and parse complement the rules. ``None`` (the default)
            uses ``spacy.blank("en")``, which needs nothing beyond entente itself.

    Raises:
        ExtractionError: The model is not installed.
    """
    import spacy

    from entente.extract import components  # noqa: F401  (registers the factories)

    if model:
        try:
            nlp = spacy.load(model, exclude=["lemmatizer"])
        except OSError as exc:
            raise ExtractionError(
                f"spaCy model {model!r} is not installed; install it or leave out --model "
                "to use the built-in rules"
            ) from exc
    else:
        nlp = spacy.blank("en")
    _split_final_periods(nlp)
    if not nlp.has_pipe("parser") and not nlp.has_pipe("senter"):
        nlp.add_pipe("entente_paragraphs")
        nlp.add_pipe("sentencizer")
    else:
        nlp.add_pipe("entente_paragraphs", first=True)
    nlp.add_pipe("entente_gazetteer")
    nlp.add_pipe("entente_technologies")
    nlp.add_pipe("entente_relations")
    return nlp


def _split_final_periods(nlp: Language) -> None:
    """Split the full stop off tokens such as "5G." and "A380." at the end of a sentence.

    spaCy's English suffix rules keep a period after an upper-case letter ("U.S.",
    "Inc."), which glues it to technology names ending in a digit and a capital and
    hides the sentence boundary.
    """
    from spacy.util import compile_suffix_regex

    suffixes = [*nlp.Defaults.suffixes, r"(?<=[0-9][A-Z])\."]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search


def extract(
    articles: Iterable[Article], nlp: Language | None = None, *, batch_size: int = 16
) -> Iterator[Extraction]:
    """Analyse articles one batch at a time, yielding an extraction for each.

    Articles are streamed: only ``batch_size`` of them are in memory at once.
    """
    nlp = nlp or build_pipeline()

    def docs() -> Iterator[tuple[Doc, Article]]:
        for article in articles:
            doc = nlp.make_doc(article.full_text[:MAX_CHARS])
            doc.user_data["entente_article_id"] = article.id
            doc.user_data["entente_article_date"] = article.date or dateline_date(article.text)
            yield doc, article

    for doc, article in nlp.pipe(docs(), as_tuples=True, batch_size=batch_size):
        yield to_extraction(doc, article)


def dateline_date(text: str) -> str | None:
    """The date of a dateline ("New Delhi, October 7, 2020 -") at the start of a text."""
    from entente.extract.dates import find_dates

    dates = find_dates(text[:_DATELINE_CHARS])
    return dates[0].value if dates else None


def to_extraction(doc: Doc, article: Article) -> Extraction:
    """The records of an analysed ``Doc``."""
    from entente.extract.gazetteer import load_gazetteer
    from entente.extract.technologies import SPANS_KEY

    known = load_gazetteer().actors
    minted: dict[str, Actor] = doc._.entente_actors or {}
    relations = tuple(doc._.entente_relations or ())
    mentions = [
        EntityMention(ent.kb_id_, ent.start_char, ent.end_char, ent.text)
        for ent in doc.ents
        if ent.kb_id_ and ent.label_ in ("STATE", "PERSON", "ORG")
    ]
    mentions += [
        EntityMention(f"technology/{span.kb_id_}", span.start_char, span.end_char, span.text)
        for span in doc.spans.get(SPANS_KEY, [])
    ]
    actor_ids = dict.fromkeys(
        [m.target for m in mentions if not m.target.startswith("technology/")]
        + [a for r in relations for a in r.participants]
    )
    actors: dict[str, Actor] = {}
    for actor_id in actor_ids:
        actor = minted.get(actor_id) or known.get(actor_id)
        if actor is None:
            continue
        actors[actor.id] = actor
        if actor.affiliation and actor.affiliation in known:
            actors.setdefault(actor.affiliation, known[actor.affiliation])
    return Extraction(
        article=article,
        actors=tuple(actors.values()),
        relations=relations,
        entity_mentions=tuple(mentions),
    )
