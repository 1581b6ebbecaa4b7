"""The Elasticsearch backend against osmem-server: what is particular to it (index layout,
rebuild by alias swap, disjunctive facets, completion, failing fast). The behaviour every
backend shares is in test_contract.py."""

import re
import time

import pytest

from search.backends import elasticsearch as es_module
from search.backends.base import BackendUnavailable, Query
from search.backends.elasticsearch import ElasticsearchBackend
from search.normalise import terms
from tests.search.es_server import (  # noqa: F401 - fixtures
    es_backend_factory_fixture,
    es_backend_fixture,
    es_client_fixture,
    es_server_fixture,
)

NOW = "2026-06-01T12:00:00+00:00"


def document(type_, id_, title, *, tags=(), body="", locale="fr", facets=None, **extra):
    return {
        "type": type_,
        "id": str(id_),
        "locale": locale,
        "title": title,
        "tags": list(tags),
        "body": body,
        "url": f"/{type_}/{id_}/",
        "date": None,
        "expires_at": None,
        "facets": facets or {},
        "card": {"subtitle": f"{type_} {id_}"},
        **extra,
    }


def query(text="", **options):
    return Query(text=text, terms=tuple(terms(text)), now=NOW, **options)


def found(results):
    return [(hit.type, hit.id) for hit in results.hits]


def test_one_index_per_type_behind_an_alias(es_backend, es_client):
    business = document(
        "business", 1, "Boulangerie du Coin", tags=["Pain"], facets={"sector": ["food"]}
    )
    es_backend.index([business, document("offer", 7, "Pain complet")])

    aliases = es_client.indices.get_alias(index=f"{es_backend.prefix}-*").body
    for type_ in ("business", "offer"):
        alias = f"{es_backend.prefix}-{type_}"
        behind = [name for name, info in aliases.items() if alias in info["aliases"]]
        assert len(behind) == 1
        assert re.fullmatch(rf"{alias}-\d+", behind[0])
    assert len(aliases) == 2  # no index for types never written

    name = es_backend.layout(["business"])["business"]["live"][0]
    mapping = es_client.indices.get_mapping(index=name).body[name]["mappings"]
    properties = mapping["properties"]
    assert properties["title_folded"]["type"] == "text"
    assert properties["title"]["analyzer"] == "french_folded"
    assert properties["title"]["fields"]["ar"]["analyzer"] == "arabic_normalised"
    assert properties["f_sector"]["type"] == "keyword"
    assert properties["f_type"]["type"] == "keyword"
    assert properties["suggest"]["type"] == "completion"
    assert properties["card"]["enabled"] is False

    # The stored document comes back as it was given.
    results = es_backend.search(query("boulangerie"))
    assert found(results) == [("business", "1")]
    assert results.hits[0].document == business
    assert results.backend == "elasticsearch"


def test_matching_highlights_and_expiry(es_backend):
    es_backend.index(
        [
            document("business", 1, "Boulangerie du Coin", body="Pain frais et croissants"),
            document("business", 2, "Coopérative Atlas", body="Tapis <berbères>"),
            document("business", 3, "تعاونية الأمل", locale="ar"),
            document("opportunity", 4, "Formation boulangerie", expires_at=NOW),
            document("opportunity", 5, "Boulangerie avancée", expires_at="2027-01-01T00:00:00Z"),
        ]
    )
    # Prefix of the last word, folding, Arabic spelling, a typo (fuzziness).
    assert found(es_backend.search(query("boulangeri", types=("business",)))) == [("business", "1")]
    assert found(es_backend.search(query("cooperative"))) == [("business", "2")]
    assert found(es_backend.search(query("تعاونيه"))) == [("business", "3")]
    assert found(es_backend.search(query("croissant boulangrie"))) == [("business", "1")]
    # Expired at `now`: left out.
    assert set(found(es_backend.search(query("boulangerie")))) == {
        ("business", "1"),
        ("opportunity", "5"),
    }
    # Highlights are put back on the original text, escaped.
    hit = es_backend.search(query("cooperative berberes")).hits[0]
    assert hit.highlights["title"] == "<mark>Coopérative</mark> Atlas"
    assert hit.highlights["body"] == "Tapis &lt;<mark>berbères</mark>&gt;"


