# ruff: noqa: E501
# fmt: off
"""The ``ent:`` vocabulary as an rdflib :class:`~rdflib.namespace.DefinedNamespace`.

Generated from ``entente/ontology/ent.ttl`` with::

    python -m rdflib.tools.defined_namespace_creator ent.ttl "https://w3id.org/entente/ns#" ENT --fail

and then edited only in the header (this docstring, the imports, ``__all__``, and
the two comment lines above, which keep ruff from rewrapping the long generated
lines). Regenerate it whenever ``ent.ttl``
changes; ``tests/ontology/test_namespace.py`` fails until the term sets agree.
The comments after each term are the terms' ``rdfs:comment``.

Importing this module imports rdflib; code that must stay free of rdflib (the
extractor) uses the plain strings in :mod:`entente.ontology` instead.
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["ENT"]


class ENT(DefinedNamespace):
    """entente vocabulary: classes, properties and concept schemes (``ent:``).

    Generated from: entente/ontology/ent.ttl (https://w3id.org/entente/ns#)
    Date: 2026-11-30 13:33:20.472297

    ``_fail = True``: an unknown term (``ENT.nonexistent``) raises AttributeError.
    """

    _NS = Namespace("https://w3id.org/entente/ns#")

    _fail = True

    Actor: URIRef  # A state, person or organisation that can take part in an agreement or a restriction.
    Agreement: URIRef  # Cooperation, a deal, talks or aid between parties, possibly about technologies.
    AgreementTypeScheme: URIRef  # Kinds of agreement: cooperation, formal agreement, partnership, deal, talks, aid.
    Article: URIRef  # A news article or official statement from which relations were extracted; described with DCMI terms.
    Company: URIRef  # A commercial enterprise, such as a telecom equipment vendor or a chipmaker.
    GovernmentBody: URIRef  # A ministry, agency, armed service or other body of a single state.
    InternationalOrganization: URIRef  # An organisation or grouping of several states, such as the Quad or the European Union.
    Mention: URIRef  # The evidence for a relation: a span of one sentence of one article, with character offsets into the article text.
    Organization: URIRef  # A company, government body or international organisation.
    Person: URIRef  # A person named in the news, usually an official acting for a state.
    Relation: URIRef  # An agreement or a restriction between actors, as reported by one article.
    Restriction: URIRef  # A ban, sanction, export control, exclusion, boycott or stated opposition imposed by some actors on others.
    RestrictionTypeScheme: URIRef  # Kinds of restriction: ban, sanction, export control, exclusion, boycott, opposition.
    State: URIRef  # A sovereign state, identified by its ISO 3166-1 alpha-3 code (historical states keep their former code).
    StatusScheme: URIRef  # Where a relation stands: proposed, agreed, signed, ratified, in force, rejected, cancelled, suspended, ongoing.
    TechnologyScheme: URIRef  # Technologies and sectors that agreements and restrictions are about, with the labels used to find them in text.
    affiliation: URIRef  # The state that a person or organisation represents or belongs to.
    agreementType: URIRef  # The kind of an agreement: a concept of ent:AgreementTypeScheme.
    article: URIRef  # The article that a mention is taken from.
    confidence: URIRef  # How sure the extraction rule is of a relation or mention, from 0 to 1.
    contentHash: URIRef  # A digest of an article as loaded (id, text, metadata) and of the extraction pipeline that analysed it; re-ingesting an article with the same hash is skipped.
    countryCode: URIRef  # The ISO 3166-1 alpha-3 code of a state, three capital letters ("IND").
    date: URIRef  # When the relation was reported to take effect or was agreed, at the precision known: xsd:date, xsd:gYearMonth or xsd:gYear.
    endOffset: URIRef  # Character offset where the evidence span ends (exclusive) in the article text.
    evidence: URIRef  # A mention (sentence span) that states the relation.
    evidenceText: URIRef  # The evidence span itself, the article text between the start and end offsets.
    hedged: URIRef  # True if the article reports the relation as uncertain or planned ("may", "is expected to", "reportedly").
    imposedBy: URIRef  # An actor that imposes a restriction (bans, sanctions, excludes, opposes).
    mentions: URIRef  # An actor or a technology concept named in an article.
    negated: URIRef  # True if the article reports that the relation did not happen ("India did not ban...").
    participant: URIRef  # An actor taking part in a relation in any role. Not asserted in the data: use its sub-properties party, imposedBy and target.
    party: URIRef  # An actor that is a party to an agreement.
    restrictionType: URIRef  # The kind of a restriction: a concept of ent:RestrictionTypeScheme.
    role: URIRef  # A person's office as written in the article ("Prime Minister").
    mergeKey: URIRef  # A digest of what makes two reports the same event; equal keys and close dates are merged.
    rule: URIRef  # The name of the extraction rule that produced the mention ("agreement.verb"), for error analysis.
    sentence: URIRef  # The text of the sentence that contains the evidence span.
    sentenceIndex: URIRef  # The 0-based index of the mention's sentence in the article.
    startOffset: URIRef  # Character offset where the evidence span starts in the article text (headline, blank line, body).
    status: URIRef  # Where a relation stands as the article reports it: a concept of ent:StatusScheme.
    target: URIRef  # An actor that a restriction is aimed at (who is banned, sanctioned, excluded, opposed).
    technology: URIRef  # A technology or sector that a relation is about: a concept of ent:TechnologyScheme.
