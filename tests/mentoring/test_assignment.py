"""mentoring.assignment: exact optimum, capacities, reasons, candidate pruning, dual certificate.

The independent references are SciPy's HiGHS (the linear program over every feasible pair,
integral for a bipartite b-matching) and, on tiny cohorts, brute force. No database."""

import itertools
from collections import Counter

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import linprog

from mentoring import assignment, matching
from tests.mentoring.test_matching import CASA, RABAT, WEIGHTS, business, mentor, random_cohort


def feasible_scores(businesses, mentors, weights=WEIGHTS):
    """{(business position, mentor position): float score} of every feasible pair."""
    scores = {}
    for i, b in enumerate(businesses):
        for j, m in enumerate(mentors):
            match = matching.score(b, m, weights)
            if match is not None:
                scores[i, j] = match.score
    return scores


def lp_optimum(businesses, mentors, scores):
    """max sum s x, each business at most once, each mentor at most free times (HiGHS)."""
    if not scores:
        return 0.0
    pairs = list(scores)
    rows = [i for i, _ in pairs] + [len(businesses) + j for _, j in pairs]
    columns = list(range(len(pairs))) * 2
    a_ub = sparse.coo_matrix(
        (np.ones(len(rows)), (rows, columns)), shape=(len(businesses) + len(mentors), len(pairs))
    )
    b_ub = [1] * len(businesses) + [m.free for m in mentors]
    res = linprog(-np.array(list(scores.values())), A_ub=a_ub, b_ub=b_ub, method="highs")
    assert res.status == 0
    return -res.fun


def brute_force(businesses, mentors, scores):
    best = 0.0
    options = [
        [None] + [j for j in range(len(mentors)) if (i, j) in scores]
        for i in range(len(businesses))
    ]
    for choice in itertools.product(*options):
        load = Counter(j for j in choice if j is not None)
        if all(load[j] <= mentors[j].free for j in load):
            best = max(best, sum(scores[i, j] for i, j in enumerate(choice) if j is not None))
    return best


def tolerance(result):
    # Scores are rounded to 1/scale for the integer flow: each pair of either solution moves
    # by at most 0.5/scale.
    return len(result.pairs) / result.scale + 1e-9


def check_valid(result, businesses, mentors):
    by_id = {m.id: m for m in mentors}
    business_by_id = {b.id: b for b in businesses}
    seen = [p.business_id for p in result.pairs]
    assert len(seen) == len(set(seen))
    load = Counter(p.mentor_id for p in result.pairs)
    for mentor_id, taken in load.items():
        assert taken <= by_id[mentor_id].free
    for p in result.pairs:
        assert matching.refusal(business_by_id[p.business_id], by_id[p.mentor_id]) is None
    assert set(result.unmatched) == set(business_by_id) - set(seen)
    assert result.total == pytest.approx(sum(p.score for p in result.pairs))


# --- Exactness ---------------------------------------------------------------------------------


@pytest.mark.parametrize("pruning", [{}, {"candidates": 1, "mentor_candidates": 0}])
def test_the_total_is_the_exact_optimum_on_random_cohorts(pruning):
    rounds = []
    for seed in range(30):
        rng = np.random.default_rng(seed)
        businesses, mentors = random_cohort(rng, int(rng.integers(1, 13)), int(rng.integers(1, 6)))
        scores = feasible_scores(businesses, mentors)
        result = assignment.assign(businesses, mentors, WEIGHTS, **pruning)

        check_valid(result, businesses, mentors)
        assert result.optimal
        assert result.total == pytest.approx(
            lp_optimum(businesses, mentors, scores), abs=tolerance(result)
        )
        # Over the rounded scores the optimum is reached exactly (the LP is integral).
        rounded = {pair: round(s * result.scale) for pair, s in scores.items()}
        assert result.scaled_total == round(lp_optimum(businesses, mentors, rounded))
        rounds.append(result.rounds)
    if pruning:
        assert max(rounds) > 1  # the dual check did add pairs on some of them


def test_the_total_equals_brute_force_on_tiny_cohorts():
    for seed in range(100, 115):
        rng = np.random.default_rng(seed)
        businesses, mentors = random_cohort(rng, int(rng.integers(1, 7)), int(rng.integers(1, 4)))
        scores = feasible_scores(businesses, mentors)
        for pruning in ({}, {"candidates": 1, "mentor_candidates": 0}, {"candidates": None}):
            result = assignment.assign(businesses, mentors, WEIGHTS, **pruning)
            assert result.optimal
            assert result.total == pytest.approx(
                brute_force(businesses, mentors, scores), abs=tolerance(result)
            )


# --- Capacities and unmatched businesses -------------------------------------------------------


def test_capacities_are_never_exceeded():
    rng = np.random.default_rng(42)
    businesses, mentors = random_cohort(rng, 150, 20)
    result = assignment.assign(businesses, mentors, WEIGHTS, candidates=2)
    check_valid(result, businesses, mentors)
    assert result.optimal
    assert Counter(result.unmatched.values())["capacity"] > 0  # a crowded cohort