def test_facet_counts_are_disjunctive(es_backend):
    es_backend.index(
        [
            document("business", 1, "Pain A", facets={"sector": ["food"], "region": ["rabat"]}),
            document("business", 2, "Pain B", facets={"sector": ["food"], "region": ["tanger"]}),
            document("business", 3, "Pain C", facets={"sector": ["craft"], "region": ["rabat"]}),
            document("offer", 4, "Pain D", facets={"sector": ["food"], "region": ["rabat"]}),
            document("business", 5, "Tapis", facets={"sector": ["craft"], "region": ["rabat"]}),
        ]
    )
    results = es_backend.search(
        query(
            "pain",
            filters={"sector": ("food",), "region": ("rabat",)},
            facets=("sector", "region", "type"),
        )
    )
    assert sorted(found(results)) == [("business", "1"), ("offer", "4")]
    assert results.total == 2
    # sector: counted with the region filter only; region: with the sector filter only.
    assert results.facets["sector"] == [("food", 2), ("craft", 1)]
    assert results.facets["region"] == [("rabat", 2), ("tanger", 1)]
    assert results.facets["type"] == [("business", 1), ("offer", 1)]

    # OR within a facet.
    results = es_backend.search(
        query("pain", filters={"region": ("rabat", "tanger")}, facets=("region",))
    )
    assert results.total == 4
    assert results.facets["region"] == [("rabat", 3), ("tanger", 1)]


def test_rebuild_swaps_the_alias_and_keeps_a_concurrent_write(es_backend, es_client, monkeypatch):
    monkeypatch.setattr(es_module, "CHUNK", 1)
    es_backend.index([document("business", 1, "Ancien nom"), document("business", 9, "Parti")])
    old = es_backend.layout(["business"])["business"]["live"]
    newer = document("business", 1, "Nouveau nom")
    calls = []

    def progress(type_, done):
        calls.append((type_, done))
        if len(calls) == 1:
            # A write made while the rebuild runs goes to the index being built too...
            assert es_backend.layout(["business"])["business"]["building"]
            es_backend.index([newer])

    es_backend.rebuild(
        {
            "business": iter(
                [document("business", 2, "Deux"), document("business", 1, "Nom lu avant")]
            )
        },
        progress=progress,
    )

    assert calls == [("business", 1), ("business", 2), ("business", 2)]
    state = es_backend.layout(["business"])["business"]
    assert len(state["live"]) == 1 and state["live"] != old
    assert state["building"] == []
    assert state["indices"] == state["live"]  # the old index is gone
    assert not es_client.indices.exists(index=old[0])
    # ...and the rebuild's older copy (op_type=create) does not overwrite it.
    assert es_backend.ids("business") == {"1", "2"}
    assert [hit.title for hit in es_backend.search(query("nom")).hits] == ["Nouveau nom"]


def test_completion_after_two_characters(es_backend):
    es_backend.index(
        [
            document("business", 1, "Boulangerie du Coin", tags=["Pâtisserie"]),
            document("mentor", 2, "Bouchra Alaoui", locale=""),
            document("opportunity", 3, "Bourse close", expires_at="2020-01-01T00:00:00Z"),
        ]
    )
    assert es_backend.suggest("b") == []
    assert sorted(es_backend.suggest("bo"), key=lambda item: item["title"]) == [
        {"title": "Bouchra Alaoui", "type": "mentor", "url": "/mentor/2/"},
        {"title": "Boulangerie du Coin", "type": "business", "url": "/business/1/"},
    ]
    assert [item["title"] for item in es_backend.suggest("co")] == ["Boulangerie du Coin"]
    assert [item["title"] for item in es_backend.suggest("pati")] == ["Boulangerie du Coin"]
    assert es_backend.suggest("bo", types=("mentor",)) == [
        {"title": "Bouchra Alaoui", "type": "mentor", "url": "/mentor/2/"}
    ]


def test_delete_and_clear(es_backend, es_client):
    es_backend.index([document("page", 1, "Guide", group="g1"), document("page", 2, "Actu")])
    es_backend.delete("page", ["1", "404"])
    assert es_backend.ids("page") == {"2"}
    assert es_backend.ids("offer") == set()
    es_backend.clear()
    assert es_client.indices.get_alias(index=f"{es_backend.prefix}-*").body == {}
    assert es_backend.search(query("actu")).total == 0


def test_a_dead_server_fails_fast():
    backend = ElasticsearchBackend("http://127.0.0.1:9")
    start = time.monotonic()
    with pytest.raises(BackendUnavailable) as raised:
        backend.search(query("pain"))
    with pytest.raises(BackendUnavailable):
        backend.index([document("business", 1, "Pain")])
    with pytest.raises(BackendUnavailable):
        backend.suggest("pa")
    assert time.monotonic() - start < 5
    assert raised.value.__cause__ is not None
