"""Tests for the actor gazetteer and the entity recogniser."""

from __future__ import annotations

import csv
import sys
import types
from importlib import resources
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

from spacy.language import Language  # noqa: E402

from entente.errors import ExtractionError  # noqa: E402
from entente.extract.entities import ACTORS_EXTENSION, LABELS, EntityRecognizer  # noqa: E402
from entente.extract.gazetteer import Gazetteer, load_gazetteer, person_id, slug  # noqa: E402

# spaCy imports every ``spacy_factories`` entry point when a pipeline is built;
# until entente.extract.components exists, stand in for it so these tests run.
try:
    import entente.extract.components  # noqa: F401
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the checkout
    if exc.name != "entente.extract.components":
        raise
    _stub = types.ModuleType("entente.extract.components")
    _stub.make_gazetteer = _stub.make_relation_finder = None  # type: ignore[attr-defined]
    sys.modules["entente.extract.components"] = _stub

_FACTORY = "test_entente_entity_recognizer"
if not Language.has_factory(_FACTORY):

    @Language.factory(_FACTORY, default_config={"overwrite_ents": False})
    def _make(nlp: Language, name: str, overwrite_ents: bool) -> EntityRecognizer:
        return EntityRecognizer(nlp, name, overwrite_ents=overwrite_ents)


@pytest.fixture(scope="module")
def nlp() -> Language:
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe(_FACTORY)
    return pipeline


def triples(doc) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e.kb_id_) for e in doc.ents]


