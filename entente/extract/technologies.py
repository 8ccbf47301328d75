"""Technologies named in text, found with the labels of the SKOS technology scheme.

The scheme (``entente/ontology/technologies.ttl``) is the only source of the
labels: every ``skos:prefLabel`` and ``skos:altLabel`` is matched as whole tokens.
Labels written in capitals with at most four letters ("AI", "LNG", "EV") are
matched case-sensitively so that ordinary words do not trigger them; all other
labels match in any case, which covers headlines and upper-case newswire.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from entente.ontology.technologies import Technology, load_technologies

__all__ = ["SPANS_KEY", "TechnologyRecognizer"]

SPANS_KEY = "entente_technologies"
"""``doc.spans`` key under which technology spans are stored (label TECH, kb_id = concept key)."""


def _case_sensitive(label: str) -> bool:
    letters = [c for c in label if c.isalpha()]
    return label.isupper() and 0 < len(letters) <= 4 and " " not in label


class TechnologyRecognizer:
    """Marks technology mentions as spans in ``doc.spans["entente_technologies"]``.

    Each span has label ``TECH`` and ``kb_id_`` set to the technology's concept key
    (``5g``, ``military_logistics``); overlapping matches keep the longest.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "entente_technologies",
        *,
        technologies: tuple[Technology, ...] | None = None,
    ) -> None:
        self.name = name
        self.technologies = {t.key: t for t in (technologies or load_technologies())}
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        for tech in self.technologies.values():
            labels = dict.fromkeys((tech.label, *tech.alt_labels))
            exact = [nlp.make_doc(label) for label in labels if _case_sensitive(label)]
            folded = [nlp.make_doc(label.lower()) for label in labels if not _case_sensitive(label)]
            if exact:
                self.exact.add(tech.key, exact)
            if folded:
                self.folded.add(tech.key, folded)

    def match(self, doc: Doc) -> list[Span]:
        """Technology spans in ``doc``, longest first among overlaps."""
        spans = [
            Span(doc, start, end, label="TECH", kb_id=match_id)
            for matcher in (self.exact, self.folded)
            for match_id, start, end in matcher(doc)
        ]
        return sorted(filter_spans(spans), key=lambda span: span.start)

    def set_annotations(self, doc: Doc, spans: list[Span]) -> None:
        doc.spans[SPANS_KEY] = spans

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc
