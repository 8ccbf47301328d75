"""Gazetteer-based recognition of states, organisations and persons.

:class:`EntityRecognizer` is a plain class that works as a spaCy pipeline
component (``nlp.add_pipe`` through a factory registered in
:mod:`entente.extract.components`). It sets ``doc.ents`` with the labels
``STATE``, ``ORG`` and ``PERSON``; each span's ``kb_id_`` is the canonical actor
id (``state/IND``, ``organization/huawei``, ``person/narendra-modi``), and
``doc._.entente_actors`` maps every id used in ``doc.ents`` to its
:class:`~entente.records.Actor` (gazetteer actors and the ones minted for this
document: persons named after a title, government bodies named with a state).

What it recognises:

* names, aliases and abbreviations ("US", "U.S.", "Britain"), demonyms as the
  state ("Indian navy" -> ``state/IND`` on "Indian"), metonyms ("Washington",
  "the Kremlin", "Brussels" -> the EU) and historical states ("Soviet Union");
  phrases in ``guards.tsv`` ("Washington Post", "Indian Ocean") block them;
* hyphenated pairs ("U.S.-Japan") are split into tokens first;
* persons after a title ("Japan's new Prime Minister Yoshihide Suga",
  "Northrop Grumman CEO Ron Sugar"): the span covers the name only; the
  person's state comes from "of <State>", a state or organisation just before
  the title, or ``persons.tsv``; with no state in reach it stays ``None``.
  Later bare surnames ("Suga") in the same document get the same id. A name
  before ", <title> of|for <State>" or ", <State>'s <title>" is a person of that
  state ("Ana Ruiz, minister of transport for Peru"); a state title after a
  company ("Boeing spokesman Dan Hale") gives no state;
* government bodies ("Indian Ministry of Defence", "Japan's Foreign Ministry",
  "Department of Energy"): ``organization/<code>-<slug>``. A body with no
  state before it, no "of <State>" after it and no known entry takes the state
  only when its sentence names exactly one state; otherwise its code is ``None``.
  Heads are ministry, department, agency, office, commission, administration,
  and (military or legislative, named by the head alone right after a state:
  "the Thai Navy" -> ``organization/tha-navy``, "the U.S. Senate") navy, army,
  air force, coast guard, armed forces, marine corps, space force, defence
  forces, parliament, senate, congress, cabinet; these never take the state
  from the sentence ("Salvation Army"). "Government" is not a head: following
  the annotation guideline, "the Australian government" and "the Government of
  India" are the state itself.

Limits: matching is by surface form only (no statistical disambiguation), so
"Jordan" the person or "Chad" the first name are read as states; case is
ignored except for short abbreviations, but a form's capitals are required
(lower-case "china", "polish" or "us" never match), which in ALL-CAPS text
cannot tell the pronoun "US" from the state. Persons are not minted from
ALL-CAPS text. Bare-surname coreference skips a surname that the same document
also uses as a lower-case word ("May").

Speed (measured on the dev machine, Python 3.11, spaCy 3.8): building the
matchers takes 0.06-0.13 s (once per component; the gazetteer is cached per
process); the 52 dev articles (211k characters) run through
``spacy.blank("en")`` + sentencizer + this component in 0.2 s in all (0.035 s of
it tokenizing), about 6 ms for the largest, 15k-character article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from entente.extract.gazetteer import Gazetteer, load_gazetteer
from entente.records import Actor

__all__ = [
    "ACTORS_EXTENSION",
    "LABELS",
    "EntityRecognizer",
    "EntitySpan",
    "ensure_extensions",
]

ACTORS_EXTENSION = "entente_actors"
LABELS = ("STATE", "ORG", "PERSON")
_LABEL_OF_KIND = {"state": "STATE", "organization": "ORG", "person": "PERSON"}
# Entity labels of statistical models that may name an actor.
_LINKABLE = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "STATE"}
_GUARD = "ENTENTE_GUARD"
_GOV_OF = "ENTENTE_GOV_OF"
_GOV_X = "ENTENTE_GOV_X"
# Head words of government bodies named by pattern: (lower-cased words, category,
# whether the head alone names a body right after a state: "the Thai Navy",
# "the U.S. Senate"). The others need a word of their own: "Foreign Ministry",
# "Space Agency". "Government" is not a head: a state's government is the state.
_BODY_HEADS: tuple[tuple[tuple[str, ...], str, bool], ...] = (
    (("ministry",), "government", False),
    (("department",), "government", False),
    (("agency",), "government", False),
    (("office",), "government", False),
    (("commission",), "government", False),
    (("administration",), "government", False),
    (("parliament",), "government", True),
    (("senate",), "government", True),
    (("congress",), "government", True),
    (("cabinet",), "government", True),
    (("navy",), "military", True),
    (("army",), "military", True),
    (("air", "force"), "military", True),
    (("coast", "guard"), "military", True),
    (("armed", "forces"), "military", True),
    (("marine", "corps"), "military", True),
    (("space", "force"), "military", True),
    (("defence", "forces"), "military", True),
    (("defense", "forces"), "military", True),
)
# Heads that may open "<Head> of <State or name>" ("Ministry of Defence").
_OF_HEADS = ("ministry", "department", "agency", "office", "commission", "administration")
_POSSESSIVE = {"'s", "’s", "'", "’"}
_SKIP_BEFORE_BODY = {"the", "'s", "’s"}
_PARTICLES = {
    "bin",
    "binti",
    "ibn",
    "al",
    "el",
    "de",
    "da",
    "di",
    "del",
    "dos",
    "du",
    "van",
    "von",
    "der",
    "den",
    "la",
    "le",
    "ter",
}
_NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_INITIAL_RE = re.compile(r"^[A-Z]\.$")
_HYPHEN_RE = re.compile(r"(-)")


def ensure_extensions() -> None:
    """Register ``Doc._.entente_actors`` (default ``None``) unless already set."""
    if not Doc.has_extension(ACTORS_EXTENSION):
        Doc.set_extension(ACTORS_EXTENSION, default=None)


class EntitySpan(NamedTuple):
    """A recognised span and the actor it names."""

    span: Span
    actor: Actor


def _is_name_token(token: Token) -> bool:
    text = token.text
    if _INITIAL_RE.match(text):
        return True
    if not (token.is_alpha and text[0].isupper()):
        return False
    # ALL-CAPS words are headlines or acronyms, not names to mint.
    return not (len(text) > 1 and text.isupper())


class EntityRecognizer:
    """Recognise actors with the gazetteer; usable as a spaCy component.

    Args:
        nlp: The pipeline (its vocabulary and tokenizer build the patterns).
        name: The component name.
        overwrite_ents: If ``False`` (default), entities already in ``doc.ents``
            (from a statistical model) are kept where they do not overlap ours,
            and linked to an actor when their text is a known form (an unknown
            ``PERSON`` gets a minted ``person/<slug>`` id). If ``True``, existing
            entities are discarded. On overlap ours always win.
        data_dir: A directory with the gazetteer TSV files, instead of the
            packaged ones.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "entente_gazetteer",
        *,
        overwrite_ents: bool = False,
        data_dir: str | None = None,
    ) -> None:
        ensure_extensions()
        self.name = name
        self.overwrite_ents = overwrite_ents
        self.gazetteer: Gazetteer = load_gazetteer(data_dir)
        self.vocab = nlp.vocab
        self._build(nlp)

    # -- construction --------------------------------------------------------

    def _build(self, nlp: Language) -> None:
        gaz = self.gazetteer
        make = nlp.make_doc
        self._exact = PhraseMatcher(self.vocab, attr="ORTH")
        by_actor: dict[str, list[str]] = {}
        for form, actor_id in gaz.exact_forms.items():
            by_actor.setdefault(actor_id, []).append(form)
        for actor_id, forms in by_actor.items():
            self._exact.add(actor_id, [make(f) for f in forms])
        # One key per spelling, so a match tells which capitals it needs. NORM is
        # the lower case with typographic apostrophes made plain ("People’s").
        self._caseless = PhraseMatcher(self.vocab, attr="NORM")
        self._caseless_info: dict[int, tuple[str, tuple[bool, ...]]] = {}
        for form, actor_id in gaz.caseless_forms.items():
            pattern = make(form)
            key = f"{actor_id}\t{form}"
            self._caseless.add(key, [pattern])
            needs = tuple(t.text[:1].isupper() for t in pattern)
            self._caseless_info[self.vocab.strings[key]] = (actor_id, needs)
        self._guards = PhraseMatcher(self.vocab, attr="NORM")
        self._guards.add(_GUARD, [make(g) for g in gaz.guards])
        self._titles = PhraseMatcher(self.vocab, attr="NORM")
        self._title_kind: dict[int, str] = {}
        for title, kind in gaz.titles.items():
            key = f"ENTENTE_TITLE\t{kind}"
            self._titles.add(key, [make(title)])
            self._title_kind[self.vocab.strings[key]] = kind
        cap = {"TEXT": {"REGEX": r"^[A-Z]"}}
        head = {"LOWER": {"IN": list(_OF_HEADS)}, "TEXT": {"REGEX": r"^[A-Z]"}}
        link = {"LOWER": {"IN": ["and", "&"]}}
        cap_plus = dict(cap, OP="+")
        self._bodies = Matcher(self.vocab)
        of = {"LOWER": {"IN": ["of", "for"]}}
        self._bodies.add(
            _GOV_OF,
            [
                [head, of, cap_plus],
                [head, of, cap_plus, link, cap_plus],
                [head, of, {"LOWER": "the"}, cap_plus],
            ],
            greedy="LONGEST",
        )
        self._bodies.add(
            _GOV_X,
            [
                [*([cap_plus] if not alone or with_words else []), *heads]
                for words, _, alone in _BODY_HEADS
                for heads in [[{"LOWER": w, "TEXT": {"REGEX": r"^[A-Z]"}} for w in words]]
                for with_words in ((True, False) if alone else (True,))
            ],
            greedy="LONGEST",
        )
        self._heads = {words: (category, alone) for words, category, alone in _BODY_HEADS}
        self._surname_of = {pid: surname for surname, ids in gaz.surnames.items() for pid in ids}

    # -- spaCy protocol ------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        """Split hyphenated actor pairs, find the actors and set ``doc.ents``."""
        self.split_hyphenated(doc)
        self.set_annotations(doc, self.match(doc))
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """Process a stream of docs (one at a time: matching is per document)."""
        for doc in stream:
            yield self(doc)

    # -- work ----------------------------------------------------------------

    def _known(self, text: str) -> bool:
        if text in self.gazetteer.exact_forms:
            return True
        return text[:1].isupper() and text.lower() in self.gazetteer.caseless_index

    def split_hyphenated(self, doc: Doc) -> None:
        """Split tokens like "U.S.-Japan" into "U.S.", "-", "Japan" when a part is an actor.

        The tokenizer keeps such compounds whole; the parts must be tokens for
        entity spans. Tokens that are themselves known forms ("Guinea-Bissau")
        are left alone.
        """
        splits = []
        for token in doc:
            text = token.text
            if "-" not in text or len(text) < 4 or self._known(text):
                continue
            parts = [p for p in _HYPHEN_RE.split(text) if p]
            if len(parts) > 1 and any(p != "-" and self._known(p) for p in parts):
                splits.append((token, parts))
        if not splits:
            return
        with doc.retokenize() as retokenizer:
            for token, parts in splits:
                retokenizer.split(token, parts, heads=[(token, 0)] * len(parts))

    def match(self, doc: Doc) -> list[EntitySpan]:
        """Find the actors of a document without changing it.

        Returns:
            Non-overlapping spans (label and ``kb_id_`` set) with their actors,
            in document order.
        """
        run = _Run(self, doc)
        run.phrases()
        run.bodies()
        run.persons()
        run.coreference()
        return run.result()

    def set_annotations(self, doc: Doc, spans: list[EntitySpan]) -> None:
        """Write ``doc.ents`` and ``doc._.entente_actors`` from :meth:`match` output."""
        ours = [s.span for s in spans]
        actors = {s.actor.id: s.actor for s in spans}
        kept: list[Span] = []
        if not self.overwrite_ents:
            taken = set()
            for span in ours:
                taken.update(range(span.start, span.end))
            for ent in doc.ents:
                if any(i in taken for i in range(ent.start, ent.end)):
                    continue
                linked = self._link(doc, ent)
                if linked is not None:
                    kept.append(linked.span)
                    actors.setdefault(linked.actor.id, linked.actor)
                else:
                    kept.append(ent)
        doc.ents = sorted(ours + kept, key=lambda s: s.start)
        previous = doc._.get(ACTORS_EXTENSION) or {}
        doc._.set(ACTORS_EXTENSION, {**previous, **actors})

    def _link(self, doc: Doc, ent: Span) -> EntitySpan | None:
        """Link an entity of another component to an actor, if its text is known."""
        if ent.label_ not in _LINKABLE:
            return None
        end = ent.end
        if end - ent.start > 1 and doc[end - 1].text in _POSSESSIVE:
            end -= 1
        text = doc[ent.start : end].text
        actor_id = self.gazetteer.lookup(text) if self._known(text) else None
        if actor_id is not None:
            actor = self.gazetteer.actors[actor_id]
            label = _LABEL_OF_KIND[actor.kind]
            return EntitySpan(Span(doc, ent.start, end, label=label, kb_id=actor_id), actor)
        if ent.label_ == "PERSON":
            pid = self.gazetteer.person_id(text)
            actor = Actor(id=pid, kind="person", label=text)
            return EntitySpan(Span(doc, ent.start, end, label="PERSON", kb_id=pid), actor)
        return None


