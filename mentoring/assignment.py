"""Cohort assignment: the set of pairs with the largest total score, proved optimal.

Pure, like mentoring.matching: facts in, an `Assignment` out, no database.

The problem is a bipartite b-matching: each business gets at most one mentor, each mentor at
most `free` businesses, only feasible pairs (matching.refusal) may be made, and the sum of the
pairs' scores is maximised. It is solved as a min-cost flow with OR-Tools:

    source -> business (cap 1, cost 0) -> mentor (cap 1, cost -score) -> sink (cap free)
    source -> sink (cap = number of businesses, cost 0)

The last arc lets flow bypass the businesses, so nobody has to be matched: a pair is made only
if it raises the total. The constraint matrix is totally unimodular, so the flow is integral
and equals the optimum of the linear program.

Integer costs: OR-Tools wants integers, so every score is scaled by `scale` (1000 by default)
and rounded, and the solution is exactly optimal for those rounded scores. Against the float
scores, the total is within `min(businesses, seats) / scale` points of the true optimum
(each pair's rounding moves it by at most 0.5 / scale, on both solutions compared).

Scale: a cohort of 50,000 businesses and 5,000 mentors has 250 million pairs, too many for a
graph. So the flow is solved over candidates only -- the K best feasible mentors of each
business, plus the best businesses of each mentor (so that no mentor's seats are left out) --
and then proved optimal for the whole problem with linear-programming duality:

    primal: max sum s_bm x_bm  s.t.  sum_m x_bm <= 1,  sum_b x_bm <= free_m,  x >= 0
    dual:   min sum v_b + sum free_m u_m  s.t.  v_b + u_m >= s_bm for every feasible pair,
            u, v >= 0

u_m is the price of a seat with mentor m, v_b what business b gains from its match. The
duals are computed from the optimal flow (shortest paths in its residual graph, see
_mentor_prices): they satisfy every candidate pair's constraint and their objective equals
the flow's total (complementary slackness). If no other feasible pair breaks its constraint,
the duals are feasible for the whole problem, so by weak duality no assignment can beat the
total: that is the certificate behind `optimal=True`. Pairs that do break it are added to
the candidates and the flow is solved again (a new "round").

Checking every pair is a full pass over the cohort, but two bounds skip most of it: a pair
outside b's K best scores at most the K-th best score t_b, so it can only break its
constraint if u_m < t_b - v_b; sorting mentors by price, only a prefix of them is read for
each business, and businesses with t_b <= v_b + min(u) are not read at all.
"""

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from mentoring import matching
from mentoring.matching import BusinessFacts, Match, MentorFacts

SCALE = 1000  # scores are rounded to 1/1000 of a point for the integer min-cost flow
DEFAULT_CANDIDATES = 8  # best mentors per business in the first round
# Best businesses per mentor in the first round, as a multiple of the above. In crowded cohorts
# (five businesses per seat in bench/matching.py) a mentor's mentees are often not among its
# best few; with 4 x 8 the first round was already optimal there, with 2 x 8 or with the
# seats + 8 it took 2-3 rounds (each a full dual check).
MENTOR_SIDE = 4
CHUNK_PAIRS = 1 << 20  # pairs scored at once: bounds the memory of the passes (~50 MB)
MAX_ROUNDS = 100
_INF = np.iinfo(np.int64).max // 4


