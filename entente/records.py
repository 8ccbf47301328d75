"""Plain records that cross the boundaries loaders -> extract -> graph.

They are frozen dataclasses holding only ``str``/``int``/``float``/``bool`` and
tuples of those, so they pickle, compare and hash cheaply and carry no library
objects (no spaCy ``Doc``, no rdflib term) across a boundary.

Identifiers of actors and technologies are *canonical ids*, never raw text:

* states: ``state/<ISO 3166-1 alpha-3>`` (``state/IND``; historical states keep
  their former code, ``state/SUN``);
* organisations: ``organization/<slug>`` from the gazetteer (``organization/quad``,
  ``organization/huawei``, ``organization/ind-ministry-of-external-affairs``);
* persons: ``person/<slug of the NFC-normalised full name>`` (``person/narendra-modi``);
* technologies: the SKOS concept's key (``5g``, ``military_logistics``,
  ``telecommunications``).

The graph layer mints IRIs from these ids by appending them to the resource
namespace, so an id must be stable across articles and runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "AGREEMENT_TYPES",
    "ACTOR_KINDS",
    "RESTRICTION_TYPES",
    "STATUSES",
    "Actor",
    "Article",
    "EntityMention",
    "Extraction",
    "Mention",
    "Relation",
    "name_key",
]

ACTOR_KINDS = ("state", "person", "organization")
AGREEMENT_TYPES = ("cooperation", "formal_agreement", "partnership", "deal", "talks", "aid")
RESTRICTION_TYPES = ("ban", "sanction", "export_control", "exclusion", "boycott", "opposition")
STATUSES = (
    "proposed",
    "agreed",
    "signed",
    "ratified",
    "in_force",
    "rejected",
    "cancelled",
    "suspended",
    "ongoing",
)


@dataclass(frozen=True, slots=True)
class Article:
    """One source document.

    Attributes:
        id: The identifier the article was loaded with (file name, JSONL ``id``,
            feed entry id...). Re-loading an article with the same id replaces it.
        text: The body text.
        title: The headline, if known.
        date: Publication date as ISO 8601 (``YYYY-MM-DD``, or ``YYYY-MM``/``YYYY``).
        source: Name of the publisher or feed.
        url: Where the article was published.
        language: BCP 47 language tag of the text.
        origin: Where it was read from (``path`` or ``path:line``), for messages.
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    language: str = "en"
    origin: str | None = None

    @property
    def full_text(self) -> str:
        """The text that is analysed: the headline, a blank line, then the body.

        All character offsets in :class:`Mention` and :class:`EntityMention` refer
        to this string. Headlines carry facts too ("India, Japan snub China").
        """
        if self.title and not self.text.startswith(self.title):
            return f"{self.title}\n\n{self.text}"
        return self.text


@dataclass(frozen=True, slots=True)
class Actor:
    """A state, person or organisation, under its canonical id.

    Attributes:
        id: Canonical id (see the module docstring).
        kind: One of :data:`ACTOR_KINDS`.
        label: Canonical English name ("India", "Narendra Modi", "Quad").
        code: ISO 3166-1 alpha-3 code: the state's own, or for a person or
            organisation the code of the state it represents or belongs to.
        affiliation: Canonical id of that state (``state/IND``), for persons and
            organisations.
        category: Finer kind for organisations: ``international``, ``government``,
            ``company``, ``military``; ``None`` otherwise.
        role: A person's office as written ("Prime Minister").
    """

    id: str
    kind: str
    label: str
    code: str | None = None
    affiliation: str | None = None
    category: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class EntityMention:
    """Where an actor or technology is named in an article (offsets in ``full_text``)."""

    target: str
    start: int
    end: int
    text: str
    source: str = "gazetteer"


@dataclass(frozen=True, slots=True)
class Mention:
    """The evidence for a relation: one sentence of one article.

    Attributes:
        article_id: The article's id.
        sentence_index: 0-based index of the sentence in the article.
        sentence: The sentence text.
        start: Offset of the evidence span in ``Article.full_text``.
        end: End offset (exclusive) of the evidence span.
        text: The evidence span itself (``full_text[start:end]``).
        confidence: How sure the rule is of this mention, in [0, 1].
        rule: Name of the rule that produced it, for error analysis.
    """

    article_id: str
    sentence_index: int
    sentence: str
    start: int
    end: int
    text: str
    confidence: float
    rule: str


@dataclass(frozen=True, slots=True)
class Relation:
    """An agreement or a restriction between actors.

    Agreements use ``parties``; restrictions use ``imposers`` (who bans, sanctions,
    opposes) and ``targets`` (who is banned...). All actor fields hold canonical
    ids; ``technologies`` holds technology concept keys.
    """

    kind: str  # "agreement" | "restriction"
    type: str
    status: str
    parties: tuple[str, ...] = ()
    imposers: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    date: str | None = None
    negated: bool = False
    hedged: bool = False
    confidence: float = 0.5
    mentions: tuple[Mention, ...] = ()
    name: str | None = None  # its proper name, when the text gives one ("Quad Vaccine Partnership")

    @property
    def participants(self) -> tuple[str, ...]:
        """Every actor of the relation, parties or imposers then targets, without repeats."""
        return tuple(dict.fromkeys(self.parties + self.imposers + self.targets))


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one article."""

    article: Article
    actors: tuple[Actor, ...] = ()
    relations: tuple[Relation, ...] = ()
    entity_mentions: tuple[EntityMention, ...] = field(default=())


def name_key(name: str) -> str:
    """A relation's name as compared between mentions and reports: "U.S.-Japan Alliance"
    and "U.S. Japan alliance" are one name (case, hyphens and spacing aside)."""
    return " ".join(name.lower().replace("-", " ").split())
