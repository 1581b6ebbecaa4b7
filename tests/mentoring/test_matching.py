"""mentoring.matching: hard constraints, scores, reasons, and the vectorised form. No database."""

import numpy as np
import pytest
from django.conf import settings

from mentoring import matching
from mentoring.matching import BusinessFacts, MentorFacts, Reason

WEIGHTS = {"expertise": 40, "sector": 20, "region": 15, "experience": 10, "load": 15}
RABAT, CASA, TANGER = "rabat-sale-kenitra", "casablanca-settat", "tanger-tetouan-al-hoceima"


def mentor(
    id=1,
    languages=("fr",),
    regions=(RABAT,),
    formats=("in_person",),
    topics=("funding",),
    sectors=("food",),
    years=5,
    capacity=3,
    active=0,
    paused=False,
):
    return MentorFacts(
        id=id,
        languages=frozenset(languages),
        regions=frozenset(regions),
        formats=frozenset(formats),
        topics=frozenset(topics),
        sectors=frozenset(sectors),
        years_experience=years,
        capacity=capacity,
        active=active,
        paused=paused,
    )


def business(id=1, languages=("fr",), region=RABAT, sector="food", needs=("funding",)):
    return BusinessFacts(
        id=id, languages=frozenset(languages), region=region, sector=sector, needs=frozenset(needs)
    )


LANGUAGES = ["ar", "ary", "fr", "en", "wo", "bm"]
REGIONS = [RABAT, CASA, TANGER]
TOPICS = ["funding", "accounting", "legal-status", "marketing", "digital"]
SECTORS = ["food", "crafts", "trade", "it"]
FORMATS = ["in_person", "video", "phone"]


def _pick(rng, codes, low, high):
    return rng.choice(codes, size=int(rng.integers(low, high + 1)), replace=False).tolist()


def random_cohort(rng, n_businesses, n_mentors):
    """Small random cohorts that exercise every constraint: few languages each, in-person-only
    and remote mentors, paused and full ones, businesses without needs."""
    businesses = [
        business(
            id=10 + i,
            languages=_pick(rng, LANGUAGES, 1, 2),
            region=str(rng.choice(REGIONS)),
            sector=str(rng.choice(SECTORS)),
            needs=_pick(rng, TOPICS, 0, 3),
        )
        for i in range(n_businesses)
    ]
    mentors = []
    for j in range(n_mentors):
        capacity = int(rng.integers(0, 4))
        mentors.append(
            mentor(
                id=100 + j,
                languages=_pick(rng, LANGUAGES, 1, 3),
                regions=_pick(rng, REGIONS, 0, 2),
                formats=_pick(rng, FORMATS, 0, 2),
                topics=_pick(rng, TOPICS, 0, 4),
                sectors=_pick(rng, SECTORS, 0, 2),
                years=int(rng.integers(0, 25)),
                capacity=capacity,
                active=int(rng.integers(0, capacity + 1)),
                paused=bool(rng.random() < 0.1),
            )
        )
    return businesses, mentors


# --- Hard constraints --------------------------------------------------------------------------


def test_never_suggests_a_mentor_without_a_shared_language():
    darija_only = business(languages=("ary",))
    assert matching.refusal(darija_only, mentor(languages=("fr", "en"))) == "language"
    assert matching.score(darija_only, mentor(languages=("fr",)), WEIGHTS) is None

    rng = np.random.default_rng(7)
    businesses, mentors = random_cohort(rng, 40, 30)
    suggested = 0
    for b in businesses:
        for match in matching.suggest(b, mentors, WEIGHTS, limit=None):
            m = next(m for m in mentors if m.id == match.mentor_id)
            assert b.languages & m.languages
            suggested += 1
    assert suggested > 0