@dataclass
class Assignment:
    pairs: list[Match]  # in the order of the businesses given
    # business id -> "no_feasible_mentor" (every mentor refused by a hard constraint) or
    # "capacity" (feasible mentors exist, their seats went to pairs scoring more).
    unmatched: dict[int, str]
    # For the "no_feasible_mentor" ones: the most common refusal among the mentors
    # ("language", "region", "full", "paused"); absent when there are no mentors at all.
    refusals: dict[int, str]
    total: float  # sum of the pairs' scores (floats, as in matching.score)
    optimal: bool  # the dual certificate holds for every feasible pair
    rounds: int  # min-cost flows solved
    scale: int
    scaled_total: int  # sum of the pairs' rounded scores, the objective actually maximised
    dual_scaled_total: int  # sum v_b + sum free_m u_m; equals scaled_total at the optimum
    mentor_prices: dict[int, float] = field(repr=False)  # u_m, in points
    business_values: dict[int, float] = field(repr=False)  # v_b, in points
    candidate_pairs: tuple = field(repr=False)  # (business ids, mentor ids) of the last flow
    checked_pairs: int = 0  # non-candidate pairs scored by the dual checks
    seconds: dict = field(default_factory=dict)  # time per step

    @property
    def dual_total(self) -> float:
        return self.dual_scaled_total / self.scale


def assign(
    businesses: Sequence[BusinessFacts],
    mentors: Sequence[MentorFacts],
    weights: Mapping[str, float],
    *,
    candidates: int | None = DEFAULT_CANDIDATES,
    mentor_candidates: int | None = None,
    scale: int = SCALE,
    chunk_pairs: int = CHUNK_PAIRS,
    max_rounds: int = MAX_ROUNDS,
) -> Assignment:
    """The assignment of businesses to mentors with the largest total score.

    candidates: feasible mentors kept per business in the first round (None: all of them,
        no pruning, no check needed). Pairs found by the dual check are added afterwards.
    mentor_candidates: best businesses kept per mentor in the first round (default:
        MENTOR_SIDE x candidates; 0 for none).
    """
    if candidates is not None and candidates < 1:
        raise ValueError("candidates must be at least 1 (or None for all pairs)")
    clock = _Clock()
    _check_ids(businesses, mentors)
    matching.normalised_weights(weights)  # refuse bad weights before any work
    b_arrays, m_arrays = matching.encode(businesses, mentors)
    # Paused and full mentors take nobody: leave them out of every pass.
    open_index = np.flatnonzero(~m_arrays.paused & (m_arrays.free > 0))
    m_open = m_arrays.take(open_index)
    terms = matching.mentor_terms(m_open, weights)
    clock.lap("encode")

    nb = len(businesses)
    pool = _first_candidates(
        b_arrays, m_open, weights, terms, candidates, mentor_candidates, scale, chunk_pairs
    )
    clock.lap("candidates")

    optimal = False
    rounds = 0
    checked = 0
    while True:
        rounds += 1
        chosen = _solve_flow(nb, m_open.free, pool)
        clock.lap("flow")
        prices, values = _duals(nb, m_open.free, pool, chosen)
        clock.lap("duals")
        if candidates is None:
            optimal = True  # every feasible pair is a candidate: nothing else to check
            break
        extra, scored = _violations(
            b_arrays, m_open, weights, terms, pool, prices, values, scale, chunk_pairs, candidates
        )
        checked += scored
        clock.lap("check")
        if extra is None:
            optimal = True
            break
        if rounds >= max_rounds:
            break  # give up the proof; the pairs are still the best over the candidates
        pool = pool.extended(extra)

    scaled_total = int(pool.scores[chosen].sum())
    dual_scaled_total = int(values.sum() + (m_open.free * prices).sum())
    # Complementary slackness: equal objectives are the certificate. They always are, by
    # construction of the duals; anything else is a bug, and the result is not called optimal.
    optimal = optimal and scaled_total == dual_scaled_total

    result = _result(
        businesses,
        mentors,
        weights,
        b_arrays,
        m_arrays,
        open_index,
        pool,
        chosen,
        prices,
        values,
        scale,
    )
    clock.lap("output")
    return Assignment(
        optimal=optimal,
        rounds=rounds,
        scale=scale,
        scaled_total=scaled_total,
        dual_scaled_total=dual_scaled_total,
        checked_pairs=checked,
        seconds=clock.seconds,
        **result,
    )


# --- Candidates ------------------------------------------------------------------------------


