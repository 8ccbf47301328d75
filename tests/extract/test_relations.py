"""Agreements and restrictions found by the rule pipeline in sentences we wrote."""

from __future__ import annotations

import pytest

from entente.extract import build_pipeline, extract
from entente.records import Article, Relation


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def relations(nlp, text: str, *, title: str | None = None, date: str | None = None):
    article = Article(id="t1", text=text, title=title, date=date)
    (extraction,) = extract([article], nlp)
    return list(extraction.relations)


def only(found: list[Relation], kind: str, type_: str | None = None) -> Relation:
    matching = [r for r in found if r.kind == kind and (type_ is None or r.type == type_)]
    assert len(matching) == 1, found
    return matching[0]


@pytest.mark.parametrize(
    ("text", "type_", "status", "parties", "technologies"),
    [
        (
            "India and Japan agreed to cooperate on 5G.",
            "cooperation",
            "agreed",
            {"state/IND", "state/JPN"},
            {"5g"},
        ),
        (
            "India and Japan had inked a military logistics pact.",
            "formal_agreement",
            "signed",
            {"state/IND", "state/JPN"},
            {"military_logistics"},
        ),
        (
            "Australia ratified the treaty with the United Kingdom on nuclear-powered submarines.",
            "formal_agreement",
            "ratified",
            {"state/AUS", "state/GBR"},
            {"submarines"},
        ),
        (
            "France and India will sign a deal on nuclear reactors next year.",
            "deal",
            "proposed",
            {"state/FRA", "state/IND"},
            {"nuclear_reactors"},
        ),
        (
            "Seoul rejected a proposal from Tokyo to sign a pact on semiconductors.",
            "formal_agreement",
            "rejected",
            {"state/KOR", "state/JPN"},
            {"semiconductors"},
        ),
        (
            "India and Japan signed a pact on satellites in Washington.",
            "formal_agreement",
            "signed",
            {"state/IND", "state/JPN"},
            {"satellites"},
        ),
    ],
    ids=["cooperate", "inked-pact", "ratified-with", "will-sign", "rejected", "location-not-party"],
)
def test_agreement_type_status_parties(nlp, text, type_, status, parties, technologies) -> None:
    relation = only(relations(nlp, text), "agreement")
    assert (relation.type, relation.status) == (type_, status)
    assert set(relation.parties) == parties
    assert set(relation.technologies) == technologies
    assert not relation.negated


@pytest.mark.parametrize(
    ("text", "type_", "imposers", "targets"),
    [
        (
            "The United Kingdom barred Huawei from its 5G network.",
            "ban",
            {"state/GBR"},
            {"organization/huawei"},
        ),
        (
            "Huawei was banned by the United States from buying American chips.",
            "ban",
            {"state/USA"},
            {"organization/huawei"},
        ),
        (
            "Japan criticised any unilateral move by China in the East China Sea.",
            "opposition",
            {"state/JPN"},
            {"state/CHN"},
        ),
        (
            "Washington imposed sanctions on Russia over its space program.",
            "sanction",
            {"state/USA"},
            {"state/RUS"},
        ),
    ],
    ids=["bar", "passive", "criticise", "metonym-sanctions"],
)
def test_restriction_imposer_and_target(nlp, text, type_, imposers, targets) -> None:
    relation = only(relations(nlp, text), "restriction")
    assert relation.type == type_
    assert set(relation.imposers) == imposers
    assert set(relation.targets) == targets
    assert relation.parties == ()


@pytest.mark.parametrize(
    ("text", "negated", "hedged"),
    [
        ("India and China failed to reach agreement on a trade deal.", True, False),
        ("Germany and Brazil did not sign the accord on nuclear fuel.", True, False),
        ("India and Japan are set to collaborate on 5G.", False, True),
        ("Canada and Mexico may cooperate on semiconductors.", False, True),
        ("Canada and Mexico plan to cooperate on semiconductors.", False, True),
        ("Canada and Mexico will cooperate on semiconductors.", False, False),
    ],
    ids=["failed-to", "did-not", "set-to", "may", "plan-to", "will-not-hedged"],
)
def test_negation_and_hedging(nlp, text, negated, hedged) -> None:
    relation = only(relations(nlp, text), "agreement")
    assert (relation.negated, relation.hedged) == (negated, hedged)