def test_in_person_only_mentor_outside_the_region_is_refused_a_remote_one_is_not():
    b = business(region=RABAT)
    assert matching.refusal(b, mentor(regions=(CASA,), formats=("in_person",))) == "region"
    # No format given counts as in person.
    assert matching.refusal(b, mentor(regions=(CASA,), formats=())) == "region"
    assert matching.refusal(b, mentor(regions=(RABAT,), formats=("in_person",))) is None
    for formats in (("video",), ("phone",), ("in_person", "video")):
        match = matching.score(b, mentor(regions=(CASA,), formats=formats), WEIGHTS)
        assert match is not None
        assert "region" not in [r.kind for r in match.reasons]


def test_paused_and_full_mentors_are_refused_in_that_order():
    b = business()
    assert matching.refusal(b, mentor(paused=True)) == "paused"
    assert matching.refusal(b, mentor(capacity=2, active=2)) == "full"
    assert matching.refusal(b, mentor(capacity=2, active=3)) == "full"  # over capacity: free 0
    assert matching.refusal(b, mentor(capacity=0)) == "full"
    # The first failing check wins.
    everything_wrong = mentor(paused=True, capacity=1, active=1, languages=("en",), regions=())
    assert matching.refusal(b, everything_wrong) == "paused"
    assert matching.refusal(b, mentor(capacity=1, active=1, languages=("en",))) == "full"
    assert matching.refusal(b, mentor(languages=("en",), regions=(CASA,))) == "language"
    assert matching.suggest(b, [mentor(paused=True), mentor(id=2, active=3)], WEIGHTS) == []


# --- Scores and reasons ------------------------------------------------------------------------


def test_reasons_list_the_shared_languages_and_needs():
    b = business(
        languages=("wo", "fr", "ary"), region=CASA, sector="food", needs=("legal-status", "funding")
    )
    m = mentor(
        languages=("fr", "ary", "en"),
        regions=(CASA,),
        topics=("funding", "marketing", "legal-status"),
        sectors=("food", "trade"),
        years=12,
        capacity=4,
        active=1,
    )
    match = matching.score(b, m, WEIGHTS)
    assert match.reasons == (
        Reason("languages", ("ary", "fr")),
        Reason("expertise", ("funding", "legal-status")),
        Reason("sector", ("food",)),
        Reason("region", (CASA,)),
        Reason("experience", (12,)),
        Reason("load", (3,)),
    )
    assert (match.mentor_id, match.business_id) == (m.id, b.id)


def test_only_positive_criteria_give_reasons_and_every_feasible_pair_scores_above_zero():
    b = business(needs=("funding",), sector="food", region=RABAT)
    weak = mentor(
        topics=("digital",), sectors=("it",), regions=(CASA,), formats=("video",), years=0
    )
    # No weight on the load: every weighted criterion is 0.
    match = matching.score(b, weak, {"expertise": 1, "sector": 1, "region": 1, "experience": 1})
    assert [r.kind for r in match.reasons] == ["languages", "load"]
    assert match.score == pytest.approx(matching.FLOOR)
    assert match.score > 0

    best = mentor(topics=("funding",), sectors=("food",), years=20, capacity=3, active=0)
    assert matching.score(b, best, WEIGHTS).score == pytest.approx(100.0)


def test_expertise_is_the_share_of_the_needs_the_mentor_knows():
    b = business(needs=("funding", "marketing", "digital", "premises"))
    only = {"expertise": 1}
    half = matching.score(b, mentor(topics=("funding", "digital", "training")), only)
    assert half.score == pytest.approx(matching.FLOOR + (100 - matching.FLOOR) * 0.5)
    no_needs = matching.score(business(needs=()), mentor(topics=("funding",)), only)
    assert no_needs.score == pytest.approx(matching.FLOOR)


def test_the_weights_from_the_settings_change_the_ranking():
    b = business(needs=("funding",), sector="crafts")
    knows_the_need = mentor(id=1, topics=("funding",), sectors=("it",))
    knows_the_sector = mentor(id=2, topics=("digital",), sectors=("crafts",))
    mentors = [knows_the_sector, knows_the_need]

    configured = settings.MENTORING_MATCH_WEIGHTS
    assert configured["expertise"] > configured["sector"]
    assert [m.mentor_id for m in matching.suggest(b, mentors, configured)] == [1, 2]

    sector_first = {**configured, "expertise": configured["sector"], "sector": 60}
    assert [m.mentor_id for m in matching.suggest(b, mentors, sector_first)] == [2, 1]