CASES = [
    (
        "aliases",
        "The US, the U.S.A., America and Britain met the UK and the U.S.",
        [
            ("US", "STATE", "state/USA"),
            ("U.S.A.", "STATE", "state/USA"),
            ("America", "STATE", "state/USA"),
            ("Britain", "STATE", "state/GBR"),
            ("UK", "STATE", "state/GBR"),
            ("U.S.", "STATE", "state/USA"),
        ],
    ),
    (
        "possessive-demonyms",
        "Japan's navy joined the Indian navy, and Japanese officials praised Russian pilots.",
        [
            ("Japan", "STATE", "state/JPN"),
            ("Indian", "STATE", "state/IND"),
            ("Japanese", "STATE", "state/JPN"),
            ("Russian", "STATE", "state/RUS"),
        ],
    ),
    (
        "metonyms",
        "Washington and Beijing traded barbs; the Kremlin, the White House and Brussels "
        "stayed quiet while New Delhi and Tokyo talked.",
        [
            ("Washington", "STATE", "state/USA"),
            ("Beijing", "STATE", "state/CHN"),
            ("Kremlin", "STATE", "state/RUS"),
            ("White House", "STATE", "state/USA"),
            ("Brussels", "ORG", "organization/european-union"),
            ("New Delhi", "STATE", "state/IND"),
            ("Tokyo", "STATE", "state/JPN"),
        ],
    ),
    (
        "historical",
        "The Soviet Union and West Germany signed; East Germany and Czechoslovakia did not.",
        [
            ("Soviet Union", "STATE", "state/SUN"),
            ("West Germany", "STATE", "state/DEU"),
            ("East Germany", "STATE", "state/DDR"),
            ("Czechoslovakia", "STATE", "state/CSK"),
        ],
    ),
    (
        "newswire-caps",
        "REAGAN SAYS U.S. TO OFFER MISSILE TREATY TO SOVIET UNION",
        [
            ("REAGAN", "PERSON", "person/ronald-reagan"),
            ("U.S.", "STATE", "state/USA"),
            ("SOVIET UNION", "STATE", "state/SUN"),
        ],
    ),
    (
        "headline-caps",
        "INDIA, JAPAN SNUB CHINA",
        [
            ("INDIA", "STATE", "state/IND"),
            ("JAPAN", "STATE", "state/JPN"),
            ("CHINA", "STATE", "state/CHN"),
        ],
    ),
    (
        "pronoun-us",
        "Let us hope they tell us more. Us and them.",
        [],
    ),
    (
        "lowercase-common-words",
        "Workers polish the china before the turkey is served.",
        [],
    ),
    (
        "guards",
        "The Washington Post said George Washington never sailed the Indian Ocean.",
        [],
    ),
    (
        "companies",
        "Huawei, Boeing and Samsung competed with Airbus and the Northrop Grumman team.",
        [
            ("Huawei", "ORG", "organization/huawei"),
            ("Boeing", "ORG", "organization/boeing"),
            ("Samsung", "ORG", "organization/samsung"),
            ("Airbus", "ORG", "organization/airbus"),
            ("Northrop Grumman", "ORG", "organization/northrop-grumman"),
        ],
    ),
    (
        "alliances",
        "The Quad, AUKUS, NATO and the EU met at the U.N. with ASEAN.",
        [
            ("Quad", "ORG", "organization/quad"),
            ("AUKUS", "ORG", "organization/aukus"),
            ("NATO", "ORG", "organization/nato"),
            ("EU", "ORG", "organization/european-union"),
            ("U.N.", "ORG", "organization/united-nations"),
            ("ASEAN", "ORG", "organization/asean"),
        ],
    ),
    (
        "hyphenated-pair",
        "The U.S.-Japan alliance and US-India ties grew.",
        [
            ("U.S.", "STATE", "state/USA"),
            ("Japan", "STATE", "state/JPN"),
            ("US", "STATE", "state/USA"),
            ("India", "STATE", "state/IND"),
        ],
    ),
    (
        "typographic-apostrophe",
        "The People’s Republic of China and Japan’s government spoke.",
        [
            ("People’s Republic of China", "STATE", "state/CHN"),
            ("Japan", "STATE", "state/JPN"),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_entities(nlp: Language, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert triples(nlp(text)) == expected


PERSONS = [
    (
        "title-demonym",
        "Japanese Prime Minister Yoshihide Suga spoke.",
        "Yoshihide Suga",
        "person/yoshihide-suga",
        "JPN",
    ),
    (
        "title-possessive",
        "Japan's new Prime Minister Yoshihide Suga spoke.",
        "Yoshihide Suga",
        "person/yoshihide-suga",
        "JPN",
    ),
    (
        "title-of-state",
        "Prime Minister of Japan Yoshihide Suga spoke.",
        "Yoshihide Suga",
        "person/yoshihide-suga",
        "JPN",
    ),
    (
        "title-jr",
        "President Joseph R. Biden, Jr. spoke.",
        "Joseph R. Biden",
        "person/joe-biden",
        "USA",
    ),
    (
        "minted-state-title",
        "Indonesian Defence Minister Juwono Sudarsono spoke.",
        "Juwono Sudarsono",
        "person/juwono-sudarsono",
        "IDN",
    ),
    (
        "minted-org-title",
        "Northrop Grumman CEO Ron Sugar said it was a home run.",
        "Ron Sugar",
        "person/ron-sugar",
        "USA",
    ),
    (
        "minted-hyphen-name",
        "South Korean Foreign Minister Kang Kyung-wha arrived.",
        "Kang Kyung-wha",
        "person/kang-kyung-wha",
        "KOR",
    ),
    (
        "no-state-in-reach",
        "Yesterday President Alexander Stubb arrived.",
        "Alexander Stubb",
        "person/alexander-stubb",
        None,
    ),
]


@pytest.mark.parametrize(
    ("text", "name", "pid", "code"), [p[1:] for p in PERSONS], ids=[p[0] for p in PERSONS]
)
def test_person_from_title(nlp: Language, text: str, name: str, pid: str, code: str | None) -> None:
    doc = nlp(text)
    persons = [e for e in doc.ents if e.label_ == "PERSON"]
    assert [(e.text, e.kb_id_) for e in persons] == [(name, pid)]
    actor = doc._.get(ACTORS_EXTENSION)[pid]
    assert actor.kind == "person"
    assert actor.code == code
    assert actor.affiliation == (f"state/{code}" if code else None)


def test_minted_person_record(nlp: Language) -> None:
    doc = nlp("Northrop Grumman CEO Ron Sugar said it was a home run.")
    actor = doc._.get(ACTORS_EXTENSION)["person/ron-sugar"]
    assert (actor.label, actor.role, actor.affiliation) == ("Ron Sugar", "CEO", "state/USA")
    assert "person/ron-sugar" not in load_gazetteer().actors


def test_surname_coreference(nlp: Language) -> None:
    doc = nlp(
        "Prime Minister Narendra Modi met Defence Minister Juwono Sudarsono. "
        "Later Sudarsono and Modi signed. Sudarsono said Modi agreed."
    )
    persons = [(e.text, e.kb_id_) for e in doc.ents if e.label_ == "PERSON"]
    assert persons == [
        ("Narendra Modi", "person/narendra-modi"),
        ("Juwono Sudarsono", "person/juwono-sudarsono"),
        ("Sudarsono", "person/juwono-sudarsono"),
        ("Modi", "person/narendra-modi"),
        ("Sudarsono", "person/juwono-sudarsono"),
        ("Modi", "person/narendra-modi"),
    ]


def test_surname_that_is_a_common_word_is_not_coreferred(nlp: Language) -> None:
    doc = nlp("Chairman Ann Field spoke. Field trials may start; a field is ready.")
    assert [e.text for e in doc.ents if e.label_ == "PERSON"] == ["Ann Field"]


def test_title_surname_resolves_known_person(nlp: Language) -> None:
    doc = nlp("President Moon welcomed the deal.")
    assert triples(doc) == [("Moon", "PERSON", "person/moon-jae-in")]


def test_not_a_name_after_title(nlp: Language) -> None:
    doc = nlp("The CEO Forum and the UN General Assembly met.")
    assert [e.label_ for e in doc.ents] == ["ORG"]


BODIES = [
    (
        "demonym-ministry-of",
        "The Indian Ministry of External Affairs issued a note.",
        "Ministry of External Affairs",
        "organization/ind-ministry-of-external-affairs",
        "IND",
    ),
    (
        "possessive-x-ministry",
        "Japan's Foreign Ministry issued a note.",
        "Foreign Ministry",
        "organization/jpn-foreign-ministry",
        "JPN",
    ),
    (
        "of-state",
        "The Ministry of Foreign Affairs of Japan issued a note.",
        "Ministry of Foreign Affairs",
        "organization/jpn-ministry-of-foreign-affairs",
        "JPN",
    ),
    (
        "known-other-state",
        "The Indonesian Ministry of Defence bought jets.",
        "Ministry of Defence",
        "organization/idn-ministry-of-defence",
        "IDN",
    ),
    (
        "known-bare",
        "The Ministry of Defence bought jets.",
        "Ministry of Defence",
        "organization/gbr-ministry-of-defence",
        "GBR",
    ),
    (
        "known-alias",
        "The Pentagon and Boeing disagreed.",
        "Pentagon",
        "organization/usa-department-of-defense",
        "USA",
    ),
    (
        "department-and",
        "Australia's Department of Industry and Science agreed.",
        "Department of Industry and Science",
        "organization/aus-department-of-industry-and-science",
        "AUS",
    ),
    (
        "sentence-state",
        "In Canada, the Department of Finance said no.",
        "Department of Finance",
        "organization/can-department-of-finance",
        "CAN",
    ),
]


@pytest.mark.parametrize(
    ("text", "name", "oid", "code"), [b[1:] for b in BODIES], ids=[b[0] for b in BODIES]
)
def test_government_bodies(nlp: Language, text: str, name: str, oid: str, code: str) -> None:
    doc = nlp(text)
    orgs = [(e.text, e.kb_id_) for e in doc.ents if e.label_ == "ORG"]
    assert orgs[0] == (name, oid)
    actor = doc._.get(ACTORS_EXTENSION)[oid]
    assert (actor.code, actor.affiliation) == (code, f"state/{code}")
    assert actor.category in ("government", "military")


def test_companies_carry_home_state(nlp: Language) -> None:
    doc = nlp("Huawei and Airbus bid.")
    actors = doc._.get(ACTORS_EXTENSION)
    assert actors["organization/huawei"].affiliation == "state/CHN"
    assert actors["organization/huawei"].category == "company"
    assert actors["organization/airbus"].code is None


def test_model_entities_kept_and_linked(nlp: Language) -> None:
    doc = nlp.make_doc("Acme Corp hired Jane Roe in Japan.")
    from spacy.tokens import Span

    doc.ents = [
        Span(doc, 0, 2, label="ORG"),
        Span(doc, 3, 5, label="PERSON"),
        Span(doc, 6, 7, label="GPE"),
    ]
    for _, component in nlp.pipeline:
        doc = component(doc)
    assert triples(doc) == [
        ("Acme Corp", "ORG", ""),
        ("Jane Roe", "PERSON", "person/jane-roe"),
        ("Japan", "STATE", "state/JPN"),
    ]


def test_match_does_not_change_doc(nlp: Language) -> None:
    component = nlp.get_pipe(_FACTORY)
    doc = nlp.make_doc("India and Japan agreed.")
    spans = component.match(doc)
    assert doc.ents == ()
    assert [(s.span.text, s.actor.id) for s in spans] == [
        ("India", "state/IND"),
        ("Japan", "state/JPN"),
    ]
    assert set(LABELS) == {"STATE", "ORG", "PERSON"}


# -- gazetteer data ----------------------------------------------------------


def test_gazetteer_loads() -> None:
    gaz = load_gazetteer()
    kinds = [a.kind for a in gaz.actors.values()]
    assert kinds.count("state") >= 253
    assert kinds.count("organization") >= 150
    assert kinds.count("person") >= 60
    assert gaz.actors["state/SUN"].label == "Soviet Union"
    assert gaz.lookup("Russia") == "state/RUS"
    assert gaz.lookup("UK") == "state/GBR"
    assert gaz.lookup("us") is None
    assert gaz.demonyms["Indian"] == "state/IND"
    assert gaz.titles["CEO"] == "organization"


def test_every_state_row_has_a_code() -> None:
    data = resources.files("entente.extract") / "data" / "states.tsv"
    rows = list(csv.DictReader(data.read_text("utf-8").splitlines(), delimiter="\t"))
    assert len(rows) >= 253
    for row in rows:
        code = row["code"]
        assert len(code) == 3 and code.isascii() and code.isupper() and code.isalpha(), row
        assert row["name"] and row["demonyms"] is not None


def test_every_organisation_and_person_code_is_a_state() -> None:
    gaz = load_gazetteer()
    for actor in gaz.actors.values():
        if actor.kind != "state" and actor.code:
            assert f"state/{actor.code}" in gaz.actors
            assert actor.affiliation == f"state/{actor.code}"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("President Joseph R. Biden, Jr.", "person/joseph-r-biden"),
        ("Narendra Modi", "person/narendra-modi"),
        ("Andrés Manuel López Obrador", "person/andrés-manuel-lópez-obrador"),
        ("Prime Minister of Japan Yoshihide Suga", "person/yoshihide-suga"),
    ],
    ids=["suffix", "plain", "accents", "title-of"],
)
def test_person_id(name: str, expected: str) -> None:
    gaz = load_gazetteer()
    assert gaz.person_id(name.replace(" of Japan", "")) == expected
    assert person_id("Moon Jae-in") == "person/moon-jae-in"
    assert slug("People's Liberation Army") == "peoples-liberation-army"


def _copy_data(tmp_path: Path) -> Path:
    source = resources.files("entente.extract") / "data"
    for entry in source.iterdir():
        if entry.name.endswith(".tsv"):
            (tmp_path / entry.name).write_text(entry.read_text("utf-8"), encoding="utf-8")
    return tmp_path


def test_unknown_code_names_file_and_line(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    path = data / "organizations.tsv"
    lines = path.read_text("utf-8").splitlines()
    lines.append("acme\tAcme\tcompany\tXXX\t")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ExtractionError, match=rf"organizations.tsv:{len(lines)}: unknown state"):
        Gazetteer.from_directory(data)


def test_duplicate_form_is_an_error(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    path = data / "organizations.tsv"
    path.write_text(
        path.read_text("utf-8") + "acme\tAcme\tcompany\tUSA\tHuawei\n", encoding="utf-8"
    )
    with pytest.raises(ExtractionError, match="'Huawei' names 'organization/acme'"):
        Gazetteer.from_directory(data)


# (id, text, entity text, label, kb_id, code): one sentence per class of actor.
ACTOR_CLASSES = [
    ("airline-flag", "Qantas ordered jets.", "Qantas", "ORG", "organization/qantas", "AUS"),
    (
        "airline-us",
        "Delta Air Lines cut routes.",
        "Delta Air Lines",
        "ORG",
        "organization/delta-air-lines",
        "USA",
    ),
    (
        "airline-china-airlines-is-taiwanese",
        "China Airlines leased two freighters.",
        "China Airlines",
        "ORG",
        "organization/china-airlines",
        "TWN",
    ),
    (
        "airline-hong-kong",
        "Cathay Pacific signed for ten aircraft.",
        "Cathay Pacific",
        "ORG",
        "organization/cathay-pacific",
        "HKG",
    ),
    (
        "airline-multinational",
        "Scandinavian Airlines grounded its fleet.",
        "Scandinavian Airlines",
        "ORG",
        "organization/scandinavian-airlines",
        None,
    ),
    ("aerospace", "Embraer won the tender.", "Embraer", "ORG", "organization/embraer", "BRA"),
    (
        "defence",
        "Rheinmetall will supply shells.",
        "Rheinmetall",
        "ORG",
        "organization/rheinmetall",
        "DEU",
    ),
    ("automotive", "Kia Motors opened a plant.", "Kia Motors", "ORG", "organization/kia", "KOR"),
    (
        "semiconductor",
        "Tokyo Electron sells etchers.",
        "Tokyo Electron",
        "ORG",
        "organization/tokyo-electron",
        "JPN",
    ),
    (
        "semiconductor-multinational",
        "STMicroelectronics expanded.",
        "STMicroelectronics",
        "ORG",
        "organization/stmicroelectronics",
        None,
    ),
    (
        "telecom",
        "Deutsche Telekom tested 5G.",
        "Deutsche Telekom",
        "ORG",
        "organization/deutsche-telekom",
        "DEU",
    ),
    (
        "energy",
        "Saudi Aramco signed a supply deal.",
        "Saudi Aramco",
        "ORG",
        "organization/saudi-aramco",
        "SAU",
    ),
    ("mining", "Lynas ships rare earths.", "Lynas", "ORG", "organization/lynas", "AUS"),
    (
        "mining-dual-listed",
        "Rio Tinto mines lithium.",
        "Rio Tinto",
        "ORG",
        "organization/rio-tinto",
        None,
    ),
    (
        "accident-investigator",
        "The BEA recovered the recorders.",
        "BEA",
        "ORG",
        "organization/fra-bea",
        "FRA",
    ),
    ("korea-bare", "Korea and Chile agreed.", "Korea", "STATE", "state/KOR", "KOR"),
]


@pytest.mark.parametrize(
    ("text", "name", "label", "kb_id", "code"),
    [c[1:] for c in ACTOR_CLASSES],
    ids=[c[0] for c in ACTOR_CLASSES],
)
def test_actor_classes(
    nlp: Language, text: str, name: str, label: str, kb_id: str, code: str | None
) -> None:
    doc = nlp(text)
    assert (name, label, kb_id) in triples(doc)
    assert doc._.get(ACTORS_EXTENSION)[kb_id].code == code


# (id, text, body text, kb_id, code, category, label of the actor)
BODY_HEADS = [
    (
        "navy-after-demonym",
        "The Royal Thai Navy bought frigates.",
        "Navy",
        "organization/tha-navy",
        "THA",
        "military",
        "Thai Navy",
    ),
    (
        "air-force",
        "The Israeli Air Force tested drones.",
        "Air Force",
        "organization/isr-air-force",
        "ISR",
        "military",
        "Israeli Air Force",
    ),
    (
        "coast-guard-possessive",
        "Japan's Coast Guard patrols.",
        "Coast Guard",
        "organization/jpn-coast-guard",
        "JPN",
        "military",
        "Japan Coast Guard",
    ),
    (
        "known-body-from-possessive",
        "India's Navy sailed.",
        "Navy",
        "organization/ind-indian-navy",
        "IND",
        "military",
        "Indian Navy",
    ),
    (
        "parliament",
        "The Indian Parliament passed it.",
        "Parliament",
        "organization/ind-parliament",
        "IND",
        "government",
        "Indian Parliament",
    ),
    (
        "senate-known",
        "The U.S. Senate voted.",
        "U.S. Senate",
        "organization/usa-senate",
        "USA",
        "government",
        "United States Senate",
    ),
    (
        "commission",
        "The Japan Fair Trade Commission objected.",
        "Fair Trade Commission",
        "organization/jpn-fair-trade-commission",
        "JPN",
        "government",
        "Fair Trade Commission",
    ),
    (
        "agency",
        "The Korean Space Agency launched it.",
        "Space Agency",
        "organization/kor-space-agency",
        "KOR",
        "government",
        "Space Agency",
    ),
]


@pytest.mark.parametrize(
    ("text", "name", "kb_id", "code", "category", "label"),
    [b[1:] for b in BODY_HEADS],
    ids=[b[0] for b in BODY_HEADS],
)
def test_body_heads(
    nlp: Language, text: str, name: str, kb_id: str, code: str, category: str, label: str
) -> None:
    doc = nlp(text)
    assert (name, "ORG", kb_id) in triples(doc)
    actor = doc._.get(ACTORS_EXTENSION)[kb_id]
    assert (actor.code, actor.category, actor.label) == (code, category, label)


@pytest.mark.parametrize(
    "text",
    [
        "The Salvation Army and the Irish Republican Army were named.",
        "Staff in the Oval Office watched.",
        "The Navy said nothing.",
        "The Indian National Congress objected.",
    ],
    ids=["guarded-army", "oval-office", "bare-head", "party"],
)
def test_no_body_without_state(nlp: Language, text: str) -> None:
    assert [e for e in nlp(text).ents if e.label_ == "ORG"] == []


def test_government_is_the_state(nlp: Language) -> None:
    doc = nlp("The Australian government and the Government of India agreed.")
    assert triples(doc) == [("Australian", "STATE", "state/AUS"), ("India", "STATE", "state/IND")]


# (id, text, name, kb_id, code)
PERSON_FORMS = [
    (
        "title-name-of-state",
        "Prime Minister Yoshihide Suga of Japan spoke.",
        "Yoshihide Suga",
        "person/yoshihide-suga",
        "JPN",
    ),
    (
        "suffix",
        "President Joseph R. Biden, Jr. spoke.",
        "Joseph R. Biden",
        "person/joe-biden",
        "USA",
    ),
    ("chancellor", "Chancellor Olaf Scholz spoke.", "Olaf Scholz", "person/olaf-scholz", "DEU"),
    (
        "appositive-for-state",
        "Ana Ruiz Vela, minister of transport for Peru, said so.",
        "Ana Ruiz Vela",
        "person/ana-ruiz-vela",
        "PER",
    ),
    (
        "appositive-possessive",
        "They met Tomas Lind, Sweden's defence minister, on Monday.",
        "Tomas Lind",
        "person/tomas-lind",
        "SWE",
    ),
    (
        "company-spokesman-has-no-state",
        "Boeing spokesman Dan Hale said no.",
        "Dan Hale",
        "person/dan-hale",
        None,
    ),
]


@pytest.mark.parametrize(
    ("text", "name", "kb_id", "code"),
    [p[1:] for p in PERSON_FORMS],
    ids=[p[0] for p in PERSON_FORMS],
)
def test_person_forms(nlp: Language, text: str, name: str, kb_id: str, code: str | None) -> None:
    doc = nlp(text)
    assert (name, "PERSON", kb_id) in triples(doc)
    assert doc._.get(ACTORS_EXTENSION)[kb_id].code == code


def test_appositive_needs_a_state(nlp: Language) -> None:
    doc = nlp("Last Tuesday, the minister said no. Maria Gomez, a minister, left.")
    assert [e for e in doc.ents if e.label_ == "PERSON"] == []
