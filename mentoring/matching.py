"""Which mentor for which business: hard constraints, a weighted score and its reasons.

Pure: no database, no Django import, no I/O. Callers turn their rows into `MentorFacts` and
`BusinessFacts`, pass the weights (settings.MENTORING_MATCH_WEIGHTS) and get `Match`es back.

Two forms of the same rules:
- the scalar one (`refusal`, `score`, `suggest`, `rank_requests`) reads like the rules and says
  why a mentor is proposed (`Reason`s, shown to people);
- the vectorised one (`encode`, `pair_refusals`, `pair_scores`, `score_matrix`) computes the
  same numbers with numpy on whole cohorts, sets being bitmasks in uint64 so that "shared
  languages" is `a & b != 0` and "shared needs" is `bitwise_count(a & b)`. mentoring.assignment
  uses it; a test checks that both forms agree on random instances.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# The soft criteria, in the order their reasons are listed (after "languages").
CRITERIA = ("expertise", "sector", "region", "experience", "load")
# Years of experience beyond this count as this: 15 years and 30 years are both "seasoned".
EXPERIENCE_CAP = 15
# Every feasible pair scores at least FLOOR (out of 100), even with all criteria at 0. The cohort
# assignment maximises the sum of the scores: a pair worth 0 would add nothing, so the solver
# would be free to leave a business without a mentor while a seat it could take stays empty.
# With a positive floor, matching one more feasible pair always raises the total, so weak but
# acceptable pairs are made rather than dropped. The rest of the scale is stretched to 100.
FLOOR = 1.0
# Meeting only in person: formats empty or {"in_person"}. Any other format works from afar.
IN_PERSON = "in_person"
# Refusal codes, in the order they are checked. The vectorised form returns their index (0 is
# "feasible").
REFUSALS = ("paused", "full", "language", "region")
REFUSAL_CODES = (None, *REFUSALS)


@dataclass(frozen=True)
class MentorFacts:
    id: int
    languages: frozenset[str]
    regions: frozenset[str]
    formats: frozenset[str]
    topics: frozenset[str]
    sectors: frozenset[str]
    years_experience: int
    capacity: int
    active: int  # current active mentees
    paused: bool

    @property
    def free(self) -> int:
        return max(self.capacity - self.active, 0)

    @property
    def remote(self) -> bool:
        """Whether the mentor also meets by video or phone (so anywhere)."""
        return bool(self.formats - {IN_PERSON})


@dataclass(frozen=True)
class BusinessFacts:
    id: int
    languages: frozenset[str]
    region: str
    sector: str
    needs: frozenset[str]


@dataclass(frozen=True)
class Reason:
    kind: str  # "languages", "expertise", "sector", "region", "experience" or "load"
    values: tuple


@dataclass(frozen=True)
class Match:
    mentor_id: int
    business_id: int
    score: float  # FLOOR..100, not rounded
    reasons: tuple[Reason, ...]


# --- Weights ---------------------------------------------------------------------------------


def normalised_weights(weights: Mapping[str, float], *, with_load: bool = True) -> tuple:
    """The five weights in CRITERIA order, divided by their sum. A missing criterion weighs 0;
    an unknown key is refused (a typo in the settings must not silently drop a criterion)."""
    unknown = set(weights) - set(CRITERIA)
    if unknown:
        raise ValueError(f"unknown matching criteria: {sorted(unknown)}")
    raw = [float(weights.get(kind, 0)) for kind in CRITERIA]
    if not with_load:
        raw[CRITERIA.index("load")] = 0.0
    if any(w < 0 for w in raw):
        raise ValueError("matching weights must not be negative")
    total = sum(raw)
    if total <= 0:
        raise ValueError("matching weights must not all be zero")
    return tuple(w / total for w in raw)


def _total(fractions: Sequence[float], criteria: Sequence[float]) -> float:
    weighted = 0.0
    for w, c in zip(fractions, criteria, strict=True):
        weighted += w * c
    return FLOOR + (100.0 - FLOOR) * weighted


# --- Scalar form -----------------------------------------------------------------------------


def refusal(business: BusinessFacts, mentor: MentorFacts) -> str | None:
    """The first hard constraint that rules the pair out, or None if the pair is feasible."""
    if mentor.paused:
        return "paused"
    if mentor.free <= 0:
        return "full"
    return _place_refusal(business, mentor)


def _place_refusal(business: BusinessFacts, mentor: MentorFacts) -> str | None:
    """The constraints that hold whatever the mentor's load: a language, and a place to meet."""
    if not business.languages & mentor.languages:
        return "language"
    if not mentor.remote and business.region not in mentor.regions:
        return "region"
    return None


