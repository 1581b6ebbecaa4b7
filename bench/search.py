"""Search: indexing throughput and query latency of our search backends, beside Wagtail's own.

Run: .venv/bin/python bench/search.py [--documents 100000] [--repeat 10] [--sqlite]
Quick run: .venv/bin/python bench/search.py --documents 5000

What it does
- Creates a throw-away PostgreSQL database (`tremplin_bench_search` on 127.0.0.1:5432, user
  postgres, trust auth; dropped at the end unless --keep-database) — or, with --sqlite, a
  temporary SQLite file — and migrates it.
- Generates N search documents with a seeded RNG (~60 % businesses, ~30 % offers, ~10 %
  mentors): French, Arabic and some English names (coopératives, ateliers, boulangeries,
  تعاونية …), sectors, regions, cities, languages, tags and descriptions, as dicts in the
  exact format of search.documents (no Business rows are created). They are loaded with the
  backend's `rebuild()` (the path `search_index --rebuild` takes: `index()` in batches of 500,
  one transaction per type), and the throughput is printed.
- Times 20 queries (10 texts, each without and with a sector or region filter, always with the
  facets type/sector/region/language) through `backend.search(Query(...))`, built the way
  search.service builds it (terms = search.normalise.terms(text), now =
  timezone.now().isoformat(), per_page=20, language "fr"): one warm-up, then --repeat runs
  (fewer for a slow query: as many as fit in --budget seconds, x3 for ours, at least 2; the
  `n` column says how many). Prints p50/p95 per query and overall (each query weighing the
  same), and the number of hits; then, for our three slowest queries, the time of each SQL
  statement (--explain: with EXPLAIN ANALYZE).
- Elasticsearch backend: timed too when search.backends.elasticsearch imports and osmem-server
  is installed, against `osmem_server.OsmemServer.start()`. osmem is an in-memory emulator:
  its figures say nothing about a real Elasticsearch (printed, labelled as such).

Wagtail's own search, side by side (how, and what is and is not comparable)
- Wagtail 8 searches through `wagtail.search.backends.database` (the `modelsearch` package),
  which indexes Django models, not dicts. No model of the project holds these texts: Wagtail's
  Image and Document models index title and tags only (no description, no sector or region to
  filter on), and 100k Page objects would measure treebeard, not search. So the benchmark adds
  one model of its own, `bench.search_support.models.BenchText` (title, tags, body, and
  type/sector/region/language as FilterFields), in an app that only this benchmark installs
  (settings module bench.search_support.settings = config.settings + that app; the table is
  created by `migrate --run-syncdb` in the throw-away database). Each document becomes one row
  with the same *original* texts; Wagtail analyses them itself (PostgreSQL's default text
  search configuration, no accent or Arabic folding), as a project using it would. Field
  weights are the same as ours (title 10, tags 4, body 1).
- Indexing: rows are inserted with bulk_create (timed apart: that is the source table, not
  the index), then indexed as `rebuild_modelsearch_index` does (rebuilder, add_items in chunks
  of 1000, finish).
- Queries: the same texts and filters through `backend.search(text, BenchText.objects.filter(
  ...))`, the first 20 results, `.count()` and `.facet()` for the same four facets. Wagtail
  counts facets with *every* filter applied; ours leave out each facet's own filter (more
  work: the counts of the other sectors stay visible). Multi-valued facets keep one value per
  row (see BenchText). Wagtail has no typo fallback; with --wagtail-fuzzy (default) a query
  that finds nothing is retried as `Fuzzy(text)` (trigram similarity), the nearest thing it
  offers, so that the typo queries pay for a correction as ours do. Hit counts differ because
  matching differs (Wagtail: stemmed whole words, no prefixes, no folding); they are printed.

Other notes: the tables are VACUUM ANALYZEd after loading (a rebuild leaves a dead row per
entry; autovacuum is off on the benchmark machine, and would otherwise run soon after such a
load). --sqlite is for small runs (--documents 20000 or less): our SQLite ranking re-runs the
FTS match per matching row, so large match sets take seconds. The default run takes about 10
minutes on 2 cores (our indexing ~4 min, osmem's ~1.5 min); --no-elasticsearch saves ~3.
Nothing outside the throw-away database is written.
"""

import argparse
import contextlib
import math
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per query")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file")
    parser.add_argument("--database-name", default="tremplin_bench_search")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")
    parser.add_argument("--no-wagtail", action="store_true", help="skip Wagtail's backend")
    parser.add_argument("--no-elasticsearch", action="store_true", help="skip osmem")
    parser.add_argument(
        "--wagtail-fuzzy",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time Fuzzy(text) for the queries Wagtail's plain search finds nothing for",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=2.0,
        help="seconds per query for Wagtail and osmem (x3 for ours): slow queries get fewer "
        "runs (at least 2)",
    )
    parser.add_argument(
        "--facet-statistics",
        action="store_true",
        help="then time ours again after CREATE STATISTICS (mcv) on the facet table's "
        "(name, value), in this throw-away database (a suggested fix, not the backend's schema)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="EXPLAIN ANALYZE the statements of our slowest queries (PostgreSQL)",
    )
    return parser.parse_args()


ARGS = parse_args()
TMP = None
if ARGS.sqlite:
    TMP = tempfile.mkdtemp(prefix="bench-search-")
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
else:
    os.environ["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{ARGS.database_name}"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.search_support.settings"
os.environ["DEBUG"] = "false"
os.environ.setdefault("LOG_LEVEL", "WARNING")  # the Elasticsearch client logs every request
os.environ["ELASTICSEARCH_URL"] = ""  # the backends are built here, not by search.service


def create_postgresql_database():
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    ) as conn:
        name = sql.Identifier(ARGS.database_name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def drop_postgresql_database():
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(ARGS.database_name)
            )
        )


if not ARGS.sqlite:
    create_postgresql_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.translation import override  # noqa: E402

from marketplace.geography import CITIES, REGIONS  # noqa: E402
from marketplace.models.businesses import LegalForm, Need, Sector, Stage  # noqa: E402
from search.backends.base import Query  # noqa: E402
from search.backends.database import DatabaseBackend  # noqa: E402
from search.documents import _in_every_language  # noqa: E402
from search.normalise import terms as folded_terms  # noqa: E402

