"""Agreements and restrictions assembled from triggers, actors and technologies.

The finder works on the output of the gazetteer (``doc.ents`` labelled STATE,
PERSON or ORG whose ``kb_id_`` is a canonical actor id) and of the technology
recogniser (``doc.spans["entente_technologies"]``). It needs no statistical
model: it reads the sentence as a sequence of clauses.

For each sentence:

1. Trigger phrases (``data/triggers.jsonl``) and cues (``data/cues.jsonl``) are
   matched on lower-cased tokens, so inflections and capitals do not matter.
2. The sentence is cut into clauses at boundary cues (";", "while", "but", ", and"
   before a new subject...).
3. In each clause, consecutive triggers of the same kind form one *event*: its
   type comes from the first noun trigger ("pact" -> formal_agreement), its status
   from the first verb trigger ("had inked" -> signed).
4. Actors are assigned by position: an agreement's parties are the actors of its
   stretch of the clause; a restriction's imposers stand before its trigger and
   its targets after it (swapped for a passive "was banned by").
5. A clause without enough actors borrows them: "we"/"our" in a statement are
   its authors, named in the headline (a grouping such as the Quad stands for its
   members, ``data/memberships.tsv``); a group reference ("the two countries",
   "both sides") is the last group of actors seen; "the pact", "the deal" are the
   last relation of that type ("opposes the export controls" targets those who
   imposed them); otherwise the subject of the previous clause ("India, Japan
   snub China; set to collaborate"), and for a one-party deal or aid, the
   headline's subject ("Korean Air bought 20 jets" under "Airbus secures orders").
   Actors after an adversary cue ("deter", "respond to", "against") are not
   parties of an agreement, and "signed deals with A, B and C" (a plural deal
   noun) is one deal with each of A, B and C.
6. Negation and hedging cues shortly before the triggers set ``negated`` and
   ``hedged``; "will"/"to" before sign/ratify make the status ``proposed``
   ("agreed to restrict" stays ``agreed``), continuation cues ("continue",
   "further") make it ``ongoing``, a concluded deal ("won a contract") is
   ``signed`` and future talks are ``proposed``.
7. Events describing the same relation within the article (same kind and type,
   one party set within the other, compatible technologies) are merged into one
   relation with several mentions.

Limits: the rules see token order, not syntax, so long sentences that pack
several unrelated events into one clause can mix their actors; each relation
keeps its evidence sentence and the rule that produced it for checking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from entente.extract.dates import find_dates
from entente.extract.lexicon import (
    Trigger,
    inflections,
    load_cues,
    load_memberships,
    load_triggers,
    phrase_forms,
)
from entente.extract.technologies import SPANS_KEY as TECH_KEY
from entente.ontology.technologies import top_concepts
from entente.records import Actor, Mention, Relation, name_key

__all__ = ["ACTOR_LABELS", "RelationFinder", "merge_relations"]

ACTOR_LABELS = frozenset({"STATE", "PERSON", "ORG"})
_BE = frozenset({"is", "was", "were", "are", "been", "be", "being", "has", "have", "had"})
_DEFAULT_STATUS = {"agreement": "agreed", "restriction": "in_force"}
_FORWARD_STATUSES = frozenset({"signed", "ratified", "in_force"})
_HEADLINE_TYPES = frozenset({"deal", "aid"})
_RESTRICTION_TYPES = frozenset(
    {"ban", "sanction", "export_control", "exclusion", "boycott"}
)  # opposition is not lifted, it is dropped
# Types named by activity nouns, which statements use loosely and often
_ACTIVITY_TYPES = frozenset({"cooperation", "partnership", "talks", "aid"})
_SETTLED_STATUSES = frozenset({"rejected", "cancelled", "suspended"})
# Which status to keep when mentions of one relation disagree: explicit outcomes
# ("signed", "cancelled") over the defaults of nouns ("agreed", "ongoing").
_STATUS_RANK = {
    "signed": 3, "ratified": 3, "in_force": 3, "rejected": 3, "cancelled": 3, "suspended": 3,
    "proposed": 0.5, "agreed": 1, "ongoing": 1,
}  # fmt: skip
# verbs of meeting whose past form says the meeting took place
_MEETING_VERBS = ("speak", "meet", "talk", "convene", "gather", "confer")  # not "called on X to"
_IRREGULAR_PAST = frozenset({"spoke", "met"})
_CONCLUDED = ("win", "award", "land", "secure", "clinch", "seal")


@dataclass
class _Trig:
    trigger: Trigger
    start: int
    end: int


@dataclass
class _Event:
    kind: str
    triggers: list[_Trig] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.triggers[0].start

    @property
    def end(self) -> int:
        return self.triggers[-1].end


@dataclass
class _Context:
    """What earlier sentences of the article leave for later ones to refer to."""

    last_group: tuple[str, ...] = ()
    by_type: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Participants of the last relation of each type, for "the pact", "the deal"."""
    headline: tuple[str, ...] = ()
    """Actors of the first sentence (the headline): what the article is about."""
    speakers: tuple[str, ...] = ()
    """Who says the quotation of the current sentence ("...," Sweden's minister said)."""