def _match(business: BusinessFacts, mentor: MentorFacts, fractions, with_load: bool) -> Match:
    shared_needs = business.needs & mentor.topics
    expertise = len(shared_needs) / len(business.needs) if business.needs else 0.0
    sector = 1.0 if business.sector in mentor.sectors else 0.0
    region = 1.0 if business.region in mentor.regions else 0.0
    experience = min(max(mentor.years_experience, 0), EXPERIENCE_CAP) / EXPERIENCE_CAP
    load = mentor.free / mentor.capacity if with_load and mentor.capacity > 0 else 0.0

    reasons = [Reason("languages", tuple(sorted(business.languages & mentor.languages)))]
    if shared_needs:
        reasons.append(Reason("expertise", tuple(sorted(shared_needs))))
    if sector:
        reasons.append(Reason("sector", (business.sector,)))
    if region:
        reasons.append(Reason("region", (business.region,)))
    if mentor.years_experience > 0:
        reasons.append(Reason("experience", (mentor.years_experience,)))
    if with_load and mentor.free > 0:
        reasons.append(Reason("load", (mentor.free,)))
    return Match(
        mentor_id=mentor.id,
        business_id=business.id,
        score=_total(fractions, (expertise, sector, region, experience, load)),
        reasons=tuple(reasons),
    )


def score(
    business: BusinessFacts, mentor: MentorFacts, weights: Mapping[str, float]
) -> Match | None:
    """The pair's score out of 100 and its reasons, or None if a hard constraint refuses it."""
    if refusal(business, mentor) is not None:
        return None
    return _match(business, mentor, normalised_weights(weights), with_load=True)


def suggest(
    business: BusinessFacts,
    mentors: Iterable[MentorFacts],
    weights: Mapping[str, float],
    limit: int | None = 5,
) -> list[Match]:
    """The best feasible mentors for a business: score descending, then mentor id."""
    fractions = normalised_weights(weights)
    matches = [
        _match(business, mentor, fractions, with_load=True)
        for mentor in mentors
        if refusal(business, mentor) is None
    ]
    matches.sort(key=lambda m: (-m.score, m.mentor_id))
    return matches if limit is None else matches[:limit]


def rank_requests(
    mentor: MentorFacts, businesses: Iterable[BusinessFacts], weights: Mapping[str, float]
) -> list[Match]:
    """The businesses asking a mentor, best first (then business id), for the mentor's view.

    Only the language and the place constraints apply: a mentor with pending requests may be
    paused or full and still wants to see them in order. The load criterion is left out (it is
    the same for every request, and is 0 when the mentor is full) and the other weights are
    scaled up so the scores stay out of 100."""
    fractions = normalised_weights(weights, with_load=False)
    matches = [
        _match(business, mentor, fractions, with_load=False)
        for business in businesses
        if _place_refusal(business, mentor) is None
    ]
    matches.sort(key=lambda m: (-m.score, m.business_id))
    return matches


# --- Vectorised form -------------------------------------------------------------------------


@dataclass(frozen=True)
class Codebook:
    """Bit of each code, per vocabulary (bit i stands for 1 << i in a uint64)."""

    languages: dict
    regions: dict
    sectors: dict
    topics: dict

    def mask(self, vocabulary: str, codes: Iterable[str]) -> int:
        bits = getattr(self, vocabulary)
        value = 0
        for code in codes:
            value |= 1 << bits[code]
        return value