FACETS = ("type", "sector", "region", "language")
PER_PAGE = 20

# --- the documents ----------------------------------------------------------------------------

FIRST_NAMES = [
    "Fatima",
    "Khadija",
    "Amina",
    "Salma",
    "Nadia",
    "Aïcha",
    "Zineb",
    "Imane",
    "Leïla",
    "Meryem",
    "Youssef",
    "Mohamed",
    "Hassan",
    "Karim",
    "Omar",
    "Mehdi",
    "Rachid",
    "Hamza",
    "Soufiane",
    "Ayoub",
]
LAST_NAMES = [
    "Benali",
    "El Amrani",
    "Alaoui",
    "Bennani",
    "Tazi",
    "Berrada",
    "Chraibi",
    "El Idrissi",
    "Ouazzani",
    "Lahlou",
    "Benjelloun",
    "Aït Ahmed",
    "Bouzid",
    "Naciri",
    "Ziani",
    "Ouali",
]
FIRST_NAMES_AR = [
    "فاطمة",
    "خديجة",
    "أمينة",
    "سلمى",
    "نادية",
    "عائشة",
    "زينب",
    "إيمان",
    "مريم",
    "يوسف",
    "محمد",
    "حسن",
    "كريم",
    "عمر",
    "رشيد",
    "حمزة",
]
LAST_NAMES_AR = [
    "بنعلي",
    "العمراني",
    "العلوي",
    "بناني",
    "التازي",
    "برادة",
    "الإدريسي",
    "الوزاني",
    "لحلو",
    "بنجلون",
    "آيت أحمد",
    "الناصري",
]
CITIES_AR = {
    "Marrakech": "مراكش",
    "Casablanca": "الدار البيضاء",
    "Rabat": "الرباط",
    "Fès": "فاس",
    "Tanger": "طنجة",
    "Agadir": "أكادير",
    "Meknès": "مكناس",
    "Oujda": "وجدة",
    "Tétouan": "تطوان",
    "Taroudant": "تارودانت",
    "Essaouira": "الصويرة",
    "Ouarzazate": "ورزازات",
    "Laâyoune": "العيون",
    "Dakhla": "الداخلة",
    "Nador": "الناظور",
    "Kénitra": "القنيطرة",
    "Salé": "سلا",
    "Errachidia": "الرشيدية",
    "Béni Mellal": "بني ملال",
    "Safi": "آسفي",
    "El Jadida": "الجديدة",
    "Tiznit": "تيزنيت",
    "Guelmim": "كلميم",
    "Khouribga": "خريبكة",
    "Settat": "سطات",
    "Taza": "تازة",
}
SUFFIXES = [
    "Al Baraka",
    "Nour",
    "Amal",
    "Atlas",
    "Tifawin",
    "Essalam",
    "Yasmine",
    "Assafa",
    "Tilila",
    "Ennajah",
    "Al Wafa",
    "Tafilalt",
    "du Sahel",
    "Les Jardins",
    "Argana",
    "Tamount",
]
SUFFIXES_AR = [
    "الأمل",
    "النور",
    "البركة",
    "الأطلس",
    "السلام",
    "الياسمين",
    "الصفاء",
    "النجاح",
    "الوفاء",
    "تيفاوين",
    "الخير",
    "المستقبل",
]
SUFFIXES_EN = ["Atlas", "Sahara", "Green Valley", "Oasis", "Medina", "Blue Door", "Sunrise"]

