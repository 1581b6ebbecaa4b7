"""Time, memory and exactness of the cohort assignment (mentoring.assignment) on generated
cohorts shaped like the programme's.

Run: .venv/bin/python bench/matching.py [--sizes 400x50,10000x1000,50000x5000] [--seed 1]
Needs no database and no Django settings: matching and assignment are pure.

Each size runs in a fresh child process, so that ru_maxrss (the peak resident memory, which
never goes down) is that size's own. In it:
1. the assignment is timed (no tracing), ru_maxrss read afterwards;
2. it is run again under tracemalloc for the peak of Python and numpy allocations (OR-Tools'
   C++ memory is not traced, ru_maxrss has it);
3. an independent exact solution: the linear program solved by SciPy's HiGHS. On all feasible
   pairs when there are at most --full-lp-pairs of them (3 million by default: the 5.7 million
   of 10000x1000 took HiGHS 40 s and 5 GB on a 2-core machine); otherwise on the assignment's final
   candidates, and HiGHS's own duals are then checked against every feasible pair: if none is
   violated, the LP total is the optimum of the whole cohort. The duals, repaired so that they
   cover every pair, also give an upper bound of the optimum whatever happens.
The assignment optimises scores rounded to 1/1000 (its integer costs); the LP uses the float
scores, so the two totals may differ by up to min(businesses, seats) / 1000.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mentoring import assignment, matching  # noqa: E402
from mentoring.matching import BusinessFacts, MentorFacts  # noqa: E402

WEIGHTS = {"expertise": 40, "sector": 20, "region": 15, "experience": 10, "load": 15}
GOAL_SECONDS = {"10000x1000": 5.0}
DEFAULT_SIZES = "400x50,10000x1000,50000x5000"

REGIONS = [
    "casablanca-settat",
    "rabat-sale-kenitra",
    "tanger-tetouan-al-hoceima",
    "fes-meknes",
    "marrakech-safi",
    "oriental",
    "souss-massa",
    "beni-mellal-khenifra",
    "draa-tafilalet",
    "guelmim-oued-noun",
    "laayoune-sakia-el-hamra",
    "dakhla-oued-ed-dahab",
]
# Two main regions (where most migrants settle and most volunteers live), the rest spread.
REGION_P = np.array([0.38, 0.27] + [0.35 / 10] * 10)
TOPICS = [
    "funding",
    "accounting",
    "legal-status",
    "marketing",
    "digital",
    "training",
    "premises",
    "mentoring",
]
NEED_P = np.array([0.26, 0.14, 0.16, 0.14, 0.1, 0.08, 0.07, 0.05])
SECTORS = [
    "agriculture",
    "crafts",
    "food",
    "beauty",
    "textile",
    "trade",
    "services",
    "it",
    "transport",
    "construction",
    "education",
    "other",
]
SECTOR_P = np.array([0.04, 0.1, 0.2, 0.12, 0.1, 0.2, 0.1, 0.04, 0.03, 0.03, 0.02, 0.02])
# Probability that a business owner (mostly from West and Central Africa) or a mentor
# (mostly Moroccan volunteers) speaks each language.
LANGUAGES = ["ar", "ary", "zgh", "fr", "en", "es", "wo", "bm", "ff", "ln", "pt"]
BUSINESS_SPEAKS = [0.08, 0.45, 0.01, 0.75, 0.18, 0.03, 0.14, 0.09, 0.07, 0.05, 0.03]
MENTOR_SPEAKS = [0.7, 0.92, 0.15, 0.8, 0.4, 0.15, 0.02, 0.01, 0.01, 0.01, 0.02]
FORMATS = [
    frozenset({"in_person"}),
    frozenset({"in_person", "video"}),
    frozenset({"video", "phone"}),
    frozenset({"in_person", "video", "phone"}),
]
FORMAT_P = [0.35, 0.3, 0.15, 0.2]


def _languages(rng, probabilities):
    spoken = [code for code, p in zip(LANGUAGES, probabilities, strict=True) if rng.random() < p]
    return frozenset(spoken or [LANGUAGES[int(np.argmax(probabilities))]])


def _some(rng, codes, probabilities, low, high):
    count = int(rng.integers(low, high + 1))
    return frozenset(rng.choice(codes, size=count, replace=False, p=probabilities).tolist())


def cohort(n_businesses, n_mentors, seed):
    rng = np.random.default_rng(seed)
    businesses = [
        BusinessFacts(
            id=i + 1,
            languages=_languages(rng, BUSINESS_SPEAKS),
            region=str(rng.choice(REGIONS, p=REGION_P)),
            sector=str(rng.choice(SECTORS, p=SECTOR_P)),
            needs=_some(rng, TOPICS, NEED_P, 1, 3),
        )
        for i in range(n_businesses)
    ]
    mentors = []
    for j in range(n_mentors):
        capacity = int(rng.integers(1, 6))
        mentors.append(
            MentorFacts(
                id=j + 1,
                languages=_languages(rng, MENTOR_SPEAKS),
                regions=_some(rng, REGIONS, REGION_P, 1, 2),
                formats=FORMATS[rng.choice(len(FORMATS), p=FORMAT_P)],
                topics=_some(rng, TOPICS, NEED_P, 1, 4),
                sectors=_some(rng, SECTORS, SECTOR_P, 1, 3),
                years_experience=int(rng.integers(0, 31)),
                capacity=capacity,
                active=int(rng.binomial(capacity, 0.3)),
                paused=bool(rng.random() < 0.05),
            )
        )
    return businesses, mentors


# --- Independent check with HiGHS ------------------------------------------------------------


def _feasible_count(b, m, chunk_pairs=1 << 21):
    count = 0
    rows = max(1, chunk_pairs // max(len(m), 1))
    mi = np.arange(len(m))[None, :]
    for start in range(0, len(b), rows):
        bi = np.arange(start, min(len(b), start + rows))[:, None]
        count += int(np.count_nonzero(matching.feasible_pairs(b, m, bi, mi)))
    return count


def _all_feasible_pairs(b, m, chunk_pairs=1 << 21):
    """Every feasible pair (business position, mentor position, float score)."""
    parts = []
    rows = max(1, chunk_pairs // max(len(m), 1))
    mi = np.arange(len(m))[None, :]
    for start in range(0, len(b), rows):
        bi = np.arange(start, min(len(b), start + rows))[:, None]
        feasible = matching.feasible_pairs(b, m, bi, mi)
        r, c = np.nonzero(feasible)
        scores = matching.pair_scores(b, m, bi, mi, WEIGHTS)[r, c]
        parts.append((r + start, c, scores))
    return tuple(np.concatenate(p) for p in zip(*parts, strict=True))


def _lp(nb, free, pair_b, pair_m, scores):
    """max sum s x  s.t.  each business <= 1, each mentor <= free, 0 <= x <= 1 (HiGHS)."""
    n = len(scores)
    columns = np.arange(n)
    a_ub = sparse.csr_matrix(
        (np.ones(2 * n), (np.concatenate([pair_b, nb + pair_m]), np.concatenate([columns] * 2))),
        shape=(nb + len(free), n),
    )
    b_ub = np.concatenate([np.ones(nb), free])
    started = time.perf_counter()
    res = linprog(-scores, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    seconds = time.perf_counter() - started
    if res.status != 0:
        raise RuntimeError(res.message)
    # linprog minimises -score: the marginals are <= 0, the dual prices are their opposite.
    duals = -res.ineqlin.marginals
    return -res.fun, duals[:nb], duals[nb:], seconds


def _repaired_bound(b, m, values, prices, chunk_pairs=1 << 21):
    """Check HiGHS's duals against every feasible pair: the largest violation
    s_bm - u_m - v_b, and the dual objective after raising each v_b to cover its pairs (an
    upper bound of the optimum over all pairs, by weak duality)."""
    values = values.copy()
    worst = -np.inf
    rows = max(1, chunk_pairs // max(len(m), 1))
    mi = np.arange(len(m))[None, :]
    for start in range(0, len(b), rows):
        stop = min(len(b), start + rows)
        bi = np.arange(start, stop)[:, None]
        reduced = matching.pair_scores(b, m, bi, mi, WEIGHTS) - prices[None, :]
        reduced[~matching.feasible_pairs(b, m, bi, mi)] = -np.inf
        best = reduced.max(axis=1)
        worst = max(worst, float((best - values[start:stop]).max()))
        values[start:stop] = np.maximum(values[start:stop], best)
    return worst, float(values.sum() + (m.free * prices).sum())


# --- One size --------------------------------------------------------------------------------


def run_size(label, seed, full_lp_pairs):
    n_businesses, n_mentors = (int(x) for x in label.split("x"))
    businesses, mentors = cohort(n_businesses, n_mentors, seed)
    b, m = matching.encode(businesses, mentors)
    seats = int(m.free[~m.paused].sum())

    started = time.perf_counter()
    result = assignment.assign(businesses, mentors, WEIGHTS)
    seconds = time.perf_counter() - started
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    tracemalloc.start()
    assignment.assign(businesses, mentors, WEIGHTS)
    traced_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    out = {
        "size": label,
        "businesses": n_businesses,
        "mentors": n_mentors,
        "seats": seats,
        "seconds": seconds,
        "steps": result.seconds,
        "tracemalloc_peak_mb": traced_peak_mb,
        "maxrss_mb": maxrss_mb,
        "matched": len(result.pairs),
        "unmatched": _count(result.unmatched.values()),
        "total": result.total,
        "rounded_total": result.scaled_total / result.scale,
        "dual_total": result.dual_total,
        "rounds": result.rounds,
        "optimal": result.optimal,
        "candidates": len(result.candidate_pairs[0]),
        "checked_pairs": result.checked_pairs,
    }

    # The independent solution.
    started = time.perf_counter()
    out["feasible_pairs"] = _feasible_count(b, m)
    free = np.where(m.paused, 0, m.free).astype(float)
    if out["feasible_pairs"] <= full_lp_pairs:
        pair_b, pair_m, scores = _all_feasible_pairs(b, m)
        out["lp_on"] = "all feasible pairs"
        out["lp_total"], _, _, out["lp_seconds"] = _lp(len(b), free, pair_b, pair_m, scores)
        out["lp_certified"] = True
    else:
        position = {mentor.id: j for j, mentor in enumerate(mentors)}
        cand_b = result.candidate_pairs[0] - 1  # ids are positions + 1 in these cohorts
        cand_m = np.array([position[i] for i in result.candidate_pairs[1].tolist()])
        cand_s = matching.pair_scores(b, m, cand_b, cand_m, WEIGHTS)
        out["lp_on"] = "the assignment's candidates"
        total, values, prices, out["lp_seconds"] = _lp(len(b), free, cand_b, cand_m, cand_s)
        out["lp_total"] = total
        worst, bound = _repaired_bound(b, m, values, prices)
        out["lp_worst_violation"] = worst
        out["lp_upper_bound"] = bound
        out["lp_certified"] = worst <= 1e-6
    out["check_seconds"] = time.perf_counter() - started
    out["gap"] = out["lp_total"] - result.total
    out["tolerance"] = min(n_businesses, seats) / assignment.SCALE
    return out


def _count(values):
    counts = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return counts


def report(out):
    print(f"== {out['size']}: {out['businesses']} businesses x {out['mentors']} mentors")
    print(f"   open seats {out['seats']}, feasible pairs {out['feasible_pairs']:,}")
    steps = ", ".join(f"{k} {v:.3f}" for k, v in out["steps"].items())
    print(f"   assignment: {out['seconds']:.3f} s  ({steps})")
    print(
        f"   memory: tracemalloc peak {out['tracemalloc_peak_mb']:.1f} MB, "
        f"ru_maxrss {out['maxrss_mb']:.0f} MB (whole process, cohort objects included)"
    )
    print(f"   matched {out['matched']}, unmatched {out['unmatched']}, total {out['total']:.3f}")
    print(
        f"   certificate: objective on the rounded scores {out['rounded_total']:.3f}, "
        f"dual objective {out['dual_total']:.3f}"
    )
    print(
        f"   rounds {out['rounds']}, optimal {out['optimal']}, candidates {out['candidates']:,},"
        f" pairs scored by the dual check {out['checked_pairs']:,}"
    )
    print(
        f"   HiGHS LP on {out['lp_on']}: total {out['lp_total']:.3f} "
        f"in {out['lp_seconds']:.2f} s (+ {out['check_seconds'] - out['lp_seconds']:.2f} s "
        "building/checking)"
    )
    if "lp_worst_violation" in out:
        print(
            f"   HiGHS duals against every feasible pair: worst violation "
            f"{out['lp_worst_violation']:.2e} -> "
            f"{'optimum of the whole cohort' if out['lp_certified'] else 'NOT certified'}; "
            f"upper bound from repaired duals {out['lp_upper_bound']:.3f}"
        )
    within = abs(out["gap"]) <= out["tolerance"] + 1e-6
    print(
        f"   gap LP - assignment {out['gap']:+.4f} (rounding tolerance {out['tolerance']:.3f}): "
        f"{'exact' if within and out['lp_certified'] else 'CHECK'}"
    )
    goal = GOAL_SECONDS.get(out["size"])
    if goal is not None:
        verdict = "met" if out["seconds"] <= goal else f"MISSED by {out['seconds'] - goal:.2f} s"
        print(f"   goal {goal:.0f} s: {verdict}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated BxM sizes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--full-lp-pairs",
        type=int,
        default=3_000_000,
        help="largest number of feasible pairs for the LP on all of them",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if args.child:
        print(json.dumps(run_size(sizes[0], args.seed, args.full_lp_pairs)))
        return
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"python {sys.version.split()[0]}, numpy {np.__version__}, seed {args.seed}"
    )
    for size in sizes:
        command = [sys.executable, __file__, "--child", "--sizes", size, "--seed", str(args.seed)]
        command += ["--full-lp-pairs", str(args.full_lp_pairs)]
        child = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if child.returncode != 0:
            print(f"== {size}: failed\n{child.stderr}")
            continue
        report(json.loads(child.stdout.splitlines()[-1]))


if __name__ == "__main__":
    main()
