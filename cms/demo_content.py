"""The demo site's texts, drawn from the Work4Integration programme (Morocco, 2018-2021).

French is the source; Arabic and English translations exist for the pages the issue names
(home, the launch article, the open call) and for the index pages that hold them.
"""

from datetime import date, timedelta


def rich(*paragraphs):
    return "".join(f"<p>{p}</p>" for p in paragraphs)


PROGRAMME_FIGURES = {
    "fr": [
        ("800", "migrants informés sur l'entrepreneuriat"),
        ("400", "auto-entrepreneurs certifiés"),
        ("100 000 €", "fonds d'amorçage"),
        ("2 000", "bénéficiaires directs et indirects"),
    ],
    "ar": [
        ("800", "مهاجر تلقّوا معلومات حول ريادة الأعمال"),
        ("400", "مقاول ذاتي حاصل على الشهادة"),
        ("100.000 €", "صندوق الانطلاق"),
        ("2.000", "مستفيد مباشر وغير مباشر"),
    ],
    "en": [
        ("800", "migrants informed about entrepreneurship"),
        ("400", "certified auto-entrepreneurs"),
        ("€100,000", "start-up fund"),
        ("2,000", "direct and indirect beneficiaries"),
    ],
}


def key_figures(language, title):
    return {
        "type": "key_figures",
        "value": {
            "title": title,
            "figures": [{"value": v, "label": label} for v, label in PROGRAMME_FIGURES[language]],
        },
    }


HOME = {
    "fr": {
        "title": "Accueil",
        "hero_title": "Lancez et développez votre entreprise au Maroc",
        "hero_text": (
            "Tremplin accompagne les entrepreneurs migrants de Rabat-Salé et de Tanger-Tétouan : "
            "information, certification d'auto-entrepreneur, mentorat, financement et mise en "
            "relation avec les institutions partenaires."
        ),
        "hero_link_label": "Voir l'appel à candidatures",
        "body": [
            key_figures("fr", "Le programme en chiffres"),
        ],
    },
    "ar": {
        "title": "الرئيسية",
        "hero_title": "أطلق مشروعك وطوّره في المغرب",
        "hero_text": (
            "يرافق برنامج ترامبلان رواد الأعمال المهاجرين في الرباط-سلا وطنجة-تطوان: "
            "الإعلام، والحصول على صفة المقاول الذاتي، والإرشاد، والتمويل، والتواصل مع "
            "المؤسسات الشريكة."
        ),
        "hero_link_label": "اطّلع على طلب الترشيحات",
        "body": [key_figures("ar", "البرنامج بالأرقام")],
    },
    "en": {
        "title": "Home",
        "hero_title": "Start and grow your business in Morocco",
        "hero_text": (
            "Tremplin supports migrant entrepreneurs in Rabat-Salé and Tanger-Tétouan: "
            "information, auto-entrepreneur certification, mentoring, funding and introductions "
            "to partner institutions."
        ),
        "hero_link_label": "See the call for applications",
        "body": [key_figures("en", "The programme in figures")],
    },
}

INDEXES = {
    "news": {
        "model": "NewsIndexPage",
        "fr": ("Actualités", "Les nouvelles du programme et de ses entrepreneurs."),
        "ar": ("الأخبار", "أخبار البرنامج ورواد أعماله."),
        "en": ("News", "News from the programme and its entrepreneurs."),
    },
    "evenements": {
        "model": "EventIndexPage",
        "fr": (
            "Événements",
            "Sessions d'information, formations et rencontres dans les deux régions.",
        ),
    },
    "appels": {
        "model": "CallIndexPage",
        "fr": ("Appels à candidatures", "Financements, formations et accompagnement : postulez."),
        "ar": ("طلبات الترشيح", "التمويل والتكوين والمواكبة: قدّم ترشيحك."),
        "en": ("Calls for applications", "Funding, training and support: apply."),
    },
    "guides": {
        "model": "GuideIndexPage",
        "fr": ("Guides pratiques", "Les démarches, étape par étape."),
    },
}

