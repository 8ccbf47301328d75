"""The actor gazetteer: states, organisations, persons and office titles.

The data are the TSV files in ``entente/extract/data/`` (UTF-8, one header row,
``|`` between the values of a multi-valued column):

* ``states.tsv``: ``code, name, aliases, demonyms, metonyms``. Every ISO 3166-1
  entry (the base list was generated once from pycountry, then curated by hand;
  pycountry is not used at run time) plus the ISO 3166-3 historical states
  (``SUN``, ``DDR``, ``YUG``, ``CSK``). "West Germany" is an alias of ``DEU``.
* ``organizations.tsv``: ``id, name, category, code, aliases``; ``code`` is the
  home state (empty for multilateral bodies and multinational firms).
* ``persons.tsv``: ``id, name, code, role, surname, aliases``; ``id`` must be
  :func:`person_id` of ``name``; ``surname`` is the form used after a title
  ("President Moon") and for same-document coreference.
* ``titles.tsv``: ``title, represents`` (``state``, ``organization`` or ``none``).
* ``guards.tsv``: ``phrase, note``: phrases that contain a known form but do not
  name that actor ("Washington Post", "Indian Ocean").
* ``ambiguous.tsv``: ``form, resolve_to, note``: forms listed for several actors
  on purpose; ``resolve_to`` is the actor id they stand for, or empty to match
  none of them.
* ``not_names.tsv``: ``word, note``: capitalised words that never belong to a
  person's name ("CEO Forum", "General Assembly"), so no person is minted there.

Surface forms are NFC-normalised and a leading lower-case "the " is dropped ("the
Kremlin" is matched as "Kremlin"; "The Hague" keeps its article). Short
abbreviations (one token, at most three letters, two or more capitals: "US",
"UK", "EU", "UN", "GM", "MoD") are matched with their exact case so that the
pronoun "us" is never a state; every other form is matched case-insensitively by
the recogniser, which then requires the capitals of the form.

Loading validates the data and raises :class:`~entente.errors.ExtractionError`
with a ``path:line: reason`` message for unknown state codes, bad ids, missing
columns and a form that maps to two actors without an ``ambiguous.tsv`` entry.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from entente.errors import ExtractionError
from entente.records import Actor

__all__ = [
    "Gazetteer",
    "TITLE_KINDS",
    "is_exact_case_form",
    "load_gazetteer",
    "normalize_form",
    "person_id",
    "slug",
]

TITLE_KINDS = ("state", "organization", "none")
ORG_CATEGORIES = ("international", "government", "company", "military")

_CODE_RE = re.compile(r"^[A-Z]{3}$")
_SLUG_DROP = re.compile(r"['’‘`.]")
_SLUG_SEP = re.compile(r"[\W_]+")
_SUFFIX_RE = re.compile(r"(?:,?\s+(?:jr|sr|ii|iii|iv)\.?)+\s*$", re.IGNORECASE)
_SPACE_RE = re.compile(r"\s+")


def normalize_form(text: str) -> str:
    """Return a surface form as it is matched: NFC, single spaces, no leading "the "."""
    form = _SPACE_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if form.startswith("the "):
        form = form[4:]
    return form


def slug(text: str) -> str:
    """Return the id slug of a name: NFC, lower case, words joined by ``-``.

    Apostrophes and dots are dropped ("People's" -> "peoples", "R." -> "r");
    letters outside ASCII are kept ("López" -> "lópez"), since ids are
    percent-encoded when they become IRIs.
    """
    text = unicodedata.normalize("NFC", text).lower()
    text = _SLUG_DROP.sub("", text)
    return _SLUG_SEP.sub("-", text).strip("-")


def is_exact_case_form(form: str) -> bool:
    """Whether a form is a short abbreviation that must match with its exact case."""
    if " " in form:
        return False
    letters = [c for c in form if c.isalpha()]
    return 0 < len(letters) <= 3 and sum(c.isupper() for c in letters) >= 2


@dataclass(frozen=True, slots=True)
class _Row:
    path: str
    line: int
    values: dict[str, str]

    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(slots=True)
class Gazetteer:
    """Actors and the surface forms that name them.

    Attributes:
        actors: Canonical id -> :class:`~entente.records.Actor`.
        exact_forms: Exact-case form -> actor id (short abbreviations).
        caseless_forms: Form as written -> actor id for everything else (match
            it case-insensitively, but require its capitals).
        caseless_index: Lower-cased form -> actor id, for look-ups.
        demonyms: Demonym -> state id ("Indian" -> ``state/IND``).
        metonyms: Metonym -> actor id ("Kremlin" -> ``state/RUS``).
        titles: Office title -> what it represents (``state``, ``organization``,
            ``none``).
        surnames: Surname -> ids of the known persons who bear it.
        guards: Phrases that must not be read as the actor they contain.
        blocked: Ambiguous forms that match no actor.
        bodies: ``(lower-cased form, code)`` -> organisation id, to find a known
            government body from its generic name and its state.
        not_names: Words that are never part of a person's name.
    """

    actors: dict[str, Actor] = field(default_factory=dict)
    exact_forms: dict[str, str] = field(default_factory=dict)
    caseless_forms: dict[str, str] = field(default_factory=dict)
    caseless_index: dict[str, str] = field(default_factory=dict)
    demonyms: dict[str, str] = field(default_factory=dict)
    metonyms: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    surnames: dict[str, tuple[str, ...]] = field(default_factory=dict)
    guards: tuple[str, ...] = ()
    blocked: frozenset[str] = frozenset()
    bodies: dict[tuple[str, str], str] = field(default_factory=dict)
    not_names: frozenset[str] = frozenset()

    @classmethod
    def from_directory(cls, directory: Traversable | Path | str) -> Gazetteer:
        """Load and validate the seven TSV files of ``directory``.

        Raises:
            ExtractionError: A file is missing or a row is invalid
                (``path:line: reason``).
        """
        root: Traversable = Path(directory) if isinstance(directory, str) else directory
        return _Builder(root).build()

    def lookup(self, text: str) -> str | None:
        """Return the actor id a surface form names, or ``None``.

        Exact-case forms are tried first, then the case-insensitive ones.
        """
        form = normalize_form(text)
        if form in self.exact_forms:
            return self.exact_forms[form]
        return self.caseless_index.get(form.lower())

    def strip_titles(self, name: str) -> str:
        """Remove leading office titles and honorifics from a person's name."""
        words = name.split()
        lowered = {t.lower() for t in self.titles}
        changed = True
        while changed and len(words) > 1:
            changed = False
            for n in range(min(4, len(words) - 1), 0, -1):
                if " ".join(words[:n]).lower() in lowered:
                    words = words[n:]
                    changed = True
                    break
        return " ".join(words)

    def person_id(self, name: str) -> str:
        """Return the canonical id of a person from a written name.

        Titles ("Prime Minister"), generational suffixes ("Jr.") and punctuation
        are removed: ``"President Joseph R. Biden, Jr."`` ->
        ``person/joseph-r-biden``.
        """
        return person_id(self.strip_titles(name))

    def org_id(self, name: str, code: str | None = None) -> str:
        """Return the id of a government body: ``organization/<code>-<slug>``."""
        base = slug(normalize_form(name))
        return f"organization/{code.lower()}-{base}" if code else f"organization/{base}"


