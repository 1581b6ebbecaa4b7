"""The demo site's texts, drawn from the Work4Integration programme (Morocco, 2018-2021).

French is the source. Arabic and English translations exist for the home page, the four section
indexes, the launch article, the open call, the events, the guides, the "about" page, the legal
pages and the contact form; the other news articles and calls are in French only.
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
        "ar": ("الفعاليات", "جلسات إعلامية ودورات تكوينية ولقاءات في الجهتين."),
        "en": ("Events", "Information sessions, training and meetings in both regions."),
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
        "ar": ("أدلة عملية", "الإجراءات الإدارية، خطوة بخطوة."),
        "en": ("Practical guides", "The formalities, step by step."),
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
    # Start in days from today (negative: past), length in hours, region; texts per language.
    {
        "slug": "session-information-rabat",
        "days": 12,
        "hours": 3,
        "region": "rabat-sale",
        "fr": {
            "title": "Session d'information : créer son activité",
            "venue": "Maison des associations, Salé",
            "intro": "Les étapes pour devenir auto-entrepreneur et les services du programme.",
        },
        "ar": {
            "title": "جلسة إعلامية: إنشاء نشاطك المهني",
            "venue": "دار الجمعيات، سلا",
            "intro": "مراحل الحصول على صفة المقاول الذاتي، والخدمات التي يقدّمها البرنامج.",
        },
        "en": {
            "title": "Information session: starting your own business",
            "venue": "Maison des associations, Salé",
            "intro": "The steps to become an auto-entrepreneur, and what the programme offers.",
        },
    },
    {
        "slug": "atelier-comptabilite-tanger",
        "days": 20,
        "hours": 4,
        "region": "tanger-tetouan",
        "fr": {
            "title": "Atelier : tenir sa comptabilité simplement",
            "venue": "Centre régional d'investissement, Tanger",
            "intro": "Un atelier pratique pour suivre recettes et dépenses avec un téléphone.",
        },
        "ar": {
            "title": "ورشة: مسك حساباتك بطريقة بسيطة",
            "venue": "المركز الجهوي للاستثمار، طنجة",
            "intro": "ورشة تطبيقية لتتبّع المداخيل والمصاريف باستعمال الهاتف.",
        },
        "en": {
            "title": "Workshop: simple bookkeeping",
            "venue": "Regional Investment Centre, Tangier",
            "intro": "A hands-on workshop to keep track of income and expenses on your phone.",
        },
    },
    {
        "slug": "webinaire-financement",
        "days": 30,
        "hours": 2,
        "region": "online",
        "fr": {
            "title": "Webinaire : financer son projet",
            "venue": "",
            "intro": "Microcrédit, fonds d'amorçage et subventions : qui peut en bénéficier ?",
        },
        "ar": {
            "title": "ندوة عبر الإنترنت: تمويل مشروعك",
            "venue": "",
            "intro": "القروض الصغرى وصندوق الانطلاق والمنح: من يمكنه الاستفادة منها؟",
        },
        "en": {
            "title": "Webinar: funding your project",
            "venue": "",
            "intro": "Microcredit, the start-up fund and grants: who can get them?",
        },
    },
    {
        "slug": "foire-entrepreneurs-rabat",
        "days": -60,
        "hours": 8,
        "region": "rabat-sale",
        "fr": {
            "title": "Foire des entrepreneurs migrants",
            "venue": "Place Bab El Had, Rabat",
            "intro": "Vingt entrepreneurs ont présenté leurs produits au public.",
        },
        "ar": {
            "title": "معرض رواد الأعمال المهاجرين",
            "venue": "ساحة باب الحد، الرباط",
            "intro": "عرض عشرون من رواد الأعمال منتجاتهم على الجمهور.",
        },
        "en": {
            "title": "Migrant entrepreneurs' fair",
            "venue": "Bab El Had Square, Rabat",
            "intro": "Twenty entrepreneurs showed their products to the public.",
        },
    },
    {
        "slug": "rencontre-institutions-tetouan",
        "days": -120,
        "hours": 3,
        "region": "tanger-tetouan",
        "fr": {
            "title": "Rencontre avec les institutions partenaires",
            "venue": "Délégation de l'Entraide nationale, Tétouan",
            "intro": "Présentation des services publics d'appui à l'entrepreneuriat.",
        },
        "ar": {
            "title": "لقاء مع المؤسسات الشريكة",
            "venue": "مندوبية التعاون الوطني، تطوان",
            "intro": "تقديم الخدمات العمومية لدعم ريادة الأعمال.",
        },
        "en": {
            "title": "Meeting with the partner institutions",
            "venue": "Entraide nationale office, Tétouan",
            "intro": "An introduction to the public services that support entrepreneurs.",
        },
    },
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
    # Each step: (title, text, documents to bring).
    {
        "slug": "devenir-auto-entrepreneur",
        "fr": {
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
                    "La carte arrive sous quelques semaines ; elle vous donne un identifiant "
                    "fiscal.",
                    [],
                ),
                (
                    "Déclarer son chiffre d'affaires chaque trimestre",
                    "La déclaration et le paiement se font en ligne ou à la poste.",
                    [],
                ),
            ],
        },
        "ar": {
            "title": "الحصول على صفة المقاول الذاتي في المغرب",
            "intro": "نظام المقاول الذاتي في أربع خطوات، للأشخاص الأجانب المقيمين في المغرب "
            "بصفة قانونية.",
            "steps": [
                (
                    "تحقّق من أن نشاطك مؤهَّل",
                    "معظم الأنشطة التجارية والحرفية والخدماتية مؤهَّلة. ورقم المعاملات السنوي "
                    "محدَّد بسقف لا ينبغي تجاوزه.",
                    ["بطاقة إقامة سارية المفعول"],
                ),
                (
                    "سجّل نفسك لدى بريد المغرب أو عبر الإنترنت",
                    "يتم التسجيل في شبّاك مكتب البريد أو على البوابة الوطنية.",
                    ["بطاقة الإقامة", "صورة شمسية", "وثيقة تُثبت العنوان"],
                ),
                (
                    "تسلّم بطاقة المقاول الذاتي",
                    "تصل البطاقة في غضون بضعة أسابيع، وتمنحك معرّفًا ضريبيًا.",
                    [],
                ),
                (
                    "صرّح برقم معاملاتك كل ثلاثة أشهر",
                    "يتم التصريح والأداء عبر الإنترنت أو في مكتب البريد.",
                    [],
                ),
            ],
        },
        "en": {
            "title": "Becoming an auto-entrepreneur in Morocco",
            "intro": "The auto-entrepreneur status in four steps, for foreign nationals living "
            "legally in Morocco.",
            "steps": [
                (
                    "Check that your activity is eligible",
                    "Most trade, craft and service activities are. Annual turnover is capped.",
                    ["A valid residence card"],
                ),
                (
                    "Register with Barid Al-Maghrib or online",
                    "You register at a post office counter or on the national portal.",
                    ["Residence card", "Passport photo", "Proof of address"],
                ),
                (
                    "Receive your auto-entrepreneur card",
                    "The card arrives within a few weeks; it gives you a tax identification "
                    "number.",
                    [],
                ),
                (
                    "Declare your turnover every quarter",
                    "You declare and pay online or at the post office.",
                    [],
                ),
            ],
        },
    },
    {
        "slug": "creer-une-cooperative",
        "fr": {
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
        "ar": {
            "title": "تأسيس تعاونية",
            "intro": "التكتّل من أجل الإنتاج والبيع: الإجراءات لدى مكتب تنمية التعاون.",
            "steps": [
                (
                    "اجمع خمسة أعضاء مؤسسين على الأقل",
                    "يمارس الأعضاء نشاطًا مشتركًا ويصادقون على نظام أساسي.",
                    ["وثيقة هوية لكل عضو"],
                ),
                (
                    "احصل على الشهادة السلبية",
                    "يُحجز اسم التعاونية لدى مكتب تنمية التعاون.",
                    [],
                ),
                (
                    "اعقد الجمع العام التأسيسي وأودِع الملف",
                    "يُودَع الملف لدى السلطة المحلية ثم لدى مكتب تنمية التعاون.",
                    ["النظام الأساسي موقَّعًا", "محضر الجمع العام"],
                ),
            ],
        },
        "en": {
            "title": "Setting up a cooperative",
            "intro": "Joining forces to produce and sell: the steps with ODCO, the cooperative "
            "development office.",
            "steps": [
                (
                    "Bring together at least five founding members",
                    "The members share an activity and adopt articles of association.",
                    ["An identity document for each member"],
                ),
                (
                    "Get the name certificate (certificat négatif)",
                    "The cooperative's name is reserved with ODCO.",
                    [],
                ),
                (
                    "Hold the founding meeting and file the application",
                    "The application goes to the local authority, then to ODCO.",
                    ["Signed articles of association", "Minutes of the founding meeting"],
                ),
            ],
        },
    },
]

ABOUT = {
    "slug": "a-propos",
    "fr": {
        "title": "À propos du programme",
        "intro": "Un programme lancé en 2018 à Rabat/Salé et à Tanger/Tétouan.",
        "text": "Tremplin s'inspire du programme Work4Integration : 800 migrants informés, 400 "
        "certifiés auto-entrepreneurs, 22 entreprises collectives créées (coopératives et SARL) "
        "et environ 2 000 personnes touchées.",
    },
    "ar": {
        "title": "حول البرنامج",
        "intro": "برنامج انطلق سنة 2018 في الرباط/سلا وطنجة/تطوان.",
        "text": "يستلهم ترامبلان تجربة برنامج Work4Integration: إعلام 800 مهاجر، وحصول 400 "
        "منهم على صفة المقاول الذاتي، وإنشاء 22 مقاولة جماعية (تعاونيات وشركات ذات مسؤولية "
        "محدودة)، وبلوغ حوالي 2.000 شخص.",
    },
    "en": {
        "title": "About the programme",
        "intro": "A programme launched in 2018 in Rabat/Salé and Tanger/Tétouan.",
        "text": "Tremplin draws on the Work4Integration programme: 800 migrants informed, 400 "
        "certified as auto-entrepreneurs, 22 collective businesses created (cooperatives and "
        "SARLs) and about 2,000 people reached.",
    },
}

LEGAL = [
    {
        "slug": "confidentialite",
        "fr": {
            "title": "Politique de confidentialité",
            "text": "Votre statut de séjour et votre nationalité ne sont jamais publics, jamais "
            "indexés par les moteurs de recherche et jamais exportés sans finalité. Vous pouvez "
            "télécharger vos données et supprimer votre compte à tout moment depuis vos "
            "paramètres.",
        },
        "ar": {
            "title": "سياسة الخصوصية",
            "text": "وضعيتك في الإقامة وجنسيتك لا تُنشَران للعموم أبدًا، ولا تفهرسهما محركات "
            "البحث، ولا تُصدَّران دون غرض محدَّد. يمكنك تنزيل بياناتك وحذف حسابك في أي وقت من "
            "إعداداتك.",
        },
        "en": {
            "title": "Privacy policy",
            "text": "Your residence status and your nationality are never public, never indexed "
            "by search engines and never exported without a purpose. You can download your data "
            "and delete your account at any time from your settings.",
        },
    },
    {
        "slug": "conditions-utilisation",
        "fr": {
            "title": "Conditions d'utilisation",
            "text": "En créant un compte, vous vous engagez à publier des informations exactes "
            "et à respecter les autres membres.",
        },
        "ar": {
            "title": "شروط الاستخدام",
            "text": "بإنشائك حسابًا، فإنك تلتزم بنشر معلومات صحيحة وباحترام الأعضاء الآخرين.",
        },
        "en": {
            "title": "Terms of use",
            "text": "By creating an account, you agree to publish accurate information and to "
            "respect the other members.",
        },
    },
]

CONTACT = {
    "slug": "contact",
    # (field type, required), in order; each language gives the labels in the same order.
    "fields": [("singleline", True), ("email", True), ("multiline", True)],
    "fr": {
        "title": "Contact",
        "intro": rich("Une question sur le programme ? Écrivez-nous, nous répondons sous 3 jours."),
        "thank_you": rich("Merci ! Votre message a bien été envoyé."),
        "labels": ["Votre nom", "Votre adresse e-mail", "Votre message"],
        # The e-mail goes to the programme's staff, who work in French.
        "subject": "Message envoyé depuis Tremplin",
    },
    "ar": {
        "title": "اتصل بنا",
        "intro": rich("لديك سؤال حول البرنامج؟ راسلنا، وسنردّ عليك في غضون 3 أيام."),
        "thank_you": rich("شكرًا! لقد تم إرسال رسالتك بنجاح."),
        "labels": ["اسمك", "بريدك الإلكتروني", "رسالتك"],
        "subject": "Message envoyé depuis Tremplin (formulaire en arabe)",
    },
    "en": {
        "title": "Contact us",
        "intro": rich("A question about the programme? Write to us: we answer within 3 days."),
        "thank_you": rich("Thank you! Your message has been sent."),
        "labels": ["Your name", "Your e-mail address", "Your message"],
        "subject": "Message envoyé depuis Tremplin (formulaire en anglais)",
    },
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