def test_a_business_sharing_no_language_with_any_mentor_has_no_feasible_mentor():
    mentors = [mentor(id=1, languages=("fr", "ary")), mentor(id=2, languages=("ar",))]
    wolof = business(id=1, languages=("wo",))
    result = assignment.assign([wolof, business(id=2)], mentors, WEIGHTS)
    assert result.unmatched == {1: "no_feasible_mentor"}
    assert result.refusals == {1: "language"}
    assert [(p.business_id, p.mentor_id) for p in result.pairs] == [(2, 1)]


def test_the_most_common_refusal_is_reported():
    b = business(id=1, region=CASA)
    mentors = [
        mentor(id=1, regions=(RABAT,)),
        mentor(id=2, regions=(RABAT,)),
        mentor(id=3, capacity=1, active=1, regions=(CASA,)),
    ]
    result = assignment.assign([b], mentors, WEIGHTS)
    assert result.unmatched == {1: "no_feasible_mentor"}
    assert result.refusals == {1: "region"}
    empty = assignment.assign([b], [], WEIGHTS)
    assert (empty.unmatched, empty.refusals, empty.pairs) == (
        {1: "no_feasible_mentor"},
        {},
        [],
    )
    assert empty.optimal and empty.total == 0


def test_more_feasible_businesses_than_seats_leaves_the_weakest_for_capacity():
    m = mentor(id=1, capacity=2, active=0, topics=("funding", "marketing"))
    businesses = [
        business(id=1, needs=("funding", "marketing")),  # fully covered
        business(id=2, needs=("digital",)),  # nothing covered: the weakest pair
        business(id=3, needs=("funding",)),
    ]
    result = assignment.assign(businesses, [m], WEIGHTS)
    assert sorted(p.business_id for p in result.pairs) == [1, 3]
    assert result.unmatched == {2: "capacity"}
    assert result.refusals == {}


def test_no_business_is_left_out_for_nothing():
    # The score floor: a weak pair still raises the total, so free seats are used.
    weak = mentor(id=1, topics=(), sectors=(), regions=(CASA,), formats=("video",), years=0)
    result = assignment.assign([business(id=1)], [weak], {"expertise": 1})
    assert [p.mentor_id for p in result.pairs] == [1]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="duplicate"):
        assignment.assign([business(id=1), business(id=1)], [mentor()], WEIGHTS)
    with pytest.raises(ValueError):
        assignment.assign([business()], [mentor()], WEIGHTS, candidates=0)


# --- Candidate pruning and the dual certificate ------------------------------------------------


def test_pruned_candidates_are_completed_by_the_dual_check():
    # Both businesses prefer X (more experienced), whose only seat should go to B: A loses less
    # by going to Y. With one candidate each, only X is known at first; the dual check must
    # find A-Y and B-Y and a second round must move A there.
    x = mentor(id=1, topics=("funding", "marketing"), years=15, capacity=1)
    y = mentor(id=2, topics=("funding",), years=0, capacity=1)
    a = business(id=1, needs=("funding",))
    b = business(id=2, needs=("marketing",))
    result = assignment.assign([a, b], [x, y], WEIGHTS, candidates=1, mentor_candidates=0)
    assert result.rounds > 1
    assert result.optimal
    assert {(p.business_id, p.mentor_id) for p in result.pairs} == {(1, 2), (2, 1)}
    scores = feasible_scores([a, b], [x, y])
    assert result.total == pytest.approx(brute_force([a, b], [x, y], scores), abs=tolerance(result))


@pytest.mark.parametrize("seed", range(10))
def test_the_duals_certify_the_optimum(seed):
    rng = np.random.default_rng(1000 + seed)
    businesses, mentors = random_cohort(rng, 40, 8)
    result = assignment.assign(businesses, mentors, WEIGHTS, candidates=2, mentor_candidates=1)
    assert result.optimal

    u = result.mentor_prices
    v = result.business_values
    assert min(u.values(), default=0) >= 0 and min(v.values(), default=0) >= 0
    # Dual feasibility on every feasible pair, not only the candidates (scores rounded to
    # 1/scale in the solver: 0.5/scale of slack).
    for b in businesses:
        for m in mentors:
            match = matching.score(b, m, WEIGHTS)
            if match is not None:
                assert v[b.id] + u[m.id] >= match.score - 0.5 / result.scale - 1e-9
    # Complementary slackness: equal objectives, exactly in the solver's integers.
    dual_objective = sum(v.values()) + sum(u[m.id] * m.free for m in mentors)
    assert result.scaled_total == result.dual_scaled_total
    assert dual_objective == pytest.approx(result.dual_total, abs=1e-6)
    assert result.total == pytest.approx(dual_objective, abs=tolerance(result))
    # A seat left free is worth nothing, an unmatched business gains nothing.
    load = Counter(p.mentor_id for p in result.pairs)
    for m in mentors:
        if load[m.id] < m.free:
            assert u[m.id] == 0
    for business_id in result.unmatched:
        assert v[business_id] == 0