def test_sentences_without_relations(nlp) -> None:
    assert relations(nlp, "India and Japan are both democracies. Japan has a long coastline.") == []


def test_group_reference_across_sentences(nlp) -> None:
    found = relations(
        nlp,
        "Prime Minister Narendra Modi spoke with Japanese Prime Minister Yoshihide Suga. "
        "The two leaders agreed to cooperate on semiconductors.",
    )
    cooperation = only(found, "agreement", "cooperation")
    assert set(cooperation.parties) == {"person/narendra-modi", "person/yoshihide-suga"}
    assert cooperation.technologies == ("semiconductors",)


def test_headline_clauses_share_their_subject(nlp) -> None:
    found = relations(nlp, "India, Japan snub China; set to collaborate on 5G")
    snub = only(found, "restriction", "exclusion")
    assert (set(snub.imposers), snub.targets) == ({"state/IND", "state/JPN"}, ("state/CHN",))
    cooperation = only(found, "agreement", "cooperation")
    assert set(cooperation.parties) == {"state/IND", "state/JPN"}
    assert cooperation.hedged and cooperation.technologies == ("5g",)


def test_one_agreement_mentioned_twice_is_one_relation(nlp) -> None:
    text = (
        "Australia and the United States signed a pact on critical minerals. "
        "The pact between Australia and the United States covers rare earths too."
    )
    relation = only(relations(nlp, text), "agreement")
    assert len(relation.mentions) == 2
    assert {m.sentence_index for m in relation.mentions} == {0, 1}
    assert set(relation.technologies) == {"critical_minerals", "rare_earths"}
    assert relation.confidence > max(m.confidence for m in relation.mentions)


def test_dates_from_sentence_else_article(nlp) -> None:
    found = relations(
        nlp,
        "On March 3, 2021 India and Japan signed a pact on 5G. "
        "Later Canada and Mexico agreed to cooperate on batteries.",
        date="2021-06-01",
    )
    by_type = {r.type: r for r in found}
    assert by_type["formal_agreement"].date == "2021-03-03"
    assert by_type["cooperation"].date == "2021-06-01"


def test_evidence_offsets_point_into_the_article(nlp) -> None:
    title = "Chip accord"
    text = "Officials met on Monday. South Korea and the Netherlands agreed to cooperate on chips."
    article = Article(id="t2", text=text, title=title)
    (extraction,) = extract([article], nlp)
    (relation,) = extraction.relations
    (mention,) = relation.mentions
    assert mention.article_id == "t2"
    assert article.full_text[mention.start : mention.end] == mention.text
    assert mention.text in mention.sentence
    assert mention.sentence.startswith("South Korea")
    assert mention.rule.startswith("agreement.")


def test_upper_case_newswire(nlp) -> None:
    relation = only(relations(nlp, "JAPAN AND INDIA SIGN PACT ON SATELLITES"), "agreement")
    assert (relation.type, relation.status) == ("formal_agreement", "signed")
    assert set(relation.parties) == {"state/JPN", "state/IND"}


def test_plural_deals_with_a_list_are_one_deal_each(nlp) -> None:
    found = relations(
        nlp, "Boeing signed contracts with Japan, India and Brazil for new airliners."
    )
    deals = [r for r in found if r.type == "deal"]
    assert {frozenset(r.parties) for r in deals} == {
        frozenset({"organization/boeing", code}) for code in ("state/JPN", "state/IND", "state/BRA")
    }


def test_one_contract_with_a_list_keeps_every_party(nlp) -> None:
    found = relations(
        nlp, "Belgium, Spain and Turkey signed a contract with Airbus for transport aircraft."
    )
    deal = only(found, "agreement", "deal")
    assert set(deal.parties) == {"state/BEL", "state/ESP", "state/TUR", "organization/airbus"}


def test_the_adversary_of_a_cooperation_is_not_a_party(nlp) -> None:
    found = relations(
        nlp, "Japan and South Korea agreed to deepen cooperation to deter North Korea on missiles."
    )
    relation = only(found, "agreement")
    assert set(relation.parties) == {"state/JPN", "state/KOR"}


def test_according_to_is_not_an_accord(nlp) -> None:
    text = "According to officials in Seoul, Japan and Canada discussed the weather."
    assert all(r.type != "formal_agreement" for r in relations(nlp, text))


