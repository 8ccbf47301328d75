"""``entente evaluate``: the graph's facts against gold annotations.

Gold files follow ``ANNOTATION.md`` of the evaluation corpus: one JSON object per
line, ``{"id": ..., "relations": [...]}``. What the graph holds is read through
SPARQL, as a user would read it. Metrics, micro-averaged over articles:

* **pairs**: per relation, its kind plus each unordered pair of distinct codes of
  its participants (agreement: the parties; restriction: each imposer with each
  target). A code is a state's ``ent:countryCode``, or the code of a person's or
  organisation's ``ent:affiliation``; actors without one are left out.
* **actor-technology**: kind plus (code, technology top concept) for each
  participant and each technology of the relation.
* **type** and **status** accuracy over relations matched one to one by kind and
  participant codes (greedily, by the overlap of their code sets).
* **negated** and **hedged**: precision and recall of the flags on matched relations.

Relations marked negated are left out of pairs and actor-technology and scored in
the flag metrics only. Sets are per article: an article's pair counts once however
many relations state it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from itertools import combinations
from pathlib import Path
from typing import Any

from entente.errors import InputError

__all__ = [
    "EvalRelation",
    "Evaluation",
    "Score",
    "evaluate",
    "load_gold",
    "relations_from_rows",
]


@dataclass(frozen=True)
class EvalRelation:
    """A relation reduced to what the metrics look at."""

    article: str
    kind: str
    type: str
    status: str
    negated: bool
    hedged: bool
    parties: frozenset[str] = frozenset()
    by: frozenset[str] = frozenset()
    against: frozenset[str] = frozenset()
    tops: frozenset[str] = frozenset()
    evidence: str = ""
    rule: str = ""

    @property
    def codes(self) -> frozenset[str]:
        return self.parties | self.by | self.against

    def pairs(self) -> set[tuple[str, str, str]]:
        if self.kind == "agreement":
            pairs = combinations(sorted(self.parties), 2)
        else:
            pairs = (tuple(sorted((b, a))) for b in self.by for a in self.against if a != b)
        return {(self.kind, *pair) for pair in pairs}

    def actor_technologies(self) -> set[tuple[str, str, str]]:
        return {(self.kind, code, top) for code in self.codes for top in self.tops}

    def describe(self) -> str:
        actors = (
            ",".join(sorted(self.parties))
            if self.kind == "agreement"
            else f"{','.join(sorted(self.by))}->{','.join(sorted(self.against))}"
        )
        tops = f" [{','.join(sorted(self.tops))}]" if self.tops else ""
        return f"{self.kind}/{self.type}/{self.status} {actors}{tops}"


@dataclass
class Score:
    """Counts behind one metric: precision/recall/F1, or an accuracy."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    """Scores and the individual errors behind them.

    ``pairs``, ``actor_technology``, ``negated``, ``hedged`` are P/R/F1 counts;
    ``type`` and ``status`` hold accuracies as ``tp`` (correct) and ``fn`` (wrong).
    """

    articles: int = 0
    gold_relations: int = 0
    predicted_relations: int = 0
    scores: dict[str, Score] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def accuracy(self, name: str) -> float:
        score = self.scores[name]
        total = score.tp + score.fn
        return score.tp / total if total else 0.0

    def table(self) -> str:
        lines = [
            f"{self.articles} articles, {self.gold_relations} gold relations, "
            f"{self.predicted_relations} predicted",
            f"{'metric':18} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}",
        ]
        for name in ("pairs", "actor_technology", "negated", "hedged"):
            s = self.scores[name]
            lines.append(
                f"{name:18} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
                f"{s.tp:5d} {s.fp:5d} {s.fn:5d}"
            )
        for name in ("type", "status"):
            s = self.scores[name]
            lines.append(f"{name + ' accuracy':18} {self.accuracy(name):20.3f} of {s.tp + s.fn}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        metrics: dict[str, Any] = {}
        for name, s in self.scores.items():
            if name in ("type", "status"):
                metrics[name] = {"accuracy": self.accuracy(name), "matched": s.tp + s.fn}
            else:
                metrics[name] = {"precision": s.precision, "recall": s.recall, "f1": s.f1}
                metrics[name] |= {"tp": s.tp, "fp": s.fp, "fn": s.fn}
        return {
            "articles": self.articles,
            "gold_relations": self.gold_relations,
            "predicted_relations": self.predicted_relations,
            "metrics": metrics,
            "errors": self.errors,
        }


# -- gold ---------------------------------------------------------------------------------


def _gold_codes(actors: Any, where: str) -> frozenset[str]:
    if not isinstance(actors, list):
        raise ValueError(f"{where}: actors must be a list")
    return frozenset(a["code"] for a in actors if isinstance(a, dict) and a.get("code"))


def load_gold(path: str | Path) -> dict[str, list[EvalRelation]]:
    """Gold relations per article id from a gold JSONL file.

    Raises:
        InputError: A line is not valid JSON or not a gold record (``path:line: reason``).
    """
    gold: dict[str, list[EvalRelation]] = {}
    path = Path(path)
    try:
        stream = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read the gold file: {exc.strerror}") from exc
    with stream:
        for lineno, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                article = str(record["id"])
                relations = []
                for n, rel in enumerate(record.get("relations") or [], 1):
                    where = f"relation {n}"
                    relations.append(
                        EvalRelation(
                            article=article,
                            kind=rel["kind"],
                            type=rel["type"],
                            status=rel.get("status") or "",
                            negated=bool(rel.get("negated")),
                            hedged=bool(rel.get("hedged")),
                            parties=_gold_codes(rel.get("parties", []), where),
                            by=_gold_codes(rel.get("by", []), where),
                            against=_gold_codes(rel.get("against", []), where),
                            tops=frozenset(
                                t["top"] for t in rel.get("technologies") or [] if t.get("top")
                            ),
                            evidence=rel.get("evidence") or "",
                        )
                    )
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                reason = exc.msg if isinstance(exc, json.JSONDecodeError) else repr(exc)
                raise InputError(str(path), lineno, f"not a gold record: {reason}") from exc
            gold[article] = relations
    return gold


# -- predictions --------------------------------------------------------------------------


def query_text() -> str:
    """The SPARQL query that reads relations for evaluation."""
    folder = resources.files("entente.graph").joinpath("queries", "internal")
    return folder.joinpath("evaluation.rq").read_text(encoding="utf-8")


def relations_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[EvalRelation]]:
    """Relations per article from the rows of :func:`query_text` (plain string values)."""
    found: dict[str, list[EvalRelation]] = {}
    for row in rows:
        roles: dict[str, set[str]] = {"party": set(), "by": set(), "against": set()}
        for item in (row.get("participants") or "").split():
            role, _, code = item.partition("=")
            if code:
                roles[role].add(code)
        kind = "agreement" if row["class"].endswith("Agreement") else "restriction"
        rules = (row.get("rules") or "").split()
        found.setdefault(row["article"], []).append(
            EvalRelation(
                article=row["article"],
                kind=kind,
                type=row["type"],
                status=row["status"],
                negated=row["negated"] == "true",
                hedged=row["hedged"] == "true",
                parties=frozenset(roles["party"]),
                by=frozenset(roles["by"]),
                against=frozenset(roles["against"]),
                tops=frozenset((row.get("tops") or "").split()),
                # GROUP_CONCAT has no order: sorted, the same store content always
                # gives the same evidence, whichever store (memory or disk) holds it
                evidence=" | ".join(sorted((row.get("evidences") or "").split(" | "))),
                rule=" ".join(sorted(set(rules))),
            )
        )
    for relations in found.values():
        # and the same order of relations, so that ties in matching break the same way
        relations.sort(key=_order)
    return found


def _order(relation: EvalRelation) -> tuple:
    return (
        relation.kind,
        relation.type,
        relation.status,
        sorted(relation.parties),
        sorted(relation.by),
        sorted(relation.against),
        sorted(relation.tops),
        relation.evidence,
        relation.negated,
        relation.hedged,
    )


# -- scoring ------------------------------------------------------------------------------


def _word_overlap(a: str, b: str) -> float:
    """Share of the gold evidence's words found in the predicted evidence."""
    gold_words = {w.lower() for w in a.split() if len(w) > 3}
    if not gold_words:
        return 0.0
    return round(len(gold_words & {w.lower() for w in b.split()}) / len(gold_words), 1)