def person_id(name: str) -> str:
    """Return ``person/<slug>`` for a full name (suffixes like "Jr." removed)."""
    name = _SUFFIX_RE.sub("", unicodedata.normalize("NFC", name).strip())
    return f"person/{slug(name)}"


def _split(value: str) -> list[str]:
    return [normalize_form(v) for v in value.split("|") if v.strip()]


def _read(root: Traversable, name: str, columns: tuple[str, ...]) -> Iterator[_Row]:
    resource = root / name
    path = str(resource)
    try:
        text = resource.read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise ExtractionError(f"{path}: cannot read gazetteer file ({exc})") from exc
    reader = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None or tuple(header) != columns:
        raise ExtractionError(
            f"{path}:1: header must be {' '.join(columns)!r} (tab-separated), got {header!r}"
        )
    for line, cells in enumerate(reader, start=2):
        if not cells or not "".join(cells).strip():
            continue
        if len(cells) != len(columns):
            raise ExtractionError(
                f"{path}:{line}: expected {len(columns)} tab-separated columns, got {len(cells)}"
            )
        yield _Row(path, line, {c: v.strip() for c, v in zip(columns, cells, strict=True)})


class _Builder:
    """Reads the files into a :class:`Gazetteer`, checking them on the way."""

    def __init__(self, root: Traversable) -> None:
        self.root = root
        self.gaz = Gazetteer()
        self.owner: dict[str, tuple[str, str]] = {}  # casefolded form -> (actor id, where)
        self.ambiguous: dict[str, str] = {}

    def build(self) -> Gazetteer:
        for row in _read(self.root, "ambiguous.tsv", ("form", "resolve_to", "note")):
            self.ambiguous[normalize_form(row.values["form"]).casefold()] = row.values["resolve_to"]
        self._states()
        self._organizations()
        self._persons()
        for row in _read(self.root, "titles.tsv", ("title", "represents")):
            kind = row.values["represents"]
            if kind not in TITLE_KINDS:
                raise ExtractionError(f"{row.where()}: represents must be one of {TITLE_KINDS}")
            self.gaz.titles[normalize_form(row.values["title"])] = kind
        self.gaz.guards = tuple(
            normalize_form(row.values["phrase"])
            for row in _read(self.root, "guards.tsv", ("phrase", "note"))
        )
        self.gaz.not_names = frozenset(
            normalize_form(row.values["word"])
            for row in _read(self.root, "not_names.tsv", ("word", "note"))
        )
        self._resolve_ambiguous()
        return self.gaz

    def _add_actor(self, row: _Row, actor: Actor) -> None:
        if actor.id in self.gaz.actors:
            raise ExtractionError(f"{row.where()}: duplicate actor id {actor.id!r}")
        self.gaz.actors[actor.id] = actor

    def _add_form(self, row: _Row, form: str, actor_id: str) -> None:
        if not form:
            return
        key = form.casefold()
        previous = self.owner.get(key)
        if previous and previous[0] != actor_id:
            if key not in self.ambiguous:
                raise ExtractionError(
                    f"{row.where()}: form {form!r} names {actor_id!r} but also "
                    f"{previous[0]!r} ({previous[1]}); rename it or list it in ambiguous.tsv"
                )
            return
        self.owner.setdefault(key, (actor_id, row.where()))
        if is_exact_case_form(form):
            self.gaz.exact_forms[form] = actor_id
        else:
            self.gaz.caseless_forms[form] = actor_id
            self.gaz.caseless_index[form.lower()] = actor_id

    def _check_code(self, row: _Row, code: str) -> None:
        if code and f"state/{code}" not in self.gaz.actors:
            raise ExtractionError(f"{row.where()}: unknown state code {code!r} (not in states.tsv)")

    def _states(self) -> None:
        columns = ("code", "name", "aliases", "demonyms", "metonyms")
        for row in _read(self.root, "states.tsv", columns):
            code, name = row.values["code"], normalize_form(row.values["name"])
            if not _CODE_RE.match(code):
                raise ExtractionError(f"{row.where()}: code {code!r} is not 3 upper-case letters")
            if not name:
                raise ExtractionError(f"{row.where()}: empty name")
            state = f"state/{code}"
            self._add_actor(row, Actor(id=state, kind="state", label=name, code=code))
            for form in [name, *_split(row.values["aliases"])]:
                self._add_form(row, form, state)
            for form in _split(row.values["demonyms"]):
                self._add_form(row, form, state)
                self.gaz.demonyms[form] = state
            for form in _split(row.values["metonyms"]):
                self._add_form(row, form, state)
                self.gaz.metonyms[form] = state

    def _organizations(self) -> None:
        columns = ("id", "name", "category", "code", "aliases")
        for row in _read(self.root, "organizations.tsv", columns):
            v = row.values
            if not v["id"] or v["id"] != slug(v["id"]):
                raise ExtractionError(f"{row.where()}: id {v['id']!r} is not a lower-case slug")
            if v["category"] not in ORG_CATEGORIES:
                raise ExtractionError(f"{row.where()}: category must be one of {ORG_CATEGORIES}")
            self._check_code(row, v["code"])
            code = v["code"] or None
            org = f"organization/{v['id']}"
            name = normalize_form(v["name"])
            self._add_actor(
                row,
                Actor(
                    id=org,
                    kind="organization",
                    label=name,
                    code=code,
                    affiliation=f"state/{code}" if code else None,
                    category=v["category"],
                ),
            )
            forms = [name, *_split(v["aliases"])]
            for form in forms:
                self._add_form(row, form, org)
                if code and v["category"] in ("government", "military"):
                    self.gaz.bodies[(form.lower(), code)] = org
            if "Brussels" in forms:
                self.gaz.metonyms["Brussels"] = org

    def _persons(self) -> None:
        columns = ("id", "name", "code", "role", "surname", "aliases")
        surnames: dict[str, list[str]] = {}
        for row in _read(self.root, "persons.tsv", columns):
            v = row.values
            name = normalize_form(v["name"])
            pid = person_id(name)
            if f"person/{v['id']}" != pid:
                raise ExtractionError(
                    f"{row.where()}: id {v['id']!r} must be the slug of the name ({pid!r})"
                )
            self._check_code(row, v["code"])
            code = v["code"] or None
            self._add_actor(
                row,
                Actor(
                    id=pid,
                    kind="person",
                    label=name,
                    code=code,
                    affiliation=f"state/{code}" if code else None,
                    role=v["role"] or None,
                ),
            )
            for form in [name, *_split(v["aliases"])]:
                self._add_form(row, form, pid)
            surname = normalize_form(v["surname"]) or name.split()[-1]
            surnames.setdefault(surname, []).append(pid)
        self.gaz.surnames = {k: tuple(ids) for k, ids in surnames.items()}

    def _resolve_ambiguous(self) -> None:
        blocked = set()
        for key, target in self.ambiguous.items():
            if target and target not in self.gaz.actors:
                raise ExtractionError(
                    f"{self.root / 'ambiguous.tsv'}: {key!r} resolves to unknown actor {target!r}"
                )
            tables = (self.gaz.exact_forms, self.gaz.caseless_forms, self.gaz.caseless_index)
            for table in tables:
                for form in [f for f in table if f.casefold() == key]:
                    if target:
                        table[form] = target
                    else:
                        del table[form]
                        blocked.add(form)
            for table in (self.gaz.demonyms, self.gaz.metonyms):
                for form in [f for f in table if f.casefold() == key]:
                    if target:
                        table[form] = target
                    else:
                        del table[form]
        self.gaz.blocked = frozenset(blocked)


@lru_cache(maxsize=4)
def load_gazetteer(directory: str | None = None) -> Gazetteer:
    """Load the gazetteer once per process (cached).

    Args:
        directory: A directory holding the seven TSV files; ``None`` for the data
            shipped in ``entente/extract/data``.

    Raises:
        ExtractionError: The data are invalid (the message names ``file:line``).
    """
    if directory is None:
        return Gazetteer.from_directory(resources.files("entente.extract") / "data")
    return Gazetteer.from_directory(Path(directory))