def test_a_one_party_deal_takes_the_headline_subject(nlp) -> None:
    found = relations(
        nlp,
        "Korean Air also bought 20 new jets this month.",
        title="Airbus secures aircraft orders",
    )
    deal = only(found, "agreement", "deal")
    assert set(deal.parties) == {"organization/korean-air", "organization/airbus"}
    assert deal.status == "agreed"  # a purchase is agreed; a contract won is concluded


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Boeing has won a contract from the Indian Air Force for ten tankers.", "signed"),
        ("Airbus was awarded the contract by Qantas for 20 jets.", "signed"),
        ("Qantas bought 20 jets from Airbus.", "agreed"),
        ("Airbus wins 13 billion Qantas tanker contract", "signed"),  # a headline
        ("The deal between Qantas and Airbus went through on Monday.", "signed"),
        ("Qantas wants to win a contract with Airbus.", "proposed"),
        ("Qantas may buy 20 jets from Airbus.", "proposed"),
    ],
)
def test_deal_status_follows_the_verb(nlp, text: str, status: str) -> None:
    deal = only(relations(nlp, text), "agreement", "deal")
    assert deal.status == status


def test_the_pact_refers_to_the_last_pact(nlp) -> None:
    found = relations(
        nlp,
        "India and Japan signed a pact on semiconductors in March. "
        "Officials said the pact also covers quantum computing.",
    )
    pact = only(found, "agreement", "formal_agreement")
    assert set(pact.parties) == {"state/IND", "state/JPN"}
    assert {m.sentence_index for m in pact.mentions} == {0, 1}
    assert pact.status == "signed"


def test_continuing_cooperation_is_ongoing(nlp) -> None:
    relation = only(
        relations(nlp, "Canada and Mexico will continue to cooperate on batteries."), "agreement"
    )
    assert relation.status == "ongoing"


def test_opposing_the_controls_targets_those_who_imposed_them(nlp) -> None:
    found = relations(
        nlp,
        "The United States and Japan agreed to restrict exports of chipmaking equipment to China. "
        "Beijing said it firmly opposes the export controls.",
    )
    controls = only(found, "restriction", "export_control")
    assert (set(controls.imposers), controls.targets) == (
        {"state/USA", "state/JPN"},
        ("state/CHN",),
    )
    assert controls.status == "agreed"  # decided now, in force later
    opposition = only(found, "restriction", "opposition")
    assert opposition.imposers == ("state/CHN",)
    assert set(opposition.targets) == {"state/USA", "state/JPN"}


def test_an_installed_model_adds_its_entities(tmp_path) -> None:
    """--model loads any spaCy pipeline; its entities join the gazetteer's.

    No statistical model can be installed here, so the "model" is a pipeline saved
    to disk with an entity ruler standing in for a trained recogniser.
    """
    import spacy

    model = spacy.blank("en")
    ruler = model.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Alice Example"}])
    model.to_disk(tmp_path / "model")

    nlp = build_pipeline(str(tmp_path / "model"))
    names = nlp.pipe_names
    assert names.index("entity_ruler") < names.index("entente_gazetteer")
    found = relations(nlp, "Alice Example and Narendra Modi agreed to cooperate on chips.")
    relation = only(found, "agreement")
    assert set(relation.parties) == {"person/alice-example", "person/narendra-modi"}


@pytest.mark.parametrize(
    ("text", "type_", "status"),
    [
        # the nearer cue scopes the event: a continuation after a hedge goes on...
        ("Canada and Mexico intend to continue their partnership on batteries.",
         "partnership", "ongoing"),
        # ...a hedge after a continuation is only a bid
        ("Lufthansa has been attempting to take over Brussels Airlines since May.",
         "deal", "proposed"),
        # expanding a cooperation presupposes that it exists, even when only sought
        ("Japan and Vietnam seek to expand their cooperation on semiconductors.",
         "cooperation", "ongoing"),
        # a named partnership or treaty that nobody creates here already exists
        ("Canada reaffirmed its support under the Canada-Mexico Treaty of Friendship "
         "and the Canada-Mexico Energy Partnership.", "formal_agreement", "in_force"),
        ("Brazil and Argentina agreed to launch the Southern Energy Partnership.",
         "partnership", "agreed"),
        # obligations are those of an agreement in force
        ("Brazil remains committed to fulfilling its obligations with the International "
         "Atomic Energy Agency.", "formal_agreement", "in_force"),
        # a meeting still to come
        ("Peru and Chile will convene a ministerial dialogue on lithium later this year.",
         "talks", "proposed"),
        ("Peru and Chile agreed to hold talks on lithium.", "talks", "proposed"),
        ("Peru and Chile held talks on lithium.", "talks", "ongoing"),
    ],
)  # fmt: skip
def test_status_from_the_clause(nlp, text: str, type_: str, status: str) -> None:
    relation = only(relations(nlp, "Second sentence.\n\n" + text), "agreement", type_)
    assert relation.status == status