@dataclass(frozen=True)
class BusinessArrays:
    ids: np.ndarray  # int64
    languages: np.ndarray  # uint64 masks
    region: np.ndarray  # uint64, one bit
    sector: np.ndarray  # uint64, one bit
    needs: np.ndarray  # uint64 masks
    inverse_needs: np.ndarray  # float64, 1 / |needs| (0 when there are none)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class MentorArrays:
    ids: np.ndarray  # int64
    languages: np.ndarray  # uint64 masks
    regions: np.ndarray  # uint64 masks
    sectors: np.ndarray  # uint64 masks
    topics: np.ndarray  # uint64 masks
    remote: np.ndarray  # bool
    years: np.ndarray  # int64
    capacity: np.ndarray  # int64
    free: np.ndarray  # int64
    paused: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, indices) -> "MentorArrays":
        """The mentors at these positions, in that order."""
        return MentorArrays(**{name: getattr(self, name)[indices] for name in _MENTOR_FIELDS})


_MENTOR_FIELDS = tuple(MentorArrays.__dataclass_fields__)


def codebook(businesses: Sequence[BusinessFacts], mentors: Sequence[MentorFacts]) -> Codebook:
    """One bit per code seen in the cohort (sorted, so the encoding is deterministic). Codes
    are collected rather than fixed, so a code added to a vocabulary later still works; a
    vocabulary is limited to 64 codes (one uint64)."""
    vocabularies = {"languages": set(), "regions": set(), "sectors": set(), "topics": set()}
    for b in businesses:
        vocabularies["languages"] |= b.languages
        vocabularies["regions"].add(b.region)
        vocabularies["sectors"].add(b.sector)
        vocabularies["topics"] |= b.needs
    for m in mentors:
        vocabularies["languages"] |= m.languages
        vocabularies["regions"] |= m.regions
        vocabularies["sectors"] |= m.sectors
        vocabularies["topics"] |= m.topics
    bits = {}
    for name, codes in vocabularies.items():
        if len(codes) > 64:
            raise ValueError(f"more than 64 distinct {name} codes cannot be encoded")
        bits[name] = {code: i for i, code in enumerate(sorted(codes))}
    return Codebook(**bits)


def encode(
    businesses: Sequence[BusinessFacts],
    mentors: Sequence[MentorFacts],
    book: Codebook | None = None,
) -> tuple[BusinessArrays, MentorArrays]:
    """The cohort as arrays, rows in the order of the given sequences."""
    book = book or codebook(businesses, mentors)

    def masks(vocabulary, rows):
        return np.array([book.mask(vocabulary, codes) for codes in rows], dtype=np.uint64)

    needs_count = np.array([len(b.needs) for b in businesses], dtype=np.float64)
    with np.errstate(divide="ignore"):
        inverse_needs = np.where(needs_count > 0, 1.0 / needs_count, 0.0)
    b = BusinessArrays(
        ids=np.array([b.id for b in businesses], dtype=np.int64),
        languages=masks("languages", [b.languages for b in businesses]),
        region=masks("regions", [(b.region,) for b in businesses]),
        sector=masks("sectors", [(b.sector,) for b in businesses]),
        needs=masks("topics", [b.needs for b in businesses]),
        inverse_needs=inverse_needs,
    )
    m = MentorArrays(
        ids=np.array([m.id for m in mentors], dtype=np.int64),
        languages=masks("languages", [m.languages for m in mentors]),
        regions=masks("regions", [m.regions for m in mentors]),
        sectors=masks("sectors", [m.sectors for m in mentors]),
        topics=masks("topics", [m.topics for m in mentors]),
        remote=np.array([m.remote for m in mentors], dtype=bool),
        years=np.array([m.years_experience for m in mentors], dtype=np.int64),
        capacity=np.array([m.capacity for m in mentors], dtype=np.int64),
        free=np.array([m.free for m in mentors], dtype=np.int64),
        paused=np.array([m.paused for m in mentors], dtype=bool),
    )
    return b, m


