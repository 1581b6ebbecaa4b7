"""The search contract: written once, run against every backend (see conftest.backend)."""

from datetime import timedelta

from django.utils import timezone

from search.backends.base import Query
from search.normalise import terms

NOW = timezone.now()


def doc(type_, id_, title, *, body="", tags=(), locale="fr", facets=None, **extra):
    return {
        "type": type_,
        "id": str(id_),
        "locale": locale,
        "title": title,
        "tags": list(tags),
        "body": body,
        "url": f"/{locale or 'fr'}/{type_}/{id_}/",
        "date": extra.pop("date", None),
        "expires_at": extra.pop("expires_at", None),
        "facets": {"type": [type_], **(facets or {})},
        "card": {"subtitle": ""},
        **extra,
    }


def ask(backend, text="", **options):
    options.setdefault("now", NOW.isoformat())
    options.setdefault("facets", ())
    return backend.search(Query(text=text, terms=tuple(terms(text)), **options))


def titles(results):
    return [hit.title for hit in results.hits]


CORPUS = [
    doc(
        "business",
        1,
        "Coopérative Saveurs du Sahel",
        body="Cuisine ouest-africaine, traiteur",
        facets={"sector": ["food"], "region": ["rabat-sale-kenitra"], "language": ["fr", "wo"]},
    ),
    doc(
        "business",
        2,
        "Atelier de la couturière",
        body="Retouches et robes sur mesure",
        facets={"sector": ["textile"], "region": ["rabat-sale-kenitra"], "language": ["fr"]},
    ),
    doc(
        "business",
        3,
        "Boulangerie Al Amal",
        body="Pain et msemen chaque matin",
        tags=["pain"],
        facets={"sector": ["food"], "region": ["tanger-tetouan-al-hoceima"], "language": ["ar"]},
    ),
    doc(
        "business",
        4,
        "تعاونية النور للصناعة التقليدية",
        locale="ar",
        body="زرابي وسلال",
        facets={"sector": ["crafts"], "region": ["tanger-tetouan-al-hoceima"], "language": ["ar"]},
    ),
    doc(
        "page",
        5,
        "دليل اعمال المقاولين",
        locale="ar",
        body="كيف تبدأ مشروعك",
        facets={"kind": ["guide"], "language": ["ar"]},
    ),
    doc(
        "mentor",
        6,
        "Karim Tazi",
        body="Expert-comptable",
        tags=["comptabilité", "miel"],
        facets={"topic": ["accounting"], "language": ["fr", "ar"]},
    ),
    doc(
        "offer",
        7,
        "Pot de miel de thym",
        body="Miel récolté à Chefchaouen",
        facets={"sector": ["food"], "region": ["tanger-tetouan-al-hoceima"]},
    ),
    doc(
        "offer",
        8,
        "Panier du terroir",
        body="Confitures, huile d'argan et miel",
        facets={"sector": ["food"], "region": ["rabat-sale-kenitra"]},
    ),
]


def load(backend, documents=CORPUS):
    backend.index(documents)
    return backend


def test_accents_do_not_matter(backend):
    load(backend)
    assert titles(ask(backend, "cooperative")) == ["Coopérative Saveurs du Sahel"]
    assert titles(ask(backend, "couturiere")) == ["Atelier de la couturière"]
    assert titles(ask(backend, "COOPÉRATIVE saveurs")) == ["Coopérative Saveurs du Sahel"]


def test_a_word_cut_short_still_finds(backend):
    load(backend)
    assert titles(ask(backend, "boulangeri")) == ["Boulangerie Al Amal"]


def test_a_typo_finds_the_word_meant(backend):
    load(backend)
    results = ask(backend, "boulangrie")
    assert titles(results) == ["Boulangerie Al Amal"]


def test_arabic_spelling_variants_agree(backend):
    load(backend)
    assert titles(ask(backend, "تعاونيه")) == ["تعاونية النور للصناعة التقليدية"]
    assert titles(ask(backend, "أعمال")) == ["دليل اعمال المقاولين"]


def test_names_and_tags_weigh_more_than_descriptions(backend):
    load(backend)
    found = titles(ask(backend, "miel"))
    assert set(found) == {"Pot de miel de thym", "Panier du terroir", "Karim Tazi"}
    assert found[-1] == "Panier du terroir"  # only in its description