@pytest.mark.parametrize(
    ("text", "status", "hedged"),
    [
        # a date ahead said of the meeting makes it planned, even past a "close"
        ("Peru and Chile welcomed close consultations through the Lithium Dialogue of "
         "their mining ministers to be held later this year.", "proposed", True),
        ("Peru and Chile asked their ministers to convene a meeting of mining "
         "ministers at an early date to implement the cooperation.", "proposed", True),
        ("Peru and Chile will hold a summit on lithium by the end of 2027.",
         "proposed", True),
        # a date ahead said of another event than the meeting leaves it held
        ("Peru and Chile held talks on a treaty to ban lithium dumping at an early date.",
         "ongoing", False),
    ],
)  # fmt: skip
def test_a_meeting_dated_ahead_is_planned(nlp, text: str, status: str, hedged: bool) -> None:
    relation = only(relations(nlp, "Second sentence.\n\n" + text), "agreement", "talks")
    assert (relation.status, relation.hedged) == (status, hedged)


def test_a_deadline_of_the_goal_is_no_date_of_the_agreement(nlp) -> None:
    text = (
        "Peru will work with Chile to finance new capacity to help produce a million "
        "batteries by the end of 2027."
    )
    relation = only(relations(nlp, "Second sentence.\n\n" + text), "agreement")
    assert (relation.status, relation.hedged) == ("agreed", False)


def test_a_capitalised_name_gives_no_status(nlp) -> None:
    # "Proposals" names a document here; nothing is proposed
    text = (
        "Poland and Estonia applauded the Tallinn Proposals on Cable Security "
        "and cooperate on cables."
    )
    relation = only(relations(nlp, "Second sentence.\n\n" + text), "agreement")
    assert relation.status == "agreed"


def test_a_status_verb_alone_names_no_agreement(nlp) -> None:
    text = "Japan and Korea warned that when these principles are rejected, trust erodes."
    assert relations(nlp, text) == []
    rejected = only(relations(nlp, "Japan rejected a proposal by China to sign a trade pact."),
                    "agreement")  # fmt: skip
    assert rejected.status == "rejected"
    assert set(rejected.parties) == {"state/JPN", "state/CHN"}


def test_a_summit_as_the_setting_is_not_talks(nlp) -> None:
    text = (
        "Canada and Mexico launched a joint working group on minerals at the "
        "North American Leaders' Summit."
    )
    found = relations(nlp, "Second sentence.\n\n" + text)
    assert [r.type for r in found] == ["cooperation"]


def test_due_to_is_no_future(nlp) -> None:
    text = "Indonesia told airlines not to buy European aircraft due to the EU ban."
    boycott = only(relations(nlp, text), "restriction", "boycott")
    assert boycott.status == "ongoing"


def test_supply_chains_are_no_supply_deal(nlp) -> None:
    text = "Japan and India will build resilient supply chains for semiconductors."
    assert all(r.type != "deal" for r in relations(nlp, text))


def test_they_refers_to_the_last_group(nlp) -> None:
    text = (
        "Peru and Chile signed a lithium pact. "
        "They looked forward to the finalization of a Memorandum of Understanding on satellites."
    )
    found = relations(nlp, text)
    mou = next(r for r in found if "satellites" in r.technologies)
    assert set(mou.parties) == {"state/PER", "state/CHL"}
    assert (mou.type, mou.status, mou.hedged) == ("formal_agreement", "proposed", True)
    pact = next(r for r in found if "lithium" in r.technologies)
    assert pact.status == "signed"