class _Run:
    """The state of matching one document (spans by token, actors found)."""

    def __init__(self, rec: EntityRecognizer, doc: Doc) -> None:
        self.rec = rec
        self.gaz = rec.gazetteer
        self.doc = doc
        self.owner: list[Span | None] = [None] * len(doc)
        self.actors: dict[str, Actor] = {}
        self.titles: list[tuple[Span, str]] = []
        self.title_starts: set[int] = set()
        self.guarded: set[int] = set()
        self._head_names = {" ".join(words) for words in rec._heads}

    # -- bookkeeping ---------------------------------------------------------

    def _add(self, span: Span, actor: Actor) -> None:
        for i in range(span.start, span.end):
            self.owner[i] = span
        known = self.actors.get(actor.id)
        if known is None or (known.code is None and actor.code is not None):
            self.actors[actor.id] = actor

    def _remove(self, span: Span) -> None:
        for i in range(span.start, span.end):
            if self.owner[i] is span:
                self.owner[i] = None

    def _spans(self) -> list[Span]:
        seen: list[Span] = []
        for span in self.owner:
            if span is not None and (not seen or seen[-1] is not span):
                seen.append(span)
        return seen

    def _state_at(self, i: int) -> Span | None:
        if 0 <= i < len(self.doc):
            span = self.owner[i]
            if span is not None and span.label_ == "STATE":
                return span
        return None

    def _actor(self, span: Span) -> Actor:
        return self.actors.get(span.kb_id_) or self.gaz.actors[span.kb_id_]

    def result(self) -> list[EntitySpan]:
        return [EntitySpan(s, self._actor(s)) for s in self._spans()]

    # -- passes --------------------------------------------------------------

    def phrases(self) -> None:
        """Known forms, longest first, minus guarded phrases."""
        doc, rec = self.doc, self.rec
        candidates = [Span(doc, s, e, label=_GUARD) for _, s, e in rec._guards(doc)]
        self.guarded = {i for span in candidates for i in range(span.start, span.end)}
        for match_id, s, e in rec._exact(doc):
            actor = self.gaz.actors[self.rec.vocab.strings[match_id]]
            candidates.append(Span(doc, s, e, label=_LABEL_OF_KIND[actor.kind], kb_id=actor.id))
        for match_id, s, e in rec._caseless(doc):
            actor_id, needs = rec._caseless_info[match_id]
            tokens = doc[s:e]
            if any(need and t.text[:1].islower() for need, t in zip(needs, tokens, strict=True)):
                continue
            actor = self.gaz.actors[actor_id]
            candidates.append(Span(doc, s, e, label=_LABEL_OF_KIND[actor.kind], kb_id=actor_id))
        for span in filter_spans(candidates):
            if span.label_ != _GUARD:
                self._add(span, self.gaz.actors[span.kb_id_])
        for match_id, s, e in rec._titles(doc):
            self.titles.append((Span(doc, s, e), rec._title_kind[match_id]))
        kinds = {(t.start, t.end): k for t, k in self.titles}
        self.titles = [
            (t, kinds[(t.start, t.end)]) for t in filter_spans([t for t, _ in self.titles])
        ]
        self.titles.sort(key=lambda item: item[0].start)
        self.title_starts = {t.start for t, _ in self.titles}

    def bodies(self) -> None:
        """Government bodies named by pattern, with the state that owns them."""
        doc = self.doc
        matches = [(self.rec.vocab.strings[m], s, e) for m, s, e in self.rec._bodies(doc)]
        for kind, s, e in matches:
            if any(i in self.guarded for i in range(s, e)):
                continue  # "Oval Office", "Salvation Army"
            category, alone = "government", False
            if kind == _GOV_OF:
                end = s + 2
                while end < e and end not in self.title_starts and self._free(end, s, None):
                    end += 1
                if end < e and doc[end].lower_ == "the":
                    end += 1  # "Department of the Treasury": nothing after "the"
                start = s
                if end - start < 3 or doc[end - 1].lower_ in ("of", "for", "the", "and", "&"):
                    continue
            else:
                size = 2 if tuple(t.lower_ for t in doc[e - 2 : e]) in self.rec._heads else 1
                category, alone = self.rec._heads[tuple(t.lower_ for t in doc[e - size : e])]
                end, start = e, e - size
                while start > max(s, e - 3 - size):
                    token = doc[start - 1]
                    if token.lower_ == "the" or start - 1 in self.title_starts:
                        break
                    if not self._free(start - 1, None, e):
                        break
                    start -= 1
                if end - start <= size and not (alone and self._state_before(start)):
                    continue
            self._body(start, end, category, explicit=alone)

    def _free(self, i: int, start: int | None, end: int | None) -> bool:
        """Whether token ``i`` may join a body name: unowned, or in a known body there."""
        owner = self.owner[i]
        if owner is None:
            return True
        return owner.label_ == "ORG" and (owner.start == start or owner.end == end)

    def _body(self, start: int, end: int, category: str, *, explicit: bool = False) -> None:
        """Add the body ``doc[start:end]`` with its state.

        ``explicit``: take the state only from just before or "of <State>" after
        (military and legislative heads: "Salvation Army" is no state's army).
        """
        doc, gaz = self.doc, self.gaz
        inside = {id(o): o for o in self.owner[start:end] if o is not None}
        if any(o.start < start or o.end > end for o in inside.values()):
            return  # part of a longer known name
        known = next(
            (o for o in inside.values() if o.start == start and o.end == end and o.label_ == "ORG"),
            None,
        )
        if inside and known is None:
            return
        state = self._state_before(start) or self._state_of(end)
        code = self._actor(state).code if state is not None else None
        name = doc[start:end].text
        if known is not None:
            actor = self._actor(known)
            if code is None or actor.code == code:
                return
            self._remove(known)
        elif code is None and not explicit:
            code = self._only_state_in_sentence(start)
        elif code is None:
            return
        label = name
        if state is not None and state.end <= start and name.lower() in self._head_names:
            label = f"{doc[state.start : state.end].text} {name}"  # "Thai Navy"
        org_id = None
        if code:
            names = [name, label]
            if state is not None and name.lower() in self._head_names:  # "India's Navy"
                names += [f"{d} {name}" for d, sid in gaz.demonyms.items() if sid == state.kb_id_]
            org_id = next(
                (gaz.bodies[k] for n in names if (k := (n.lower(), code)) in gaz.bodies), None
            )
            minted = gaz.org_id(name, code)
            org_id = org_id or (minted if minted in gaz.actors else None)  # usa-senate
        org_id = org_id or (gaz.lookup(name) if code is None else None)
        if org_id is not None:
            actor = gaz.actors[org_id]
        else:
            actor = Actor(
                id=gaz.org_id(name, code),
                kind="organization",
                label=label,
                code=code,
                affiliation=f"state/{code}" if code else None,
                category=category,
            )
        self._add(Span(doc, start, end, label="ORG", kb_id=actor.id), actor)

    def _state_before(self, start: int) -> Span | None:
        i = start - 1
        while i >= 0 and start - i <= 3 and self.doc[i].lower_ in _SKIP_BEFORE_BODY:
            i -= 1
        return self._state_at(i)

    def _state_of(self, end: int) -> Span | None:
        doc = self.doc
        if end + 1 < len(doc) and doc[end].lower_ == "of":
            state = self._state_at(end + 1)
            if state is not None and state.start == end + 1:
                return state
        return None

    def _only_state_in_sentence(self, i: int) -> str | None:
        doc = self.doc
        sent = doc[i].sent if doc.has_annotation("SENT_START") else doc[:]
        codes = set()
        for span in {id(o): o for o in self.owner[sent.start : sent.end] if o}.values():
            actor = self._actor(span)
            if actor.code and actor.kind != "person" and actor.category != "company":
                codes.add(actor.code)
        return codes.pop() if len(codes) == 1 else None

    def persons(self) -> None:
        """Persons introduced by an office title."""
        doc = self.doc
        n = len(doc)
        in_doc = {s.kb_id_ for s in self._spans() if s.label_ == "PERSON"}
        for title, kind in self.titles:
            covering = {id(o): o for o in self.owner[title.start : title.end] if o}.values()
            if any(o.end > title.end for o in covering):
                continue  # "General" in "General Motors"
            before = doc[title.start - 1] if title.start else None
            if before is not None and before.text == "-" and not before.whitespace_:
                continue  # "Gandhi-King"
            context: Span | None = None
            i = title.end
            if i + 1 < n and doc[i].lower_ == "of":
                after = self.owner[i + 1]
                if after is not None and after.start == i + 1 and after.label_ != "PERSON":
                    context, i = after, after.end
                    if i < n and doc[i].text == ",":
                        i += 1
            while i in self.title_starts:  # "Prime Minister Dr. Manmohan Singh"
                i = next(t.end for t, _ in self.titles if t.start == i)
            if i >= n:
                continue
            if self.owner[i] is not None:
                continue  # a known person (or anything else) follows
            if context is None:
                context = next((o for o in covering if o.label_ != "PERSON"), None)
            if context is None:
                context = self._context_before(title.start)
            tokens = self._name_tokens(i)
            if not tokens and kind == "state":
                self._appositive(title, in_doc)
                continue
            if not tokens or any(doc[t].text in self.gaz.not_names for t in tokens):
                continue
            start, end = tokens[0], tokens[-1] + 1
            name = doc[start:end].text
            code = self._actor(context).code if context is not None and kind != "none" else None
            if (
                kind == "state"
                and context is not None
                and self._actor(context).category == "company"
            ):
                code = None  # "Boeing spokesman Dan Smith" speaks for a firm, not a state
            actor = self._person(
                name, end - start, code, title.text if kind != "none" else None, in_doc
            )
            in_doc.add(actor.id)
            self._add(Span(doc, start, end, label="PERSON", kb_id=actor.id), actor)

    def _appositive(self, title: Span, in_doc: set[str]) -> None:
        """A name before ", <title> (of|for) <State>" or ", <State>'s <title>".

        "Jusman Syafii Djamal, minister of transport for Indonesia, said":
        the title follows the name, so the state must be named right there.
        """
        doc = self.doc
        context = self._context_before(title.start)
        i = title.start - 1
        while i >= 0 and title.start - i <= 4 and doc[i].text != ",":
            owner = self.owner[i]
            if not (doc[i].is_lower or doc[i].text in _POSSESSIVE or owner is context):
                return
            i -= 1
        if i < 1 or doc[i].text != ",":
            return
        if context is None:  # "minister of transport for Indonesia"
            j = title.end
            while j < len(doc) and j - title.end < 3 and doc[j].is_lower:
                if doc[j].lower_ in ("of", "for") and self._state_at(j + 1) is not None:
                    context = self._state_at(j + 1)
                    break
                j += 1
        if context is None or context.label_ != "STATE":
            return
        end, start = i, i
        while start > 0 and end - start < 4 and self.owner[start - 1] is None:
            token = doc[start - 1]
            if not _is_name_token(token) or token.text in self.gaz.not_names:
                break
            start -= 1
            if token.is_sent_start:
                break
        if end - start < 2 or (start > 0 and _is_name_token(doc[start - 1])):
            return
        code = self._actor(context).code
        actor = self._person(doc[start:end].text, end - start, code, title.text, in_doc)
        in_doc.add(actor.id)
        self._add(Span(doc, start, end, label="PERSON", kb_id=actor.id), actor)

    def _context_before(self, start: int) -> Span | None:
        doc = self.doc
        i, steps = start - 1, 0
        while i >= 0 and steps < 3:
            owner = self.owner[i]
            if owner is not None:
                return owner if owner.label_ != "PERSON" else None
            if doc[i].text in _POSSESSIVE or doc[i].is_lower:
                i, steps = i - 1, steps + 1
                continue
            break
        return None

    def _name_tokens(self, i: int) -> list[int]:
        doc = self.doc
        n = len(doc)
        tokens: list[int] = []
        j = i
        while j < n and len(tokens) < 6:
            token = doc[j]
            if self.owner[j] is not None or (j != i and token.is_sent_start):
                break
            if token.lower_ in _NAME_SUFFIXES:
                break
            if _is_name_token(token):
                tokens.append(j)
                j += 1
                continue
            glued = tokens and not doc[j - 1].whitespace_ and not token.whitespace_
            if token.text == "-" and glued and j + 1 < n and doc[j + 1].is_alpha:
                tokens += [j, j + 1]  # "Jae-in"
                j += 2
                continue
            nxt = j + 1 < n and _is_name_token(doc[j + 1]) and self.owner[j + 1] is None
            if token.lower_ in _PARTICLES and tokens and nxt:
                tokens.append(j)
                j += 1
                continue
            break
        while tokens and doc[tokens[-1]].text == "-":
            tokens.pop()
        return tokens

    def _person(
        self, name: str, length: int, code: str | None, role: str | None, in_doc: set[str]
    ) -> Actor:
        gaz = self.gaz
        if length == 1:
            ids = gaz.surnames.get(name, ())
            mentioned = [pid for pid in ids if pid in in_doc]
            fitting = [pid for pid in ids if code is None or gaz.actors[pid].code == code]
            if len(mentioned) == 1:
                return gaz.actors[mentioned[0]]
            if len(fitting) == 1:
                return gaz.actors[fitting[0]]
        pid = gaz.person_id(name)
        if pid in gaz.actors:
            return gaz.actors[pid]
        return Actor(
            id=pid,
            kind="person",
            label=name,
            code=code,
            affiliation=f"state/{code}" if code else None,
            role=role,
        )

    def coreference(self) -> None:
        """Bare surnames of persons named in full elsewhere in the document."""
        doc = self.doc
        persons = [s for s in self._spans() if s.label_ == "PERSON"]
        by_surname: dict[str, set[str]] = {}
        for span in persons:
            if len(span) < 2:
                continue
            surname = self.rec._surname_of.get(span.kb_id_) or span[-1].text
            by_surname.setdefault(surname, set()).add(span.kb_id_)
        table = {s: next(iter(ids)) for s, ids in by_surname.items() if len(ids) == 1}
        if not table:
            return
        lower_words = {t.text for t in doc if t.is_lower}
        table = {s: pid for s, pid in table.items() if s.lower() not in lower_words}
        for span in persons:  # "President Moon" minted before "Moon Jae-in" was seen
            pid = table.get(span.text)
            if len(span) == 1 and pid and span.kb_id_ != pid and span.kb_id_ not in self.gaz.actors:
                self._remove(span)
                self._add(
                    Span(doc, span.start, span.end, label="PERSON", kb_id=pid),
                    self._actor_by_id(pid),
                )
        for token in doc:
            if self.owner[token.i] is not None:
                continue
            text = token.text.title() if token.is_upper else token.text
            pid = table.get(text)
            if pid is not None:
                span = Span(doc, token.i, token.i + 1, label="PERSON", kb_id=pid)
                self._add(span, self._actor_by_id(pid))

    def _actor_by_id(self, actor_id: str) -> Actor:
        return self.actors.get(actor_id) or self.gaz.actors[actor_id]