LAUNCH = {
    "slug": "lancement-du-programme",
    "date": date(2018, 10, 15),
    "tags": ["programme", "financement", "partenaires"],
    "fr": {
        "title": "Lancement du programme d'intégration économique des migrants",
        "intro": (
            "Cofinancé par l'Union européenne dans le cadre du partenariat pour la mobilité "
            "Maroc-UE de 2013, le programme accompagnera pendant trois ans les migrants qui "
            "veulent créer leur activité à Rabat/Salé et à Tanger/Tétouan."
        ),
        "body": [
            {
                "type": "paragraph",
                "value": rich(
                    "Doté de <strong>720 847 €</strong> sur trois ans, le programme informe, "
                    "forme et accompagne les migrants porteurs de projets, avec un "
                    "<strong>fonds d'amorçage de 100 000 €</strong> pour les premières "
                    "entreprises.",
                    "Il s'appuie sur les institutions marocaines : l'Entraide nationale, "
                    "l'Office du développement de la coopération (ODCO) et Maroc PME, ainsi que "
                    "sur les associations de terrain.",
                ),
            },
            {"type": "heading", "value": {"text": "Les objectifs", "level": "h2"}},
            {
                "type": "paragraph",
                "value": "<ul><li>800 migrants informés ;</li>"
                "<li>400 certifiés auto-entrepreneurs ;</li>"
                "<li>10 entreprises créées ;</li>"
                "<li>1 000 personnes touchées par les campagnes de sensibilisation ;</li>"
                "<li>une cinquantaine de cadres des institutions partenaires formés ;</li>"
                "<li>environ 2 000 bénéficiaires directs et indirects.</li></ul>",
            },
            {
                "type": "quote",
                "value": {
                    "text": "Créer son activité, c'est aussi trouver sa place dans la ville.",
                    "attribution": "Une future entrepreneure, Rabat",
                },
            },
        ],
    },
    "ar": {
        "title": "إطلاق برنامج الإدماج الاقتصادي للمهاجرين",
        "intro": (
            "بتمويل مشترك من الاتحاد الأوروبي في إطار شراكة التنقل بين المغرب والاتحاد "
            "الأوروبي لسنة 2013، يرافق البرنامج طيلة ثلاث سنوات المهاجرين الراغبين في إنشاء "
            "نشاطهم في الرباط/سلا وطنجة/تطوان."
        ),
        "body": [
            {
                "type": "paragraph",
                "value": rich(
                    "بميزانية قدرها <strong>720.847 يورو</strong> على مدى ثلاث سنوات، يُعلم "
                    "البرنامج المهاجرين حاملي المشاريع ويكوّنهم ويرافقهم، مع "
                    "<strong>صندوق انطلاق بقيمة 100.000 يورو</strong> للمقاولات الأولى.",
                    "ويعتمد على المؤسسات المغربية: التعاون الوطني، ومكتب تنمية التعاون، "
                    "والمغرب المقاولات الصغرى والمتوسطة، وكذلك على الجمعيات الميدانية.",
                ),
            },
            {"type": "heading", "value": {"text": "الأهداف", "level": "h2"}},
            {
                "type": "paragraph",
                "value": "<ul><li>إعلام 800 مهاجر؛</li>"
                "<li>حصول 400 منهم على صفة المقاول الذاتي؛</li>"
                "<li>إنشاء 10 مقاولات؛</li>"
                "<li>بلوغ 1.000 شخص عبر حملات التحسيس؛</li>"
                "<li>تكوين حوالي خمسين إطارًا من المؤسسات الشريكة؛</li>"
                "<li>حوالي 2.000 مستفيد مباشر وغير مباشر.</li></ul>",
            },
        ],
    },
    "en": {
        "title": "Launch of the programme for the economic integration of migrants",
        "intro": (
            "Co-funded by the European Union under the 2013 Morocco-EU mobility partnership, "
            "the programme will support migrants who want to start a business in Rabat/Salé "
            "and Tanger/Tétouan for three years."
        ),
        "body": [
            {
                "type": "paragraph",
                "value": rich(
                    "With <strong>€720,847</strong> over three years, the programme informs, "
                    "trains and supports migrants with a business idea, and a "
                    "<strong>€100,000 start-up fund</strong> helps the first businesses.",
                    "It works with Moroccan institutions - Entraide nationale, the cooperative "
                    "development office (ODCO) and Maroc PME - and with local associations.",
                ),
            },
            {"type": "heading", "value": {"text": "The targets", "level": "h2"}},
            {
                "type": "paragraph",
                "value": "<ul><li>800 migrants informed;</li>"
                "<li>400 certified as auto-entrepreneurs;</li>"
                "<li>10 businesses created;</li>"
                "<li>1,000 people reached by awareness campaigns;</li>"
                "<li>about 50 officials of partner institutions trained;</li>"
                "<li>about 2,000 direct and indirect beneficiaries.</li></ul>",
            },
        ],
    },
}