def test_cooperation_in_passing_is_not_the_cooperation_on_a_technology(nlp) -> None:
    text = (
        "India and Japan agreed to cooperate on 5G networks. "
        "India and Japan also praised their cooperation in general. "
        "India and Japan signed a pact on chips. "
        "Officials said India and Japan hope the pact will last."
    )
    found = relations(nlp, text)
    cooperation = sorted(
        (r.technologies, len(r.mentions)) for r in found if r.type == "cooperation"
    )
    assert cooperation == [((), 1), (("5g",), 1)]
    # a pact named again without its subject is the same pact
    (pact,) = [r for r in found if r.type == "formal_agreement"]
    assert (pact.technologies, len(pact.mentions), pact.status) == (("chips",), 2, "signed")


def test_a_dateline_names_no_party(nlp) -> None:
    text = "MOSCOW, March 3 (Reuters) - The Soviet Union and West Germany signed a trade pact."
    pact = only(relations(nlp, "Second sentence.\n\n" + text), "agreement", "formal_agreement")
    assert set(pact.parties) == {"state/SUN", "state/DEU"}
    assert pact.status == "signed"


def test_put_on_a_list_is_the_target(nlp) -> None:
    text = (
        "WASHINGTON - The Commerce Department added Huawei to its entity list, "
        "barring U.S. firms from selling chips to the Chinese company."
    )
    found = relations(nlp, text)
    # "to its entity list" is no future, and the sale is what is barred, not a deal
    assert [(r.kind, r.type, r.status) for r in found] == [
        ("restriction", "export_control", "in_force")
    ]
    assert found[0].imposers == ("organization/usa-department-of-commerce",)
    assert found[0].targets == ("organization/huawei",)


def test_a_headline_in_capitals_keeps_its_future(nlp) -> None:
    pact = only(relations(nlp, "Text.", title="U.S. AND JAPAN TO SIGN CHIP PACT"), "agreement")
    assert pact.status == "proposed"


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("Talks between Iran and the European Union on the nuclear deal collapsed.", True),
        ("The merger of Airbus and Boeing fell through.", True),
        ("India and Japan signed a 5G pact that will not fail.", False),
    ],
)
def test_failure_after_the_noun(nlp, text: str, negated: bool) -> None:
    (relation,) = relations(nlp, text)
    assert relation.negated is negated


def test_merged_status_comes_from_the_strongest_mention(nlp) -> None:
    # one cooperation, said weakly first ("strengthen ties") then plainly ("continue to
    # cooperate"): the status of the stronger mention is kept, whatever the order
    weak = "Chile and Peru will strengthen ties on lithium."
    strong = "Chile and Peru continue to cooperate on lithium mining."
    for text in (f"{weak} {strong}", f"{strong} {weak}"):
        (relation,) = relations(nlp, text)
        assert sorted(m.confidence for m in relation.mentions) == [0.4, 0.75]
        assert relation.status == "ongoing"


def test_a_fact_sheet_bullet_speaks_for_the_title_parties(nlp) -> None:
    found = relations(
        nlp,
        "The leaders met today.\n\n"
        "Enhancing bilateral collaboration on resilient semiconductor supply chains.",
        title="FACT SHEET: Chile and Peru Elevate Their Partnership",
    )
    chips = next(r for r in found if "semiconductor_supply_chain" in r.technologies)
    assert set(chips.parties) == {"state/CHL", "state/PER"}
    assert chips.mentions[0].rule.endswith(".headline")
    # an ordinary sentence without actors borrows nobody
    found = relations(
        nlp,
        "The leaders met today.\n\nThe collaboration on semiconductors was praised.",
        title="FACT SHEET: Chile and Peru Elevate Their Partnership",
    )
    assert all("semiconductors" not in r.technologies for r in found)


def test_who_opposes_a_deal_is_not_its_party(nlp) -> None:
    found = relations(nlp, "Senator McCain, a critic of the Boeing tanker deal, spoke on Monday.")
    assert [(r.kind, r.type) for r in found] == [("restriction", "opposition")]
    found = relations(nlp, "Beijing opposed the US-Japan chip pact.")
    pact = only(found, "agreement", "formal_agreement")
    assert set(pact.parties) == {"state/USA", "state/JPN"}
    opposition = only(found, "restriction", "opposition")
    assert (opposition.imposers, set(opposition.targets)) == (
        ("state/CHN",),
        {"state/USA", "state/JPN"},
    )


