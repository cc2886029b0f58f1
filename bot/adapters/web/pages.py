"""The pages: what each one shows, read through `bot.usecases.web_pages`, rendered with the
Jinja2 templates beside this file (autoescaped: user text is always text)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from bot.core.attendance import MAYBE, NO, YES
from bot.core.model import Meeting, Member
from bot.i18n import Catalog
from bot.i18n.meetings import period_text, place_text, taker_text, when_text
from bot.i18n.texts import Texts
from bot.usecases import web_pages
from bot.usecases.attendance_tally import Tally
from bot.usecases.base import Call
from bot.usecases.members import host_order
from bot.usecases.minutes_render import MinutesDoc, day_text

HERE = Path(__file__).parent
NAV = (
    ("overview", ""),
    ("meetings", "meetings"),
    ("minutes", "minutes"),
    ("actions", "actions"),
    ("decisions", "decisions"),
    ("rules", "rules"),
)
"""Each part and its path below the site's address."""


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def web_href(url: str) -> str:
    """An address a page may link to: http(s) only; anything else is shown as text."""
    return url if urlsplit(url).scheme in ("http", "https") else ""


@dataclass
class Page:
    """One page being rendered: the visit, its texts and the site's address prefix."""

    env: jinja2.Environment
    catalog: Catalog
    visit: web_pages.Visit
    prefix: str
    call: Call

    @property
    def texts(self) -> Texts:
        p = self.visit.partnership
        return Texts(self.catalog, p.language, p.timezone)

    def t(self, key: str, **params: Any) -> str:
        return self.texts.text(key, **params)

    def render(self, template: str, part: str, title: str, **values: Any) -> str:
        nav = [
            {"href": f"{self.prefix}/{path}", "label": self.t(f"web.part.{name}"), "part": name}
            for name, path in NAV
            if name in self.visit.parts or (name == "overview")
        ]
        return self.env.get_template(template).render(
            lang=self.visit.partnership.language,
            t=self.t,
            name=self.visit.partnership.name,
            title=title,
            part=part,
            nav=nav,
            private=self.visit.private,
            href=web_href,
            **values,
        )

    def meeting(
        self, meeting: Meeting, host: Member | None, taker: str | None = None
    ) -> dict[str, Any]:
        texts = self.texts
        return {
            "uid": meeting.uid,
            "when": when_text(texts, meeting),
            "place": place_text(meeting, host),
            "online": meeting.online_url,
            "host": host.name if host else "-",
            "taker": taker_text(texts, host.name if host else None, taker),
            "cancelled": meeting.cancelled,
            "reason": meeting.cancel_reason,
            "iso": meeting.starts_at.isoformat(),
        }

    async def overview(self) -> str:
        shown = "overview" in self.visit.parts
        values: dict[str, Any] = {"shown": shown}
        if shown:
            found = await web_pages.overview(self.call)
            values |= self._overview_values(found)
        return self.render("overview.html", "overview", self.t("web.part.overview"), **values)

    def _overview_values(self, found: web_pages.Overview) -> dict[str, Any]:
        texts = self.texts
        nxt = found.next
        expected = ""
        if nxt.meeting is None and nxt.expected is not None and nxt.expected.period is not None:
            expected = self.t(
                "web.expected",
                host=nxt.expected.member.name,
                period=period_text(texts, nxt.expected.period),
            )
        agenda = found.agenda
        standing = []
        if agenda.standing.last_minutes is not None:
            standing.append(
                self.t(
                    "agenda.standing_minutes",
                    date=texts.date(agenda.standing.last_minutes.starts_at),
                )
            )
        if agenda.standing.open_actions:
            standing.append(self.t("web.standing_actions", count=len(agenda.standing.open_actions)))
        turns = [
            {
                "host": turn.member.name,
                "when": when_text(texts, turn.meeting)
                if turn.meeting is not None
                else (period_text(texts, turn.period) if turn.period is not None else ""),
            }
            for turn in found.rotation.turns
        ]
        roster = found.roster
        members = [
            {
                "name": m.name,
                "contacts": [p.display_name for p in roster.contacts_of(m)]
                if self.visit.show_contacts
                else [],
            }
            for m in host_order(roster.members)
        ]
        return {
            "next": self.meeting(nxt.meeting, nxt.host, nxt.taker) if nxt.meeting else None,
            "expected": expected,
            "standing": standing,
            "items": [
                {
                    "text": i.text,
                    "by": i.proposer,
                    "field": self.t(f"field.{i.field}") if i.field else "",
                    "carried": i.carried_over,
                }
                for i in (agenda.items if nxt.meeting is not None else [])
            ],
            "turns": turns,
            "members": members,
            "show_contacts": self.visit.show_contacts,
            "replies": self._replies(found.replies),
        }

    def _replies(self, found: Tally | None) -> str:
        """ "3 von 5 Mitgliedern haben geantwortet: 2 kommen, 1 nicht"."""
        if found is None or not found.members:
            return ""
        total = len(found.members)
        answered = [m for m in found.members if m.answer is not None]
        if not answered:
            return self.t("web.replies", count=0, total=total)
        parts = [
            self.t(f"web.replies.{answer}", count=n)
            for answer in (YES, NO, MAYBE)
            if (n := len(found.with_answer(answer)))
        ]
        return self.t("web.replies", count=len(answered), total=total) + ": " + ", ".join(parts)

    async def meetings(self) -> str:
        found = await web_pages.meetings_page(self.call)
        minutes = "minutes" in self.visit.parts

        def row(r: web_pages.MeetingRow) -> dict[str, Any]:
            return self.meeting(r.meeting, r.host) | {"minutes": r.minutes and minutes}

        return self.render(
            "meetings.html",
            "meetings",
            self.t("web.part.meetings"),
            coming=[row(r) for r in found.coming],
            past=[row(r) for r in found.past],
        )

    async def minutes_list(self) -> str:
        found = await web_pages.meetings_page(self.call)
        rows = [self.meeting(r.meeting, r.host) for r in found.past if r.minutes]
        return self.render("minutes_list.html", "minutes", self.t("web.part.minutes"), rows=rows)

    async def minutes(self, uid: str) -> str | None:
        doc = await web_pages.minutes_of(self.call, uid)
        if doc is None:
            return None
        title = self.t("web.minutes_of", date=self.texts.date(doc.when))
        return self.render("minutes.html", "minutes", title, doc=self._doc(doc))

    def _doc(self, doc: MinutesDoc) -> dict[str, Any]:
        lang = self.visit.partnership.language
        return {
            "when": self.texts.when(doc.when),
            "place": doc.place,
            "host": doc.host,
            "taker": doc.taker or self.t("meeting.taker_host", host=doc.host or "-"),
            "present": doc.present,
            "text": doc.text.split("\n") if doc.text else [],
            "topics": [
                {
                    "title": topic.title,
                    "infos": topic.infos,
                    "decisions": topic.decisions,
                    "actions": [
                        {
                            "number": a.number,
                            "owner": a.owner,
                            "text": a.text,
                            "due": day_text(date.fromisoformat(a.due), lang) if a.due else "",
                        }
                        for a in topic.actions
                    ],
                }
                for topic in doc.topics
            ],
            "carried": doc.carried,
        }

    async def actions(self) -> str:
        found = await web_pages.open_actions(self.call)
        lang = self.visit.partnership.language
        rows = [
            {
                "number": a.item.number,
                "text": a.item.text,
                "owner": a.owner,
                "due": day_text(a.item.due, lang) if a.item.due else "",
                "iso": a.item.due.isoformat() if a.item.due else "",
                "from": self.texts.date(a.meeting_at) if a.meeting_at else "",
            }
            for a in found
        ]
        return self.render("actions.html", "actions", self.t("web.part.actions"), rows=rows)

    async def decisions(self) -> str:
        found = await web_pages.decisions(self.call)
        groups = [{"when": self.texts.date(doc.when), "decisions": items} for doc, items in found]
        return self.render(
            "decisions.html", "decisions", self.t("web.part.decisions"), groups=groups
        )

    async def rules(self) -> str:
        text = await web_pages.rules(self.call)
        lines = text.split("\n") if text else []
        return self.render("rules.html", "rules", self.t("web.part.rules"), lines=lines)