MORE_NEWS = [
    {
        "slug": "premiers-auto-entrepreneurs-certifies",
        "days_ago": 420,
        "tags": ["certification"],
        "title": "Les 100 premiers auto-entrepreneurs certifiés",
        "intro": "À Rabat et à Tanger, cent participants ont obtenu leur carte "
        "d'auto-entrepreneur avec l'appui de Maroc PME.",
        "text": "Couturières, cuisiniers, coiffeurs, réparateurs de téléphones : les premiers "
        "certifiés couvrent une grande variété de métiers. Chacun est désormais accompagné par "
        "un mentor pendant six mois.",
    },
    {
        "slug": "formation-des-cadres-partenaires",
        "days_ago": 300,
        "tags": ["partenaires", "formation"],
        "title": "Cinquante cadres des institutions partenaires formés à l'accueil des migrants",
        "intro": "Agents de l'Entraide nationale, de l'ODCO et des centres régionaux "
        "d'investissement ont suivi trois jours de formation.",
        "text": "Au programme : le cadre juridique de l'auto-entrepreneuriat, l'accès des "
        "étrangers aux dispositifs publics et l'accueil interculturel.",
    },
    {
        "slug": "cooperatives-tanger",
        "days_ago": 150,
        "tags": ["coopératives"],
        "title": "Trois coopératives voient le jour à Tanger",
        "intro": "Accompagnées par l'ODCO, trois coopératives de restauration et "
        "d'artisanat ont été enregistrées ce trimestre.",
        "text": "Elles réunissent vingt-deux membres, migrants et Marocains, et bénéficient du "
        "fonds d'amorçage du programme.",
    },
    {
        "slug": "campagne-sensibilisation",
        "days_ago": 40,
        "tags": ["sensibilisation"],
        "title": "Une campagne de sensibilisation dans les quartiers",
        "intro": "Des séances d'information ont touché plus de mille personnes dans les "
        "deux régions.",
        "text": "Les séances, animées en français, en arabe et en anglais, présentent les "
        "démarches de création d'entreprise et les services du programme.",
    },
]

SCHEDULED_NEWS = {
    "slug": "bilan-annuel",
    "title": "Bilan annuel du programme",
    "intro": "Les chiffres de l'année et les prochaines étapes.",
    "text": "Article programmé : il sera publié automatiquement à la date prévue.",
    "tags": ["bilan"],
}