@dataclass
class _Pool:
    """Candidate pairs: business positions, open-mentor positions, rounded scores."""

    b: np.ndarray
    m: np.ndarray
    scores: np.ndarray
    n_mentors: int
    # Per business: the score that no non-candidate pair exceeds (-1: every feasible pair of
    # the business is a candidate, nothing to check), and the number of feasible mentors.
    threshold: np.ndarray
    feasible: np.ndarray

    def extended(self, extra) -> "_Pool":
        b, m, s = (
            np.concatenate([old, new]) for old, new in zip(self.triple(), extra, strict=True)
        )
        return _Pool(
            *_unique(b, m, s, self.n_mentors), self.n_mentors, self.threshold, self.feasible
        )

    def triple(self):
        return self.b, self.m, self.scores


def _unique(b, m, s, n_mentors):
    _, first = np.unique(b * n_mentors + m, return_index=True)
    return b[first], m[first], s[first]


def _scaled(scores, scale):
    return np.rint(scores * scale).astype(np.int64)


def _scored_chunk(b_arrays, m_open, weights, terms, bi, mi, scale):
    """Rounded scores of the pairs bi x mi, -1 where the pair is refused."""
    scores = _scaled(matching.pair_scores(b_arrays, m_open, bi, mi, weights, terms=terms), scale)
    scores[~matching.feasible_pairs(b_arrays, m_open, bi, mi)] = -1
    return scores