@pytest.mark.parametrize(
    ("text", "type_", "status", "imposers", "targets"),
    [
        ("The European Union has agreed to lift sanctions on Iran.",
         "sanction", "cancelled", {"organization/european-union"}, {"state/IRN"}),
        ("The bans were lifted on Pakistan International Airlines by the European Union.",
         "ban", "cancelled", {"organization/european-union"},
         {"organization/pakistan-international-airlines"}),
        ("The sanctions were imposed on Iran by the United States.",
         "sanction", "in_force", {"state/USA"}, {"state/IRN"}),
        ("Washington extended its ban on Huawei.",
         "ban", "in_force", {"state/USA"}, {"organization/huawei"}),
    ],
)  # fmt: skip
def test_restrictions_lifted_and_passive(nlp, text, type_, status, imposers, targets) -> None:
    restriction = only(relations(nlp, text), "restriction", type_)
    assert restriction.status == status
    assert (set(restriction.imposers), set(restriction.targets)) == (imposers, targets)


def test_officials_in_a_capital_are_its_government(nlp) -> None:
    text = "Officials in Tokyo and Seoul said they would resume talks on a currency swap."
    talks = only(relations(nlp, text), "agreement", "talks")
    assert set(talks.parties) == {"state/JPN", "state/KOR"}
    held = only(relations(nlp, "India and Japan held talks in Washington on 5G."), "agreement")
    assert set(held.parties) == {"state/IND", "state/JPN"}


def test_refusing_to_join_a_restriction_negates_it(nlp) -> None:
    sanction = only(
        relations(nlp, "Pakistan refused to join the sanctions against Russia."), "restriction"
    )
    assert sanction.negated and sanction.imposers == ("state/PAK",)
    # refusing an agreement is its rejection, not a negation
    pact = only(relations(nlp, "Japan refused to sign the pact with China."), "agreement")
    assert (pact.status, pact.negated) == ("rejected", False)


def test_we_in_a_quotation_is_its_speaker(nlp) -> None:
    text = (
        '"We will not allow Huawei into our 5G networks," Sweden\'s telecom minister said. '
        '"We will deepen our cooperation with Japan on chips," the Indian foreign minister '
        "told reporters."
    )
    found = relations(nlp, "Second sentence.\n\n" + text)
    exclusion = only(found, "restriction", "exclusion")
    assert (exclusion.imposers, exclusion.targets) == (("state/SWE",), ("organization/huawei",))
    cooperation = only(found, "agreement", "cooperation")
    assert set(cooperation.parties) == {"state/IND", "state/JPN"}


@pytest.mark.parametrize(
    ("text", "status", "hedged"),
    [
        ("The White House said it would impose 25% tariffs on Chinese electric cars.",
         "proposed", False),  # a reported "will": planned, not hedged
        ("China could impose tariffs on Australian wine.", "proposed", True),
        ("The United States imposed tariffs on Chinese electric cars.", "in_force", False),
    ],
)  # fmt: skip
def test_reported_would_is_a_future(nlp, text: str, status: str, hedged: bool) -> None:
    sanction = only(relations(nlp, text), "restriction", "sanction")
    assert (sanction.status, sanction.hedged) == (status, hedged)


def test_banned_exports_are_an_export_control_on_the_technology(nlp) -> None:
    text = "The United States banned exports of advanced computers to the Soviet Union."
    control = only(relations(nlp, text), "restriction")
    assert (control.type, control.imposers, control.targets) == (
        "export_control",
        ("state/USA",),
        ("state/SUN",),
    )
    assert control.technologies == ("computing",)
    embargo = only(relations(nlp, "Germany imposed an arms embargo on Turkey."), "restriction")
    assert (embargo.type, embargo.technologies) == ("ban", ("arms",))


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Nissan and Renault ended their alliance in 2023.", "cancelled"),
        ("Boeing called off its merger with Embraer.", "cancelled"),
        # "end" of something else is no cancellation
        ("Japan and India will cooperate on vaccines to end the pandemic.", "agreed"),
    ],
)
def test_agreements_ended(nlp, text: str, status: str) -> None:
    (relation,) = relations(nlp, text)
    assert relation.status == status