def test_filters_and_facet_counts_for_the_other_filters(backend):
    load(backend)
    results = ask(
        backend,
        types=("business",),
        filters={"sector": ("food",)},
        facets=("sector", "region"),
    )
    assert sorted(titles(results)) == ["Boulangerie Al Amal", "Coopérative Saveurs du Sahel"]
    assert results.total == 2
    # Sector counts ignore the sector filter (so other choices stay visible)...
    assert dict(results.facets["sector"]) == {"food": 2, "textile": 1, "crafts": 1}
    # ...region counts apply it.
    assert dict(results.facets["region"]) == {
        "rabat-sale-kenitra": 1,
        "tanger-tetouan-al-hoceima": 1,
    }
    both = ask(
        backend, filters={"sector": ("food", "crafts"), "region": ("tanger-tetouan-al-hoceima",)}
    )
    assert sorted(titles(both)) == [
        "Boulangerie Al Amal",
        "Pot de miel de thym",
        "تعاونية النور للصناعة التقليدية",
    ]


def test_type_filter_and_type_counts(backend):
    load(backend)
    results = ask(backend, "miel", facets=("type",))
    assert dict(results.facets["type"]) == {"offer": 2, "mentor": 1}
    only = ask(backend, "miel", types=("offer",), facets=("type",))
    assert only.total == 2 and {hit.type for hit in only.hits} == {"offer"}


def test_pages_of_results(backend):
    load(backend, [doc("offer", n, f"Tapis numéro {n:02d}", body="tapis") for n in range(25)])
    first = ask(backend, "tapis", per_page=10, sort="title")
    last = ask(backend, "tapis", per_page=10, page=3, sort="title")
    assert first.total == last.total == 25
    assert titles(first)[0] == "Tapis numéro 00" and len(titles(last)) == 5
    assert not set(titles(first)) & set(titles(last))


def test_expired_documents_are_left_out(backend):
    load(
        backend,
        [
            doc(
                "opportunity",
                1,
                "Fonds d'amorçage",
                expires_at=(NOW + timedelta(days=3)).isoformat(),
            ),
            doc(
                "opportunity",
                2,
                "Fonds de garantie",
                expires_at=(NOW - timedelta(hours=1)).isoformat(),
            ),
        ],
    )
    assert titles(ask(backend, "fonds")) == ["Fonds d'amorçage"]


def test_the_readers_translation_of_a_page_is_shown(backend):
    load(
        backend,
        [
            doc("page", 10, "Devenir auto-entrepreneur", locale="fr", group="g1"),
            doc("page", 11, "أن تصبح مقاولا ذاتيا auto-entrepreneur", locale="ar", group="g1"),
            doc("page", 12, "Guide auto-entrepreneur (fr only)", locale="fr", group="g2"),
        ],
    )
    in_arabic = titles(ask(backend, "auto entrepreneur", language="ar"))
    assert sorted(in_arabic) == [
        "Guide auto-entrepreneur (fr only)",
        "أن تصبح مقاولا ذاتيا auto-entrepreneur",
    ]
    in_french = titles(ask(backend, "auto entrepreneur", language="fr"))
    assert sorted(in_french) == ["Devenir auto-entrepreneur", "Guide auto-entrepreneur (fr only)"]


def test_autocomplete_from_two_characters_on_names_and_tags(backend):
    load(backend)
    assert backend.suggest("b") == []
    assert "Boulangerie Al Amal" in [s["title"] for s in backend.suggest("bo")]
    assert "Karim Tazi" in [s["title"] for s in backend.suggest("compta")]  # a tag
    assert "تعاونية النور للصناعة التقليدية" in [s["title"] for s in backend.suggest("تعا")]


def test_replacing_and_deleting_documents(backend):
    load(backend)
    backend.index(
        [doc("business", 3, "Boulangerie Al Amal (fermée le lundi)", facets={"sector": ["food"]})]
    )
    assert titles(ask(backend, "boulangerie")) == ["Boulangerie Al Amal (fermée le lundi)"]
    backend.delete("business", ["3", "999"])
    assert ask(backend, "boulangerie").total == 0
    assert "3" not in backend.ids("business")
    assert backend.ids("business") == {"1", "2", "4"}


def test_nothing_found_is_an_empty_answer(backend):
    load(backend)
    results = ask(backend, "zzzzqqqq", facets=("sector",))
    assert results.total == 0 and results.hits == []
