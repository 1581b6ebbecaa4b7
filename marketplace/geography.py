"""Morocco's 12 regions (2015 division) and their main cities: the controlled lists that
business profiles and directory filters use."""

from django.utils.translation import gettext_lazy as _

REGIONS = [
    ("tanger-tetouan-al-hoceima", _("Tanger-Tétouan-Al Hoceïma")),
    ("oriental", _("Oriental")),
    ("fes-meknes", _("Fès-Meknès")),
    ("rabat-sale-kenitra", _("Rabat-Salé-Kénitra")),
    ("beni-mellal-khenifra", _("Béni Mellal-Khénifra")),
    ("casablanca-settat", _("Casablanca-Settat")),
    ("marrakech-safi", _("Marrakech-Safi")),
    ("draa-tafilalet", _("Drâa-Tafilalet")),
    ("souss-massa", _("Souss-Massa")),
    ("guelmim-oued-noun", _("Guelmim-Oued Noun")),
    ("laayoune-sakia-el-hamra", _("Laâyoune-Sakia El Hamra")),
    ("dakhla-oued-ed-dahab", _("Dakhla-Oued Ed-Dahab")),
]

# City names are proper nouns, shown as written here in every language.
CITIES = {
    "tanger-tetouan-al-hoceima": [
        "Tanger",
        "Tétouan",
        "Al Hoceïma",
        "Larache",
        "Ksar El Kébir",
        "Fnideq",
        "Chefchaouen",
        "M'diq",
        "Asilah",
        "Ouazzane",
    ],
    "oriental": ["Oujda", "Nador", "Berkane", "Taourirt", "Guercif", "Jerada", "Figuig"],
    "fes-meknes": ["Fès", "Meknès", "Taza", "Sefrou", "Ifrane", "El Hajeb", "Azrou"],
    "rabat-sale-kenitra": [
        "Rabat",
        "Salé",
        "Kénitra",
        "Témara",
        "Skhirat",
        "Khémisset",
        "Sidi Kacem",
        "Sidi Slimane",
    ],
    "beni-mellal-khenifra": ["Béni Mellal", "Khouribga", "Khénifra", "Fquih Ben Salah", "Azilal"],
    "casablanca-settat": [
        "Casablanca",
        "Mohammédia",
        "El Jadida",
        "Settat",
        "Berrechid",
        "Benslimane",
    ],
    "marrakech-safi": ["Marrakech", "Safi", "Essaouira", "El Kelâa des Sraghna", "Youssoufia"],
    "draa-tafilalet": ["Errachidia", "Ouarzazate", "Midelt", "Tinghir", "Zagora"],
    "souss-massa": ["Agadir", "Inezgane", "Aït Melloul", "Taroudant", "Tiznit", "Tata"],
    "guelmim-oued-noun": ["Guelmim", "Tan-Tan", "Sidi Ifni", "Assa"],
    "laayoune-sakia-el-hamra": ["Laâyoune", "Boujdour", "Tarfaya", "Es-Semara"],
    "dakhla-oued-ed-dahab": ["Dakhla", "Aousserd"],
}

CITY_CHOICES = [(city, city) for region, _label in REGIONS for city in CITIES[region]]
REGION_OF_CITY = {city: region for region, cities in CITIES.items() for city in cities}