def test_a_meeting_as_the_time_of_another_event_is_not_talks(nlp) -> None:
    found = relations(nlp, "At the end of the talks, India and Japan signed a pact on chips.")
    assert [(r.type, r.status) for r in found] == [("formal_agreement", "signed")]
    found = relations(nlp, "India and Japan held talks after the election.")
    assert [(r.type, r.status) for r in found] == [("talks", "ongoing")]


def test_a_strong_trigger_wins_over_a_weak_one_on_the_same_words(nlp) -> None:
    # "funding" is both aid and the weak "fund": aid it is, whatever the matcher's order
    text = "Australian government funding has helped Ford Australia develop electric cars."
    (relation,) = relations(nlp, text)
    assert (relation.type, relation.mentions[0].rule) == ("aid", "agreement.aid")


def test_phrase_forms_spell_out_every_inflection() -> None:
    from entente.extract.lexicon import phrase_forms

    forms = set(phrase_forms(("sign", "=the", "pact")))
    assert {("signed", "the", "pacts"), ("signs", "the", "pact")} <= forms
    assert all(form[1] == "the" for form in forms)


def test_criticising_the_pact_opposes_its_parties(nlp) -> None:
    found = relations(
        nlp, "Japan and the Philippines signed a defense pact. China criticized the pact."
    )
    opposition = only(found, "restriction", "opposition")
    assert opposition.imposers == ("state/CHN",)
    assert set(opposition.targets) == {"state/JPN", "state/PHL"}
    pact = only(found, "agreement", "formal_agreement")
    assert len(pact.mentions) == 1  # the criticism is no second report of the signing


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Lufthansa has been attempting to take over Brussels Airlines since May. "
         "Brussels Airlines staff disapprove of the takeover.", "proposed"),
        ("Japan proposed a pact on chips with Vietnam. Vietnam studied the pact carefully.",
         "proposed"),
        # naming it again can still settle it
        ("Japan proposed a pact on chips with Vietnam. Vietnam rejected the pact.",
         "rejected"),
    ],
)  # fmt: skip
def test_naming_an_agreement_again_gives_it_no_status(nlp, text: str, status: str) -> None:
    relation = only(relations(nlp, "Second sentence.\n\n" + text), "agreement")
    assert relation.status == status


def test_a_statement_signed_by_states_is_a_signed_agreement(nlp) -> None:
    text = "This is a joint statement signed by the governments of Peru, Chile and Bolivia."
    relation = only(relations(nlp, "Second sentence.\n\n" + text), "agreement")
    assert (relation.type, relation.status) == ("formal_agreement", "signed")
    assert set(relation.parties) == {"state/PER", "state/CHL", "state/BOL"}


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # "to discuss" after a meeting that took place says what it was for
        ("President Lula spoke today with President Boric of Chile to discuss lithium.",
         "ongoing"),
        ("Brazil and Chile met in Lima to discuss lithium.", "ongoing"),
        ("Brazil and Chile plan to meet in Lima next week to discuss lithium.", "proposed"),
        # "called on X to" is an appeal, not a call that took place
        ("Brazil called on Chile to discuss lithium.", "proposed"),
    ],
)  # fmt: skip
def test_a_meeting_held_to_discuss(nlp, text: str, status: str) -> None:
    relation = only(relations(nlp, "Second sentence.\n\n" + text), "agreement", "talks")
    assert relation.status == status


def test_a_short_name_in_brackets_gives_no_status(nlp) -> None:
    text = (
        "Chile thanked Peru for the Lima Proposals on Cable Security (Proposals) and "
        "for their collaboration on cables."
    )
    relation = only(relations(nlp, "Second sentence.\n\n" + text), "agreement")
    assert relation.status != "proposed"


def test_a_negotiated_purchase_is_a_deal(nlp) -> None:
    text = "Turkish Airlines has negotiated the purchase of 20 new Airbus A320 jets."
    relation = only(relations(nlp, "Second sentence.\n\n" + text), "agreement")
    assert (relation.type, relation.status) == ("deal", "agreed")
    assert set(relation.parties) == {"organization/turkish-airlines", "organization/airbus"}