def _first_candidates(b_arrays, m_open, weights, terms, k, l_mentor, scale, chunk_pairs):
    """One pass over every pair, a chunk of businesses at a time: the k best feasible mentors of
    each business, and the l_mentor best businesses of each mentor. With the businesses' side
    only, in a crowded cohort the seats of mentors who are nobody's favourite would look
    worthless (price 0) and the dual check would find many broken pairs."""
    nb, nm = len(b_arrays), len(m_open)
    threshold = np.full(nb, -1, dtype=np.int64)
    feasible = np.zeros(nb, dtype=np.int64)
    if nm == 0 or nb == 0:
        empty = np.zeros(0, dtype=np.int64)
        return _Pool(empty, empty, empty, nm, threshold, feasible)
    keep_all = k is None or k >= nm
    if l_mentor is None:
        l_mentor = MENTOR_SIDE * (k or 0)
    per_mentor = np.full(nm, l_mentor, dtype=np.int64)
    mentor_side = _MentorBest(per_mentor) if not keep_all and per_mentor.max() > 0 else None
    mi = np.arange(nm)[None, :]
    found = []
    rows = max(1, chunk_pairs // nm)
    for start in range(0, nb, rows):
        stop = min(nb, start + rows)
        bi = np.arange(start, stop)[:, None]
        scores = _scored_chunk(b_arrays, m_open, weights, terms, bi, mi, scale)
        count = (scores >= 0).sum(axis=1)
        feasible[start:stop] = count
        if keep_all:
            rb, cm = np.nonzero(scores >= 0)
            found.append((rb + start, cm, scores[rb, cm]))
            continue
        # argpartition puts the k largest in the last k columns (order among them is
        # irrelevant); anything else scores at most their minimum, the threshold.
        top = np.argpartition(scores, nm - k, axis=1)[:, nm - k :]
        top_s = np.take_along_axis(scores, top, axis=1)
        threshold[start:stop] = np.where(count > k, top_s.min(axis=1), -1)
        rb, c = np.nonzero(top_s >= 0)
        found.append((rb + start, top[rb, c], top_s[rb, c]))
        if mentor_side is not None:
            mentor_side.offer(scores, start)
    if mentor_side is not None:
        found.append(mentor_side.pairs())
    b, m, s = (np.concatenate(parts).astype(np.int64) for parts in zip(*found, strict=True))
    return _Pool(*_unique(b, m, s, nm), nm, threshold, feasible)


class _MentorBest:
    """The best businesses of each mentor over a stream of chunks of scores (columns: mentors).

    Sorting every column of every chunk would cost more than scoring the pairs, so a chunk
    only contributes the entries beating the mentor's current floor (its limit-th best so
    far); entries pile up and are cut back to `limit` per mentor now and then."""

    def __init__(self, limit):
        self.limit = limit
        self.floor = np.where(limit > 0, -1, _INF)  # strictly above the floor to enter
        self.b = self.m = self.s = np.zeros(0, dtype=np.int64)
        self.pending = []
        self.pending_size = 0

    def offer(self, scores, first_row):
        r, c = np.nonzero(scores > self.floor[None, :])
        if len(r):
            self.pending.append((r + first_row, c, scores[r, c]))
            self.pending_size += len(r)
        if self.pending_size > 4 * int(self.limit.sum()) + 100_000:
            self._cut()

    def _cut(self):
        b, m, s = (
            np.concatenate([old, *new])
            for old, new in zip(
                (self.b, self.m, self.s), zip(*self.pending, strict=True), strict=True
            )
        )
        self.pending, self.pending_size = [], 0
        order = np.lexsort((-s, m))  # by mentor, best first
        b, m, s = b[order], m[order], s[order]
        first = np.r_[True, m[1:] != m[:-1]]
        position = np.arange(len(m))
        rank = position - np.maximum.accumulate(np.where(first, position, 0))
        keep = rank < self.limit[m]
        last = rank == self.limit[m] - 1  # the mentor's limit-th best: its new floor
        self.floor[m[last]] = s[last]
        self.b, self.m, self.s = b[keep], m[keep], s[keep]

    def pairs(self):
        if self.pending:
            self._cut()
        return self.b, self.m, self.s


# --- Flow ------------------------------------------------------------------------------------


def _solve_flow(nb, free, pool) -> np.ndarray:
    """The optimal flow over the candidate pairs: which of them are made (a bool per pair)."""
    nm, nc = len(free), len(pool.b)
    if nc == 0:
        return np.zeros(0, dtype=bool)
    source, sink = 0, nb + nm + 1
    business_node = 1 + np.arange(nb)
    mentor_node = 1 + nb + np.arange(nm)
    tails = np.concatenate([np.zeros(nb), 1 + pool.b, mentor_node, [source]])
    heads = np.concatenate([business_node, 1 + nb + pool.m, np.full(nm, sink), [sink]])
    capacities = np.concatenate([np.ones(nb), np.ones(nc), free, [nb]])
    costs = np.concatenate([np.zeros(nb), -pool.scores, np.zeros(nm), [0]])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32),
        heads.astype(np.int32),
        capacities.astype(np.int64),
        costs.astype(np.int64),
    )
    flow.set_nodes_supplies(np.array([source, sink], dtype=np.int32), np.array([nb, -nb]))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: status {status}")
    return np.asarray(flow.flows(np.asarray(arcs)[nb : nb + nc])) > 0


# --- Duals -----------------------------------------------------------------------------------


def _duals(nb, free, pool, chosen):
    """Prices u_m of the seats (per open mentor) and values v_b (per business), integers in
    the scaled unit, satisfying v_b + u_m >= s_bm on every candidate pair with equality on
    the chosen ones."""
    prices = _mentor_prices(nb, free, pool, chosen)
    # Given the prices, the smallest feasible v_b: what b would gain from its best candidate.
    values = np.zeros(nb, dtype=np.int64)
    np.maximum.at(values, pool.b, pool.scores - prices[pool.m])
    return prices, values