EVENTS = [
    # (slug, title, days from today, hours long, region, venue, intro)
    (
        "session-information-rabat",
        "Session d'information : créer son activité",
        12,
        3,
        "rabat-sale",
        "Maison des associations, Salé",
        "Les étapes pour devenir auto-entrepreneur et les services du programme.",
    ),
    (
        "atelier-comptabilite-tanger",
        "Atelier : tenir sa comptabilité simplement",
        20,
        4,
        "tanger-tetouan",
        "Centre régional d'investissement, Tanger",
        "Un atelier pratique pour suivre recettes et dépenses avec un téléphone.",
    ),
    (
        "webinaire-financement",
        "Webinaire : financer son projet",
        30,
        2,
        "online",
        "",
        "Microcrédit, fonds d'amorçage et subventions : qui peut en bénéficier ?",
    ),
    (
        "foire-entrepreneurs-rabat",
        "Foire des entrepreneurs migrants",
        -60,
        8,
        "rabat-sale",
        "Place Bab El Had, Rabat",
        "Vingt entrepreneurs ont présenté leurs produits au public.",
    ),
    (
        "rencontre-institutions-tetouan",
        "Rencontre avec les institutions partenaires",
        -120,
        3,
        "tanger-tetouan",
        "Délégation de l'Entraide nationale, Tétouan",
        "Présentation des services publics d'appui à l'entrepreneuriat.",
    ),
]

CALL = {
    "slug": "appel-fonds-amorcage",
    "opens_days_ago": 10,
    "closes_in_days": 35,
    "budget": 100000,
    "currency": "EUR",
    "apply_url": "https://tremplin.example/candidater",
    "fr": {
        "title": "Appel à candidatures : fonds d'amorçage 2026",
        "intro": "Jusqu'à 25 000 MAD pour lancer ou consolider votre activité, avec six mois "
        "de mentorat.",
        "eligibility": rich(
            "Entrepreneurs migrants résidant à Rabat/Salé ou à Tanger/Tétouan, certifiés "
            "auto-entrepreneurs ou membres d'une coopérative en cours de création.",
            "Les projets collectifs (coopératives, SARL) sont encouragés.",
        ),
        "targets": "10 entreprises créées\n20 entreprises consolidées",
        "how_to_apply": rich(
            "Remplissez le formulaire en ligne et joignez une présentation de votre projet "
            "(deux pages). Un comité réunissant les partenaires examine les dossiers.",
        ),
    },
    "ar": {
        "title": "طلب ترشيحات: صندوق الانطلاق 2026",
        "intro": "حتى 25.000 درهم لإطلاق نشاطك أو تعزيزه، مع ستة أشهر من الإرشاد.",
        "eligibility": rich(
            "رواد الأعمال المهاجرون المقيمون في الرباط/سلا أو طنجة/تطوان، الحاصلون على صفة "
            "المقاول الذاتي أو الأعضاء في تعاونية في طور التأسيس.",
            "المشاريع الجماعية (التعاونيات والشركات ذات المسؤولية المحدودة) مرحّب بها.",
        ),
        "targets": "إنشاء 10 مقاولات\nتعزيز 20 مقاولة",
        "how_to_apply": rich(
            "املأ الاستمارة عبر الإنترنت وأرفق تقديمًا لمشروعك (صفحتان). تدرس لجنة تضم "
            "الشركاء الملفات.",
        ),
    },
    "en": {
        "title": "Call for applications: 2026 start-up fund",
        "intro": "Up to 25,000 MAD to start or grow your business, with six months of mentoring.",
        "eligibility": rich(
            "Migrant entrepreneurs living in Rabat/Salé or Tanger/Tétouan, certified as "
            "auto-entrepreneurs or members of a cooperative being set up.",
            "Collective projects (cooperatives, SARLs) are encouraged.",
        ),
        "targets": "10 businesses created\n20 businesses strengthened",
        "how_to_apply": rich(
            "Fill in the online form and attach a two-page presentation of your project. "
            "A committee of the partners reviews the applications.",
        ),
    },
}

OTHER_CALLS = [
    {
        "slug": "appel-formation-gestion",
        "title": "Formation à la gestion d'entreprise - session de printemps",
        "opens_days_ago": -20,
        "closes_in_days": 60,
        "intro": "Douze semaines de formation du soir, gratuites, à Rabat et à Tanger.",
    },
    {
        "slug": "appel-certification-2025",
        "title": "Accompagnement à la certification d'auto-entrepreneur 2025",
        "opens_days_ago": 400,
        "closes_in_days": -300,
        "intro": "Appel clos : 400 participants certifiés.",
    },
]