def pair_refusals(b: BusinessArrays, m: MentorArrays, bi, mi) -> np.ndarray:
    """Refusal of each pair (bi[k], mi[k]) as an index into REFUSAL_CODES (0: feasible).

    `bi` and `mi` are index arrays broadcast against each other: `bi[:, None]` and
    `mi[None, :]` give the matrix of every business of bi against every mentor of mi."""
    bi, mi = np.broadcast_arrays(np.asarray(bi), np.asarray(mi))
    codes = np.zeros(bi.shape, dtype=np.uint8)
    region_ok = m.remote[mi] | ((b.region[bi] & m.regions[mi]) != 0)
    language_ok = (b.languages[bi] & m.languages[mi]) != 0
    # Later checks first, so that the earlier ones overwrite them: the first refusal wins.
    codes[~region_ok] = 4
    codes[~language_ok] = 3
    codes[m.free[mi] <= 0] = 2
    codes[m.paused[mi]] = 1
    return codes


def feasible_pairs(b: BusinessArrays, m: MentorArrays, bi, mi) -> np.ndarray:
    """Whether each pair is feasible (same broadcasting as pair_refusals)."""
    language_ok = (b.languages[bi] & m.languages[mi]) != 0
    region_ok = m.remote[mi] | ((b.region[bi] & m.regions[mi]) != 0)
    open_ = ~m.paused[mi] & (m.free[mi] > 0)
    return language_ok & region_ok & open_


def mentor_terms(m: MentorArrays, weights: Mapping[str, float]) -> np.ndarray:
    """The part of the weighted sum that depends on the mentor alone (experience and load),
    computed once per mentor rather than once per pair."""
    fractions = normalised_weights(weights)
    experience = np.minimum(np.maximum(m.years, 0), EXPERIENCE_CAP) / EXPERIENCE_CAP
    with np.errstate(divide="ignore", invalid="ignore"):
        load = np.where(m.capacity > 0, m.free / np.maximum(m.capacity, 1), 0.0)
    return fractions[3] * experience + fractions[4] * load


def pair_scores(
    b: BusinessArrays,
    m: MentorArrays,
    bi,
    mi,
    weights: Mapping[str, float],
    *,
    terms: np.ndarray | None = None,
) -> np.ndarray:
    """Score of each pair (same broadcasting as pair_refusals), whether feasible or not; equal
    to score(...).score for the feasible ones (within float rounding, ~1e-13).

    `terms` may pass mentor_terms(m, weights) computed once, for callers that loop on chunks."""
    fractions = normalised_weights(weights)
    if terms is None:
        terms = mentor_terms(m, weights)
    expertise = np.bitwise_count(b.needs[bi] & m.topics[mi]) * b.inverse_needs[bi]
    sector = (b.sector[bi] & m.sectors[mi]) != 0
    region = (b.region[bi] & m.regions[mi]) != 0
    weighted = fractions[0] * expertise + fractions[1] * sector + fractions[2] * region
    weighted += terms[mi]
    return FLOOR + (100.0 - FLOOR) * weighted


def score_matrix(
    businesses: Sequence[BusinessFacts],
    mentors: Sequence[MentorFacts],
    weights: Mapping[str, float],
) -> np.ndarray:
    """Scores of every business (rows) against every mentor (columns), NaN where refused.
    Memory grows with rows x columns: for large cohorts use pair_scores on chunks."""
    b, m = encode(businesses, mentors)
    bi = np.arange(len(b))[:, None]
    mi = np.arange(len(m))[None, :]
    scores = pair_scores(b, m, bi, mi, weights)
    scores[~feasible_pairs(b, m, bi, mi)] = np.nan
    return scores
