"""The fuzzer's world: two partnerships in two rooms, an unlinked third room, six people.

Commands may name anything here, including the other partnership's members and people, so
the checks can see that one partnership's commands never change another's data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ROOMS = ("main", "other", "spare")
USERS = ("anna", "bernd", "carla", "dora", "emil", "fremd")
ADMINS = {"main": {"anna"}, "other": {"dora"}, "spare": {"fremd"}}
"""Room administrators (coordinators by the platform's word) per room."""
HOME = {"main": ("anna", "bernd", "carla"), "other": ("dora", "emil"), "spare": ("fremd",)}
"""Who usually speaks in a room; anybody may speak anywhere now and then."""

MEMBERS = {
    "main": ("Kleve", "Goch", "Jüchen"),
    "other": ("Emmerich am Rhein", "Rees", "Straelen"),
}
MORE_MEMBERS = (
    "Bedburg-Hau",
    "Kranenburg",
    "Übach-Palenberg",
    "Öhringen",
    "Straßburg",
    "Kreis Kleve",
    "Jobcenter Kreis Kleve",
    "Stadtwerke Goch GmbH",
    "Juechen",
    "kleve",
    "Weeze",
)
ZONES = (
    "Europe/Berlin",
    "America/St_Johns",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Etc/GMT+12",
    "Etc/GMT-14",
    "UTC",
    "Europe/London",
    "Asia/Tehran",
)

SETUP = """
:room main
:admin anna
@anna: /setup Klima-Allianz Nord
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
@anna: /mitglied neu Jüchen
@anna: /ichbin Kleve
@bernd: /ichbin Goch
@carla: /ichbin Jüchen
@anna: /termin {first_meeting} 10:00 im Rathaus Kleve
@anna: /tagesordnung neu Radverkehr #mobilität
@bernd: /tagesordnung neu Wärmeplanung
:room other
:admin dora
@dora: /setup Bündnis Süd
@dora: /mitglied neu Emmerich am Rhein
@dora: /mitglied neu Rees
@dora: /mitglied neu Straelen
@dora: /ichbin Emmerich am Rhein
@emil: /ichbin Rees
@dora: /einstellungen zeitzone America/St_Johns
@dora: /erinnern morgen 10:00 Förderantrag
:room spare
:admin fremd
"""

_CODE = re.compile(r"\b[A-Z0-9]{8}\b")
_TOKEN = re.compile(r"/(?:ja|yes|nein|no) ([0-9a-f]{8})\b")


@dataclass
class World:
    """What the fuzzer learned from the bot's answers: link codes, confirmation tokens."""

    codes: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)

    def learn(self, text: str) -> None:
        if "/link" in text or "/verbinden" in text:
            self.codes = (self.codes + _CODE.findall(text))[-5:]
        self.tokens = (self.tokens + _TOKEN.findall(text))[-5:]

    @staticmethod
    def member_names() -> tuple[str, ...]:
        return MEMBERS["main"] + MEMBERS["other"] + MORE_MEMBERS

    @staticmethod
    def person_names() -> tuple[str, ...]:
        return USERS + tuple("@" + u for u in USERS) + ("console:anna", "niemand", "Anna")