# Per sector: (French kinds of business, Arabic kinds, English kinds, French products,
# Arabic products, English products, French tags, Arabic tags).
SECTORS = {
    "food": (
        ["Boulangerie", "Pâtisserie", "Traiteur", "Épicerie fine", "Boulangerie-pâtisserie"],
        ["مخبزة", "حلويات", "ممون الحفلات"],
        ["Bakery", "Catering", "Pastry shop"],
        ["pains traditionnels", "msemen", "gâteaux marocains", "cornes de gazelle", "chebakia"],
        ["خبز تقليدي", "مسمن", "حلويات مغربية", "شباكية", "كعب غزال"],
        ["traditional bread", "Moroccan pastries", "msemen", "wedding cakes"],
        ["pain", "pâtisserie", "traiteur", "halal", "fait maison"],
        ["خبز", "حلويات", "ممون"],
    ),
    "agriculture": (
        ["Coopérative agricole", "Coopérative", "Ferme", "Coopérative apicole", "Huilerie"],
        ["تعاونية فلاحية", "تعاونية", "ضيعة", "تعاونية النحالين"],
        ["Cooperative", "Farm", "Olive oil mill"],
        ["huile d'argan", "miel de thym", "safran", "dattes", "amlou", "huile d'olive"],
        ["زيت الأركان", "عسل", "زعفران", "تمور", "أملو", "زيت الزيتون"],
        ["argan oil", "thyme honey", "saffron", "dates", "olive oil"],
        ["argan", "miel", "safran", "bio", "dattes", "huile d'olive"],
        ["أركان", "عسل", "زعفران", "تمور"],
    ),
    "crafts": (
        ["Atelier", "Atelier de poterie", "Maroquinerie", "Dinanderie", "Coopérative artisanale"],
        ["ورشة", "تعاونية الصناعة التقليدية", "دار الصانع"],
        ["Workshop", "Pottery", "Leather workshop"],
        ["poteries", "tapis berbères", "zellige", "articles en cuir", "lanternes en cuivre"],
        ["فخار", "زرابي", "زليج", "منتجات جلدية", "فوانيس نحاسية"],
        ["pottery", "Berber rugs", "zellige tiles", "leather goods", "copper lanterns"],
        ["poterie", "zellige", "cuir", "tapis", "vannerie", "artisanat"],
        ["فخار", "زرابي", "صناعة تقليدية"],
    ),
    "beauty": (
        ["Salon de coiffure", "Institut de beauté", "Hammam", "Savonnerie", "Coopérative d'argan"],
        ["صالون تجميل", "تعاونية الأركان", "حمام", "صالون الحلاقة"],
        ["Beauty salon", "Hair salon", "Soap workshop"],
        ["savon noir", "huile d'argan cosmétique", "ghassoul", "eau de rose", "soins du visage"],
        ["صابون بلدي", "زيت الأركان", "غاسول", "ماء الورد"],
        ["black soap", "argan oil", "rose water", "haircuts"],
        ["coiffure", "argan", "soins", "hammam", "cosmétique bio"],
        ["تجميل", "أركان", "حلاقة"],
    ),
    "textile": (
        ["Atelier de couture", "Couture", "Broderie", "Tissage", "Coopérative de tissage"],
        ["خياطة", "تعاونية النسيج", "ورشة الطرز"],
        ["Tailor", "Embroidery workshop"],
        ["caftans", "djellabas", "broderie de Fès", "linge de maison", "retouches"],
        ["قفطان", "جلابة", "طرز فاسي", "ملابس تقليدية"],
        ["kaftans", "djellabas", "embroidery", "alterations"],
        ["couture", "caftan", "broderie", "tissage", "sur mesure"],
        ["خياطة", "قفطان", "طرز"],
    ),
    "trade": (
        ["Épicerie", "Droguerie", "Boutique", "Librairie", "Magasin"],
        ["محل", "بقالة", "متجر", "مكتبة"],
        ["Grocery", "Shop", "Bookshop"],
        ["produits d'épicerie", "fournitures scolaires", "articles ménagers", "téléphones"],
        ["مواد غذائية", "أدوات مدرسية", "أدوات منزلية", "هواتف"],
        ["groceries", "school supplies", "household goods", "phones"],
        ["commerce", "épicerie", "livraison", "gros"],
        ["تجارة", "بقالة"],
    ),
    "services": (
        ["Agence", "Cabinet", "Pressing", "Services", "Centre d'affaires"],
        ["وكالة", "مكتب", "مركز الأعمال", "شركة الخدمات"],
        ["Agency", "Office services", "Cleaning company"],
        ["comptabilité", "domiciliation", "nettoyage", "événementiel", "photographie"],
        ["محاسبة", "توطين الشركات", "تنظيف", "تنظيم الحفلات", "تصوير"],
        ["accounting", "cleaning", "event planning", "photography"],
        ["comptabilité", "événementiel", "nettoyage", "photo"],
        ["محاسبة", "خدمات", "أعمال"],
    ),
    "it": (
        ["Studio numérique", "Agence web", "Informatique", "Réparation de téléphones"],
        ["وكالة رقمية", "إصلاح الهواتف", "مركز الإعلاميات"],
        ["Digital studio", "Web agency", "Phone repair"],
        ["sites web", "réparation d'ordinateurs", "applications mobiles", "réseaux sociaux"],
        ["مواقع إلكترونية", "إصلاح الحواسيب", "تطبيقات", "التسويق الرقمي"],
        ["websites", "computer repair", "mobile apps", "social media"],
        ["web", "informatique", "réparation", "numérique", "e-commerce"],
        ["إعلاميات", "رقمي", "تطبيقات"],
    ),
    "transport": (
        ["Transport", "Livraison", "Transports", "Déménagement"],
        ["نقل", "توصيل", "شركة النقل"],
        ["Transport", "Delivery", "Movers"],
        ["livraison", "déménagement", "transport de marchandises", "transport scolaire"],
        ["توصيل", "نقل البضائع", "النقل المدرسي"],
        ["delivery", "moving", "freight"],
        ["livraison", "transport", "logistique"],
        ["نقل", "توصيل"],
    ),
    "construction": (
        ["Menuiserie", "Plomberie", "Électricité générale", "Ferronnerie", "Maçonnerie"],
        ["نجارة", "مقاولة البناء", "حدادة", "سباكة"],
        ["Carpentry", "Plumbing", "Builders"],
        ["menuiserie aluminium", "plomberie", "électricité", "peinture", "carrelage"],
        ["نجارة الألمنيوم", "سباكة", "كهرباء", "صباغة", "زليج"],
        ["aluminium joinery", "plumbing", "painting", "tiling"],
        ["bâtiment", "menuiserie", "plomberie", "rénovation"],
        ["بناء", "نجارة"],
    ),
    "education": (
        ["Centre de formation", "École de langues", "Soutien scolaire", "Crèche"],
        ["مركز التكوين", "مدرسة اللغات", "دعم مدرسي", "روض الأطفال"],
        ["Training centre", "Language school", "Tutoring"],
        ["cours de soutien", "cours de langues", "formation professionnelle", "alphabétisation"],
        ["دروس الدعم", "تعليم اللغات", "تكوين مهني", "محو الأمية"],
        ["tutoring", "language courses", "vocational training"],
        ["formation", "langues", "soutien scolaire", "enfants"],
        ["تكوين", "تعليم", "لغات"],
    ),
}
SECTOR_WEIGHTS = {
    "food": 14,
    "agriculture": 12,
    "crafts": 14,
    "beauty": 10,
    "textile": 10,
    "trade": 10,
    "services": 9,
    "it": 6,
    "transport": 5,
    "construction": 6,
    "education": 4,
}
REGION_WEIGHTS = [14, 5, 9, 12, 5, 20, 11, 5, 9, 3, 4, 3]  # in the order of REGIONS
LANGUAGE_WEIGHTS = {"ar": 60, "ary": 70, "fr": 50, "zgh": 15, "en": 15, "es": 8, "wo": 2}
SKILLS = [
    "Excel",
    "export",
    "e-commerce",
    "gestion de stock",
    "TVA",
    "marketing digital",
    "business plan",
    "levée de fonds",
    "microcrédit",
    "auto-entrepreneur",
    "التسويق",
    "ريادة الأعمال",
    "التمويل",
    "pricing",
    "Instagram",
]
HEADLINES = [
    "Expert-comptable, {n} ans d'expérience",
    "Consultante en marketing digital",
    "Ancien directeur d'agence bancaire",
    "Formatrice en gestion de coopératives",
    "Entrepreneur dans l'agroalimentaire depuis {n} ans",
    "Juriste, spécialiste du statut d'auto-entrepreneur",
    "مستشار في ريادة الأعمال",
    "خبيرة في المحاسبة والتسيير",
    "Coach for small businesses, {n} years in retail",
]
SLUG_TRANSLATE = str.maketrans("éèêëàâäîïôöûüùçÉÈÀÂÎÔÛÇ'", "eeeeaaaiioouuucEEAAIOUC-")


