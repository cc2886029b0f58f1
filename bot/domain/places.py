"""Where a meeting is, as people write it and as a reply says it.

People write "in der Stadthalle Kalkar" or "im Rathaus Kleve"; the place kept is "Stadthalle
Kalkar" and "Rathaus Kleve", and a German reply puts the right preposition back in front:
"in der Stadthalle Kalkar", "im Rathaus Kleve", "in Kalkar". The gender comes from the head
noun (the last part of a compound decides it: Kreis*haus*, Stadt*halle*)."""

from __future__ import annotations

import re

_ARTICLE = re.compile(r"^(?:der|dem)\s+(?=\S)", re.I)
_ADJECTIVE = re.compile(r"(?:en|er|em|es|e)$")
_NO_PREPOSITION = re.compile(r"^(?:online|per\s|via\s|bei\s|auf\s|https?://)", re.I)

_FEMININE = (
    "halle", "verwaltung", "schule", "bibliothek", "bücherei", "akademie", "kirche", "mühle",
    "gemeinde", "stadt", "mensa", "aula", "kantine", "galerie", "villa", "scheune", "station",
    "etage", "messe", "universität", "fabrik", "werkstatt", "kapelle", "arena", "sparkasse",
    "klinik", "zentrale", "kammer", "stube", "stätte", "gaststätte", "geschäftsstelle",
    "polizei", "feuerwehr", "burg", "post", "ung", "schaft", "erei", "thek", "kaserne",
    "remise", "orangerie", "agentur",
)  # fmt: skip
_MASCULINE_NEUTER = (
    "haus", "saal", "raum", "zimmer", "amt", "zentrum", "forum", "gebäude", "hof", "kreis",
    "büro", "hotel", "café", "cafe", "restaurant", "museum", "schloss", "center", "lokal",
    "foyer", "studio", "heim", "treff", "pavillon", "kloster", "theater", "bürgerhaus",
    "landratsamt", "bezirk", "quartier", "gelände", "heim", "rathaus", "kreishaus",
    "bahnhof", "gasthof", "innenhof", "sitzungssaal", "kastell", "kasino", "casino",
    "atelier", "institut", "rathaussaal",
)  # fmt: skip
_SAFE_ALONE = (
    "halle", "verwaltung", "schule", "bibliothek", "bücherei", "saal", "raum", "zimmer",
    "zentrum", "gebäude", "rathaus", "kreishaus", "amt", "büro", "forum", "gaststätte",
    "geschäftsstelle", "kreis", "gemeinde", "haus",
)  # fmt: skip
"""Endings that name a building even as a single word; a town may end in -burg or -heim."""
_WHOLE_WORD = ("stadt", "burg", "heim", "post", "hof")
"""Only as the whole word: Darmstadt, Hamburg, Mannheim, Bischofshof are towns."""


def without_article(place: str) -> str:
    """ "der Stadthalle Kalkar" (after "in") -> "Stadthalle Kalkar"."""
    return _ARTICLE.sub("", place.strip(), count=1)


def _gender(word: str, alone: bool) -> str | None:
    """ "f" or "mn" for a noun, None for a name (a town, a person, an address)."""
    word = word.strip(",.;:()").casefold()
    if word in _WHOLE_WORD:
        return "f" if word in _FEMININE else "mn"
    if alone:
        return next(
            (g for e, g in _ENDINGS if e in _SAFE_ALONE and word.endswith(e)),
            None,
        )
    return next((g for e, g in _ENDINGS if e not in _WHOLE_WORD and word.endswith(e)), None)


_ENDINGS = sorted(
    [(e, "f") for e in _FEMININE] + [(e, "mn") for e in _MASCULINE_NEUTER],
    key=lambda pair: -len(pair[0]),
)


def german_in(place: str) -> str:
    """ "im Rathaus Kleve", "in der Stadthalle Kalkar", "in Kalkar", "online"."""
    place = place.strip()
    if not place or _NO_PREPOSITION.match(place):
        return place
    words = place.split()
    alone = len(words) == 1
    # the head noun is the first word, or the second after an adjective ("im Alten Rathaus")
    heads = words[:2] if _ADJECTIVE.search(words[0]) and len(words) > 1 else words[:1]
    for word in heads:
        gender = _gender(word, alone)
        if gender == "f":
            return f"in der {place}"
        if gender == "mn":
            return f"im {place}"
    return f"in {place}"


def english_at(place: str) -> str:
    """ "at Kleve town hall", "online"."""
    place = place.strip()
    if not place or _NO_PREPOSITION.match(place) or place.casefold().startswith("at "):
        return place
    return f"at {place}"
