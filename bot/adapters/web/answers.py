"""The answer link of an e-mail address (`/a/<code>`): the open date poll with a checkbox per
time, and Zusage/Absage/Vielleicht for the coming meetings, as plain forms that post to the
page itself (no script, no cookie). What is counted is `bot.usecases.web_answers`'.

A post is taken only with the personal code in its address (which is the secret; a wrong
or dead one is the site's one 404; no cookie is involved, so the code is the form's token)
and not when the browser says it came from another site (`Sec-Fetch-Site`, `Origin`). Bad
input (unknown numbers, no answer at all, an overlong or garbled body) gets a clear sentence
and stores nothing; the same answer sent twice is kept once. After a stored answer the page
is fetched again (303), so reloading it sends nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jinja2
from aiohttp import web

from bot.adapters.web.errors import NotFound
from bot.core.attendance import ANSWERS
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.i18n import Catalog
from bot.i18n.meetings import place_text, when_text
from bot.i18n.polls import option_text
from bot.i18n.texts import Texts
from bot.usecases import web_answers
from bot.usecases.ports import UnitOfWorkFactory

MAX_BODY = 4096
"""Bytes of a form post: ten checkboxes and a few fields need a tenth of it."""
MAX_FIELDS = 40
REFUSALS = {
    "datepoll.none": "web.answer.closed",
    "datepoll.vote_closed": "web.answer.closed",
    "datepoll.vote_unknown": "web.answer.unknown_time",
    "attendance.none_planned": "web.answer.meeting_gone",
    "attendance.past": "web.answer.meeting_gone",
    "attendance.cancelled": "web.answer.meeting_gone",
}
"""The use cases' refusals speak of chat commands; the page says it in its own words."""


class BadForm(Exception):
    """The post cannot be taken; `key` is the sentence saying why, `status` the HTTP code."""

    def __init__(self, key: str, status: int = 400, **params: Any) -> None:
        super().__init__(key)
        self.key, self.status, self.params = key, status, params


@dataclass
class Notice:
    key: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    error: bool = False


class AnswerPages:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        catalog: Catalog,
        env: jinja2.Environment,
        base_url: str = "",
    ) -> None:
        self.uow_factory, self.clock, self.catalog, self.env = uow_factory, clock, catalog, env
        self.base_host = urlsplit(base_url).netloc if base_url else ""

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/a/{code}", self.show)
        app.router.add_post("/a/{code}", self.post)

    async def show(self, request: web.Request) -> web.StreamResponse:
        saved = request.query.get("saved", "")
        notice = Notice(f"web.answer.saved_{saved}") if saved in ("poll", "meeting") else Notice()
        return await self._render(request.match_info["code"], notice)

    async def post(self, request: web.Request) -> web.StreamResponse:
        code = request.match_info["code"]
        try:
            self._same_site(request)
            form = await _form(request)
            kind = await self._store(code, form)
        except BadForm as bad:
            return await self._render(code, Notice(bad.key, bad.params, True), bad.status)
        raise web.HTTPSeeOther(f"/a/{code}?saved={kind}")

    def _same_site(self, request: web.Request) -> None:
        """Refuse what the browser says came from another site. The secret code in the
        address is what makes a post count (another site does not know it); this check
        only adds that a page elsewhere that learnt it cannot post through a visitor."""
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            raise BadForm("web.answer.other_site", 403)
        origin = request.headers.get("Origin", "null")
        if origin == "null":  # what browsers send under our no-referrer policy
            return
        host = urlsplit(origin).netloc
        if not host or host not in (request.host, self.base_host):
            raise BadForm("web.answer.other_site", 403)

    async def _store(self, code: str, form: dict[str, list[str]]) -> str:
        kind = _one(form, "form")
        async with self.uow_factory() as uow:
            who = await web_answers.answerer(uow, code)
            if who is None:
                raise NotFound
            try:
                if kind == "poll":
                    poll_id, numbers = _poll_answer(form)
                    await web_answers.answer_poll(uow, self.clock, who, poll_id, numbers)
                elif kind == "meeting":
                    meeting_id = _number(form, "meeting")
                    answer = _one(form, "answer")
                    if answer not in ANSWERS:
                        raise BadForm("web.answer.choose_one")
                    await web_answers.answer_meeting(uow, self.clock, who, meeting_id, answer)
                else:
                    raise BadForm("web.answer.bad")
            except UserError as refused:
                key = REFUSALS.get(refused.key, "web.answer.bad")
                raise BadForm(key, 409 if key != "web.answer.unknown_time" else 400) from None
            await uow.commit()
        return kind

    async def _render(self, code: str, notice: Notice, status: int = 200) -> web.Response:
        async with self.uow_factory() as uow:
            found = await web_answers.page(uow, self.clock, code)
        if found is None:
            raise NotFound
        p = found.who.partnership
        texts = Texts(self.catalog, p.language, p.timezone)
        html = self.env.get_template("answer.html").render(
            lang=p.language,
            t=texts.text,
            name=p.name,
            who=found.who.name,
            member=found.who.member.name if found.who.member else "",
            notice=_notice(texts, notice),
            error=notice.error,
            poll=_poll(texts, found),
            meetings=[_meeting(texts, m) for m in found.meetings],
            answers=ANSWERS,
        )
        return web.Response(status=status, text=html, content_type="text/html", charset="utf-8")


