"""One definition of how Voordeur reads what people type: phone numbers, KVK numbers, postcodes and free text.

Used by every form, the KCC lookup, the router and the knowledge search, so "06-12345678" and "+31612345678"
are the same number everywhere.
"""

import re
import unicodedata

import phonenumbers

KVK_PATTERN = re.compile(r"^\d{8}$")
POSTCODE_PATTERN = re.compile(r"^(\d{4})\s?([a-zA-Z]{2})$")


def phone_e164(value: str) -> str | None:
    """A Dutch number as people write it (06-12345678, 010 123 4567, +31 6 ...) in E.164, or None."""
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def kvk_number(value: str) -> str | None:
    """Eight digits, with the spaces and dots people type removed; None if it is not a KVK number."""
    compact = re.sub(r"[\s.]", "", value or "")
    return compact if KVK_PATTERN.match(compact) else None


def postcode(value: str) -> str:
    """1234AB and 1234 ab become "1234 AB"; anything else is kept (upper case, trimmed)."""
    compact = value.replace(" ", "").upper()
    return f"{compact[:4]} {compact[4:]}" if len(compact) == 6 else value.strip().upper()


def postcode_digits(value: str) -> int | None:
    """The four digits of a Dutch postcode (1234 AB → 1234), or None."""
    digits = "".join(ch for ch in value if ch.isdigit())[:4]
    return int(digits) if len(digits) == 4 else None


# ----------------------------------------------------------------------------------------------------------
# Free text, for the router and the knowledge search

# Function words that say nothing about the topic. Kept small on purpose: words such
# as "geen", "niet", "zelf" or "eigen" are left in.
STOPWORDS = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "of",
        "maar",
        "dan",
        "als",
        "dat",
        "die",
        "dit",
        "deze",
        "wat",
        "wie",
        "waar",
        "wanneer",
        "waarom",
        "hoe",
        "welke",
        "welk",
        "wel",
        "ook",
        "nog",
        "al",
        "er",
        "hier",
        "daar",
        "om",
        "te",
        "in",
        "op",
        "aan",
        "bij",
        "van",
        "voor",
        "met",
        "naar",
        "uit",
        "over",
        "door",
        "tot",
        "tegen",
        "onder",
        "na",
        "per",
        "ik",
        "je",
        "jij",
        "u",
        "uw",
        "wij",
        "we",
        "ze",
        "zij",
        "hij",
        "mijn",
        "jouw",
        "ons",
        "onze",
        "hun",
        "haar",
        "zijn",
        "is",
        "ben",
        "bent",
        "was",
        "waren",
        "wordt",
        "worden",
        "word",
        "werd",
        "kan",
        "kun",
        "kunt",
        "kunnen",
        "moet",
        "moeten",
        "mag",
        "mogen",
        "wil",
        "wilt",
        "willen",
        "zal",
        "zult",
        "zullen",
        "heb",
        "hebt",
        "heeft",
        "hebben",
        "had",
        "hadden",
        "doe",
        "doet",
        "doen",
        "me",
        "mij",
        "men",
        "zich",
        "zo",
    ]
)


_TOKEN_RE = re.compile(r"[a-z0-9]+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


def normalize(text: str) -> str:
    """Lowercase, fold accents (é -> e, ë -> e) and unify apostrophes."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def tokenize(text: str) -> list[str]:
    """Content tokens: normalised, alphanumeric, without stop words."""
    return [t for t in _TOKEN_RE.findall(normalize(text)) if t not in STOPWORDS]


# Function words that occur in one of the two languages only (words both use, such as "is", "in", "we",
# "die" or "was", are left out). Enough to tell a Dutch question from an English one, short ones included.
ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "for",
        "from",
        "with",
        "without",
        "about",
        "at",
        "by",
        "on",
        "into",
        "onto",
        "is",
        "are",
        "am",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "done",
        "have",
        "has",
        "having",
        "i",
        "you",
        "he",
        "she",
        "it",
        "we",
        "they",
        "my",
        "your",
        "his",
        "its",
        "our",
        "their",
        "me",
        "him",
        "us",
        "them",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "where",
        "when",
        "why",
        "how",
        "can",
        "could",
        "will",
        "would",
        "shall",
        "should",
        "may",
        "might",
        "must",
        "need",
        "needs",
        "not",
        "no",
        "any",
        "some",
        "much",
        "many",
        "more",
        "most",
        "get",
        "got",
        "please",
        "than",
        "then",
        "also",
        "just",
        "only",
        "still",
        "too",
        "very",
    ]
) - {"is", "was", "of", "we", "me"}  # Dutch words too
DUTCH_FUNCTION_WORDS = (
    frozenset(
        (
            " ".join(sorted(STOPWORDS))
            + " niet geen ook nog wel zijn mijn nodig welke welk wat hoe waar wanneer waarom mag moet kan kun "
            "kunt wil wilt heb hebt heeft zit zitten krijg krijgt graag even eigen zelf iemand iets alle alleen "
            "bij uit naar voor tot dus toch nu of en een het de"
        ).split()
    )
    - ENGLISH_FUNCTION_WORDS
)


def detect_language(text: str, *, english_words: frozenset[str] | set[str] = frozenset()) -> str:
    """ "en" or "nl" for a short question, from function words (and ``english_words``, content words that
    only English uses, e.g. a router's glossary). Dutch when in doubt: that is what most people write."""
    words = _TOKEN_RE.findall(normalize(text))
    english = sum(1 for w in words if w in ENGLISH_FUNCTION_WORDS or w in english_words)
    dutch = sum(1 for w in words if w in DUTCH_FUNCTION_WORDS)
    return "en" if english > dutch else "nl"