@pytest.mark.parametrize(
    "text",
    [
        # a weak trigger inside a name names no event
        "Peru's robotics team joined the FIRST Global Challenge Robot Olympics against Chile.",
        # a medal awarded is no contract awarded
        "Peru's robotics team was awarded a silver medal for robotics by Chile.",
    ],
)
def test_names_and_medals_are_no_relations(nlp, text: str) -> None:
    assert relations(nlp, "Second sentence.\n\n" + text) == []


def test_named_agreements_keep_their_names_and_stay_apart(nlp) -> None:
    text = (
        "Peru and Chile launched the Peru-Chile Clean Energy Partnership. "
        "Peru and Chile also launched a new Competitiveness and Resilience (CoRe) "
        "Partnership. They reaffirmed the Treaty of Peace and Friendship between Peru "
        "and Chile. The partnership will grow."
    )
    found = relations(nlp, "Second sentence.\n\n" + text)
    names = sorted(r.name or "" for r in found)
    assert names == [
        "Competitiveness and Resilience (CoRe) Partnership",
        "Peru-Chile Clean Energy Partnership",
        "Treaty of Peace and Friendship",
    ]
    # a partnership named again without its name joins one of them
    assert sum(len(r.mentions) for r in found) == 4


def test_headings_and_single_words_give_no_name(nlp) -> None:
    text = (
        "Expanding And Renewing Our Partnership With Chile And Peru\n\n"
        "Peru and Chile signed the Treaty."
    )
    found = relations(nlp, "Second sentence.\n\n" + text)
    assert {r.type for r in found} == {"partnership", "formal_agreement"}
    assert [r.name for r in found] == [None, None]


def test_the_host_of_an_event_holds_no_talks(nlp) -> None:
    text = "Chile – host of the 2027 games – will invest $2 billion with Peru in lithium mines."
    relation = only(relations(nlp, "Second sentence.\n\n" + text), "agreement")
    assert (relation.type, relation.status) == ("deal", "agreed")


def test_the_two_ministers_are_the_last_group(nlp) -> None:
    found = relations(
        nlp, "Peru and Chile issued a statement. The two foreign ministers met in Lima."
    )
    talks = only(found, "agreement", "talks")
    assert set(talks.parties) == {"state/PER", "state/CHL"}


@pytest.mark.parametrize(
    ("text", "status", "hedged"),
    [
        # a "would" an announcement reports is a "will", even a few words on
        ("Chile today announced that the federal government would be providing Peru "
         "with financial assistance for lithium mining.", "agreed", False),
        # a hedge further back in the same clause still scopes the event
        ("The ministers welcomed Chile's interest in joining Peru, Bolivia and Argentina "
         "in the Andean Lithium Mining Research initiative.", "proposed", True),
    ],
)  # fmt: skip
def test_reported_futures_and_hedges_further_back(nlp, text, status, hedged) -> None:
    relation = only(relations(nlp, "Second sentence.\n\n" + text), "agreement")
    assert (relation.status, relation.hedged) == (status, hedged)


def test_a_lower_case_agreement_noun_after_a_name(nlp) -> None:
    named = "Peru and Chile resolved to conclude a multi-year Port Access Support agreement."
    found = relations(nlp, "Second sentence.\n\n" + named)
    assert [r.name for r in found] == ["Port Access Support agreement"]
    described = "Peru and Chile reaffirmed the Peru-Chile pact on ports."
    assert [r.name for r in relations(nlp, "Second sentence.\n\n" + described)] == [None]


@pytest.mark.parametrize(
    ("text", "status", "hedged"),
    [
        # a restriction that will apply is decided
        ("Chile will ban Huawei from its 5G network by 2027.", "agreed", False),
        ("Chile made the decision to ban Huawei from its 5G network.", "agreed", False),
        # one only planned or threatened is proposed
        ("Chile plans to ban Huawei from its 5G network.", "proposed", True),
        ("Chile threatened sanctions on Peru over lithium exports.", "proposed", True),
    ],
)  # fmt: skip
def test_restrictions_ahead(nlp, text: str, status: str, hedged: bool) -> None:
    relation = only(relations(nlp, "Second sentence.\n\n" + text), "restriction")
    assert (relation.status, relation.hedged) == (status, hedged)