def _mentor_prices(nb, free, pool, chosen):
    """Seat prices from shortest paths in the residual graph of the optimal flow.

    Merge source and sink into one root R (the bypass arc makes them equivalent) and cut the
    business nodes out: a path through a matched business b (at mentor m(b), score s*) is
    m(b) -> b -> m' (cost s* - s_bm': move b from m(b) to m') or m(b) -> b -> R (cost s*:
    unmatch b); through an unmatched business it is R -> b -> m' (cost -s_bm'). A mentor with
    mentees can be reached from R (cost 0, take one back), one with a free seat reaches R
    (cost 0). The flow being optimal, there is no negative cycle, and with d the distances
    from R, u_m = max(0, -d_m) is a dual solution that complementary slackness agrees with:
    a mentor with a free seat has d_m >= 0 so u_m = 0, and a made pair is tight.
    """
    nm = len(free)
    root = nm
    made_b, made_m, made_s = pool.b[chosen], pool.m[chosen], pool.scores[chosen]
    mentor_of = np.full(nb, -1, dtype=np.int64)
    mentor_of[made_b] = made_m
    score_of = np.zeros(nb, dtype=np.int64)
    score_of[made_b] = made_s
    load = np.bincount(made_m, minlength=nm)

    other_b, other_m, other_s = pool.b[~chosen], pool.m[~chosen], pool.scores[~chosen]
    from_matched = mentor_of[other_b] >= 0
    mentors = np.arange(nm)
    tails = np.concatenate(
        [
            np.where(from_matched, mentor_of[other_b], root),
            made_m,
            np.full(np.count_nonzero(load > 0), root),
            mentors[load < free],
        ]
    )
    heads = np.concatenate(
        [
            other_m,
            np.full(len(made_m), root),
            mentors[load > 0],
            np.full(np.count_nonzero(load < free), root),
        ]
    )
    costs = np.concatenate(
        [
            np.where(from_matched, score_of[other_b], 0) - other_s,
            made_s,
            np.zeros(np.count_nonzero(load > 0), dtype=np.int64),
            np.zeros(np.count_nonzero(load < free), dtype=np.int64),
        ]
    )
    distance = _bellman_ford(nm + 1, root, tails, heads, costs)
    # Mentors out of reach have no candidate pair at all: their seats are worth nothing.
    distance = distance[:nm]
    return np.where(distance >= _INF, 0, np.maximum(0, -distance))


def _bellman_ford(n, root, tails, heads, costs):
    """Shortest distances from root with negative costs (no negative cycle), vectorised: each
    round relaxes the arcs leaving the nodes whose distance changed in the previous round."""
    distance = np.full(n, _INF, dtype=np.int64)
    distance[root] = 0
    changed = np.zeros(n, dtype=bool)
    changed[root] = True
    for _ in range(n + 1):
        active = changed[tails]
        if not active.any():
            return distance
        relaxed = distance.copy()
        np.minimum.at(relaxed, heads[active], distance[tails[active]] + costs[active])
        changed = relaxed < distance
        distance = relaxed
    raise RuntimeError("negative cycle in the residual graph: the flow is not optimal")


# --- Dual check over every pair --------------------------------------------------------------