def _match(
    gold: list[EvalRelation], pred: list[EvalRelation]
) -> list[tuple[EvalRelation, EvalRelation]]:
    """One-to-one matches of the same kind, greedily by Jaccard overlap of participant codes.

    Among equally good overlaps, a relation of the same type, then one whose evidence
    shares more words with the gold evidence, then one sharing more technology top
    concepts, is preferred: several relations often join the same states in one
    article (a partnership, talks, a deal...).
    """
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if g.kind != p.kind or not g.codes or not p.codes:
                continue
            overlap = len(g.codes & p.codes) / len(g.codes | p.codes)
            if overlap >= 0.5:
                tops = len(g.tops & p.tops)
                text = _word_overlap(g.evidence, p.evidence)
                candidates.append((overlap, g.type == p.type, text, tops, -gi, -pi, gi, pi))
    matched, used_g, used_p = [], set(), set()
    for *_key, gi, pi in sorted(candidates, reverse=True):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            matched.append((gold[gi], pred[pi]))
    return matched


def _error(
    metric: str,
    error: str,
    relation: EvalRelation,
    item: tuple[str, ...] = (),
    gold: EvalRelation | None = None,
) -> dict[str, Any]:
    """One line of the error report (gold relations have no rule).

    For a matched relation whose flag or label is wrong, ``gold`` is the gold relation
    it was matched with, so the line shows both evidences side by side.
    """
    line = {
        "metric": metric,
        "error": error,
        "article": relation.article,
        "item": list(item),
        "relation": relation.describe(),
        "evidence": relation.evidence,
        "rule": relation.rule,
    }
    if gold is not None:
        line |= {"gold_relation": gold.describe(), "gold_evidence": gold.evidence}
    return line


