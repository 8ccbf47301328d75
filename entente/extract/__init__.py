"""Extraction: articles to records with a spaCy pipeline.

This is the only package that imports spaCy. :func:`build_pipeline` assembles
``spacy.blank("en")`` (or an installed statistical model, when asked for) with
entente's components; :func:`extract` streams :class:`~entente.records.Article`
records through it and yields one :class:`~entente.records.Extraction` each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from entente.errors import ExtractionError
from entente.records import Actor, Article, EntityMention, Extraction, Relation

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["build_pipeline", "extract", "MAX_CHARS", "split_text"]

_DATELINE_CHARS = 120
MAX_CHARS = 1_000_000
"""spaCy's default ``nlp.max_length``: longer texts are analysed in pieces."""
_SENTENCE_ENDS = (". ", "! ", "? ", '." ', '!" ', '?" ', ".\u201d ", ".) ")


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
    articles: Iterable[Article],
    nlp: Language | None = None,
    *,
    batch_size: int = 16,
    on_error: Callable[[Article, Exception], None] | None = None,
) -> Iterator[Extraction]:
    """Analyse articles one batch at a time, yielding an extraction for each.

    Articles are streamed: only ``batch_size`` of them are in memory at once.
    A text longer than :data:`MAX_CHARS` (spaCy's limit) is analysed in pieces
    cut at paragraph, line, sentence or word boundaries (:func:`split_text`);
    the pieces' offsets and sentence indexes are shifted back, so every offset
    in the extraction refers to the whole ``Article.full_text``. A relation whose
    sentences straddle two pieces can be missed.

    Args:
        articles: The articles, consumed lazily.
        nlp: A pipeline from :func:`build_pipeline`; built if ``None``.
        batch_size: Articles per ``nlp.pipe`` batch.
        on_error: Called with an article and the exception raised while
            analysing it; the article is skipped and the others go on. ``None``
            lets the exception propagate.
    """
    nlp = nlp or build_pipeline()
    limit = max(1, min(MAX_CHARS, nlp.max_length))
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= batch_size:
            yield from _extract_batch(batch, nlp, limit, on_error)
            batch = []
    if batch:
        yield from _extract_batch(batch, nlp, limit, on_error)


def split_text(text: str, limit: int = MAX_CHARS) -> list[tuple[int, int]]:
    """Cut ``text`` into ``(start, end)`` pieces of at most ``limit`` characters.

    Each cut is made, within the second half of the piece, after the last blank
    line, else the last line break, else the last sentence end, else the last
    space or tab; only a "word" longer than half the limit is cut inside.
    The pieces are contiguous and cover the whole text.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        top = start + limit
        floor = start + limit // 2
        cut = _boundary(text, floor, top)
        spans.append((start, cut))
        start = cut
    spans.append((start, len(text)))
    return spans


def _boundary(text: str, floor: int, top: int) -> int:
    """The best place to cut ``text`` in ``[floor, top]`` (see :func:`split_text`)."""
    for separators in (("\n\n",), ("\n",), _SENTENCE_ENDS, (" ", "\t")):
        cut = max(
            (found + len(sep) for sep in separators if (found := text.rfind(sep, floor, top)) >= 0),
            default=-1,
        )
        if cut > floor:
            return cut
    return top


def _extract_batch(
    batch: list[Article],
    nlp: Language,
    limit: int,
    on_error: Callable[[Article, Exception], None] | None,
) -> Iterator[Extraction]:
    """Analyse one batch; a failing article fails alone (when ``on_error`` is given)."""
    units: list[tuple[int, int, str, str | None]] = []  # (article, offset, text, date)
    failed: dict[int, Exception] = {}
    for index, article in enumerate(batch):
        try:
            full = article.full_text
            date = article.date or dateline_date(article.text)
            units.extend(
                (index, start, full[start:end], date) for start, end in split_text(full, limit)
            )
        except Exception as exc:
            if on_error is None:
                raise
            failed[index] = exc

    def make(unit: tuple[int, int, str, str | None]) -> Doc:
        doc = nlp.make_doc(unit[2])
        doc.user_data["entente_article_id"] = batch[unit[0]].id
        doc.user_data["entente_article_date"] = unit[3]
        return doc

    results: list[Doc | Exception]
    try:
        results = list(nlp.pipe((make(u) for u in units), batch_size=max(1, len(units))))
    except Exception:
        if on_error is None:
            raise
        # Find the culprit: analyse the batch's pieces one by one.
        results = []
        for unit in units:
            try:
                results.append(nlp(make(unit)))
            except Exception as exc:
                results.append(exc)

    pieces: dict[int, list[tuple[int, Doc]]] = {}
    for unit, result in zip(units, results, strict=True):
        if isinstance(result, Exception):
            failed.setdefault(unit[0], result)
        else:
            pieces.setdefault(unit[0], []).append((unit[1], result))
    for index, article in enumerate(batch):
        if index in failed:
            assert on_error is not None
            on_error(article, failed[index])
            continue
        try:
            extraction = _merge(article, pieces.get(index, []))
        except Exception as exc:
            if on_error is None:
                raise
            on_error(article, exc)
            continue
        yield extraction


def _merge(article: Article, pieces: list[tuple[int, Doc]]) -> Extraction:
    """One extraction from the analysed pieces of an article, offsets made whole-text."""
    if len(pieces) == 1 and pieces[0][0] == 0:
        return to_extraction(pieces[0][1], article)
    actors: dict[str, Actor] = {}
    relations: list[Relation] = []
    mentions: list[EntityMention] = []
    sentences = 0
    for offset, doc in pieces:
        part = to_extraction(doc, article)
        for actor in part.actors:
            actors.setdefault(actor.id, actor)
        relations.extend(
            replace(
                relation,
                mentions=tuple(
                    replace(
                        mention,
                        start=mention.start + offset,
                        end=mention.end + offset,
                        sentence_index=mention.sentence_index + sentences,
                    )
                    for mention in relation.mentions
                ),
            )
            for relation in part.relations
        )
        mentions.extend(
            replace(m, start=m.start + offset, end=m.end + offset) for m in part.entity_mentions
        )
        sentences += sum(1 for _ in doc.sents)
    from entente.extract.relations import merge_relations

    return Extraction(
        article=article,
        actors=tuple(actors.values()),
        # The relation finder merges the reports of one event within a Doc; do the
        # same across the pieces, as if the article had been one Doc.
        relations=tuple(merge_relations(relations)),
        entity_mentions=tuple(mentions),
    )


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