def test_suggest_sorts_by_score_then_mentor_id_and_stops_at_the_limit():
    b = business()
    mentors = [mentor(id=i, years=5) for i in (9, 3, 7, 1, 5, 4)] + [mentor(id=2, years=15)]
    ranked = matching.suggest(b, mentors, WEIGHTS)
    assert [m.mentor_id for m in ranked] == [2, 1, 3, 4, 5]
    assert len(matching.suggest(b, mentors, WEIGHTS, limit=None)) == 7


def test_rank_requests_applies_only_language_and_place_and_ignores_the_load():
    full = mentor(capacity=2, active=2, regions=(RABAT,), topics=("funding", "marketing"))
    asking = [
        business(id=1, needs=("funding",)),
        business(id=2, needs=("funding", "marketing")),
        business(id=3, languages=("wo",)),  # no shared language
        business(id=4, region=CASA),  # the mentor meets only in Rabat
        business(id=5, needs=("digital",)),
    ]
    ranked = matching.rank_requests(full, asking, WEIGHTS)
    # 1 and 2 both get all their needs covered: a tie, broken by business id.
    assert [m.business_id for m in ranked] == [1, 2, 5]
    assert all("load" not in [r.kind for r in m.reasons] for m in ranked)
    # Without the load the other weights still add up to 100.
    perfect = mentor(capacity=1, active=1, topics=("funding",), years=15, paused=True)
    (top,) = matching.rank_requests(perfect, [business(needs=("funding",))], WEIGHTS)
    assert top.score == pytest.approx(100.0)


def test_weights_are_validated():
    with pytest.raises(ValueError, match="unknown"):
        matching.score(business(), mentor(), {"expertize": 40})
    with pytest.raises(ValueError):
        matching.score(business(), mentor(), {"expertise": 0})
    with pytest.raises(ValueError):
        matching.score(business(), mentor(), {"expertise": -1, "sector": 2})


# --- Vectorised form ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_scores_equal_the_scalar_ones(seed):
    rng = np.random.default_rng(seed)
    businesses, mentors = random_cohort(rng, 60, 40)
    weights = dict(zip(matching.CRITERIA, rng.integers(0, 50, 5).tolist(), strict=True))
    weights["expertise"] += 1

    scores = matching.score_matrix(businesses, mentors, weights)
    b, m = matching.encode(businesses, mentors)
    refusals = matching.pair_refusals(b, m, np.arange(len(b))[:, None], np.arange(len(m))[None, :])
    feasible = 0
    for i, bf in enumerate(businesses):
        for j, mf in enumerate(mentors):
            match = matching.score(bf, mf, weights)
            assert matching.REFUSAL_CODES[refusals[i, j]] == matching.refusal(bf, mf)
            if match is None:
                assert np.isnan(scores[i, j])
            else:
                feasible += 1
                assert abs(scores[i, j] - match.score) <= 1e-9
    assert 0 < feasible < len(businesses) * len(mentors)

    # Pairs given as flat index arrays, not a grid, give the same numbers.
    bi = rng.integers(0, len(b), 200)
    mi = rng.integers(0, len(m), 200)
    flat = matching.pair_scores(b, m, bi, mi, weights)
    ok = matching.feasible_pairs(b, m, bi, mi)
    assert np.array_equal(ok, ~np.isnan(scores[bi, mi]))
    assert np.allclose(flat[ok], scores[bi, mi][ok], rtol=0, atol=1e-9)


def test_codes_outside_the_known_vocabularies_still_encode():
    b = business(languages=("tzm",), sector="fishing", needs=("export",), region="somewhere")
    m = mentor(
        languages=("tzm",),
        regions=("somewhere",),
        topics=("export",),
        sectors=("fishing",),
        years=15,
        capacity=2,
        active=0,
    )
    assert matching.score_matrix([b], [m], WEIGHTS)[0, 0] == pytest.approx(100.0)