def evaluate(
    gold: Mapping[str, list[EvalRelation]], predicted: Mapping[str, list[EvalRelation]]
) -> Evaluation:
    """Score predictions against gold, over the articles of the gold file."""
    result = Evaluation(articles=len(gold))
    scores = {name: Score() for name in ("pairs", "actor_technology", "negated", "hedged")}
    scores |= {"type": Score(), "status": Score()}
    for article, gold_rels in gold.items():
        pred_rels = predicted.get(article, [])
        result.gold_relations += len(gold_rels)
        result.predicted_relations += len(pred_rels)
        for name, items in (
            ("pairs", EvalRelation.pairs),
            ("actor_technology", EvalRelation.actor_technologies),
        ):
            gold_set = {x for r in gold_rels if not r.negated for x in items(r)}
            pred_set: dict[tuple[str, ...], EvalRelation] = {}
            for r in pred_rels:
                if not r.negated:
                    for x in items(r):
                        pred_set.setdefault(x, r)
            scores[name].tp += len(gold_set & pred_set.keys())
            for x in pred_set.keys() - gold_set:
                scores[name].fp += 1
                rel = pred_set[x]
                result.errors.append(_error(name, "false positive", rel, x))
            for x in gold_set - pred_set.keys():
                scores[name].fn += 1
                rel = next(r for r in gold_rels if not r.negated and x in items(r))
                result.errors.append(_error(name, "false negative", rel, x))
        for g, p in _match(gold_rels, pred_rels):
            for name, same in (("type", g.type == p.type), ("status", g.status == p.status)):
                if same:
                    scores[name].tp += 1
                else:
                    scores[name].fn += 1
                    wrong = f"{getattr(p, name)} for {getattr(g, name)}"
                    result.errors.append(_error(name, wrong, p, gold=g))
            for name in ("negated", "hedged"):
                gv, pv = getattr(g, name), getattr(p, name)
                if gv and pv:
                    scores[name].tp += 1
                elif pv:
                    scores[name].fp += 1
                elif gv:
                    scores[name].fn += 1
                if gv != pv:
                    error = "false positive" if pv else "false negative"
                    result.errors.append(_error(name, error, p, gold=g))
    result.scores = scores
    return result