class RelationFinder:
    """Finds agreements and restrictions and stores them in ``doc._.entente_relations``.

    The article's id and date are read from ``doc.user_data["entente_article_id"]``
    and ``doc.user_data["entente_article_date"]`` when the caller sets them; the
    relation's date is the first date written in its sentence, else the article's.

    Args:
        nlp: The pipeline, for its vocabulary.
        name: Component name.
        actor_lookup: Returns the :class:`Actor` for a canonical id, or ``None``;
            used to tell whether a state named just before a person is only the
            person's affiliation ("Japan's Prime Minister Suga").
        min_confidence: Relations below this confidence are dropped.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "entente_relations",
        *,
        actor_lookup: Callable[[str], Actor | None] | None = None,
        min_confidence: float = 0.3,
    ) -> None:
        self.name = name
        self.actor_lookup = actor_lookup or (lambda _id: None)
        self.min_confidence = min_confidence
        self.triggers = {t.id: t for t in load_triggers()}
        self.memberships = load_memberships()
        # a contract won or awarded is concluded; goods bought or ordered are agreed.
        # Past forms, and the present of headlines ("EADS wins contract"); not the
        # base form ("to win a contract") or the gerund.
        self.deal_past_forms = frozenset(
            form
            for word in _CONCLUDED
            for form in inflections(word)
            if form.endswith(("ed", "s")) and form != word
        ) | {"won"}
        self.creation_forms = frozenset(
            form
            for trigger_id in ("announce", "sign", "ratify", "propose")
            for phrase in self.triggers[trigger_id].phrases
            if len(phrase) == 1 and phrase[0] not in _NOT_CREATION
            for form in inflections(phrase[0])
        )
        self.met_forms = frozenset(
            form
            for word in _MEETING_VERBS
            for form in inflections(word)
            if form.endswith("ed") or form in _IRREGULAR_PAST
        )
        self.agree_forms = frozenset(
            form
            for phrase in self.triggers["agree"].phrases
            if len(phrase) == 1
            for form in inflections(phrase[0])
        )
        # "agreed to ban", "made the decision to ban": decided
        self.decided_forms = self.agree_forms | {"decision"}
        # phrase matchers on the lower-cased forms: a hash lookup per token, where a
        # Matcher of word sets tested every pattern at every token (7x slower here)
        self.trigger_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for trigger in self.triggers.values():
            self.trigger_matcher.add(trigger.id, self._forms(nlp, trigger.phrases))
        self.priority = {
            nlp.vocab.strings[trigger.id]: (trigger.weak, order)
            for order, trigger in enumerate(self.triggers.values())
        }
        self.cue_kind: dict[str, str] = {}
        self.cue_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for cue in load_cues():
            self.cue_kind[cue.id] = cue.cue
            self.cue_matcher.add(cue.id, self._forms(nlp, cue.phrases))

    @staticmethod
    def _forms(nlp: Language, phrases: Iterable[tuple[str, ...]]) -> list[Doc]:
        return [
            Doc(nlp.vocab, words=list(form)) for phrase in phrases for form in phrase_forms(phrase)
        ]

    # ----------------------------------------------------------------- compute
    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def set_annotations(self, doc: Doc, relations: list[Relation]) -> None:
        doc._.entente_relations = relations

    def match(self, doc: Doc) -> list[Relation]:
        """Every relation in ``doc``, merged per article."""
        strings = doc.vocab.strings
        # where two triggers cover the same words ("funding": aid, and weak "fund"),
        # filter_spans keeps the first given: strong ones first, then lexicon order
        matches = sorted(self.trigger_matcher(doc), key=lambda m: self.priority[m[0]])
        trig_spans = filter_spans([Span(doc, s, e, label=m) for m, s, e in matches])
        cues: dict[str, list[Span]] = {}
        for match_id, start, end in self.cue_matcher(doc):
            cues.setdefault(self.cue_kind[strings[match_id]], []).append(Span(doc, start, end))
        idioms = {i for span in cues.get("idiom", []) for i in range(span.start, span.end)}
        for kind, spans in cues.items():
            if kind != "idiom":  # the "to" of "due to" is no future
                cues[kind] = [c for c in spans if not idioms.intersection(range(c.start, c.end))]
        if "future" in cues:  # "added Huawei to its entity list": a preposition
            cues["future"] = [c for c in cues["future"] if not _preposition_to(doc, c)]
        # "said it would impose tariffs" reports a "will": a future, not a hedge
        reported = [c for c in cues.get("hedge", []) if _reported_would(doc, c)]
        if reported:
            cues["hedge"] = [c for c in cues["hedge"] if c not in reported]
            cues["future"] = sorted([*cues.get("future", []), *reported], key=lambda c: c.start)
        trigs = [
            _Trig(self.triggers[span.label_], span.start, span.end)
            for span in sorted(trig_spans, key=lambda s: s.start)
            if not idioms.intersection(range(span.start, span.end))
        ]
        # a weak trigger inside a name names no event: "the FIRST Global Challenge
        # Robot Olympics", "the Host Nation Support agreement"
        trigs = [t for t in trigs if not (t.trigger.weak and _in_name(doc, t))]
        actors = [e for e in doc.ents if e.label_ in ACTOR_LABELS and e.kb_id_]
        techs = list(doc.spans[TECH_KEY]) if TECH_KEY in doc.spans else []
        article_id = str(doc.user_data.get("entente_article_id", ""))
        article_date = doc.user_data.get("entente_article_date")
        year = int(article_date[:4]) if article_date and article_date[:4].isdigit() else None

        context = _Context()
        found: list[Relation] = []
        for index, sent in enumerate(doc.sents):
            dateline = _dateline_end(sent)  # "MOSCOW, March 3 (Reuters) -": no party
            in_sent = [a for a in actors if dateline <= a.start < sent.end]
            in_sent = self._without_modifiers(doc, in_sent, cues.get("location", []))
            sent_trigs = [t for t in trigs if sent.start <= t.start < sent.end]
            before = len(found)
            if sent_trigs:
                dates = find_dates(sent.text, default_year=year)
                date = dates[0].value if dates else article_date
                found.extend(
                    self._sentence(
                        doc,
                        sent,
                        index,
                        sent_trigs,
                        in_sent,
                        techs,
                        cues,
                        context,
                        article_id,
                        date,
                    )
                )
            ids = _unique(a.kb_id_ for a in in_sent)
            if index == 0:
                # a statement of the Quad speaks for its members
                context.headline = _unique(
                    m for i in ids for m in (i, *self.memberships.get(i, ()))
                )
            if len(found) == before and len(ids) >= 2:
                context.last_group = ids
        return merge_relations([r for r in found if r.confidence >= self.min_confidence])

    # ------------------------------------------------------------- sentences
    def _without_modifiers(self, doc: Doc, actors: list[Span], locations: list[Span]) -> list[Span]:
        """Drop states that only qualify a person or body, or name a place.

        "Japan's new Prime Minister Yoshihide Suga" is one actor (Suga, of Japan);
        "talks in Washington" does not make the United States a party.
        """
        location_ends = {span.end for span in locations}
        kept = []
        for i, span in enumerate(actors):
            if span.label_ == "STATE":
                start = (
                    span.start - 1
                    if span.start and doc[span.start - 1].lower_ == "the"
                    else span.start
                )
                if start in location_ends and not _officials_of(doc, start):
                    continue
                following = actors[i + 1] if i + 1 < len(actors) else None
                if following is not None and following.label_ in ("PERSON", "ORG"):
                    actor = self.actor_lookup(following.kb_id_)
                    between = doc[span.end : following.start]
                    if (
                        actor is not None
                        and actor.affiliation == span.kb_id_
                        and len(between) <= 5
                        and not any(t.is_punct and t.text not in ("'s", "'", "’s") for t in between)
                        and not any(t.lower_ in ("and", "or", "with", "to") for t in between)
                    ):
                        continue
            kept.append(span)
        return kept

    def _clauses(self, sent: Span, actors: list[Span], cues: dict[str, list[Span]]) -> list[range]:
        """Token ranges of the sentence's clauses."""
        actor_starts = {a.start for a in actors}
        group_starts = {g.start for g in cues.get("group_reference", [])}
        cuts = {b.start for b in cues.get("boundary", []) if sent.start < b.start < sent.end}
        doc = sent.doc
        for token in sent[1:-1]:
            # ", and" opens a new clause unless a list of actors goes on after it
            if token.lower_ == "and" and doc[token.i - 1].text == ",":
                nxt = token.i + 1
                skip = nxt + 1 if doc[nxt].lower_ in ("the", "its", "their") else nxt
                if nxt not in actor_starts and skip not in actor_starts or nxt in group_starts:
                    cuts.add(token.i)
        bounds = [sent.start, *sorted(cuts), sent.end]
        return [range(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]

    def _sentence(
        self,
        doc: Doc,
        sent: Span,
        index: int,
        trigs: list[_Trig],
        actors: list[Span],
        techs: list[Span],
        cues: dict[str, list[Span]],
        context: _Context,
        article_id: str,
        date: str | None,
    ) -> Iterable[Relation]:
        previous_subject: tuple[str, ...] = ()
        settings = _settings(doc, trigs, cues.get("location", []))
        # '"We will not allow Huawei into our networks," Sweden's minister said': the
        # speaker is who "we" are, not a party or a target of what is quoted
        speakers = _speakers(doc, sent, actors)
        context.speakers = _unique(a.kb_id_ for a in speakers)
        actors = [a for a in actors if a not in speakers]
        for clause in self._clauses(sent, actors, cues):
            clause_trigs = [t for t in trigs if t.start in clause and t.start not in settings]
            clause_actors = [a for a in actors if a.start in clause]
            if clause_trigs:
                subject = _unique(
                    a.kb_id_ for a in clause_actors if a.start < clause_trigs[0].start
                )
            else:
                subject = _unique(a.kb_id_ for a in clause_actors)
            # "barred U.S. firms from selling chips": the sale is what is barred
            clause_trigs = [t for t in clause_trigs if not _barred(doc, t, clause_trigs)]
            if any(not t.trigger.weak for t in clause_trigs):
                # weak triggers ("develop", "order") only count in clauses without a strong one
                clause_trigs = [t for t in clause_trigs if not t.trigger.weak]
            events: list[_Event] = []
            for trig in clause_trigs:
                if events and (
                    events[-1].kind == trig.trigger.kind
                    or _opposes_the(doc, events[-1], trig, context)
                ):
                    events[-1].triggers.append(trig)
                else:
                    events.append(_Event(trig.trigger.kind, [trig]))
            for i, event in enumerate(events):
                lo = clause.start if i == 0 else events[i - 1].end
                hi = events[i + 1].start if i + 1 < len(events) else clause.stop
                relation = self._event(
                    doc,
                    sent,
                    index,
                    event,
                    clause,
                    range(lo, hi),
                    clause_actors,
                    techs,
                    cues,
                    context,
                    # "McCain, a critic of the Boeing deal": who opposes is no party
                    ()
                    if event.kind == "agreement"
                    and any(e.kind == "restriction" for e in events[:i])
                    else previous_subject or subject,
                    article_id,
                    date,
                )
                if relation is not None:
                    yield from _distribute(doc, relation, event, clause_actors, range(lo, hi))
                    # "the two countries" later refers to the acting side
                    context.last_group = relation.parties or relation.imposers
                    context.by_type[relation.type] = relation.parties or relation.imposers
            if len(subject) >= 1:
                previous_subject = subject

    def _status(
        self,
        doc: Doc,
        event: _Event,
        clause: range,
        cues: dict[str, list[Span]],
        type_: str,
        status: str,
        status_trig: _Trig | None,
        hedge: int | None,
        scheduled: bool,
    ) -> str:
        """The status the clause gives the event, starting from its trigger's status.

        ``hedge`` is the start of the nearest hedge cue before the event, if any;
        ``scheduled`` whether the clause dates the event ahead ("later this year").
        """
        if type_ in _RESTRICTION_TYPES and (
            _cue_before(cues.get("lifting", []), event, clause, window=4)
            or _cue_after(cues.get("lifting", []), event, clause, window=4)
        ):
            return "cancelled"  # "agreed to lift sanctions on Iran", "bans were lifted"
        if status_trig is not None and status in _FORWARD_STATUSES:
            future = [
                f
                for f in cues.get("future", [])
                if status_trig.start - 5 <= f.start < status_trig.start
            ]
            if (
                future
                and future[0].start > 0
                and doc[future[0].start - 1].lower_ in self.decided_forms
            ):
                return "agreed"  # "agreed to restrict exports": decided, in force later
            if (
                hedge is None
                and type_ in _RESTRICTION_TYPES
                and any(f.text.lower() in ("will", "shall") for f in future)
            ):
                return "agreed"  # "Britain will ban Huawei from 2027": decided, in force later
            if future or hedge is not None:
                return "proposed"  # "will sign", "to ratify", "may sign"
            return status
        if status in _SETTLED_STATUSES:
            return status
        if scheduled:
            return "proposed"
        if status in ("agreed", "ongoing"):
            going_on = _nearest_cue(cues.get("continuation", []), event, clause, window=10)
            # the nearer of a hedge and a continuation cue scopes the event: "intend to
            # continue their partnership" goes on; "has been attempting to take over" is
            # only a bid
            if (going_on is not None and (hedge is None or going_on > hedge)) or (
                hedge is None and self._names_existing(doc, event, clause)
            ):
                # "remain committed to", "advance the U.S.-India Strategic Partnership"
                return "in_force" if type_ == "formal_agreement" else "ongoing"
        if hedge is not None:
            # "intend to expand their cooperation" presupposes that it exists
            return "ongoing" if _expands(doc, event) else "proposed"
        if status == "agreed" and type_ == "deal" and self._concluded(doc, event, clause, cues):
            return "signed"  # "won a contract", "was awarded the deal"
        if type_ == "talks":
            talks = _first_of_type(event, "talks")
            future = [f for f in cues.get("future", []) if not self._purpose(doc, f, clause)]
            if _cue_before(future, talks, clause, window=6):
                return "proposed"  # "will hold talks", "to launch a dialogue"
            if status == "agreed":
                # talks are held, or only agreed to be held ("agreed to hold talks")
                decided = any(
                    t.trigger.status == "agreed" and t.start < talks.start for t in event.triggers
                )
                return "proposed" if decided else "ongoing"
        return status

    def _purpose(self, doc: Doc, cue: Span, clause: range) -> bool:
        """Whether a "to" says what a meeting that took place was for: "spoke today
        with Prime Minister Suga to discuss", "met in Tokyo to review"."""
        return cue.text.lower() == "to" and any(
            doc[i].lower_ in self.met_forms
            for i in range(max(clause.start, cue.start - 12), cue.start)
        )

    def _names_existing(self, doc: Doc, event: _Event, clause: range) -> bool:
        """Whether the event refers by name to a partnership or treaty that already exists.

        "under the U.S.-Japan Treaty of Mutual Cooperation", "advance the U.S.-India
        Comprehensive Global Strategic Partnership": a capitalised name (outside the
        headline) that no word of creation, signature or proposal before it governs
        ("agreed to launch the Energy Partnership" creates one).
        """
        for trig in event.triggers:
            if trig.trigger.role != "noun" or trig.trigger.weak:
                continue
            token = doc[trig.end - 1]
            if token.lower_.rstrip("s") not in _NAMED_EXISTING:
                continue
            if not (token.is_title and token.i > token.sent.start > 0):
                continue
            if not any(doc[i].lower_ in self.creation_forms for i in range(clause.start, token.i)):
                return True
        return False

    def _concluded(
        self, doc: Doc, event: _Event, clause: range, cues: dict[str, list[Span]]
    ) -> bool:
        """Whether a deal noun follows a verb of conclusion ("has won a $13 billion
        contract") or is said to be concluded ("the deal with Fiat went through")."""
        deals = [t for t in event.triggers if t.trigger.type == "deal"]
        if any(
            doc[i].lower_ in self.deal_past_forms
            for t in deals
            for i in range(max(t.start - 6, clause.start), t.start + 1)
        ):
            return True
        return any(
            c.start in clause and 0 <= c.start - t.end < 8
            for t in deals
            for c in cues.get("concluded", [])
        )

    @staticmethod
    def _group(
        context: _Context, group_ref: bool, first_person: bool, fallback: tuple[str, ...]
    ) -> tuple[str, ...]:
        """Actors a clause without enough of its own refers to."""
        if first_person and context.speakers:
            return context.speakers
        if first_person and len(context.headline) >= 2:
            return context.headline
        if group_ref or first_person:
            return context.last_group
        return fallback

    def _event(
        self,
        doc: Doc,
        sent: Span,
        index: int,
        event: _Event,
        clause: range,
        region: range,
        clause_actors: list[Span],
        techs: list[Span],
        cues: dict[str, list[Span]],
        context: _Context,
        fallback_subject: tuple[str, ...],
        article_id: str,
        date: str | None,
    ) -> Relation | None:
        triggers = [t.trigger for t in event.triggers]
        if all(t.status in _SETTLED_STATUSES and t.type is None for t in triggers):
            return None  # "these principles are rejected": no agreement is named
        strong = any(not t.weak for t in triggers)
        in_region = [a for a in clause_actors if a.start in region]
        region_techs = _unique(t.kb_id_ for t in techs if t.start in region)
        clause_techs = _unique(t.kb_id_ for t in techs if t.start in clause)
        technologies = region_techs or clause_techs
        group_ref = any(g.start in region for g in cues.get("group_reference", []))
        # "we" in a joint statement are its authors, named in its title
        first_person = any(
            g.start in region and g.start < event.start for g in cues.get("first_person", [])
        )
        borrowed = False
        rule = f"{event.kind}.{triggers[0].id}"

        # "the pact", "this deal": the last relation of that type, when the clause
        # names no actors of its own
        definite = next(
            (
                t.trigger.type
                for t in event.triggers
                if t.trigger.role == "noun"
                and t.start > 0
                and doc[t.start - 1].lower_ in ("the", "this", "that")
                and t.trigger.type in context.by_type
            ),
            None,
        )
        opposition = any(t.type == "opposition" for t in triggers)
        if event.kind == "agreement":
            # "respond to the DPRK", "against China": not a party of the agreement
            adversary_ends = {c.end for c in cues.get("adversary", [])}
            parties = _unique(a.kb_id_ for a in in_region if not _after_any(doc, a, adversary_ends))
            if len(parties) < 2 and definite is not None:
                parties = _unique((*parties, *context.by_type[definite]))
                borrowed = True
                rule += ".definite"
            if len(parties) < 2:
                extra = self._group(context, group_ref, first_person, fallback_subject)
                merged = _unique((*parties, *extra))
                if len(merged) > len(parties):
                    parties, borrowed = merged, True
            if not parties and index > 0 and len(context.headline) >= 2 and _subjectless(sent):
                # a fact sheet's bullet ("Establishing a joint Quantum Coordination
                # Mechanism"): its subject is the authors named in the title
                parties, borrowed = context.headline, True
                rule += ".headline"
            if len(parties) == 1 and index > 0 and any(t.type in _HEADLINE_TYPES for t in triggers):
                # "Korean Air also bought 20 Dreamliners" in an article headed "Boeing
                # secures aircraft deals": the other side is the article's subject
                merged = _unique((*parties, *context.headline))
                if len(merged) > len(parties):
                    parties, borrowed = merged, True
                    rule += ".headline"
            if len(parties) < 2:
                return None
            imposers: tuple[str, ...] = ()
            targets: tuple[str, ...] = ()
        else:
            first = event.triggers[0]
            before = [a for a in clause_actors if a.start < first.start]
            after = [a for a in in_region if a.start >= first.end]
            # "was banned by", and "the bans were lifted ... by"
            passive = (first.start > 0 and doc[first.start - 1].lower_ in _BE) or (
                first.end < len(doc) and doc[first.end].lower_ in _BE
            )
            by_agents = [a for a in after if _preceded_by(doc, a, "by")]
            listed = _listed(doc, before, first)
            if passive and by_agents:
                imposers = _unique(a.kb_id_ for a in by_agents)
                targets = _unique(a.kb_id_ for a in (*before, *after) if a not in by_agents)
                rule += ".passive"
            elif listed:
                # "the Commerce Department added Huawei to its entity list"
                imposers = _unique(a.kb_id_ for a in before if a not in listed)
                targets = _unique(a.kb_id_ for a in listed)
                rule += ".listed"
            else:
                imposers = _unique(a.kb_id_ for a in before)
                targets = _unique(a.kb_id_ for a in after)
            if not imposers:
                extra = self._group(context, group_ref, first_person, fallback_subject)
                imposers, borrowed = tuple(i for i in extra if i not in targets), True
            if not targets and opposition and definite is not None:
                # "Beijing opposes the export controls": against those who imposed them
                targets = context.by_type[definite]
                rule += ".definite"
            targets = tuple(t for t in targets if t not in imposers)
            if not imposers or not targets:
                return None
            parties = ()
        participants = len(_unique((*parties, *imposers, *targets)))
        if not strong and (participants < 2 or not technologies):
            return None

        type_, status, status_trig = _type_and_status(doc, event)
        negated = _cue_before(cues.get("negation", []), event, clause, window=5) or (
            # "talks between Iran and the EU collapsed", "the deal fell through"
            all(t.trigger.role == "noun" for t in event.triggers)
            and _cue_after(cues.get("failure", []), event, clause, window=10)
        )
        hedge = _nearest_cue(cues.get("hedge", []), event, clause, window=20)
        # "a dialogue to be convened later this year", "close consultations ... to be
        # held later this year", "a summit by the end of 2021": planned, whatever else
        # is said of it (a deadline further on is the goal's: "will work with X to
        # produce a billion doses by the end of 2022")
        scheduled = _said_after(cues.get("schedule", []), event, type_, clause, window=25) or (
            _said_after(cues.get("deadline", []), event, type_, clause, window=3)
        )
        status = self._status(
            doc, event, clause, cues, type_, status, status_trig, hedge, scheduled
        )
        hedged = hedge is not None or (scheduled and status == "proposed")

        weight = max(t.weight for t in triggers)
        confidence = weight * (0.8 if borrowed else 1.0) * (1.0 if strong else 0.8)
        spans = [(t.start, t.end) for t in event.triggers]
        spans += [(a.start, a.end) for a in in_region]
        lo = max(min(s for s, _ in spans), sent.start)
        hi = min(max(e for _, e in spans), sent.end)
        evidence = doc[lo:hi]
        mention = Mention(
            article_id=article_id,
            sentence_index=index,
            sentence=sent.text,
            start=evidence.start_char,
            end=evidence.end_char,
            text=evidence.text,
            confidence=round(confidence, 3),
            rule=rule,
        )
        return Relation(
            kind=event.kind,
            type=type_,
            status=status,
            parties=parties,
            imposers=imposers,
            targets=targets,
            technologies=technologies,
            name=_agreement_name(doc, event, type_),
            date=date,
            negated=negated,
            hedged=hedged,
            confidence=round(confidence, 3),
            mentions=(mention,),
        )


def _distribute(
    doc: Doc, relation: Relation, event: _Event, actors: list[Span], region: range
) -> Iterable[Relation]:
    """Split "X signed deals with A, B and C" into one deal of X with each of A, B, C.

    Only a plural deal noun ("deals", "contracts", "orders") is read this way: "a
    contract with A, B and C" stays one contract among all of them.
    """
    plural = any(
        t.trigger.type == "deal" and t.trigger.role == "noun" and _plural(doc, t)
        for t in event.triggers
    )
    if relation.kind != "agreement" or relation.type != "deal" or not plural:
        yield relation
        return
    sellers = _unique(a.kb_id_ for a in actors if a.start in region and a.start < event.start)
    buyers = _unique(a.kb_id_ for a in actors if a.start in region and a.start >= event.end)
    buyers = tuple(b for b in buyers if b in relation.parties and b not in sellers)
    if not sellers or len(buyers) < 2 or not set(sellers) <= set(relation.parties):
        yield relation
        return
    for buyer in buyers:
        yield replace(relation, parties=(*sellers, buyer))


def _plural(doc: Doc, trig: _Trig) -> bool:
    word = doc[trig.end - 1].lower_
    return word.endswith("s") and word not in ("sales", "series", "news")


def _after_any(doc: Doc, span: Span, ends: set[int]) -> bool:
    """Whether a cue ends just before ``span``, or before its article ("against the US")."""
    start = span.start - 1 if span.start and doc[span.start - 1].lower_ == "the" else span.start
    return start in ends


def _preceded_by(doc: Doc, span: Span, word: str) -> bool:
    """Whether ``word`` stands just before ``span``, or before its article ("by the US")."""
    i = span.start - 1
    if i >= 0 and doc[i].lower_ == "the":
        i -= 1
    return i >= 0 and doc[i].lower_ == word


def _unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


def _opposes_the(doc: Doc, event: _Event, trig: _Trig, context: _Context) -> bool:
    """Whether an agreement noun is the object of the opposition just before it: "China
    criticised the pact" opposes the pact named earlier (and its parties)."""
    return (
        event.kind == "restriction"
        and any(t.trigger.type == "opposition" for t in event.triggers)
        and trig.trigger.role == "noun"
        and trig.trigger.type in context.by_type
        and 0 < trig.start - event.end <= 3
        and doc[trig.start - 1].lower_ in ("the", "this", "that")
    )


def _settles_something(event: _Event, settling: _Trig) -> bool:
    """Whether "rejected", "cancelled", "suspended" apply to an agreement of the event.

    They must stand alone or beside a noun of agreement or a proposal: "rejected the
    offer", "cancelled the deal"; not "reaffirm ... when these principles are rejected".
    """
    others = [t for t in event.triggers if t is not settling]
    return not others or any(t.trigger.role == "noun" or t.trigger.id == "propose" for t in others)


def _in_name(doc: Doc, trig: _Trig) -> bool:
    """Whether the trigger is a capitalised word of a multi-word name, outside the headline."""
    token = doc[trig.start]
    if not token.is_title or token.sent.start == 0 or token.i == token.sent.start:
        return False
    before = doc[token.i - 1]
    after = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if before.text == "(" and after is not None and after.text == ")":
        return True  # the short name of a name just given: "the Prague Proposals (Proposals)"
    return (before.is_title and not before.is_sent_start) or (
        after is not None and after.is_title and not before.is_punct and not before.is_space
    )


_NAME_LINKS = frozenset({"of", "for", "on", "and", "&", "-", "(", ")"})


def _agreement_name(doc: Doc, event: _Event, type_: str) -> str | None:
    """The proper name the event's agreement noun heads, if it heads one.

    "launched the U.S.-Japan Climate Partnership", "a new Competitiveness and
    Resilience (CoRe) Partnership", "the Treaty of Mutual Cooperation and Security":
    a capitalised noun with capitalised words before it or an "of" phrase after it.
    Headlines in capitals and a noun on its own ("the Partnership") give none.
    """
    for trig in event.triggers:
        if trig.trigger.role != "noun" or trig.trigger.type != type_:
            continue
        head = doc[trig.end - 1]
        sent = head.sent
        if sent.start == 0 or _title_cased(sent) or not (head.is_title or head.is_lower):
            continue  # headlines and headings capitalise every word
        start, end = _name_start(doc, sent, head.i), _name_end(doc, sent, head.i)
        if start == head.i and end == head.i + 1:
            continue  # a noun on its own
        if head.is_lower and not _named_before(doc, start, head.i):
            continue  # "the U.S.-Japan alliance", "a Japan-India pact": described, not named
        return doc[start:end].text
    return None


def _name_start(doc: Doc, sent: Span, head: int) -> int:
    """Where the capitalised words before an agreement noun start: "the U.S.-Japan
    Climate Partnership", "a new Competitiveness and Resilience (CoRe) Partnership"."""
    start = head
    for i in range(head - 1, sent.start - 1, -1):
        token = doc[i]
        if token.lower_ in _NAME_LINKS:
            continue
        if not _name_word(token) or (i == sent.start and token.is_stop):
            break
        start = i
    return start


def _name_end(doc: Doc, sent: Span, head: int) -> int:
    """Where the "of" phrases of capitalised words after an agreement noun end: "of
    Mutual Cooperation and Security", "on the Law of the Sea"."""
    end = j = head + 1
    while j < sent.end and doc[j].lower_ in ("of", "on", "for", "and"):
        if doc[j].lower_ == "and" and end == head + 1:
            break  # "the Treaty and ...": two names
        k = j + 1
        if k < sent.end and doc[k].lower_ == "the" and doc[j].lower_ != "and":
            k += 1
        m = k
        while m < sent.end and (
            _name_word(doc[m])
            or (doc[m].text == "-" and m + 1 < sent.end and _name_word(doc[m + 1]))
        ):
            m += 1
        if m < sent.end and doc[m].text == "-":
            m -= 1  # "on E-commerce": a word cut at its hyphen is no name word
        if m <= k:
            break
        end = j = m
    return end


def _named_before(doc: Doc, start: int, head: int) -> bool:
    """Whether a lower-case agreement noun follows two capitalised words that name no
    actor: "the Host Nation Support agreement", not "the U.S.-Japan alliance"."""
    actor_tokens = {i for e in doc.ents for i in range(e.start, e.end)}
    return sum(_name_word(doc[i]) and i not in actor_tokens for i in range(start, head)) >= 2


def _title_cased(sent: Span) -> bool:
    """Whether the sentence is a heading in title case: "Expanding And Renewing Our
    Partnership" capitalises the small words that names leave in lower case."""
    words = [t for t in sent if t.is_alpha]
    return any(t.is_title and t.lower_ in _SMALL_WORDS for t in words[1:])


_SMALL_WORDS = frozenset({"and", "with", "our", "for", "to", "in", "on", "of", "the", "a", "its"})


def _name_word(token: Token) -> bool:
    """A capitalised word, or an acronym ("QUAD", "CoRe", "iCET")."""
    text = token.text
    return token.is_title or (
        text.isalpha() and (token.is_upper and len(text) > 1 or sum(map(str.isupper, text)) >= 2)
    )


def _type_and_status(doc: Doc, event: _Event) -> tuple[str, str, _Trig | None]:
    """Type from the first strong noun trigger (else strong verb, weak noun, weak verb);
    status from the most explicit verb trigger that carries one.

    A capitalised trigger inside a sentence is part of a name ("the Prague Proposals",
    "Trade Agreement"), which gives the type but says nothing of the status.
    """

    def typed(role: str, weak: bool) -> list[_Trig]:
        return [
            t
            for t in event.triggers
            if t.trigger.role == role and t.trigger.type and t.trigger.weak == weak
        ]

    nouns = typed("noun", False)
    if nouns:
        type_ = nouns[0].trigger.type
    elif strong_verbs := typed("verb", False):
        # without a noun, an agreement's most explicit verb: "a joint statement signed
        # by" is signed (a restriction's first: "tells airlines not to buy ... due to
        # the ban" is a boycott)
        if event.kind == "agreement":
            strong_verbs.sort(key=lambda t: -_STATUS_RANK.get(t.trigger.status, 0))
        type_ = strong_verbs[0].trigger.type
    else:
        weak = typed("noun", True) or typed("verb", True)
        type_ = weak[0].trigger.type if weak else "cooperation"
    if any(t.trigger.type == "opposition" and not t.trigger.weak for t in event.triggers):
        type_ = "opposition"  # "opposes the export controls" is opposition, not a control
    # the most explicit verb of that type (or of none) decides: "a joint statement signed
    # by", "rejected a proposal"; "tells airlines not to buy ... due to the ban" is a boycott
    verbs = [
        t
        for t in event.triggers
        if t.trigger.role == "verb"
        and t.trigger.status
        and t.trigger.type in (None, type_)
        and not _in_name(doc, t)
        and (t.trigger.status not in _SETTLED_STATUSES or _settles_something(event, t))
    ]
    status_trig = max(verbs, key=lambda t: _STATUS_RANK.get(t.trigger.status, 0), default=None)
    if status_trig is None:
        status_trig = next(
            (t for t in event.triggers if t.trigger.status and not _in_name(doc, t)), None
        )
    status = status_trig.trigger.status if status_trig else _DEFAULT_STATUS[event.kind]
    return type_, status, status_trig


_SETTING_WORDS = frozenset(
    {"during", "after", "following", "ahead", "before", "sidelines", "margins", "end", "eve"}
)


def _settings(doc: Doc, trigs: list[_Trig], locations: list[Span]) -> set[int]:
    """Starts of meeting nouns that only say where or when something happened.

    "launched the committee at the North American Leaders' Summit", "at the end of
    the talks, they signed a pact": the meeting is the setting of another event
    of the sentence, not talks of its own.
    """
    location_ends = {span.end for span in locations}
    found = set()
    others = any(t.trigger.type not in (None, "talks") for t in trigs)
    for trig in trigs:
        if trig.trigger.type != "talks" or trig.trigger.role != "noun":
            continue
        before = [t.lower_ for t in doc[max(trig.start - 4, 0) : trig.start]]
        if others and _SETTING_WORDS.intersection(before) and "the" in before:
            found.add(trig.start)  # "during the talks", "on the sidelines of the summit"
            continue
        i = trig.start
        while i > 0 and trig.start - i < 8 and i not in location_ends:
            token = doc[i - 1]
            if not (token.lower_ == "the" or token.is_title or token.is_punct or token.like_num):
                break
            i -= 1
        if i in location_ends and doc[trig.start].is_title:
            found.add(trig.start)
    return found


_EXPANSIONS = frozenset(
    {"expand", "deepen", "strengthen", "enhance", "broaden", "bolster", "further", "advance"}
)


def _expands(doc: Doc, event: _Event) -> bool:
    """Whether a cooperation or partnership noun is the object of a verb of expansion,
    which presupposes that it exists ("seek to expand trilateral cooperation")."""
    for trig in event.triggers:
        if trig.trigger.role == "noun" and trig.trigger.type in ("cooperation", "partnership"):
            before = doc[max(trig.start - 4, 0) : trig.start]
            if any(t.lemma_ in _EXPANSIONS or t.lower_ in _EXPANSIONS for t in before):
                return True
    return False


_DETERMINERS = frozenset(
    {"the", "a", "an", "its", "their", "his", "her", "our", "this", "that", "these", "those"}
)
_DASHES = frozenset({"-", "--", "\u2013", "\u2014"})


_LISTING_VERBS = frozenset({"add", "adds", "added", "adding", "put", "puts", "putting",
                            "place", "places", "placed", "placing"})  # fmt: skip


def _barred(doc: Doc, trig: _Trig, clause_trigs: list[_Trig]) -> bool:
    """Whether an agreement trigger is what an earlier restriction forbids
    ("bans firms from selling", "barred Huawei from supplying")."""
    if trig.trigger.kind != "agreement" or trig.start == 0 or doc[trig.start - 1].lower_ != "from":
        return False
    return any(t.trigger.kind == "restriction" and t.start < trig.start for t in clause_trigs)


def _listed(doc: Doc, before: list[Span], trigger: _Trig) -> list[Span]:
    """Actors put on a list by "add X to the entity list", "placed X on a blacklist"."""
    start = trigger.start
    while start > 0 and doc[start - 1].lower_ in _DETERMINERS:
        start -= 1
    if start == 0 or doc[start - 1].lower_ not in ("to", "on"):
        return []
    verbs = [i for i in range(max(start - 12, 0), start - 1) if doc[i].lower_ in _LISTING_VERBS]
    if not verbs:
        return []
    return [a for a in before if verbs[-1] < a.start < start - 1]


def _preposition_to(doc: Doc, cue: Span) -> bool:
    """Whether a future cue is the preposition "to" ("to its entity list", "to Japan")."""
    if cue.text not in ("to", "To") or cue.end >= len(doc):
        return False  # "U.S. TO SIGN TREATY": in capitals, a verb cannot be told apart
    after = doc[cue.end]
    return after.lower_ in _DETERMINERS or after.is_title or after.like_num


def _dateline_end(sent: Span) -> int:
    """Where the text of a sentence starts after a newswire dateline, else its start.

    "MOSCOW, March 3 (Reuters) - The Soviet Union and West Germany signed...": the
    dateline names where the report was filed, not a party.
    """
    first = sent[0] if len(sent) else None
    if first is None or not (first.is_upper and first.is_alpha and len(first) > 1):
        return sent.start
    for token in sent[1:16]:
        if token.text in _DASHES or token.text == ":":
            return token.i + 1
        if token.is_lower and token.is_alpha and token.text not in ("of",):
            break  # ordinary words: an upper-case sentence, not a dateline
    return sent.start


_BULLET_VERBS = frozenset(
    {"establish", "launch", "expand", "enhance", "advance", "strengthen", "support",
     "promote", "deepen", "develop", "cooperate", "partner", "convene", "build", "create",
     "sign", "deliver", "increase", "accelerate", "facilitate", "coordinate", "invest"}
)  # fmt: skip


_OFFICIALS = frozenset(
    {"officials", "diplomats", "negotiators", "authorities", "leaders", "ministers",
     "lawmakers", "regulators", "governments", "sources", "envoys"}
)  # fmt: skip


def _officials_of(doc: Doc, start: int) -> bool:
    """Whether the place after "in" names whose officials they are: "officials in Tokyo
    and Seoul", "diplomats in Paris" (but not "talks in Washington")."""
    return start >= 2 and doc[start - 2].lower_ in _OFFICIALS


_CLOSING_QUOTES = frozenset({'"', "\u201d", "''"})
_REPORTING = frozenset(
    {
        "said",
        "says",
        "say",
        "told",
        "added",
        "stated",
        "declared",
        "announced",
        "announces",
        "confirmed",
    }
)


def _reported_would(doc: Doc, cue: Span) -> bool:
    """Whether a "would" reports someone's "will": "said it would", "told X they would",
    "announced that the federal government would"."""
    if cue.text.lower() != "would":
        return False
    return any(t.lower_ in _REPORTING for t in doc[max(cue.start - 6, 0) : cue.start])


def _speakers(doc: Doc, sent: Span, actors: list[Span]) -> list[Span]:
    """Actors named as the speaker after a closing quote: '..." Sweden's minister said'."""
    for quote in reversed([t.i for t in sent if t.text in _CLOSING_QUOTES and t.i > sent.start]):
        end = min(quote + 12, sent.end)
        verb = next((t.i for t in doc[quote + 1 : end] if t.lower_ in _REPORTING), None)
        if verb is not None:
            return [a for a in actors if quote < a.start < verb + 6 and a.end <= sent.end]
    return []


def _subjectless(sent: Span) -> bool:
    """Whether a sentence opens with a verb, as the bullets of a fact sheet do
    ("Enhancing bilateral collaboration on...", "Cooperate on supply chains")."""
    first = next((t for t in sent if t.is_alpha), None)
    if first is None or not first.is_title or first.ent_type_:
        return False
    word = first.lower_
    return (word.endswith("ing") and len(word) > 5) or word in _BULLET_VERBS


def _first_of_type(event: _Event, type_: str) -> _Event:
    """The event reduced to its first trigger of a type: "talks" in "is in discussions to
    provide", "spoke with" in "spoke with Suga to discuss"."""
    typed = [t for t in event.triggers if t.trigger.type == type_] or event.triggers
    return _Event(event.kind, typed[:1])


# "welcome" and "reaffirm" an existing partnership; "launch", "form", "sign" create one
_NOT_CREATION = frozenset({"welcome", "affirm", "reaffirm"})
_NAMED_EXISTING = frozenset(
    {"partnership", "partner", "alliance", "treaty", "convention", "charter"}
)


def _nearest_cue(cues: list[Span], event: _Event, clause: range, *, window: int) -> int | None:
    """Start of the last cue standing in the clause shortly before one of the event's
    triggers, or ``None``."""
    trigger_tokens = {i for t in event.triggers for i in range(t.start, t.end)}
    starts = [
        cue.start
        for cue in cues
        if cue.start in clause
        and not trigger_tokens.intersection(range(cue.start, cue.end))
        and any(t.start - window <= cue.start < t.start for t in event.triggers)
    ]
    return max(starts, default=None)


def _cue_after(cues: list[Span], event: _Event, clause: range, *, window: int) -> bool:
    """Whether a cue stands in the clause shortly after the event's last trigger."""
    return any(cue.start in clause and 0 <= cue.start - event.end < window for cue in cues)


def _said_after(cues: list[Span], event: _Event, type_: str, clause: range, *, window: int) -> bool:
    """Whether a cue stands in the clause shortly after one of the event's triggers of
    a type, with no other trigger of the event between them (the cue is said of it)."""
    return any(
        cue.start in clause
        and 0 <= cue.start - t.end < window
        and not any(t.end <= u.start < cue.start for u in event.triggers)
        for cue in cues
        for t in event.triggers
        if t.trigger.type == type_
    )


def _cue_before(cues: list[Span], event: _Event, clause: range, *, window: int) -> bool:
    """Whether a cue stands in the clause shortly before one of the event's triggers."""
    return _nearest_cue(cues, event, clause, window=window) is not None


def _compatible(a: Relation, b: Relation) -> bool:
    if (a.kind, a.type, a.negated) != (b.kind, b.type, b.negated):
        return False
    if a.name and b.name and name_key(a.name) != name_key(b.name):
        return False  # the Climate Partnership and the CoRe Partnership are two
    if a.type == "talks" and {a.status, b.status} == {"proposed", "ongoing"}:
        return False  # a meeting held and one still planned are two meetings
    # "the pact" names an earlier pact explicitly, whatever it is said to cover
    definite = any(m.rule.endswith(".definite") for m in a.mentions + b.mentions)
    if definite and set(a.participants) == set(b.participants):
        return True
    tops_a, tops_b = top_concepts(a.technologies), top_concepts(b.technologies)
    if tops_a and tops_b and not tops_a & tops_b:
        return False  # "a pact on critical minerals" and "on rare earths" may be one pact
    if a.type in _ACTIVITY_TYPES and bool(tops_a) != bool(tops_b):
        # "cooperation" said in passing is not the cooperation on 5G of the same states
        # (a pact or a deal named twice is one, with or without its subject)
        return False
    if a.kind == "agreement":
        pa, pb = set(a.parties), set(b.parties)
        if pa == pb:
            return True
        # a subset of the parties is the same agreement only when it is about the same thing
        shared = bool(tops_a & tops_b)
        return shared and (pa <= pb or pb <= pa)
    ta, tb = set(a.targets), set(b.targets)
    return set(a.imposers) == set(b.imposers) and (ta <= tb or tb <= ta)


def _only_named(relation: Relation) -> bool:
    """Whether every mention of the relation only names an agreement said before."""
    return all(m.rule.endswith(".definite") for m in relation.mentions)


def _settled(relation: Relation) -> bool:
    return relation.status in _SETTLED_STATUSES


def merge_relations(relations: list[Relation]) -> list[Relation]:
    """One relation per distinct agreement or restriction of the article."""
    merged: list[Relation] = []
    for rel in relations:
        for i, seen in enumerate(merged):
            if _compatible(seen, rel):
                # a plain statement's status wins over a hedged one's; then the furthest
                # stage
                # "the takeover" only names what "attempting to take over" said: it
                # gives no status of its own unless it settles one ("the pact was signed")
                named = [r for r in (seen, rel) if _only_named(r) and not _settled(r)]
                if len(named) == 1:
                    lead = rel if named[0] is seen else seen
                elif seen.hedged != rel.hedged:
                    lead = rel if seen.hedged else seen
                else:
                    lead = max(
                        seen,
                        rel,
                        # then the mention found with the strongest evidence
                        key=lambda r: (
                            _STATUS_RANK.get(r.status, 0),
                            max(m.confidence for m in r.mentions),
                        ),
                    )
                merged[i] = replace(
                    seen,
                    parties=_unique((*seen.parties, *rel.parties)),
                    imposers=_unique((*seen.imposers, *rel.imposers)),
                    targets=_unique((*seen.targets, *rel.targets)),
                    technologies=_unique((*seen.technologies, *rel.technologies)),
                    status=lead.status,
                    date=seen.date or rel.date,
                    name=seen.name or rel.name,
                    hedged=seen.hedged and rel.hedged,
                    confidence=round(
                        min(0.99, 1 - (1 - seen.confidence) * (1 - rel.confidence)), 3
                    ),
                    mentions=seen.mentions + rel.mentions,
                )
                break
        else:
            merged.append(rel)
    return merged
