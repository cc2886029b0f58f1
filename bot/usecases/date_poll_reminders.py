"""The date poll's reminder kinds, planned from the database like every reminder: members
without an answer are reminded two days before the deadline, and at the deadline the poll
closes with a proposal (which ends the platforms' polls)."""

from __future__ import annotations

from datetime import datetime

from bot.core.model import Partnership, Person, Reminder
from bot.i18n import Catalog
from bot.i18n import polls as poll_texts
from bot.i18n.texts import Texts
from bot.usecases import roles
from bot.usecases.date_polls import REMIND_BEFORE, accepts_votes, close_poll, count
from bot.usecases.members import roster
from bot.usecases.ports import UnitOfWork
from bot.usecases.reminder_model import Notice, Situation, Wanted


async def plan_date_polls(s: Situation) -> list[Wanted]:
    poll = await s.uow.date_polls.latest(s.partnership.id)
    if poll is None or not poll.open:
        return []
    wanted = [Wanted("datepoll_close", str(poll.id), poll.deadline, {"poll": poll.id})]
    remind_at = poll.deadline - REMIND_BEFORE
    if remind_at > poll.created_at:
        wanted.append(Wanted("datepoll_remind", str(poll.id), remind_at, {"poll": poll.id}))
    return wanted


async def render_remind(
    uow: UnitOfWork, catalog: Catalog, p: Partnership, r: Reminder, now: datetime
) -> Notice | None:
    """To the contact persons of members without an answer; nothing when all answered."""
    poll = await uow.date_polls.get(int(r.payload["poll"]))
    if poll is None or poll.partnership_id != p.id or not accepts_votes(poll, now):
        return None
    counted = await count(uow, p, poll)
    if not counted.missing:
        return None
    team = await roster(uow, p)
    people: list[Person] = [person for m in counted.missing for person in team.contacts_of(m)]
    texts = Texts(catalog, p.language, p.timezone)
    blocks = [
        texts.t(
            "datepoll.reminder",
            count=len(counted.missing),
            names=poll_texts.names(counted.missing),
            deadline=texts.when(poll.deadline),
        ),
        *poll_texts.tally_blocks(texts, counted)[:1],
        poll_texts.how_to_vote(texts, poll),
    ]
    return Notice(blocks, people)


async def render_close(
    uow: UnitOfWork, catalog: Catalog, p: Partnership, r: Reminder, now: datetime
) -> Notice | None:
    """Closes the poll at its deadline; the result goes to every room, with the host's
    contact persons (or the coordination) named to decide."""
    poll = await uow.date_polls.get(int(r.payload["poll"]))
    if poll is None or poll.partnership_id != p.id or not poll.open:
        return None
    event = await close_poll(uow, p, poll, now, "")
    texts = Texts(catalog, p.language, p.timezone)
    reply = poll_texts.closed(texts, event.tally, event.proposal, event.host, "")
    team = await roster(uow, p)
    people = team.contacts_of(event.host) if event.host is not None else []
    if not people:
        people = await roles.coordinators(uow, p)
    return Notice(list(reply.blocks), people, buttons=reply.buttons, poll=reply.poll)