def _violations(b_arrays, m_open, weights, terms, pool, prices, values, scale, chunk_pairs, k):
    """Feasible pairs with s_bm - u_m - v_b > 0 (the duals' constraint broken), at most k per
    business, the most broken first; None if there are none. Returns (pairs, pairs scored)."""
    if len(m_open) == 0:
        return None, 0
    # Non-candidate pairs of b score at most threshold_b, so they can break the constraint
    # only with mentors priced below threshold_b - v_b.
    room = pool.threshold - values
    by_price = np.argsort(prices, kind="stable")
    sorted_prices = prices[by_price]
    todo = np.flatnonzero((pool.threshold >= 0) & (room > sorted_prices[0]))
    todo = todo[np.argsort(-room[todo], kind="stable")]
    found = []
    scored = 0
    start = 0
    while start < len(todo):
        # The chunk's first business has the most room: its prefix of mentors covers the rest.
        width = int(np.searchsorted(sorted_prices, room[todo[start]], side="left"))
        rows = max(1, chunk_pairs // width)
        chunk = todo[start : start + rows]
        start += rows
        bi = chunk[:, None]
        mi = by_price[:width][None, :]
        scores = _scored_chunk(b_arrays, m_open, weights, terms, bi, mi, scale)
        scored += scores.size
        broken = scores - prices[mi] - values[bi]
        broken[scores < 0] = 0  # refused pairs have no constraint
        rows_broken = np.flatnonzero(broken.max(axis=1) > 0)
        if len(rows_broken) == 0:
            continue
        broken = broken[rows_broken]
        take = min(k, width)
        top = np.argpartition(broken, width - take, axis=1)[:, width - take :]
        top_broken = np.take_along_axis(broken, top, axis=1)
        r, c = np.nonzero(top_broken > 0)
        rows_b = chunk[rows_broken[r]]
        cols = top[r, c]
        found.append((rows_b, mi[0, cols], scores[rows_broken[r], cols]))
    if not found:
        return None, scored
    extra = tuple(np.concatenate(parts).astype(np.int64) for parts in zip(*found, strict=True))
    return extra, scored


# --- Result ----------------------------------------------------------------------------------


def _result(
    businesses,
    mentors,
    weights,
    b_arrays,
    m_arrays,
    open_index,
    pool,
    chosen,
    prices,
    values,
    scale,
):
    mentor_at = dict(zip(pool.b[chosen].tolist(), open_index[pool.m[chosen]].tolist(), strict=True))
    pairs = []
    for i in sorted(mentor_at):
        made = matching.score(businesses[i], mentors[mentor_at[i]], weights)
        if made is None:  # cannot happen: candidates are feasible pairs
            raise RuntimeError("an infeasible pair was assigned")
        pairs.append(made)

    unmatched, refusals = {}, {}
    alone = [i for i in range(len(businesses)) if i not in mentor_at]
    for i in alone:
        unmatched[businesses[i].id] = "capacity" if pool.feasible[i] else "no_feasible_mentor"
    hopeless = [i for i in alone if pool.feasible[i] == 0] if mentors else []
    for i, code in zip(hopeless, _main_refusals(b_arrays, m_arrays, hopeless), strict=True):
        refusals[businesses[i].id] = code

    mentor_prices = dict.fromkeys((m.id for m in mentors), 0.0)
    for j, price in zip(open_index.tolist(), prices.tolist(), strict=True):
        mentor_prices[mentors[j].id] = price / scale
    business_values = {
        b.id: value / scale for b, value in zip(businesses, values.tolist(), strict=True)
    }
    return {
        "pairs": pairs,
        "unmatched": unmatched,
        "refusals": refusals,
        "total": sum((p.score for p in pairs), 0.0),
        "mentor_prices": mentor_prices,
        "business_values": business_values,
        "candidate_pairs": (b_arrays.ids[pool.b], m_arrays.ids[open_index[pool.m]]),
    }


def _main_refusals(b_arrays, m_arrays, rows, chunk_pairs=CHUNK_PAIRS):
    """The most common refusal code of each business in rows against every mentor (ties go to
    the code checked first)."""
    nm = len(m_arrays)
    if nm == 0 or len(rows) == 0:
        return []
    rows = np.asarray(rows, dtype=np.int64)
    codes = []
    step = max(1, chunk_pairs // nm)
    for start in range(0, len(rows), step):
        bi = rows[start : start + step, None]
        refused = matching.pair_refusals(b_arrays, m_arrays, bi, np.arange(nm)[None, :])
        counts = np.stack([(refused == c).sum(axis=1) for c in range(1, 5)], axis=1)
        codes.extend(matching.REFUSALS[c] for c in counts.argmax(axis=1).tolist())
    return codes


def _check_ids(businesses, mentors):
    for kind, rows in (("business", businesses), ("mentor", mentors)):
        ids = [row.id for row in rows]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate {kind} ids")


class _Clock:
    """Seconds spent per step, summed over the rounds."""

    def __init__(self):
        self.seconds = {}
        self._last = time.perf_counter()

    def lap(self, step):
        now = time.perf_counter()
        self.seconds[step] = self.seconds.get(step, 0.0) + now - self._last
        self._last = now