def slugify(text):
    """ASCII words joined by hyphens ("" for Arabic text)."""
    ascii_text = text.translate(SLUG_TRANSLATE).lower()
    cleaned = "".join(c if c.isascii() and c.isalnum() else "-" for c in ascii_text)
    return "-".join(word for word in cleaned.split("-") if word)[:40].strip("-")


class Generator:
    """Seeded documents in the format of search.documents."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.sector_codes = list(SECTOR_WEIGHTS)
        self.sector_weights = list(SECTOR_WEIGHTS.values())
        self.region_codes = [code for code, _label in REGIONS]
        with override("fr"):
            self.region_label = {code: str(label) for code, label in REGIONS}
            self.sector_label = {code: str(label) for code, label in Sector.choices}
        self.sector_labels = {
            code: _in_every_language(Sector.choices, [code]) for code in SECTOR_WEIGHTS
        }
        self.need_codes = [code for code, _label in Need.choices]
        self.need_labels = {
            code: _in_every_language(Need.choices, [code]) for code in self.need_codes
        }
        self.businesses = []  # (id, name, sector, region, city, locale, url)

    # helpers
    def pick(self, items):
        return self.rng.choice(items)

    def some(self, items, low, high):
        return self.rng.sample(items, self.rng.randint(low, min(high, len(items))))

    def region_and_city(self):
        region = self.rng.choices(self.region_codes, self.region_weights())[0]
        return region, self.pick(CITIES[region])

    def region_weights(self):
        return REGION_WEIGHTS

    def languages(self):
        codes = [c for c, w in LANGUAGE_WEIGHTS.items() if self.rng.random() * 100 < w]
        return sorted(set(codes or ["ar"]))

    def person(self, arabic=False):
        if arabic:
            return f"{self.pick(FIRST_NAMES_AR)} {self.pick(LAST_NAMES_AR)}"
        return f"{self.pick(FIRST_NAMES)} {self.pick(LAST_NAMES)}"

    # documents
    def business(self, number):
        rng = self.rng
        sector = rng.choices(self.sector_codes, self.sector_weights)[0]
        kinds_fr, kinds_ar, kinds_en, prod_fr, prod_ar, prod_en, tags_fr, tags_ar = SECTORS[sector]
        region, city = self.region_and_city()
        locale = rng.choices(["fr", "ar", "en"], [55, 35, 10])[0]
        year = rng.randint(1995, 2026)
        city_ar = CITIES_AR.get(city, city)
        if locale == "ar":
            suffix = rng.choice(SUFFIXES_AR + [f"نساء {city_ar}", f"{self.pick(FIRST_NAMES_AR)}"])
            name = f"{self.pick(kinds_ar)} {suffix}"
            products = self.some(prod_ar, 2, 3)
            tagline = f"{products[0]} من {city_ar}"
            sentences = [
                f"{name} تأسست سنة {year} في {city_ar}، نقدم {' و'.join(products)} "
                "بجودة عالية للزبناء في جميع أنحاء المغرب.",
                f"نعمل مع {rng.randint(3, 40)} من النساء والشباب في المنطقة.",
            ]
            if rng.random() < 0.25:
                sentences.append(
                    rng.choice(
                        [
                            "نرافق رجال الأعمال والتعاونيات في مشاريعهم.",
                            "مشروع مدعوم من برنامج ريادة الأعمال للشباب.",
                            "نقدم خدماتنا لأصحاب أعمال صغيرة ومتوسطة.",
                            "شريك حاضنة أعمال محلية منذ سنة " + str(year + 1) + ".",
                        ]
                    )
                )
            if rng.random() < 0.15:
                sentences.append(f"عضو في تعاونية {self.pick(SUFFIXES_AR)} للتسويق المشترك.")
            tags = self.some(tags_ar, 1, 3)
        elif locale == "en":
            name = f"{self.pick(kinds_en)} {self.pick(SUFFIXES_EN)}"
            products = self.some(prod_en, 2, 3)
            tagline = f"{products[0].capitalize()} from {city}"
            sentences = [
                f"Founded in {year} in {city}, we make {', '.join(products)} for families, "
                "hotels and shops across Morocco.",
                f"A team of {rng.randint(2, 30)}, delivering in the {self.region_label[region]} "
                "region.",
            ]
            tags = self.some(tags_fr, 1, 2)
        else:
            kind = self.pick(kinds_fr)
            suffix = rng.choices(
                [
                    self.pick(SUFFIXES),
                    f"de {city}",
                    f"des Femmes de {city}",
                    f"chez {self.pick(FIRST_NAMES)}",
                    self.person(),
                ],
                [50, 15, 10, 15, 10],
            )[0]
            name = f"{kind} {suffix}"
            products = self.some(prod_fr, 2, 3)
            tagline = f"{products[0].capitalize()} de {city}"
            sentences = [
                f"{kind} {rng.choice(['fondée', 'créée', 'lancée'])} en {year} à {city}, "
                f"nous {rng.choice(['proposons', 'fabriquons', 'vendons'])} des "
                f"{', '.join(products[:-1])} et {products[-1]} "
                f"{rng.choice(['artisanaux', 'de qualité', 'faits main', 'au juste prix'])} "
                "pour les particuliers et les professionnels.",
                f"Nous travaillons avec {rng.randint(2, 40)} personnes de la région "
                f"{self.region_label[region]} et livrons dans tout le Maroc.",
            ]
            if rng.random() < 0.4:
                sentences.append(
                    rng.choice(
                        [
                            "Commandes sur mesure, paiement à la livraison.",
                            "Notre atelier est ouvert du lundi au samedi.",
                            f"Membre d'une coopérative régionale depuis {rng.randint(2005, 2025)}.",
                            "Visitez notre atelier pour découvrir notre savoir-faire.",
                            "Nous recrutons des apprentis chaque année.",
                        ]
                    )
                )
            tags = self.some(tags_fr, 1, 4)
        if rng.random() < 0.002:
            sentences.append("Spécialiste du damasquinage (incrustation de fils d'argent).")
        description = " ".join(sentences)
        languages = self.languages()
        url = f"/fr/businesses/{slugify(name) or 'business'}-{number}/"
        self.businesses.append((number, name, sector, region, city, locale, url))
        return {
            "type": "business",
            "id": str(number),
            "locale": locale,
            "title": name,
            "tags": tags,
            "body": " ".join(filter(None, [tagline, description] + self.sector_labels[sector])),
            "url": url,
            "date": None,
            "expires_at": None,
            "facets": {
                "sector": [sector],
                "region": [region],
                "city": [city],
                "language": languages,
                "stage": [self.pick([code for code, _label in Stage.choices])],
                "legal_form": [self.pick([code for code, _label in LegalForm.choices])],
                "tag": [slugify(tag) or tag.replace(" ", "-") for tag in tags],
            },
            "card": {"subtitle": f"{self.sector_label[sector]} · {city}", "tagline": tagline},
        }

    def offer(self, number):
        rng = self.rng
        business_id, business_name, sector, region, city, locale, url = self.pick(self.businesses)
        _kinds_fr, _kinds_ar, _kinds_en, prod_fr, prod_ar, prod_en, _tags_fr, _tags_ar = SECTORS[
            sector
        ]
        if locale == "ar":
            product = self.pick(prod_ar)
            title = f"{product} {rng.choice(['', 'ممتاز', 'تقليدي', 'حسب الطلب'])}".strip()
            description = f"{product} من {CITIES_AR.get(city, city)}، التوصيل ممكن."
        elif locale == "en":
            product = self.pick(prod_en)
            title = f"{product.capitalize()} {rng.choice(['', 'handmade', 'to order'])}".strip()
            description = f"{product.capitalize()} made in {city}. Delivery available."
        else:
            product = self.pick(prod_fr)
            title = (
                f"{product.capitalize()} "
                f"{rng.choice(['', 'fait main', 'sur commande', '1 kg', 'premium', 'bio'])}"
            ).strip()
            description = (
                f"{product.capitalize()} préparés à {city} par notre équipe. "
                f"{rng.choice(['Livraison possible.', 'Retrait sur place.', 'Prix de gros.'])}"
            )
        price = rng.choice([None, f"{rng.randint(10, 3000)}.00"])
        return {
            "type": "offer",
            "id": str(number),
            "locale": locale,
            "title": title[:120],
            "tags": [],
            "body": " ".join(filter(None, [description, business_name])),
            "url": url + "#offers",
            "date": None,
            "expires_at": None,
            "facets": {"sector": [sector], "region": [region], "city": [city]},
            "card": {"subtitle": business_name, "price_mad": price or ""},
        }

    def mentor(self, number):
        rng = self.rng
        arabic = rng.random() < 0.3
        name = self.person(arabic)
        topics = self.some(self.need_codes, 1, 3)
        sectors = self.some(self.sector_codes, 1, 3)
        regions = [self.region_and_city()[0] for _ in range(rng.randint(1, 2))]
        headline = self.pick(HEADLINES).format(n=rng.randint(3, 30))
        skills = self.some(SKILLS, 1, 3)
        if arabic:
            bio = (
                f"أرافق حاملي المشاريع منذ {rng.randint(3, 25)} سنة في "
                f"{' و'.join(self.sector_labels[s][1] for s in sectors)}. "
                "أساعد في إعداد مخطط الأعمال والبحث عن التمويل."
            )
        else:
            bio = (
                f"J'accompagne des porteurs de projets depuis {rng.randint(3, 25)} ans, "
                f"surtout dans {', '.join(self.sector_label[s].lower() for s in sectors)}. "
                f"{rng.choice(['Ancienne', 'Ancien'])} "
                f"{rng.choice(['cadre', 'gérant', 'formateur'])}"
                f" à {self.pick(list(CITIES_AR))}, je donne des conseils concrets sur "
                f"{', '.join(skills)}."
            )
        return {
            "type": "mentor",
            "id": str(number),
            "locale": "",
            "title": name,
            "tags": skills + [label for topic in topics for label in self.need_labels[topic]],
            "body": " ".join(filter(None, [headline, bio])),
            "url": f"/fr/mentors/{number}/",
            "date": None,
            "expires_at": None,
            "facets": {
                "topic": topics,
                "sector": sectors,
                "region": sorted(set(regions)),
                "language": self.some(["fr", "ar", "ary", "en", "zgh", "es"], 1, 3),
                "format": self.some(["in_person", "video", "phone"], 1, 3),
                "status": ["paused" if rng.random() < 0.1 else "available"],
            },
            "card": {"subtitle": headline},
        }

    def documents(self, total):
        """{type: [documents]}: 60 % businesses (generated first: offers belong to them),
        30 % offers, 10 % mentors."""
        businesses = max(1, round(total * 0.6))
        offers = round(total * 0.3)
        mentors = max(0, total - businesses - offers)
        return {
            "business": [self.business(n) for n in range(1, businesses + 1)],
            "offer": [self.offer(n) for n in range(1, offers + 1)],
            "mentor": [self.mentor(n) for n in range(1, mentors + 1)],
        }


# --- the queries ------------------------------------------------------------------------------

# (label, text, filter used in the filtered variant)
TEXTS = [
    ("common word", "atelier", {"region": ("casablanca-settat",)}),
    ("rare word", "damasquinage", {"region": ("fes-meknes",)}),
    ("two words", "huile d'argan", {"sector": ("agriculture",)}),
    ("typo", "boulangrie", {"sector": ("food",)}),
    ("no accent", "cooperative", {"region": ("souss-massa",)}),
    ("arabic ta marbuta", "تعاونيه", {"sector": ("agriculture",)}),
    ("arabic hamza", "أعمال", {"region": ("rabat-sale-kenitra",)}),
    ("a name", "Khadija Alaoui", {"region": ("marrakech-safi",)}),
    ("a city", "marrakech", {"sector": ("crafts",)}),
    ("mentor topic", "comptabilité", {"sector": ("services",)}),
]
QUERIES = [(label, text, {}) for label, text, _f in TEXTS] + [
    (label, text, filters) for label, text, filters in TEXTS
]


def describe(filters):
    return ", ".join(f"{name}={'|'.join(values)}" for name, values in filters.items()) or "-"


def make_query(text, filters):
    """As search.service.search builds it."""
    text = text.strip()[:200]
    return Query(
        text=text,
        terms=tuple(folded_terms(text))[:10],
        filters=filters,
        facets=FACETS,
        sort="relevance",
        page=1,
        per_page=PER_PAGE,
        language="fr",
        now=timezone.now().isoformat(),
    )


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def time_queries(name, run, repeat, budget, only=None):
    """run(text, filters) -> hits; returns {query index: (hits, [ms])}.

    One warm-up, then `repeat` timed runs — fewer when a query is slow: as many as fit in
    `budget` seconds (at least 2), or only the warm-up's time when that alone took more than
    the budget. `only`: the query indexes to time (default: all)."""
    results = {}
    numbers = [n for n in range(len(QUERIES)) if only is None or n in only]
    print(f"  timing {name}: {len(numbers)} queries x {repeat}…", flush=True)
    for number in numbers:
        _label, text, filters = QUERIES[number]
        start = time.perf_counter()
        hits = run(text, filters)  # warm-up
        warm = time.perf_counter() - start
        if warm > budget:
            results[number] = (hits, [warm * 1000])
            continue
        runs = min(repeat, max(2, int(budget / max(warm, 1e-6))))
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            run(text, filters)
            timings.append((time.perf_counter() - start) * 1000)
        results[number] = (hits, timings)
    return results


# --- our backends -----------------------------------------------------------------------------


def load(backend, documents_by_type):
    total = sum(len(docs) for docs in documents_by_type.values())
    last = [time.perf_counter()]

    def progress(type_, done):
        now = time.perf_counter()
        if now - last[0] > 15:
            print(f"    {backend.name}: {type_} {done}", flush=True)
            last[0] = now

    start = time.perf_counter()
    backend.rebuild(documents_by_type, progress=progress)
    seconds = time.perf_counter() - start
    return total, seconds


def run_ours(backend):
    def run(text, filters):
        return backend.search(make_query(text, filters)).total

    return run


# --- Wagtail ----------------------------------------------------------------------------------


def wagtail_rows(documents_by_type):
    from bench.search_support.models import BenchText

    rows = []
    for type_, documents in documents_by_type.items():
        for document in documents:
            facets = document["facets"]
            rows.append(
                BenchText(
                    doc_type=type_,
                    key=document["id"],
                    title=document["title"][:300],
                    tags=" ".join(document["tags"]),
                    body=document["body"],
                    sector=(facets.get("sector") or [""])[0],
                    region=(facets.get("region") or [""])[0],
                    language=(facets.get("language") or [""])[0],
                )
            )
    return rows


def load_wagtail(documents_by_type):
    from wagtail.search.backends import get_search_backend

    from bench.search_support.models import BenchText

    rows = wagtail_rows(documents_by_type)
    start = time.perf_counter()
    BenchText.objects.bulk_create(rows, batch_size=2000)
    insert_seconds = time.perf_counter() - start

    backend = get_search_backend()
    start = time.perf_counter()
    index = backend.get_index_for_model(BenchText)
    rebuilder = backend.rebuilder_class(index)
    index = rebuilder.start()
    index.add_model(BenchText)
    queryset = BenchText.objects.order_by("pk")
    done = 0
    while True:
        chunk = list(queryset[done : done + 1000])
        if not chunk:
            break
        index.add_items(BenchText, chunk)
        done += len(chunk)
    rebuilder.finish()
    index_seconds = time.perf_counter() - start
    return backend, len(rows), insert_seconds, index_seconds


WAGTAIL_FIELD = {"type": "doc_type", "sector": "sector", "region": "region", "language": "language"}


def run_wagtail(backend, fuzzy=False):
    """What a Wagtail site does: search the filtered queryset, take a page, count, and count
    the facets. `fuzzy`: search `Fuzzy(text)` (trigram similarity) instead."""
    from modelsearch.query import Fuzzy

    from bench.search_support.models import BenchText

    def run(text, filters):
        queryset = BenchText.objects.all()
        for name, values in filters.items():
            queryset = queryset.filter(**{f"{WAGTAIL_FIELD[name]}__in": list(values)})
        results = backend.search(Fuzzy(text) if fuzzy else text, queryset)
        list(results[:PER_PAGE])
        total = results.count()
        for name in FACETS:
            results.facet(WAGTAIL_FIELD[name])
        return total

    return run


# --- Elasticsearch (osmem) --------------------------------------------------------------------


def elasticsearch_available():
    try:
        import osmem_server  # noqa: F401

        from search.backends.elasticsearch import ElasticsearchBackend  # noqa: F401
    except Exception as error:  # noqa: BLE001 - being written: any failure means "skip"
        return f"{type(error).__name__}: {error}"
    return None


def start_osmem():
    import re

    from elastic_transport import Urllib3HttpNode
    from elasticsearch import Elasticsearch
    from osmem_server import OsmemServer

    from search.backends.elasticsearch import ElasticsearchBackend

    compatible = re.compile(r"application/vnd\.elasticsearch\+([\w-]+)\s*;\s*compatible-with=\d+")

    class PlainJsonNode(Urllib3HttpNode):
        """osmem refuses `compatible-with=8` media types: send plain JSON ones."""

        def perform_request(self, method, target, body=None, headers=None, **kwargs):
            if headers:
                headers = headers.copy()
                for name in ("accept", "content-type"):
                    if headers.get(name):
                        headers[name] = compatible.sub(r"application/\1", headers[name])
            return super().perform_request(method, target, body=body, headers=headers, **kwargs)

    server = OsmemServer.start(japanese=False, startup_timeout=30)
    client = Elasticsearch(server.url, node_class=PlainJsonNode, request_timeout=120, max_retries=1)
    backend = ElasticsearchBackend(server.url, prefix="bench", client=client)
    return server, backend


# --- reporting --------------------------------------------------------------------------------


def machine():
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    import modelsearch
    import psycopg
    import wagtail

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            database = cursor.fetchone()[0].split(" on ")[0]
            settings = []
            for name in ("shared_buffers", "work_mem", "jit", "plan_cache_mode", "autovacuum"):
                cursor.execute(f"SHOW {name}")
                settings.append(f"{name}={cursor.fetchone()[0]}")
            database += " (" + ", ".join(settings) + ")"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    print(f"machine: {os.cpu_count()} cores ({cpu or platform.machine()}){memory}")
    print(
        f"python: {platform.python_version()}; Django {django.get_version()}; Wagtail "
        f"{wagtail.__version__}; modelsearch {getattr(modelsearch, '__version__', '?')}; "
        f"psycopg {psycopg.__version__}"
    )
    print(f"database: {database}")
    print(f"load average at the start: {os.getloadavg()[0]:.2f} (other work on the machine)")


def prepared_statements_note():
    """Does psycopg prepare Django's statements here (and so risk generic plans)?"""
    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    import psycopg

    raw = connection.connection
    client_side = isinstance(raw.cursor(), psycopg.ClientCursor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        prepared = cursor.fetchone()[0]
    return (
        f"Django's psycopg cursor is {'client' if client_side else 'server'}-side binding "
        f"({type(raw.cursor()).__name__}), prepare_threshold={raw.prepare_threshold}; "
        f"server-side prepared statements in this session after the queries: {prepared}"
    )


def vacuum_analyze():
    """VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite) after the load: a rebuild writes each
    entry twice (insert, then the tsvector update), and autovacuum may be off (it is on the
    benchmark machine) or not have run yet."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def summary(results):
    """(p50, p95) over every timed run, each query weighing the same whatever its runs."""
    samples = sorted(
        (ms, 1 / len(timings)) for _hits, timings in results.values() for ms in timings
    )
    total = sum(weight for _ms, weight in samples)
    found = []
    for fraction in (0.5, 0.95):
        seen = 0.0
        for ms, weight in samples:
            seen += weight
            if seen >= fraction * total - 1e-9:
                found.append(ms)
                break
    return tuple(found)


def print_table(columns, numbers=None):
    """columns: [(name, results)] -> one line per query: hits, p50, p95, runs per backend."""
    numbers = list(range(len(QUERIES))) if numbers is None else numbers
    header = f"{'#':>2} {'query':<18} {'text':<15} {'filter':<26}"
    sub = f"{'':>2} {'':<18} {'':<15} {'':<26}"
    for name, _results in columns:
        header += f" | {name[:25]:>25}"
        sub += f" | {'hits':>6} {'p50':>6} {'p95':>7} {'n':>2}"
    print(header)
    print(sub)
    for number in numbers:
        label, text, filters = QUERIES[number]
        # Arabic is right-to-left: a terminal may reorder the line around it.
        line = f"{number + 1:>2} {label:<18} {text:<15} {describe(filters):<26}"
        for _name, results in columns:
            if number not in results:
                line += f" | {'':>6} {'':>6} {'':>7} {'':>2}"
                continue
            hits, timings = results[number]
            line += (
                f" | {hits:>6} {percentile(timings, 0.5):>6.1f} "
                f"{percentile(timings, 0.95):>7.1f} {len(timings):>2}"
            )
        print(line)
    if len(numbers) == len(QUERIES):
        line = f"{'':>2} {'all 20 queries':<18} {'':<15} {'':<26}"
        for _name, results in columns:
            p50, p95 = summary(results)
            line += f" | {'':>6} {p50:>6.1f} {p95:>7.1f} {'':>2}"
        print(line)


def statement_breakdown(backend, number):
    """Time each SQL statement our backend runs for one query (median of 5 runs)."""
    label, text, filters = QUERIES[number]
    records = []

    def recorder(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            records.append((sql, params, (time.perf_counter() - start) * 1000))

    per_statement = {}
    for _ in range(5):
        records.clear()
        with connection.execute_wrapper(recorder):
            backend.search(make_query(text, filters))
        for position, (sql, params, ms) in enumerate(records):
            per_statement.setdefault(position, (sql, params, []))[2].append(ms)
    print(f"\n  query {number + 1} ({label}: {text!r}, filter {describe(filters)}):")
    for sql, _params, times in per_statement.values():
        kind = statement_kind(sql)
        print(f"    {statistics.median(times):>7.1f} ms  {kind}")
    return per_statement


def statement_kind(sql):
    flat = " ".join(sql.split())
    if flat.startswith("SELECT COUNT(*)"):
        return "count of matches"
    if "ts_rank" in flat or "bm25" in flat:
        return "ranked page of 20 (rank every match, sort)"
    if "GROUP BY e.type" in flat:
        return "facet type"
    if "GROUP BY f.value" in flat:
        return "facet (JOIN facet table, GROUP BY value)"
    if "search_term" in flat:
        return "typo correction (vocabulary)"
    return flat[:70]


def explain(per_statement):
    for _position, (sql, params, _times) in per_statement.items():
        print(f"\n    -- {statement_kind(sql)}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            for (line,) in cursor.fetchall():
                print(f"    {line}")


# --- main -------------------------------------------------------------------------------------


def main():
    started = time.perf_counter()
    print("== search benchmark ==")
    machine()
    print(
        f"documents: {ARGS.documents}; {len(QUERIES)} queries x {ARGS.repeat} runs after one "
        f"warm-up; facets {list(FACETS)}; per_page {PER_PAGE}; seed {ARGS.seed}"
    )
    print("\npreparing: migrate…", flush=True)
    call_command("migrate", run_syncdb=True, verbosity=0)
    print(f"  migrated in {time.perf_counter() - started:.0f} s", flush=True)

    start = time.perf_counter()
    documents = Generator(ARGS.seed).documents(ARGS.documents)
    print(
        "generated "
        + ", ".join(f"{len(docs)} {type_}" for type_, docs in documents.items())
        + f" in {time.perf_counter() - start:.1f} s",
        flush=True,
    )

    columns = []
    indexing = []

    # Ours: the database backend.
    database = DatabaseBackend()
    print("\nindexing: database backend (rebuild)…", flush=True)
    total, seconds = load(database, documents)
    indexing.append((f"ours, database ({connection.vendor})", total, seconds, ""))
    print(f"  {total} documents in {seconds:.1f} s = {total / seconds:.0f} documents/s")

    wagtail = None
    if not ARGS.no_wagtail:
        print("indexing: Wagtail database backend…", flush=True)
        wagtail, rows, insert_seconds, index_seconds = load_wagtail(documents)
        indexing.append(
            (
                f"Wagtail {type(wagtail).__name__}",
                rows,
                index_seconds,
                f"(+ {insert_seconds:.1f} s to insert the {rows} BenchText rows)",
            )
        )
        print(
            f"  {rows} rows inserted in {insert_seconds:.1f} s, indexed in {index_seconds:.1f} s"
            f" = {rows / index_seconds:.0f} documents/s",
            flush=True,
        )
    start = time.perf_counter()
    vacuum_analyze()
    print(f"VACUUM ANALYZE in {time.perf_counter() - start:.1f} s", flush=True)

    print(f"\nqueries: (elapsed {time.perf_counter() - started:.0f} s)", flush=True)
    ours = time_queries("ours (database)", run_ours(database), ARGS.repeat, 3 * ARGS.budget)
    columns.append((f"ours, database/{connection.vendor}", ours))
    note = prepared_statements_note()
    if ARGS.facet_statistics and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE STATISTICS bench_entryfacet_name_value (mcv, dependencies) "
                "ON name, value FROM search_entryfacet"
            )
            cursor.execute("ANALYZE search_entryfacet")
        columns.append(
            (
                "ours + facet statistics",
                time_queries("ours + statistics", run_ours(database), ARGS.repeat, 3 * ARGS.budget),
            )
        )
    wagtail_error = fuzzy_error = None
    fuzzy = None
    if wagtail is not None:
        try:
            wagtail_plain = time_queries("Wagtail", run_wagtail(wagtail), ARGS.repeat, ARGS.budget)
            columns.append(("Wagtail database", wagtail_plain))
            empty = [number for number, (hits, _t) in wagtail_plain.items() if not hits]
        except Exception as error:  # noqa: BLE001 - print what could be measured
            wagtail_error = f"{type(error).__name__}: {error}"
            empty = []
        if ARGS.wagtail_fuzzy and empty:
            try:
                fuzzy = time_queries(
                    "Wagtail Fuzzy() where plain search found nothing",
                    run_wagtail(wagtail, fuzzy=True),
                    ARGS.repeat,
                    ARGS.budget,
                    only=empty,
                )
            except Exception as error:  # noqa: BLE001 - e.g. not supported on SQLite
                fuzzy_error = f"{type(error).__name__}: {error}"

    # Elasticsearch last: osmem runs beside PostgreSQL on 2 cores, so it is started only once
    # the other backends are timed.
    es_skip = "--no-elasticsearch" if ARGS.no_elasticsearch else elasticsearch_available()
    if not es_skip:
        osmem = None
        try:
            osmem, es_backend = start_osmem()
            print("indexing: Elasticsearch backend on osmem (emulator)…", flush=True)
            total, seconds = load(es_backend, documents)
            indexing.append(("ES backend on osmem [emulator]", total, seconds, ""))
            print(f"  {total} documents in {seconds:.1f} s = {total / seconds:.0f} documents/s")
            columns.append(
                (
                    "ES on osmem [emulator]",
                    time_queries("osmem", run_ours(es_backend), ARGS.repeat, ARGS.budget),
                )
            )
        except Exception as error:  # noqa: BLE001 - a backend being written may fail: report
            es_skip = f"{type(error).__name__}: {error}"
        finally:
            if osmem is not None:
                osmem.close()

    print(f"elapsed {time.perf_counter() - started:.0f} s", flush=True)
    print("\n== indexing throughput ==")
    for name, count, seconds, extra in indexing:
        rate = count / seconds
        print(f"{name:<36} {count:>8} docs {seconds:>8.1f} s {rate:>9.0f} docs/s {extra}")
    print("\n== query latency (ms; hits = total matches; n = timed runs) ==")
    print_table(columns)
    if fuzzy:
        print(
            "\n== Wagtail: Fuzzy(text) for the queries its plain search found nothing for "
            "(what a site would retry with; ms, on top of the plain search) =="
        )
        print_table([columns[0], ("Wagtail Fuzzy()", fuzzy)], numbers=sorted(fuzzy))
    print("\n== summary (each query weighs the same) ==")
    for name, results in columns:
        p50, p95 = summary(results)
        print(f"{name:<32} p50 {p50:>7.1f} ms   p95 {p95:>7.1f} ms")
    if fuzzy:
        plain = dict(wagtail_plain)
        for number, (hits, timings) in fuzzy.items():
            base = statistics.median(plain[number][1])
            plain[number] = (hits, [base + ms for ms in timings])
        p50, p95 = summary(plain)
        print(f"{'Wagtail, + Fuzzy() when empty':<32} p50 {p50:>7.1f} ms   p95 {p95:>7.1f} ms")
    p50, p95 = summary(ours)
    goal = "MET" if p95 < 50 else "NOT MET"
    print(
        f"goal: p95 < 50 ms for our database backend on PostgreSQL: {goal} "
        f"({connection.vendor}, p95 {p95:.1f} ms)"
    )
    if note:
        print(f"prepared statements: {note}")
    if wagtail is None:
        print("Wagtail: skipped (--no-wagtail)")
    elif wagtail_error:
        print(f"Wagtail: failed while querying: {wagtail_error}")
    else:
        print(
            "Wagtail: facet counts via SearchResults.facet() (supported on this backend: "
            f"{getattr(wagtail.results_class, 'supports_facet', False)}); counts apply every "
            "filter, ours leave out the facet's own."
        )
    if fuzzy_error:
        print(f"Wagtail Fuzzy(): not timed ({fuzzy_error})")
    if es_skip:
        print(f"Elasticsearch: not timed ({es_skip})")
    else:
        print(
            "Elasticsearch: osmem is an in-memory emulator; its figures are NOT representative "
            "of Elasticsearch."
        )

    # Where our time goes: per statement, for the three slowest queries.
    slowest = sorted(ours, key=lambda n: percentile(ours[n][1], 0.5), reverse=True)[:3]
    print("\n== our slowest queries, per SQL statement (median of 5 runs) ==")
    for number in slowest:
        per_statement = statement_breakdown(database, number)
        if ARGS.explain and connection.vendor == "postgresql":
            explain(per_statement)

    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    print(f"\ntotal time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        if TMP:
            shutil.rmtree(TMP, ignore_errors=True)
        elif not ARGS.keep_database:
            drop_postgresql_database()
