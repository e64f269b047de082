"""The demo calls' own questions: labels per language, as staff would write them in the builder or
load them with ``call_form import``."""

BACKYARD_QUESTIONS = [
    {
        "key": "team",
        "type": "long_text",
        "max_words": 150,
        "required": True,
        "label": {
            "en": "Who is in your group, and what has it done together?",
            "uk": "Хто у вашій групі і що ви вже зробили разом?",
        },
    },
    {
        "key": "neighbours_involved",
        "type": "number",
        "label": {"en": "How many neighbours will take part?", "uk": "Скільки сусідів візьме участь?"},
    },
    {
        "key": "space",
        "type": "single_choice",
        "required": True,
        "label": {"en": "Which shared space?", "uk": "Який спільний простір?"},
        "options": [
            {"value": "yard", "label": {"en": "A yard", "uk": "Подвір'я"}},
            {"value": "square", "label": {"en": "A square or park", "uk": "Сквер або парк"}},
            {"value": "room", "label": {"en": "A community room or library", "uk": "Громадська кімната чи бібліотека"}},
        ],
    },
    {"key": "owner_agrees", "type": "yes_no", "label": {"en": "Has the owner of the space agreed?"}},
    {
        "key": "leader_phone",
        "type": "short_text",
        "identifying": True,
        "reviewers_see": False,
        "label": {"en": "Phone of the group's leader"},
    },
]

MEDIA_QUESTIONS = [
    {
        "key": "outlet",
        "type": "short_text",
        "required": True,
        "identifying": True,
        "label": {"en": "Name of your outlet", "pl": "Nazwa redakcji"},
    },
    {"key": "website", "type": "url", "label": {"en": "Website", "pl": "Strona internetowa"}},
    {
        "key": "monthly_audience",
        "type": "number",
        "required": True,
        "label": {"en": "Readers or listeners a month", "pl": "Czytelnicy lub słuchacze miesięcznie"},
    },
    {
        "key": "team",
        "type": "table",
        "min_rows": 1,
        "max_rows": 12,
        "required": True,
        "label": {"en": "The editorial team and what each costs a month", "pl": "Zespół redakcji i koszt miesięczny"},
        "columns": [
            {"key": "role", "type": "short_text", "label": {"en": "Role", "pl": "Funkcja"}},
            {"key": "hours", "type": "number", "label": {"en": "Hours a week", "pl": "Godziny tygodniowo"}},
            {"key": "cost", "type": "money", "label": {"en": "Monthly cost", "pl": "Koszt miesięczny"}},
        ],
    },
    {"key": "rent", "type": "money", "label": {"en": "Office rent for the year", "pl": "Czynsz za biuro na rok"}},
    {
        "key": "other_funding",
        "type": "money",
        "in_letter": True,
        "label": {"en": "Other funding for these costs", "pl": "Inne finansowanie tych kosztów"},
    },
    {
        "key": "accounts",
        "type": "file",
        "file_types": ["pdf", "xlsx", "ods"],
        "max_mb": 5,
        "label": {"en": "Last year's accounts", "pl": "Sprawozdanie finansowe za ubiegły rok"},
    },
    {
        "key": "independence",
        "type": "long_text",
        "max_words": 200,
        "required": True,
        "label": {
            "en": "How do you keep your editorial independence?",
            "pl": "Jak dbacie o niezależność redakcyjną?",
        },
    },
]

CRISIS_QUESTIONS = [
    {
        "key": "what_happened",
        "type": "long_text",
        "max_words": 150,
        "required": True,
        "label": {"en": "What happened, and when?", "be": "Што здарылася і калі?", "uk": "Що сталося і коли?"},
    },
    {
        "key": "urgent",
        "type": "yes_no",
        "required": True,
        "label": {"en": "Is anyone in danger right now?", "be": "Ці ёсць хтосьці ў небяспецы зараз?"},
    },
    {
        "key": "safe_contact",
        "type": "short_text",
        "identifying": True,
        "reviewers_see": False,
        "label": {"en": "A safe way to reach you (Signal, a trusted person)", "be": "Бяспечны спосаб звязацца"},
    },
]

PARTNER_COUNTRIES = {
    "key": "partner_country",
    "type": "single_choice",
    "required": True,
    "label": {"en": "Where is your partner across the border?", "uk": "Де ваш партнер за кордоном?"},
    "options": [
        {"value": "pl", "label": {"en": "Poland", "uk": "Польща"}},
        {"value": "sk", "label": {"en": "Slovakia", "uk": "Словаччина"}},
        {"value": "ro", "label": {"en": "Romania", "uk": "Румунія"}},
        {"value": "ua", "label": {"en": "Ukraine", "uk": "Україна"}},
    ],
}

CONCEPT_QUESTIONS = [
    {
        "key": "idea",
        "type": "long_text",
        "max_words": 250,
        "required": True,
        "label": {"en": "Your idea in a few sentences", "uk": "Ваша ідея кількома реченнями"},
    },
    PARTNER_COUNTRIES,
]

FULL_QUESTIONS = [
    {
        "key": "idea",
        "type": "long_text",
        "max_words": 250,
        "required": True,
        "label": {"en": "Your idea, as refined since the concept note", "uk": "Ваша ідея після концепції"},
    },
    PARTNER_COUNTRIES,
    {
        "key": "partners",
        "type": "table",
        "min_rows": 1,
        "max_rows": 6,
        "required": True,
        "label": {"en": "Partners and what each does", "uk": "Партнери і що робить кожен"},
        "columns": [
            {"key": "name", "type": "short_text", "label": {"en": "Partner", "uk": "Партнер"}},
            {"key": "email", "type": "email", "label": {"en": "E-mail", "uk": "Ел. пошта"}},
            {"key": "role", "type": "short_text", "label": {"en": "Role in the project", "uk": "Роль у проєкті"}},
        ],
    },
    {
        "key": "partner_letter",
        "type": "file",
        "file_types": ["pdf"],
        "max_mb": 5,
        "required": True,
        "identifying": True,
        "label": {"en": "The partner's letter of support (PDF)", "uk": "Лист підтримки партнера (PDF)"},
    },
    {
        "key": "sustainability",
        "type": "long_text",
        "max_words": 200,
        "in_letter": True,
        "label": {"en": "What stays after the project ends?", "uk": "Що залишиться після проєкту?"},
    },
]