GUIDES = [
    {
        "slug": "devenir-auto-entrepreneur",
        "title": "Devenir auto-entrepreneur au Maroc",
        "intro": "Le statut d'auto-entrepreneur en quatre étapes, pour les personnes "
        "étrangères en situation régulière.",
        "steps": [
            (
                "Vérifier que votre activité est éligible",
                "La plupart des activités commerciales, artisanales et de services le sont. "
                "Le chiffre d'affaires annuel est plafonné.",
                ["Carte de séjour en cours de validité"],
            ),
            (
                "S'inscrire auprès de Barid Al-Maghrib ou en ligne",
                "L'inscription se fait au guichet de la poste ou sur le portail national.",
                ["Carte de séjour", "Photo d'identité", "Justificatif d'adresse"],
            ),
            (
                "Recevoir sa carte d'auto-entrepreneur",
                "La carte arrive sous quelques semaines ; elle vous donne un identifiant fiscal.",
                [],
            ),
            (
                "Déclarer son chiffre d'affaires chaque trimestre",
                "La déclaration et le paiement se font en ligne ou à la poste.",
                [],
            ),
        ],
    },
    {
        "slug": "creer-une-cooperative",
        "title": "Créer une coopérative",
        "intro": "Se regrouper pour produire et vendre : les démarches auprès de l'ODCO.",
        "steps": [
            (
                "Réunir au moins cinq membres fondateurs",
                "Les membres partagent une activité et adoptent des statuts.",
                ["Pièce d'identité de chaque membre"],
            ),
            (
                "Obtenir le certificat négatif",
                "Le nom de la coopérative est réservé auprès de l'ODCO.",
                [],
            ),
            (
                "Tenir l'assemblée constitutive et déposer le dossier",
                "Le dossier est déposé auprès de l'autorité locale puis de l'ODCO.",
                ["Statuts signés", "Procès-verbal de l'assemblée"],
            ),
        ],
    },
]

ABOUT = {
    "slug": "a-propos",
    "title": "À propos du programme",
    "intro": "Un programme lancé en 2018 à Rabat/Salé et à Tanger/Tétouan.",
    "text": "Tremplin s'inspire du programme Work4Integration : 800 migrants informés, 400 "
    "certifiés auto-entrepreneurs, 22 entreprises collectives créées (coopératives et SARL) et "
    "environ 2 000 personnes touchées.",
}

LEGAL = [
    (
        "confidentialite",
        "Politique de confidentialité",
        "Votre statut de séjour et votre nationalité ne sont jamais publics, jamais indexés par "
        "les moteurs de recherche et jamais exportés sans finalité. Vous pouvez télécharger vos "
        "données et supprimer votre compte à tout moment depuis vos paramètres.",
    ),
    (
        "conditions-utilisation",
        "Conditions d'utilisation",
        "En créant un compte, vous vous engagez à publier des informations exactes et à "
        "respecter les autres membres.",
    ),
]

CONTACT = {
    "slug": "contact",
    "title": "Contact",
    "intro": rich("Une question sur le programme ? Écrivez-nous, nous répondons sous 3 jours."),
    "thank_you": rich("Merci ! Votre message a bien été envoyé."),
    "fields": [
        ("Votre nom", "singleline", True),
        ("Votre adresse e-mail", "email", True),
        ("Votre message", "multiline", True),
    ],
}

DEMO_USERS = [
    # (e-mail, display name, role group or None for an administrator)
    ("admin@tremplin.example", "Admin Tremplin", None),
    ("manager@tremplin.example", "Samira Benali", "Programme managers"),
    ("editor@tremplin.example", "Youssef El Idrissi", "Editors"),
    ("institution@tremplin.example", "Nadia Amrani", "Institution staff"),
    ("mentor@tremplin.example", "Karim Tazi", "Mentors"),
    ("entrepreneur@tremplin.example", "Aminata Diallo", "Entrepreneurs"),
    ("funder@tremplin.example", "Claire Martin", "Funders"),
]


def today_plus(days):
    return date.today() + timedelta(days=days)