def _notice(texts: Texts, notice: Notice) -> str:
    if not notice.key:
        return ""
    try:
        return texts.text(notice.key, **notice.params)
    except (KeyError, ValueError):
        return texts.text("web.answer.bad")


def _poll(texts: Texts, found: web_answers.AnswerPage) -> dict[str, Any] | None:
    poll = found.poll
    if poll is None:
        return None
    chosen = found.chosen
    return {
        "id": poll.id,
        "deadline": texts.when(poll.deadline),
        "options": [
            {
                "number": o.number,
                "text": option_text(texts, o),
                "checked": o.number in (chosen or ()),
            }
            for o in poll.options
        ],
        "none": chosen == (),
        "answered": chosen is not None,
    }


def _meeting(texts: Texts, choice: web_answers.MeetingChoice) -> dict[str, Any]:
    m = choice.meeting
    return {
        "id": m.id,
        "when": when_text(texts, m),
        "iso": m.starts_at.isoformat(),
        "day": texts.date(m.starts_at),
        "place": place_text(m, choice.host),
        "host": choice.host.name if choice.host else "-",
        "answer": choice.answer or "",
    }


async def _form(request: web.Request) -> dict[str, list[str]]:
    if (request.content_length or 0) > MAX_BODY:
        raise BadForm("web.answer.too_long", 413)
    kind = request.headers.get("Content-Type", "application/x-www-form-urlencoded")
    if not kind.lower().startswith("application/x-www-form-urlencoded"):
        raise BadForm("web.answer.bad", 415)
    body = b""
    while len(body) <= MAX_BODY:
        chunk = await request.content.read(MAX_BODY + 1 - len(body))
        if not chunk:
            break
        body += chunk
    if len(body) > MAX_BODY:
        raise BadForm("web.answer.too_long", 413)
    try:
        return parse_qs(
            body.decode("utf-8"),
            keep_blank_values=False,
            strict_parsing=False,
            max_num_fields=MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        raise BadForm("web.answer.bad") from None


def _one(form: dict[str, list[str]], name: str) -> str:
    values = form.get(name, [])
    return values[0] if len(values) == 1 else ""


def _number(form: dict[str, list[str]], name: str) -> int:
    value = _one(form, name)
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise BadForm("web.answer.bad")
    return int(value)


def _poll_answer(form: dict[str, list[str]]) -> tuple[int, tuple[int, ...]]:
    poll_id = _number(form, "poll")
    times = form.get("time", [])
    if any(not t.isascii() or not t.isdigit() or len(t) > 3 for t in times):
        raise BadForm("web.answer.bad")
    none = _one(form, "none") == "1"
    if none and times:
        raise BadForm("web.answer.both")
    if not none and not times:
        raise BadForm("web.answer.nothing")
    return poll_id, tuple(int(t) for t in times)
